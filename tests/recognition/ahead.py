#!/usr/bin/env python3
"""The second pass run ahead on the worker thread changes when the work is
done, never what is heard.

usage: ahead.py VOICE_KIOSK SCENARIO

Runs one simulated session (real PocketSphinx, eSpeak NG, speexdsp; real
recordings when the scenario plays them) twice: with the worker
(VK_ASR_AHEAD=1, the default) and with every second pass at the end of its
utterance on the loop thread (VK_ASR_AHEAD=0).  Asserts that the event
streams are identical (every word heard, every confidence, every prompt and
its timing on the session clock), that the session heard something, and
that the worker really had second passes ready at the end (pass2_ready in
--stats), while the run without it had none.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)


def run(kiosk, scenario, tmp, ahead):
    ev = os.path.join(tmp, "events%d.jsonl" % ahead)
    st = os.path.join(tmp, "stats%d.tsv" % ahead)
    env = dict(os.environ, VK_ASR_AHEAD=str(ahead))
    p = subprocess.run([kiosk, "simulate", scenario, "--quiet", "--events", ev,
                        "--stats", st], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("simulate (VK_ASR_AHEAD=%d) failed (%d): %s" % (ahead, p.returncode, p.stderr))
    stats = dict(l.rstrip("\n").split("\t", 1) for l in open(st) if "\t" in l)
    ready, total = (int(x) for x in stats["pass2_ready"].split("/"))
    return open(ev).read(), ready, total


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, scenario = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="vk-ahead-") as tmp:
        ev0, ready0, total0 = run(kiosk, scenario, tmp, 0)
        ev1, ready1, total1 = run(kiosk, scenario, tmp, 1)
    heard = [l for l in ev1.splitlines() if '"heard"' in l and '"words":""' not in l]
    print("second passes: without the worker %d at the end; with it %d of %d ready"
          % (total0, ready1, total1))
    print("results heard with words: %d" % len(heard))
    failed = []
    if ev0 != ev1:
        a, b = ev0.splitlines(), ev1.splitlines()
        first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        failed.append("event streams differ at line %d:\n  without: %s\n  with:    %s"
                      % (first + 1, a[first] if first < len(a) else "(end)",
                         b[first] if first < len(b) else "(end)"))
    if not heard:
        failed.append("nothing was heard: the scenario does not exercise the recogniser")
    if total0 != total1 or total0 == 0:
        failed.append("second passes: %d without the worker, %d with it (must be equal, > 0)"
                      % (total0, total1))
    if ready0 != 0:
        failed.append("VK_ASR_AHEAD=0 still had %d passes ready ahead" % ready0)
    if ready1 == 0:
        failed.append("the worker had no second pass ready at the end")
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
