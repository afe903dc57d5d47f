#!/usr/bin/env python3
"""Scores lab output.  usage: analyze.py out.tsv [confirm accept] [--field conf]
Splits speakers: tune = hash speakers starting 0-7, fsdd george/jackson, and
named speakers with an even checksum; held-out = the rest."""
import sys, csv, collections, zlib
YES = {"yes", "yeah", "yep", "yes please", "sure", "i do", "that's right"}
NO = {"no", "nope", "not really", "no thanks", "i don't"}
def cls(w):
    if w in YES: return "yes"
    if w in NO: return "no"
    return w
def split(spk):
    if spk == "none": return None
    if spk.startswith("fsdd_"): return "held" if spk == "fsdd_nicolas" else "tune"
    if len(spk) == 8 and all(c in "0123456789abcdef" for c in spk):
        return "tune" if zlib.crc32(spk.encode()) % 2 == 0 else "held"
    return "tune" if zlib.crc32(spk.encode()) % 2 == 0 else "held"
def kind(label, path):
    if label in ("yes", "no", "stop"): return label
    if label == "noise": return "noise"
    if " " in label: return "sentence"
    return "other"
def load(fn, field="conf"):
    clips = collections.OrderedDict()
    for r in csv.DictReader(open(fn), delimiter="\t"):
        c = clips.setdefault(r["path"], {"label": r["label"], "spk": r["speaker"], "utts": [], "clip_ms": 0, "clip_s": 0})
        u = int(r["uidx"])
        if u < 0:
            c["clip_ms"] = float(r["clip_ms"]); c["clip_s"] = float(r["clip_s"])
        else:
            r["c"] = float(r[field]); c["utts"].append(r)
    # noise clips: alternate into tune/held
    i = 0
    for p, c in clips.items():
        s = split(c["spk"])
        if s is None:
            s = "tune" if i % 2 == 0 else "held"; i += 1
        c["split"] = s
        c["kind"] = kind(c["label"], p)
    return clips
def metrics(clips, T, part):
    res = collections.defaultdict(lambda: [0, 0])
    accb = [0, 0]
    for c in clips.values():
        if part != "all" and c["split"] != part: continue
        k = c["kind"]
        acc = [u for u in c["utts"] if u["words"] and u["c"] >= T]
        best = max(c["utts"], key=lambda u: u["c"]) if c["utts"] else None
        if k in ("yes", "no", "stop"):
            ok = best is not None and bool(best["words"]) and best["c"] >= T and cls(best["words"]) == k
            res[k][0] += ok; res[k][1] += 1
        else:
            res["FA " + k][0] += bool(acc); res["FA " + k][1] += 1
    return res
def band_acc(clips, T, part):
    n = ok = 0
    for c in clips.values():
        if part != "all" and c["split"] != part: continue
        for u in c["utts"]:
            if u["words"] and u["c"] >= T:
                n += 1
                ok += c["kind"] in ("yes", "no", "stop") and cls(u["words"]) == c["kind"]
    return ok, n
if __name__ == "__main__":
    fn = sys.argv[1]
    ths = [float(x) for x in sys.argv[2:4]] if len(sys.argv) > 3 else [0.0]
    clips = load(fn)
    for T in ths:
        print(f"== threshold {T}")
        for part in ("tune", "held"):
            m = metrics(clips, T, part)
            print(part, "  ".join(f"{k}: {100*a/max(b,1):.1f}% ({a}/{b})" for k, (a, b) in sorted(m.items())))
            ok, n = band_acc(clips, T, part)
            print(part, f"  accepted utterances correct: {ok}/{n} = {100*ok/max(n,1):.2f}%")
    tm = sorted(float(u["turn_ms"]) for c in clips.values() for u in c["utts"])
    if tm:
        print(f"turn compute ms: median {tm[len(tm)//2]:.2f} p95 {tm[int(len(tm)*.95)]:.2f} max {tm[-1]:.2f}")
    cs = sum(c["clip_ms"] for c in clips.values()); ss = sum(c["clip_s"] for c in clips.values())
    print(f"CPU per second of audio: {cs/ss:.1f} ms")
