#!/usr/bin/env python3
"""Compares lab variants at one operating point.
usage: compare.py NAME...  (reads out/v_NAME_real.tsv and out/v_NAME_syn.tsv)
For each: fits the logistic on the tune half (A), picks the lowest raw
threshold where out-of-grammar words of A are accepted <= 8%, and prints the
held-out half (B) at that threshold."""
import sys
sys.path.insert(0, sys.path[0])
import fit2
class A: neg_weight = 2.0
fit2.args = A
for name in sys.argv[1:]:
    runs = ["out/v_%s_real.tsv" % name, "out/v_%s_syn.tsv" % name]
    clips = [c for fn in runs for c in fit2.load(fn).values()]
    X, Y, S = fit2.data(clips, "A", 1.0)
    w = fit2.fit(X, Y, S, it=1500)
    fit2.score(clips, w)
    T = 0.99
    for t in [i / 100 for i in range(5, 100)]:
        m, _ = fit2.sweep(clips, t, "A")
        a, n = m["FA other"]
        if a <= 0.08 * n:
            T = t; break
    m, b = fit2.sweep(clips, T, "B")
    ma, _ = fit2.sweep(clips, T, "A")
    pct = lambda mm, k: "%.1f" % (100.0 * mm[k][0] / max(mm[k][1], 1))
    print(f"{name:10s} T={T:.2f} B: yes {pct(m,'yes')} no {pct(m,'no')} stop {pct(m,'stop')} FAother {pct(m,'FA other')} FAnoise {pct(m,'FA noise')} syn:in {pct(m,'syn:in')} synFA {pct(m,'FA syn:out')} | A: yes {pct(ma,'yes')} no {pct(ma,'no')} syn:in {pct(ma,'syn:in')}")
    print("   W =", ", ".join("%.4f" % v for v in w))
