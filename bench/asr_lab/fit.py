#!/usr/bin/env python3
"""Fits the logistic confidence on tune-speaker utterances.
usage: fit.py out1.tsv [out2.tsv ...]  -> prints weights for asr.c"""
import sys, math, random
sys.path.insert(0, sys.path[0])
from analyze import load, cls
def feats(u):
    nf = max(int(u["nframes"]), 1); wf = max(int(u["wframes"]), 1)
    w = u["words"]
    return [1.0, float(u["dw"]) / 10, float(u["d"]) / 10, math.log(wf) - 3.5,
            wf / nf, int(u["minw"]) / 20]
NAMES = ["bias", "dw/10", "d/10", "ln(wframes)-3.5", "wframes/nframes", "minw/20"]
def data(files, part):
    X, Y = [], []
    for fn in files:
        for c in load(fn).values():
            if c["split"] != part: continue
            for u in c["utts"]:
                if not u["words"]: continue
                X.append(feats(u))
                Y.append(1.0 if c["kind"] in ("yes", "no", "stop") and cls(u["words"]) == c["kind"] else 0.0)
    return X, Y
def fit(X, Y, l2=1e-3, it=3000, lr=0.5):
    w = [0.0] * len(X[0])
    # weight negatives more: false accepts cost more than false rejects
    sw = [1.0 if y else 2.0 for y in Y]
    for _ in range(it):
        g = [0.0] * len(w)
        for x, y, s in zip(X, Y, sw):
            z = sum(a * b for a, b in zip(w, x)); p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            for i in range(len(w)): g[i] += s * (p - y) * x[i]
        n = len(X)
        for i in range(len(w)): w[i] -= lr * (g[i] / n + l2 * w[i])
    return w
if __name__ == "__main__":
    X, Y = data(sys.argv[1:], "tune")
    w = fit(X, Y)
    for n, v in zip(NAMES, w): print(f"{n:18s} {v:+.4f}")
    print("W = [" + ", ".join(f"{v:.4f}" for v in w) + "]")
    from analyze import metrics, band_acc
    for fn in sys.argv[1:]:
        clips = load(fn)
        for c in clips.values():
            for u in c["utts"]:
                z = sum(a * b for a, b in zip(w, feats(u))) if u["words"] else -30
                u["c"] = 1 / (1 + math.exp(-z))
        print("###", fn)
        for T in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            for part in ("tune", "held"):
                m = metrics(clips, T, part); ok, n = band_acc(clips, T, part)
                print(f"T={T} {part}", "  ".join(f"{k}:{100*a/max(b,1):.1f}" for k, (a, b) in sorted(m.items())), f" acc-correct {ok}/{n}")
