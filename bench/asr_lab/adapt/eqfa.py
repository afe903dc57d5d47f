#!/usr/bin/env python3
"""eqfa.py [--on CLASSES] [--place-on A] HALF DUMP...: compares recognition_bench.py --dump files at
equal false accepts.  For each dump the confirm cut is raised (from the
shipped one; it cannot go lower, the dump has no meaning below it) to the
lowest confidence at which its share of other words accepted on HALF
(A, B or all) is at most a target; the targets are every dump's own share
at the shipped cut.  --on other,other@10dB matches on those classes
pooled instead of the clean other words alone.  --place-on A places each
dump's cut on half A instead (at most the first dump's share on A) and
prints HALF's rows at that cut: no tuning on the held-out half.  Rows as roc.py's, plus the accept
band (conf >= 0.80) and other words/sentences at 10 dB accepted."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from recognition_bench import half  # the benchmark's own split
args = sys.argv[1:]
ON = {"other"}
if args[0] == "--on":
    ON = set(args[1].split(","))
    args = args[2:]
PLACE = None
if args[0] == "--place-on":
    PLACE = args[1]
    args = args[2:]
H = args[0]
dumps, placing = {}, {}
for fn in args[1:]:
    rows = [l.rstrip("\n").split("\t") for l in open(fn)]
    dumps[fn] = [r for r in rows if H == "all" or half(r[2]) == H]
    placing[fn] = [r for r in rows if PLACE and half(r[2]) == PLACE]


def rate(rows, cls, ok):
    s = [r for r in rows if r[3] in cls]
    return 100.0 * sum(ok(r) for r in s) / max(len(s), 1), len(s)


def fa(rows, t):
    return rate(rows, ON, lambda r: r[4] != "" and float(r[5]) >= t)[0]


def cut_for(rows, target):
    """lowest cut (0 = as shipped) whose other-word false accepts <= target"""
    for t in [0.0] + sorted({float(r[5]) + 1e-6 for r in rows if r[4] != ""}):
        if fa(rows, t) <= target + 1e-9:
            return t
    return 1.01


def line(rows, t):
    right = lambda r: r[4] == r[1] and float(r[5]) >= t
    acc = lambda r: r[4] != "" and float(r[5]) >= t
    band = [r for r in rows if r[4] != "" and float(r[5]) >= max(t, 0.80)
            and r[3] not in ("other@10dB", "sentence@10dB")]
    bandr = 100.0 * sum(r[4] == r[1] for r in band) / max(len(band), 1)
    f = lambda cls, ok: "%.1f" % rate(rows, cls, ok)[0]
    return ("yes %s no %s stop %s | 10dB %s 5dB %s | FA other %s sent %s noise %s | other@10 %s sent@10 %s | band %.1f (n=%d)"
            % (f({"yes"}, right), f({"no"}, right), f({"stop"}, right),
               f({"yes@10dB", "no@10dB"}, right), f({"yes@5dB", "no@5dB"}, right),
               f({"other"}, acc), f({"sentence"}, acc), f({"noise"}, acc),
               f({"other@10dB"}, acc), f({"sentence@10dB"}, acc), bandr, len(band)))


if PLACE:
    target = fa(placing[args[1]], 0.0)
    print("cut placed on half %s (%s accepted <= %.1f%%, the first dump's there), half %s at it:"
          % (PLACE, "+".join(sorted(ON)), target, H))
    for fn, rows in dumps.items():
        t = cut_for(placing[fn], target)
        print("  %-28s cut %s  %s" % (os.path.basename(fn), "shipped" if t == 0 else "%.3f" % t, line(rows, t)))
    sys.exit(0)
targets = sorted({fa(rows, 0.0) for rows in dumps.values()})
for target in targets:
    print("half %s, %s accepted <= %.1f%%:" % (H, "+".join(sorted(ON)), target))
    for fn, rows in dumps.items():
        t = cut_for(rows, target)
        print("  %-28s cut %s  %s" % (os.path.basename(fn), "shipped" if t == 0 else "%.3f" % t, line(rows, t)))
