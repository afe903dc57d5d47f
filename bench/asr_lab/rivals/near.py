#!/usr/bin/env python3
"""Round 10: which rival words should not count against a result because
they sound almost like it ("yet" for "yes", "though" for "no")?  Simulates
variants of that rule on lab runs with round 9's rule (every rival in the
path counts: `VK_ASR_NEAR=0 ./lab -gdir ../../grammars -kiosk ...`), and
prints what `recognize` would report per half (as place.py, with the spare
check), plus the number of yes/no/stop clips heard as another answer.

usage: near.py BENCH.tsv [SYNTH.tsv ...]

A rival in the rival decode's path is ignored if it is "near" a heard word:
  all     one phone apart (substituted, inserted or deleted) from any of them
  single  ... and the result is a single word
  sub     ... and as many phones (a substitution)
  vowel   ... and the same vowels (the phone that differs is a consonant)
and combinations; "none" is round 9.  "+lift": such a rival is ignored
for the lift only, and still counts for the veto.  The shipped rule is
single+sub+vowel+lift.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import place  # noqa: E402

DICT = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
RIVALS = os.path.join(HERE, "..", "..", "..", "acoustic", "en-us", "rivals")
MODES = ("none", "all", "single", "sub", "single+sub", "vowel", "single+vowel",
         "single+sub+vowel", "single+sub+vowel+lift")


def first_prons():
    pron = {}
    with open(DICT) as fh:
        for line in fh:
            p = line.split()
            if p and p[0] not in pron:
                pron[p[0]] = p[1:]
    return pron


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            cur = d[j]
            d[j] = min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
            prev = cur
    return d[-1]


def near(pron, rival, word, mode):
    if rival not in pron or word not in pron:
        return False
    a, b = pron[rival], pron[word]
    if edit_distance(a, b) != 1:
        return False
    if "sub" in mode and len(a) != len(b):
        return False
    vowels = lambda p: [x for x in p if x[0] in "AEIOU"]  # noqa: E731
    return "vowel" not in mode or vowels(a) == vowels(b)


def patch(rs, mode, pron, rivals):
    if mode == "none":
        return rs
    out = []
    for r in rs:
        if r.get("rival_won") == "1" and r["pass2"] == "1":
            heard = r["words"].split()
            if "single" in mode and len(heard) != 1:
                heard = []
            rv = [w.split("(")[0] for w in r["rival_hyp"].split()]
            rv = [w for w in rv if w in rivals]
            if rv and heard and all(any(near(pron, x, w, mode) for w in heard) for x in rv):
                r = dict(r, rival_far="0") if "lift" in mode else dict(r, rival_won="0")
        out.append(r)
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    pron = first_prons()
    with open(RIVALS) as fh:
        rivals = {ln.split()[0] for ln in fh if ln.strip() and not ln.startswith("#")}
    bench = place.rows(sys.argv[1])
    synths = [place.rows(p) for p in sys.argv[2:]]
    cls = place.classes(None)
    for mode in MODES:
        b = patch(bench, mode, pron, rivals)
        place.show("%-17s" % mode, b, [patch(s, mode, pron, rivals) for s in synths],
                   *place.SHIPPED, place.SPARE)
        res = place.clip_results(b, *place.SHIPPED, place.SPARE)
        wrong = sum(1 for p, (m, _, r) in res.items()
                    if m and cls[p] not in ("other", "sentence", "noise")
                    and m != r["label"].split("@")[0])
        print("  %-17s yes/no/stop clips heard as another answer: %d" % ("", wrong))


if __name__ == "__main__":
    main()
