#!/usr/bin/env python3
"""Simulates the rival check of src/asr.c on lab runs of the kiosk's own
path (`lab -gdir ../../grammars -kiosk ...`, which print each utterance's
raw score, whether a rival word was in the rival decode's best path, and
by how much it beat the grammar's), for a grid of its two settings, and
prints what `recognize` would then report per half:

  second pass, raw >= TC, a rival won by more than MARGIN: rejected;
  second pass, AGREED <= raw < TC, no rival in the path: confirm band.

usage: place.py BENCH.tsv [SYNTH.tsv ...] [--grid]
BENCH.tsv: the lab on bench_items.py's clips (-nopad); SYNTH: the lab on
out/synth (eSpeak renderings; right = the phrase's own meaning).
Without --grid: the shipped settings and "no rivals" only.
"""
import collections, csv, hashlib, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from fit3 import remap, CUTS  # noqa: E402

REJECT = 0.30
SHIPPED = (100, 0.54)  # VK_ASR_RIVAL_MARGIN, VK_ASR_RAW_CONFIRM_AGREED
SPARE = 100  # VK_ASR_MAX_SPARE (round 10; lab runs without the spare column: off)


def rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def half(speaker):
    """the benchmark's halves (recognition_bench.py)"""
    return "A" if int(hashlib.sha1(speaker.encode()).hexdigest(), 16) % 2 == 0 else "B"


def classes(_):
    """clip -> class, from the manifest bench_items.py wrote beside the clips"""
    man = os.path.join(HERE, "..", "out", "bitems", "manifest.tsv")
    return {r["path"]: r["class"] for r in rows(man)}


def clip_results(rs, margin, agreed, spare=None):
    """best reported (meaning, conf) per clip, as recognize picks it"""
    best = {}
    for r in rs:
        if int(r["uidx"]) < 0:
            best.setdefault(r["path"], ("", 0.0, r))
            continue
        raw = float(r["raw"])
        if r["pass2"] == "1":
            c = remap(raw, CUTS["TA"], CUTS["TC"])
            won = r["rival_won"] == "1"
            far = r.get("rival_far", r["rival_won"]) == "1"  # round 10: the lift's view
            if margin is not None and won and raw >= CUTS["TC"] and int(r["rival_margin"]) > margin:
                c = remap(REJECT, CUTS["TA"], CUTS["TC"])
            if agreed is not None and not far and agreed <= raw < CUTS["TC"]:
                c = 0.40
        else:
            c = remap(raw, CUTS["TLA"], CUTS["TLC"])
        if spare is not None and int(r.get("spare") or 0) > spare and c >= 0.40:
            c = min(c, remap(REJECT, *((CUTS["TA"], CUTS["TC"]) if r["pass2"] == "1" else (CUTS["TLA"], CUTS["TLC"]))))
        m = r["meaning"] if raw >= REJECT and r["meaning"] != "ignore" else ""
        if not m:
            c = 0.0
        elif c < 0.40:
            m = ""
        if r["path"] not in best or c > best[r["path"]][1]:
            best[r["path"]] = (m, c, r)
    return best


def bench_table(rs, margin, agreed, spare=None):
    best = clip_results(rs, margin, agreed, spare)
    cls_of = classes(None)
    n = collections.Counter()
    k = collections.Counter()
    for path, (m, c, r) in sorted(best.items()):
        cls = cls_of[path]
        h = half(r["speaker"])
        lab = r["label"]
        for hh in (h, "all"):
            if cls in ("yes", "no", "stop"):
                n[hh, cls] += 1
                k[hh, cls] += m == cls
            elif cls in ("yes@10dB", "no@10dB", "yes@5dB", "no@5dB"):
                key = cls.split("@")[1]
                n[hh, key] += 1
                k[hh, key] += m == lab
            else:
                n[hh, cls] += 1
                k[hh, cls] += m != ""
            if c >= 0.80:
                n[hh, "band"] += 1
                k[hh, "band"] += m == lab.split("@")[0] if cls not in ("other", "sentence", "noise") else 0
    return n, k


def synth_table(rs, margin, agreed, spare=None):
    best = clip_results(rs, margin, agreed, spare)
    n = k = nb = kb = 0
    for path, (m, c, r) in best.items():
        want = r["label_meaning"]
        if not want:
            continue
        n += 1
        k += m == want
        if c >= 0.80:
            nb += 1
            kb += m == want
    return n, k, nb, kb


def show(name, bench, synths, margin, agreed, spare=None):
    n, k = bench_table(bench, margin, agreed, spare)
    out = [name]
    for key in ("yes", "no", "stop", "other", "sentence", "noise", "10dB", "5dB", "band"):
        cells = []
        for hh in ("A", "B"):
            cells.append("%.1f" % (100.0 * k[hh, key] / n[hh, key]) if n[hh, key] else "-")
        out.append("%s %s" % (key, "/".join(cells)))
    for s in synths:
        sn, sk, nb, kb = synth_table(s, margin, agreed, spare)
        out.append("synth %.1f band %.1f (n=%d)" % (100.0 * sk / max(sn, 1), 100.0 * kb / max(nb, 1), nb))
    print("  ".join(out))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    bench = rows(args[0])
    synths = [rows(p) for p in args[1:]]
    show("no rivals          ", bench, synths, None, None)
    show("shipped, no spare  ", bench, synths, *SHIPPED)
    show("shipped %4d %.2f   " % SHIPPED, bench, synths, *SHIPPED, SPARE)
    if "--grid" in sys.argv:
        for margin in (None, 300, 100, 0, -200, -10 ** 9):
            for agreed in (None, 0.62, 0.58, 0.54, 0.50, 0.45):
                show("grid %11s %4s" % (margin, agreed), bench, synths, margin, agreed)

if __name__ == "__main__":
    main()
