#!/usr/bin/env python3
"""Adaptation lists for adapt.sh, from the shared dev manifest.

usage: lists.py OUT [--fold K] [--synth MANIFEST RATE]

Half A speakers only (bench/recognition_bench.py's split, so half B stays
held out), clips with words (no noise), licence CC-BY-4.0, BSD or public
domain only (no share-alike or non-commercial source goes into a model).
--fold K leaves out the speakers of fold K of half A (the next bit of the
same hash), for out-of-fold features.  --synth adds the eSpeak NG
renderings of asr_lab/synth at one rate.  Writes OUT.fileids (real/...,
synth/...), OUT.transcription and OUT.dic (cmudict's first pronunciation
of every word used)."""
import argparse, hashlib, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from recognition_bench import half  # the benchmark's own split
D = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "speech"))
CMU = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"


def fold(spk):
    """half A's speakers in two: the next bit of the benchmark's hash"""
    return (int(hashlib.sha1(spk.encode()).hexdigest(), 16) >> 1) % 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--fold", type=int)
    ap.add_argument("--synth", nargs=2, metavar=("MANIFEST", "RATE"))
    ap.add_argument("--data", default=D)
    a = ap.parse_args()
    cmu = {}
    for line in open(CMU):
        w, p = line.split(None, 1)
        cmu.setdefault(w, p.strip())
    ctl, lsn, words = [], [], set()

    def add(uid, label):
        ws = label.split()
        if all(w in cmu for w in ws):
            ctl.append(uid)
            lsn.append("<s> %s </s> (%s)" % (" ".join(ws), os.path.basename(uid)))
            words.update(ws)

    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(a.data, "manifest.tsv"))][1:]
    for path, label, spk, _src, lic in rows:
        if label == "noise" or half(spk) != "A" or "-SA-" in lic or "-NC-" in lic:
            continue
        if a.fold is not None and fold(spk) == a.fold:
            continue
        add("real/" + path[:-4], label)
    if a.synth:
        for path, label, spk, *_ in [l.rstrip("\n").split("\t") for l in open(a.synth[0])][1:]:
            if spk.rsplit("@", 1)[1] == a.synth[1]:
                add("synth/" + path[:-4], label)
    open(a.out + ".fileids", "w").write("\n".join(ctl) + "\n")
    open(a.out + ".transcription", "w").write("\n".join(lsn) + "\n")
    open(a.out + ".dic", "w").write("".join("%s %s\n" % (w, cmu[w]) for w in sorted(words)))
    print("%s: %d clips, %d words" % (a.out, len(ctl), len(words)), file=sys.stderr)


main()
