#!/usr/bin/env python3
"""Writes acoustic/en-us/rivals: the N most frequent English words of the
pocketsphinx-en-us language model (its unigram log probabilities) that are
in the pronunciation dictionary, are plain lower-case words, and are not
words of the shipped grammars (grammars/*.gram).  The kiosk decodes each
short utterance a second time with these words beside the grammar's
phrases (src/asr.c, "Rivals"); bench/asr_lab/README.md, round 9.

usage: make_rivals.py [N] > acoustic/en-us/rivals     (default N = 300)
Needs a C compiler and libsphinxbase-dev (the kiosk's own build deps).
Deterministic: the same package gives the same file.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

MODEL = "/usr/share/pocketsphinx/model/en-us"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def unigrams(lm_bin, words):
    """(log10 unigram probability, word) of each word the language model
    knows, most frequent first (unigrams.c, built here)."""
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "unigrams")
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "sphinxbase"],
                               check=True, capture_output=True, text=True).stdout.split()
        subprocess.run(["cc", "-std=c11", "-O2", "-o", exe, os.path.join(HERE, "unigrams.c")] +
                       flags + ["-lm"], check=True)
        got = subprocess.run([exe, lm_bin], input="\n".join(sorted(words)) + "\n",
                             check=True, capture_output=True, text=True).stdout
    out = []
    for line in got.splitlines():
        p, w = line.split("\t")
        out.append((float(p), w))
    out.sort(key=lambda x: (-x[0], x[1]))
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    in_dict = set()
    for line in open(os.path.join(MODEL, "cmudict-en-us.dict"), encoding="latin-1"):
        in_dict.add(re.sub(r"\(\d+\)$", "", line.split()[0]))
    grammar_words = set()
    for g in glob.glob(os.path.join(ROOT, "grammars", "*.gram")):
        text = re.sub(r"//.*", "", open(g).read())
        text = re.sub(r"\{[^}]*\}|<[^>]*>|#JSGF[^;]*;|grammar [^;]*;", " ", text)
        grammar_words |= set(re.findall(r"[a-z']+", text.lower()))
    words = []
    for _, w in unigrams(os.path.join(MODEL, "en-us.lm.bin"), in_dict):
        if len(words) == n:
            break
        if re.fullmatch(r"[a-z]+", w) and w in in_dict and w not in grammar_words:
            words.append(w)
    print("# Rival words for src/asr.c: the %d most frequent words of the" % n)
    print("# pocketsphinx-en-us language model that the shipped grammars do not")
    print("# use (made by bench/asr_lab/rivals/make_rivals.py; see acoustic/README.md).")
    for w in words:
        print(w)


if __name__ == "__main__":
    main()
