#!/usr/bin/env python3
"""Recognition floor test: every clean clip of the held-out speakers in
../shared/data/speech, through `voice-kiosk recognize --context answer`.

usage: floor.py VOICE_KIOSK DATA_DIR

The clips are those bench/recognition_bench.py counts (yes, no, stop, words
outside the grammar, sentences without an answer word, noise; the same
classify()) whose speaker is in its half B, which the confidence is never
fitted on: about 460 clips, a minute on this machine.  (An earlier version
used 78 of them; there one dither seed more or less moved a row by a clip,
the whole margin: see FLOORS.)  Each clip is padded with 0.5 s of silence
at each end, as the benchmark does (a kiosk hears words inside a stream).
The test asserts floors for accuracy and ceilings for false accepts
(FLOORS below), so that a regression of the recogniser fails the build.  It
prints every clip's result and the table.
"""
import os
import struct
import subprocess
import sys
import tempfile
import wave

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# kind -> ("min" accuracy % | "max" accepted %, limit).  The recogniser of
# commit b61f5d1 (stock means), run with PocketSphinx's dither seed 1
# (shipped), 2 and 3, showed how far the seed alone moves a row: up to
# three clips (yes 75-78 of 98, no 68-69 of 100, other words 16-19 of 196,
# noise 4-6 of 36, accept band 95.6-97.4%).  The limits are now set on the
# adapted means and the cuts of round 8 (acoustic/README.md; one run: yes
# 80 of 98, no 75 of 100, stop 6 of 11, other words 17 of 196, sentences
# 1 of 16, noise 0 of 36, accept band 92 of 93 right): five clips worse
# (the seed's three and two more), two for stop and the band's errors
# (few clips), and never looser than before, so only a regression beyond
# the recogniser's own spread fails the build.  Round 9 (the rival words,
# src/asr.c) moved yes to 81, no to 77 and other words to 14 of 196; their
# limits were set again five clips away.  Round 10 (spare speech) took
# sentences to 0 of 16: their limit is now two clips.  Round 11 (the
# clean-utterance rival veto) took other words to 5 of 196 (here; the
# benchmark's half B: 6): limit five clips away.  Yes 80, no 74 here.
FLOORS = {
    "yes": ("min", 77.5),       # 76 of 98
    "no": ("min", 72.0),        # 72 of 100
    "stop": ("min", 36.0),      # 4 of 11
    "other": ("max", 5.2),      # 10 of 196
    "sentence": ("max", 12.5),  # 2 of 16
    "noise": ("max", 13.9),     # 5 of 36
    "accept_band": ("min", 96.7),  # 3 wrong of ~93
}


def read_accept(root):
    for line in open(os.path.join(root, "src", "asr.h")):
        p = line.split()
        if len(p) == 3 and p[0] == "#define" and p[1] == "VK_ASR_ACCEPT":
            return float(p[2])
    sys.exit("VK_ASR_ACCEPT not found in src/asr.h")


def pad(src, dst):
    with wave.open(src) as w:
        if w.getframerate() != 16000 or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit("%s: not 16 kHz mono 16-bit" % src)
        raw = w.readframes(w.getnframes())
    z = b"\0\0" * 8000
    with wave.open(dst, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(z + raw + z)


def held_out_clips(data):
    """(path, label, kind) of every clip the benchmark counts whose speaker
    is in its held-out half B, in manifest order."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import recognition_bench as rb
    words = rb.grammar_phrases("answer")
    keywords = {p for p in rb.meaning_table("answer") if " " not in p}
    clips = []
    for line in list(open(os.path.join(data, "manifest.tsv")))[1:]:
        path, label, speaker = line.rstrip("\n").split("\t")[:3]
        kind = rb.classify(label, words, keywords)
        if kind and rb.half(speaker) == "B":
            clips.append((path, label, kind))
    return clips


def recognize(kiosk, files, env=None):
    """file -> (meaning, words, confidence) from `voice-kiosk recognize
    --context answer`; exits on a failed run or a missing result."""
    proc = subprocess.run([kiosk, "recognize", "--context", "answer"] + files,
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit("recognize failed (%d): %s" % (proc.returncode, proc.stderr))
    got = {}
    for line in proc.stdout.splitlines():
        f, meaning, words, conf = line.split("\t")
        got[f] = (meaning, words, float(conf))
    if len(got) != len(files):
        sys.exit("recognize gave %d results for %d clips" % (len(got), len(files)))
    return got


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, data = sys.argv[1:]
    accept = read_accept(ROOT)
    tmp = tempfile.mkdtemp(prefix="vk-floor-")
    items = []
    for i, (path, label, kind) in enumerate(held_out_clips(data)):
        src = os.path.join(data, path)
        if not os.path.exists(src):
            sys.exit("missing recording %s (the shared data set belongs beside the project)" % src)
        dst = os.path.join(tmp, "f%04d.wav" % i)
        pad(src, dst)
        items.append((dst, path, label, kind))
    got = recognize(kiosk, [it[0] for it in items])
    subprocess.run(["rm", "-rf", tmp])
    stats = {}
    band = [0, 0]
    for dst, path, label, kind in items:
        meaning, words, conf = got[dst]
        if kind in ("yes", "no", "stop"):
            ok = meaning == label
        else:
            ok = meaning != ""  # accepted: a false accept
        s = stats.setdefault(kind, [0, 0])
        s[0] += ok
        s[1] += 1
        if meaning and conf >= accept:
            band[1] += 1
            band[0] += meaning == label
        print("%-8s %-55s -> %-8s %-16s %.3f" % (kind, path, meaning or "-", words or "-", conf))
    stats["accept_band"] = band
    failed = []
    print("\n| measure | n | measured | limit |\n|---|---|---|---|")
    for kind, (how, limit) in FLOORS.items():
        c, n = stats.get(kind, [0, 0])
        if n == 0:
            failed.append("%s: no clips" % kind)
            continue
        pct = 100.0 * c / n
        bad = pct < limit if how == "min" else pct > limit
        print("| %s | %d | %.1f%% | %s %.0f%% |" % (kind, n, pct, ">=" if how == "min" else "<=", limit))
        if bad:
            failed.append("%s %.1f%% (%d/%d), limit %s %.0f%%" % (kind, pct, c, n, how, limit))
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
