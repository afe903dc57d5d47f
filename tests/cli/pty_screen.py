"""A kiosk run with --screen on a pseudo-terminal, for the cli.screen*
tests: what the terminal got, read as the kiosk writes it (a terminal's
buffer is small)."""
import os
import subprocess
import threading

DOUBLE_TOP = b"\x1b#3"  # VT100 double-height, top half


def run(cmd, timeout=600):
    """Runs cmd + ["--screen", TTY]; returns (CompletedProcess, bytes the
    terminal got)."""
    master, slave = os.openpty()
    tty = os.ttyname(slave)
    seen = bytearray()

    def drain():
        while True:
            try:
                b = os.read(master, 4096)
            except OSError:
                return
            if not b:
                return
            seen.extend(b)

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    p = subprocess.run(cmd + ["--screen", tty], capture_output=True,
                       text=True, timeout=timeout)
    os.close(slave)
    t.join(timeout=5)
    os.close(master)
    return p, bytes(seen)
