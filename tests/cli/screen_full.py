#!/usr/bin/env python3
"""--screen on a terminal that takes nothing more (a serial line held by
flow control or without carrier, a console nobody drains): the kiosk does
not wait for it.  Caption updates the terminal cannot take are dropped,
and the session runs to its end.  Before, the first write to a full
terminal blocked the kiosk for good.  The log says once that the screen
is not keeping up (before, the updates were dropped without a word), and
at the end how many were dropped; no caption text goes to the log.

Here the terminal is a pseudo-terminal whose other end is never read, so
its buffer fills within the first minute of captions.

usage: screen_full.py VOICE_KIOSK SCENARIO
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)
from pty_screen import DOUBLE_TOP  # noqa: E402  (tests/cli/pty_screen.py)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, scenario = sys.argv[1:]
    failed = []
    master, slave = os.openpty()
    tty = os.ttyname(slave)
    try:
        p = subprocess.run([kiosk, "simulate", scenario, "--quiet",
                            "--screen", tty],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            failed.append("simulate --screen on a full terminal exited %d: %s"
                          % (p.returncode, p.stderr[-300:]))
        told = [line for line in p.stderr.splitlines()
                if "is not keeping up" in line]
        print("\n".join(told))
        if len(told) != 1 or tty not in told[0]:
            failed.append("the log should say once that the screen %s is "
                          "not keeping up; it said it %d times"
                          % (tty, len(told)))
        count = re.search(r"the screen %s did not keep up: (\d+) of (\d+) "
                          r"caption updates were dropped" % re.escape(tty),
                          p.stderr)
        if count:
            print(count.group(0))
        if not count or not 0 < int(count.group(1)) <= int(count.group(2)):
            failed.append("the log gives no count of the captions dropped: "
                          + p.stderr[-300:])
        # The person's words stay off the log (the summary is theirs).
        for text in ("You can say", "Keys:", "\033#3"):
            if text in p.stderr:
                failed.append("caption text %r reached the log" % text)
    except subprocess.TimeoutExpired:
        failed.append("the kiosk was held up by a full terminal (no end "
                      "in 300 s; the session takes seconds)")
    os.close(slave)
    os.set_blocking(master, False)
    seen = bytearray()
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:  # nothing more (EAGAIN), or the other end closed
            break
        if not b:
            break
        seen.extend(b)
    os.close(master)
    print("the full terminal holds %d bytes, %d double-size lines"
          % (len(seen), bytes(seen).count(DOUBLE_TOP)))
    if DOUBLE_TOP not in seen:
        failed.append("nothing in large type reached the terminal")
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
