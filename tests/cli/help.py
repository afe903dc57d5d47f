#!/usr/bin/env python3
"""The help text documents every long option the parser accepts, and each
option's own line only once (a second, different line for one option had
crept in, with a different default).

usage: help.py VOICE_KIOSK MAIN_C
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, main_c = sys.argv[1:]
    table = re.search(r"struct option options\[\] = \{(.*?)\n\};", open(main_c).read(), re.S)
    if not table:
        sys.exit("option table not found in " + main_c)
    names = re.findall(r'\{"([a-z-]+)",', table.group(1))
    p = subprocess.run([kiosk, "--help"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("--help exited %d" % p.returncode)
    text = p.stdout + p.stderr
    failed = []
    if len(names) < 10:
        failed.append("only %d options parsed from the table" % len(names))
    for n in names:
        if "--" + n not in text:
            failed.append("--%s is accepted but not in the help" % n)
        own = [l for l in text.splitlines() if re.match(r"\s+(-\w, )?--%s(?=[\s=]|$)" % re.escape(n), l)]
        if len(own) > 1:
            failed.append("--%s has %d lines of its own:\n  %s" % (n, len(own), "\n  ".join(own)))
    print("%d options checked" % len(names))
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
