#!/usr/bin/env python3
"""Share of yes/no clips whose best-scoring utterance has the clip's
meaning, before any confidence cut, and per-turn compute (turn_ms of the
feed call that returned the result): anyright.py out.tsv ..."""
import csv
import sys

for fn in sys.argv[1:]:
    best, turns = {}, []
    for r in csv.DictReader(open(fn), delimiter="\t"):
        if r["label"] not in ("yes", "no"):
            continue
        if int(r["uidx"]) < 0:
            best.setdefault(r["path"], (-1.0, False))
            continue
        turns.append(float(r["turn_ms"]))
        ok = r["meaning"] == r["label_meaning"] and r["meaning"] != ""
        raw = float(r["raw"])
        if raw > best.get(r["path"], (-1.0, False))[0]:
            best[r["path"]] = (raw, ok)
    n = len(best)
    right = sum(ok for _, ok in best.values())
    turns.sort()
    p = lambda q: turns[min(len(turns) - 1, int(q * len(turns)))] if turns else 0
    print("%s: right %.1f%% (%d/%d)  turn ms median %.2f p95 %.2f max %.2f"
          % (fn, 100.0 * right / max(n, 1), right, n, p(0.5), p(0.95), p(1.0)))
