#!/usr/bin/env python3
"""--screen TTY: the captions go to that terminal, in large type, even with
--quiet, and nothing goes to standard output (the journal, for the
packaged service).  A path that is not a terminal (a file, which would keep
the person's results) is refused with a message, and the kiosk goes on
speaking without captions.

usage: screen.py VOICE_KIOSK SCENARIO
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)
from pty_screen import DOUBLE_TOP, run  # noqa: E402  (tests/cli/pty_screen.py)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, scenario = sys.argv[1:]
    failed = []
    p, seen = run([kiosk, "simulate", scenario, "--quiet"])
    text = bytes(seen).decode("utf-8", "replace")
    print("on the terminal: %d bytes, %d double-size lines"
          % (len(seen), bytes(seen).count(DOUBLE_TOP)))
    if p.returncode != 0:
        failed.append("simulate --screen exited %d: %s" % (p.returncode, p.stderr))
    if bytes(seen).count(DOUBLE_TOP) < 20:
        failed.append("fewer than 20 large-type lines on the terminal")
    if "crisis" not in text.lower():
        failed.append("the greeting's words are not on the terminal")
    if p.stdout.strip():
        failed.append("standard output is not empty with --quiet --screen: %r"
                      % p.stdout[:200])
    with tempfile.TemporaryDirectory(prefix="vk-screen-") as tmp:
        path = os.path.join(tmp, "captions.txt")
        open(path, "w").close()
        p = subprocess.run([kiosk, "simulate", scenario, "--quiet", "--screen", path],
                           capture_output=True, text=True, timeout=600)
        size = os.path.getsize(path)
    if p.returncode != 0:
        failed.append("a file as --screen stopped the kiosk (exit %d)" % p.returncode)
    if "cannot write captions to " + path not in p.stderr:
        failed.append("a file as --screen: no message naming it: %r" % p.stderr[:300])
    if size != 0:
        failed.append("a file as --screen got %d bytes of captions" % size)
    print("a file as --screen: exit %d, %r" % (p.returncode, p.stderr.strip()[:120]))
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
