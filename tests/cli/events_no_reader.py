#!/usr/bin/env python3
"""A display that is not there, or that stops reading, must not stall the
kiosk.  The --events FIFO is opened without blocking:
  1. nobody opens it: the kiosk waits 5 s at most, says so once, and the
     session runs to its end (exit 0) without events (before, the start
     blocked for ever on the open);
  2. a display opens it and never reads (its pipe shrunk to one page so
     it fills at once): the session still runs to its end, and stderr
     says once that the events stopped (before, the loop blocked on the
     full pipe and only the watchdog could end it).

usage: events_no_reader.py KIOSK SCENARIO"""
import fcntl
import os
import subprocess
import sys
import tempfile
import time

F_SETPIPE_SZ = 1031  # linux/fcntl.h
kiosk, scenario = sys.argv[1], sys.argv[2]


def run(fifo):
    start = time.monotonic()
    p = subprocess.run([kiosk, "simulate", scenario, "--events", fifo, "--quiet"],
                       capture_output=True, text=True, timeout=300)
    return p, time.monotonic() - start


with tempfile.TemporaryDirectory() as tmp:
    fifo = os.path.join(tmp, "events")
    os.mkfifo(fifo)
    p, took = run(fifo)
    if p.returncode != 0:
        sys.exit("FAIL 1: exit %d (%s)" % (p.returncode, p.stderr.strip()))
    if p.stderr.count("nothing reads the event stream") != 1:
        sys.exit("FAIL 1: stderr does not say once that nothing reads: %r" % p.stderr)
    print("1. no reader: the session ran to its end in %.1f s" % took)

    # The display: opens the stream (before the kiosk, so the pipe is
    # shrunk while empty), and then reads nothing.
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    fcntl.fcntl(fd, F_SETPIPE_SZ, 4096)
    size = fcntl.fcntl(fd, 1032)  # F_GETPIPE_SZ
    p, took = run(fifo)
    os.close(fd)
    if p.returncode != 0:
        sys.exit("FAIL 2: exit %d (%s)" % (p.returncode, p.stderr.strip()))
    if p.stderr.count("the event stream cannot be written any more") != 1:
        sys.exit("FAIL 2: stderr does not say once that the events stopped: %r"
                 % p.stderr)
    print("2. a display that never reads (pipe of %d bytes): the session ran "
          "to its end in %.1f s" % (size, took))
print("ok")
