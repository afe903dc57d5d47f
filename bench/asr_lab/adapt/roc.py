#!/usr/bin/env python3
"""roc.py HALF DUMP...: sweeps the confirm cut over recognition_bench.py
--dump files (A, B or all): yes/no/stop right and false accepts per cut."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from recognition_bench import half  # the benchmark's own split
H = sys.argv[1]
for fn in sys.argv[2:]:
    rows = [l.rstrip("\n").split("\t") for l in open(fn)]
    rows = [r for r in rows if H == "all" or half(r[2]) == H]
    print(fn)
    for t in (0.40, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
        def rate(cls, ok):
            s = [r for r in rows if r[3] in cls]
            return 100.0 * sum(ok(r) for r in s) / max(len(s), 1)
        right = lambda r: r[4] == r[1] and float(r[5]) >= t
        acc = lambda r: r[4] != "" and float(r[5]) >= t
        print("  t=%.2f yes %.1f no %.1f stop %.1f | 10dB %.1f 5dB %.1f | FA other %.1f sent %.1f noise %.1f"
              % (t, rate({"yes"}, right), rate({"no"}, right), rate({"stop"}, right),
                 rate({"yes@10dB", "no@10dB"}, right), rate({"yes@5dB", "no@5dB"}, right),
                 rate({"other"}, acc), rate({"sentence"}, acc), rate({"noise"}, acc)))
