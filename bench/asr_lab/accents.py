#!/usr/bin/env python3
"""Recognition by accent and voice, on eSpeak NG's regional English voices.

The recordings carry no accent labels, so this renders every phrase of the
answer context (answers and commands) with `synth` in each of eSpeak NG's
English accents, each in its default (male) voice and the +f3 (female)
variant, at 160 words a minute, runs `voice-kiosk recognize --context
answer` over them, and prints one row per voice: phrases understood
(meaning right, at the confirm band or above), in the accept band, and
wrong meanings acted on or said back.  Synthetic accents are only a rough
stand-in for real ones: they change vowels and rhythm the way eSpeak's
rules do, not the way people do.

usage: accents.py [--out DIR] [--kiosk PATH]   (after `make synth` here and
       ../../scripts/build.sh)
"""
import argparse
import collections
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from recognition_bench import meaning_table  # noqa: E402

ACCENTS = [("en-us", "US"), ("en-us-nyc", "US, New York City"),
           ("en-gb-x-rp", "British, Received Pronunciation"), ("en", "British"),
           ("en-gb-scotland", "Scottish"), ("en-gb-x-gbclan", "British, Lancastrian"),
           ("en-gb-x-gbcwmd", "British, West Midlands"), ("en-029", "Caribbean")]
CONFIRM, ACCEPT = 0.40, 0.80


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "out", "accents"))
    ap.add_argument("--kiosk", default=os.path.join(ROOT, "build", "voice-kiosk"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    voices = [v + s for v, _ in ACCENTS for s in ("", "+f3")]
    with open(os.path.join(args.out, "manifest.tsv"), "w") as man:
        subprocess.run([os.path.join(HERE, "synth"), "-voices", ",".join(voices), "-rates", "160",
                        "-contexts", "answer", os.path.join(ROOT, "grammars"), args.out],
                       stdout=man, check=True)
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(args.out, "manifest.tsv"))][1:]
    meaning = meaning_table("answer")
    paths = [os.path.join(args.out, r[0]) for r in rows]
    out = subprocess.run([args.kiosk, "recognize", "--context", "answer"] + paths,
                         capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        f, m, _, c = line.split("\t")
        res[f] = (m, float(c))
    n = collections.Counter()
    for (path, label, speaker, *_), full in zip(rows, paths):
        voice = speaker.split(":", 1)[1].split("@")[0]
        m, c = res[full]
        want = meaning[label]
        kind = "answers" if want in ("yes", "no", "unsure") else "commands"
        for key in ((voice, kind), (voice, "all"), ("all", kind), ("all", "all")):
            n[key + ("n",)] += 1
            if c >= CONFIRM and m:
                n[key + ("right" if m == want else "wrong",)] += 1
            if c >= ACCEPT and m:
                n[key + ("band",)] += 1
                n[key + ("band_right",)] += m == want
    print("| voice | accent | answers understood | commands understood | all understood "
          "| accept band right | wrong meaning acted on or said back |")
    print("|---|---|---|---|---|---|---|")
    names = dict(ACCENTS)
    for v in voices + ["all"]:
        base, _, var = v.partition("+")
        name = "all voices" if v == "all" else names[base] + (", female variant" if var else "")
        cell = lambda k: "%.0f%% (%d/%d)" % (100.0 * n[v, k, "right"] / n[v, k, "n"], n[v, k, "right"], n[v, k, "n"])
        bn = n[v, "all", "band"]
        print("| %s | %s | %s | %s | %s | %s | %d |" % (
            v, name, cell("answers"), cell("commands"), cell("all"),
            "%.1f%% (n=%d)" % (100.0 * n[v, "all", "band_right"] / bn, bn) if bn else "-",
            n[v, "all", "wrong"]))


if __name__ == "__main__":
    main()
