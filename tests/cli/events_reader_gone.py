#!/usr/bin/env python3
"""A display that reads --events through a pipe and goes away must not
stop the kiosk: the session goes on to its end (exit 0), and stderr says
once that the events stopped.  (Before, SIGPIPE killed it, and systemd
does not restart a kiosk killed by SIGPIPE.)

usage: events_reader_gone.py KIOSK SCENARIO"""
import os
import subprocess
import sys
import tempfile
import threading

kiosk, scenario = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    fifo = os.path.join(tmp, "events")
    os.mkfifo(fifo)
    lines = []

    def reader():
        with open(fifo) as f:  # the display: three lines, then it quits
            for _ in range(3):
                lines.append(f.readline())

    t = threading.Thread(target=reader)
    t.start()
    p = subprocess.run([kiosk, "simulate", scenario, "--events", fifo, "--quiet"],
                       capture_output=True, text=True, timeout=600)
    t.join()
    if len(lines) != 3 or not all(l.startswith("{") for l in lines):
        sys.exit("FAIL: the display read %r" % lines)
    if p.returncode != 0:
        sys.exit("FAIL: exit %d (%s)" % (p.returncode, p.stderr.strip()))
    if p.stderr.count("the event stream cannot be written any more") != 1:
        sys.exit("FAIL: stderr does not say once that the events stopped: %r" % p.stderr)
    print("ok: the session went on after its display left")
