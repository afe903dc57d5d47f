#!/usr/bin/env python3
"""The command-line options that set a [timing] setting allow exactly the
range settings.ini allows: a value under its floor (a 3 s wait for an
answer, a 5 s session) is refused with exit 2 and a message that names the
range, and the floor itself is taken.

usage: option_ranges.py VOICE_KIOSK
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)

# option, [timing] key, floor, top (src/settings.c)
OPTIONS = [
    ("--noinput-timeout", "no_answer", 7, 120),
    ("--inactivity-timeout", "inactivity", 20, 3600),
    ("--end-silence", "end_of_speech", 150, 2000),
]


def run(kiosk, *args):
    return subprocess.run([kiosk] + list(args), capture_output=True, text=True,
                          timeout=120)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    kiosk = sys.argv[1]
    failed = []
    for opt, key, lo, hi in OPTIONS:
        for bad in (lo - 1, hi + 1):
            p = run(kiosk, "check", opt, str(bad))
            want = "from %g to %g" % (lo, hi)
            if p.returncode != 2 or want not in p.stderr:
                failed.append("%s %s: exit %d, %r (want exit 2 naming %r)"
                              % (opt, bad, p.returncode, p.stderr.strip(), want))
        p = run(kiosk, "check", opt, str(lo))
        if p.returncode != 0:
            failed.append("%s %s (the floor): exit %d, %s"
                          % (opt, lo, p.returncode, p.stderr.strip()))
        print("%s: %g to %g" % (opt, lo, hi))
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
