#!/usr/bin/env python3
"""The rival check (src/asr.c, "Rivals") on held-out real voices: every
clean clip of half B that the benchmark counts, through `voice-kiosk
recognize --context answer`, once as shipped and once with VK_ASR_RIVALS=0.

usage: rivals.py VOICE_KIOSK DATA_DIR

Asserted:
- the check only rejects or lifts: a clip whose result differs kept its
  words, and either had a meaning without the check and none with it, or
  had none without it and has one with it, at the bottom of the confirm
  band (said back, never acted on at once).  The second pass is a
  function of its audio alone, so nothing else may move;
- with it, at least MIN_FEWER fewer words outside the grammar and
  sentences are accepted, and at least MIN_MORE more answers (yes, no,
  stop) are heard right.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import verdict  # noqa: E402  (tests/verdict.py)
from floor import held_out_clips, pad, recognize  # noqa: E402

# Measured on half B (2026-12-05, round 9 of bench/asr_lab/README.md): false
# accepts 19 -> 15, right answers 161 -> 164 (11 clips changed: 6
# rejections, two of them right "no"s, and 5 lifts).  The limits ask for a
# gain of at least one clip on each.
MIN_FEWER = 1
MIN_MORE = 1
CONFIRM = 0.40  # VK_ASR_CONFIRM (src/asr.h), where a lifted result lands


def recognize_with(kiosk, files, rivals):
    env = dict(os.environ)
    if not rivals:
        env["VK_ASR_RIVALS"] = "0"
    return recognize(kiosk, files, env)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, data = sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix="vk-rivals-")
    items = []
    for i, (path, label, kind) in enumerate(held_out_clips(data)):
        if kind == "noise":
            continue
        dst = os.path.join(tmp, "r%04d.wav" % i)
        pad(os.path.join(data, path), dst)
        items.append((dst, path, label, kind))
    files = [it[0] for it in items]
    off = recognize_with(kiosk, files, False)
    on = recognize_with(kiosk, files, True)
    subprocess.run(["rm", "-rf", tmp])
    failed = []
    fa = {False: 0, True: 0}
    right = {False: 0, True: 0}
    changed = 0
    for dst, path, label, kind in items:
        for rivals, got in ((False, off), (True, on)):
            meaning = got[dst][0]
            if kind in ("yes", "no", "stop"):
                right[rivals] += meaning == label
            else:
                fa[rivals] += meaning != ""
        if off[dst] != on[dst]:
            changed += 1
            print("%-8s %-55s %s -> %s" % (kind, path, off[dst], on[dst]))
            same_words = off[dst][1] == on[dst][1]
            rejected = off[dst][0] and not on[dst][0]
            lifted = not off[dst][0] and on[dst][0] and abs(on[dst][2] - CONFIRM) < 0.001
            if not (same_words and (rejected or lifted)):
                failed.append("%s: %s without the check, %s with it: neither a rejection "
                              "nor a lift" % (path, off[dst], on[dst]))
    print("clips %d, changed %d; false accepts (other words, sentences) %d -> %d; "
          "right answers %d -> %d" % (len(items), changed, fa[False], fa[True],
                                      right[False], right[True]))
    if fa[False] - fa[True] < MIN_FEWER:
        failed.append("false accepts %d -> %d: fewer than %d rejected"
                      % (fa[False], fa[True], MIN_FEWER))
    if right[True] - right[False] < MIN_MORE:
        failed.append("right answers %d -> %d: fewer than %d more"
                      % (right[False], right[True], MIN_MORE))
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
