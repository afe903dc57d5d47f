#!/usr/bin/env python3
"""paired.py BASE DUMP...: clip-by-clip comparison of recognition_bench.py
--dump files against BASE (the same clips and mixes): per row, how many
clips each gets right (or accepted, for what is not an answer) and how many
the candidate gains (+) and loses (-), half B and all speakers."""
import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
from recognition_bench import half
def load(fn): return {r[0]: r for r in (l.rstrip('\n').split('\t') for l in open(fn))}
base = load(sys.argv[1])
for fn in sys.argv[2:]:
    c = load(fn)
    print(os.path.basename(fn))
    for H in ('B', 'all'):
        for name, cls, ok in [('yes/no clean', {'yes','no'}, 'right'), ('yes/no 10dB', {'yes@10dB','no@10dB'}, 'right'),
                              ('yes/no 5dB', {'yes@5dB','no@5dB'}, 'right'), ('other acc', {'other'}, 'acc'),
                              ('other@10 acc', {'other@10dB'}, 'acc'), ('sent@10 acc', {'sentence@10dB'}, 'acc')]:
            f = (lambda r: r[4] == r[1]) if ok == 'right' else (lambda r: r[4] != '')
            ks = [k for k, r in base.items() if r[3] in cls and (H == 'all' or half(r[2]) == H)]
            gain = sum(1 for k in ks if f(c[k]) and not f(base[k])); loss = sum(1 for k in ks if f(base[k]) and not f(c[k]))
            print('  %-4s %-13s n=%3d  base %3d  cand %3d  (+%d -%d)' % (H, name, len(ks), sum(f(base[k]) for k in ks), sum(f(c[k]) for k in ks), gain, loss))
