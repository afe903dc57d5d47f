#!/usr/bin/env python3
"""Fits the logistic confidence of src/asr.c on the tune half of speakers,
over every phrase of the shipped grammars.

usage: fit2.py [--synth-weight W] [--neg-weight W] run1.tsv run2.tsv ...

Inputs are lab runs made with -gdir (they carry `meaning` and
`label_meaning`).  An utterance is a positive when the clip's label has a
meaning in the context and the utterance was decoded to that meaning;
everything else with words is a negative (wrong word, out-of-grammar word,
sentence, noise).  Recordings are split by speaker (bench/recognition_bench.py
halves: A = tune, B = held out); eSpeak NG renderings (speaker "espeak:...")
are split by voice: HELD_VOICES are held out.
Prints the weights for vk_asr_w and a threshold sweep per half."""
import sys, math, csv, hashlib, collections, argparse
HELD_VOICES = ("en-us+m7", "en-us+f1")
def half(spk):
    if spk.startswith("espeak:"):
        return "B" if spk[7:].split("@")[0] in HELD_VOICES else "A"
    if spk == "none":
        return None
    return "A" if int(hashlib.sha1(spk.encode()).hexdigest(), 16) % 2 == 0 else "B"
def kind(label, lm, spk):
    syn = spk.startswith("espeak:")
    if label == "noise": return "noise"
    if lm: return ("syn:" if syn else "") + ("in" if syn else lm if label in ("yes","no","stop") else "in")
    if syn: return "syn:out"
    return "sentence" if " " in label else "other"
def load(fn, tag=""):
    clips = collections.OrderedDict(); i = 0
    for r in csv.DictReader(open(fn), delimiter="\t"):
        key = tag + fn + ":" + r["path"]
        c = clips.get(key)
        if c is None:
            h = half(r["speaker"])
            if h is None: h = "A" if i % 2 == 0 else "B"; i += 1
            c = clips[key] = {"label": r["label"], "spk": r["speaker"], "utts": [], "half": h,
                              "kind": kind(r["label"], r["label_meaning"], r["speaker"]),
                              "lm": r["label_meaning"], "src": fn}
        if int(r["uidx"]) >= 0:
            c["utts"].append(r)
    return clips
FEATS = 5
LIVE = False  # --live: the live pass's logit as a feature (second pass runs)
def feats(u):
    nf = max(int(u["nframes"]), 1); wf = max(int(u["wframes"]), 1)
    f = [1.0, float(u["dw"]) / 10, float(u["d"]) / 10, math.log(wf) - 3.5, wf / nf, int(u["minw"]) / 20]
    if FEATS >= 6:
        f.append(float(u["w_pl"]) / wf / 10 + 2)
    if FEATS >= 7:
        f.append(int(u["nwords"]) - 1.0)
    if LIVE:
        f.append(float(u.get("live_z") or 0) / 10)
    return f
NAMES = ["bias", "dw/10", "d/10", "ln(wframes)-3.5", "wframes/nframes", "minw/20"]
def positive(c, u):
    return bool(c["lm"]) and u["meaning"] == c["lm"]
LIVE_ROWS = None  # --live-rows C,A: see live_row
def live_row(u):
    """With --live-rows, an utterance the kiosk scores with the live pass's
    own logistic (its result was already in the live accept band, or too long
    for the second pass): lab column live_z is then exactly 0.  Such rows are
    left out of the fit (the second pass's weights never see them in the
    kiosk) and scored as the kiosk scores them: the live cuts (0.65, 0.93)
    map onto the second pass's cuts C, A given with the flag."""
    return LIVE_ROWS is not None and float(u.get("live_z") or 0) == 0.0
def live_p(r):
    C, A = LIVE_ROWS
    lc, la = 0.65, 0.93
    if r >= la: return A + (1 - A) * (r - la) / (1 - la)
    if r >= lc: return C + (A - C) * (r - lc) / (la - lc)
    return C * r / lc
def data(clips, part, sw):
    X, Y, W = [], [], []
    for c in clips:
        if c["half"] != part: continue
        syn = c["spk"].startswith("espeak:")
        for u in c["utts"]:
            if not u["words"] or live_row(u): continue
            y = positive(c, u)
            X.append(feats(u)); Y.append(1.0 if y else 0.0)
            W.append((sw if syn else 1.0) * (1.0 if y else args.neg_weight)
                     * (args.noise_weight if c["kind"] == "noise" else 1.0))
    return X, Y, W
def fit(X, Y, S, l2=1e-3, it=4000, lr=0.5):
    w = [0.0] * len(X[0]); tot = sum(S)
    for _ in range(it):
        g = [0.0] * len(w)
        for x, y, s in zip(X, Y, S):
            z = sum(a * b for a, b in zip(w, x)); p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            for i in range(len(w)): g[i] += s * (p - y) * x[i]
        for i in range(len(w)): w[i] -= lr * (g[i] / tot + l2 * w[i])
    return w
def score(clips, w):
    for c in clips:
        for u in c["utts"]:
            if u["words"] and live_row(u):
                u["p"] = live_p(float(u["raw"]))
                continue
            z = sum(a * b for a, b in zip(w, feats(u))) if u["words"] else -30
            u["p"] = 1 / (1 + math.exp(-z))
def sweep(clips, T, part):
    res = collections.defaultdict(lambda: [0, 0]); band = [0, 0]
    for c in clips:
        if part != "all" and c["half"] != part: continue
        k = c["kind"]
        acc = [u for u in c["utts"] if u["words"] and u["p"] >= T and u["meaning"]]
        best = max(acc, key=lambda u: u["p"]) if acc else None
        if c["lm"]:
            res[k][0] += bool(best) and best["meaning"] == c["lm"]; res[k][1] += 1
        else:
            res["FA " + k][0] += bool(acc); res["FA " + k][1] += 1
        for u in acc:
            band[1] += 1; band[0] += positive(c, u)
    return res, band
if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth-weight", type=float, default=0.3)
    ap.add_argument("--neg-weight", type=float, default=2.0)
    ap.add_argument("--noise-weight", type=float, default=1.0, help="extra weight of the noise clips' utterances")
    ap.add_argument("--weights", help="comma list: score with these instead of fitting")
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--feats", type=int, default=5)
    ap.add_argument("--live", action="store_true", help="add the live pass's logit (lab column live_z)")
    ap.add_argument("--live-rows", help="C,A: rows scored by the live pass (live_z 0) are not fitted and are scored as the kiosk does, with the second pass's cuts C and A")
    ap.add_argument("--T", type=lambda s: [float(v) for v in s.split(",")], default=[0.15, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    args = ap.parse_args()
    FEATS = args.feats
    LIVE = args.live
    if args.live_rows:
        LIVE_ROWS = tuple(float(v) for v in args.live_rows.split(","))
    if LIVE:
        NAMES.append("live_z/10")
    clips = [c for fn in args.runs for c in load(fn).values()]
    if args.weights:
        w = [float(v) for v in args.weights.split(",")]
    else:
        X, Y, S = data(clips, "A", args.synth_weight)
        w = fit(X, Y, S)
    for n, v in zip(NAMES, w): print(f"{n:18s} {v:+.4f}")
    print("W = {" + ", ".join(f"{v:.4f}" for v in w) + "}")
    score(clips, w)
    for fn in args.runs:
        cs = [c for c in clips if c["src"] == fn]
        print("###", fn)
        for T in args.T:
            for part in ("A", "B"):
                m, b = sweep(cs, T, part)
                print(f"T={T:.2f} {part}", "  ".join(f"{k}:{100*a/max(n,1):.1f}({n})" for k, (a, n) in sorted(m.items())),
                      f" band {b[0]}/{b[1]}")
