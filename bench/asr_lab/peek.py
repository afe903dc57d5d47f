#!/usr/bin/env python3
"""Shows the raw confidence of given phrases per eSpeak voice at 160 wpm.
usage: peek.py W0,W1,... run.tsv phrase..."""
import sys, math, csv
sys.path.insert(0, sys.path[0])
from fit2 import feats
w = [float(v) for v in sys.argv[1].split(",")]
rows = [r for r in csv.DictReader(open(sys.argv[2]), delimiter="\t") if int(r["uidx"]) >= 0]
for ph in sys.argv[3:]:
    out = []
    for r in rows:
        if r["label"] == ph and r["speaker"].endswith("@160"):
            z = sum(a * b for a, b in zip(w, feats(r))) if r["words"] else -30
            out.append("%s:%s=%.2f" % (r["speaker"][13:-4] or "us", r["words"].replace(" ", "_"), 1 / (1 + math.exp(-z))))
    print(ph, " ".join(out))
