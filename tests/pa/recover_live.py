#!/usr/bin/env python3
"""Device loss and recovery on a real audio path (issue 6, "Device loss").

usage: recover_live.py KIOSK [--rounds N]

Runs the kiosk through PortAudio against the headless PulseAudio of
scripts/audio-server.sh (no sound card needed) and takes its devices away
while it talks, three ways, N times each (default 2):

  unplug    both null sinks are unloaded and loaded again
            (audio-server.sh unplug / replug: a USB headset pulled out)
  restart   the sound server is killed (SIGKILL) and started again
            (audio-server.sh crash / revive)
  freeze    the sound server is stopped (SIGSTOP) and continued: it sends
            no error at all, and closing the lost streams hangs until it
            continues (only the backend's no-data timeout notices)

For each loss it measures, on the wall clock, the time from the removal to
the kiosk's device_lost event (the moment it paused and logged), and the
time from the device being back to the start of the spoken device.back
notice; it checks the kiosk stayed up, said nothing meanwhile, that the
notice really reached the speaker (recorded from the sink's monitor), and
that the session then goes on (sign 1 answered by key).  Then, on a second
kiosk with a 20 s inactivity timeout (the floor): a loss longer than that ends and wipes
the session but the process keeps waiting, recovers silently, and a key
starts a new session; SIGTERM while it is retrying stops it at once.  And a
kiosk that finds no device at start exits 4 with a message naming the fix.
The log may only hold the kiosk's own audio lines (nothing a person said),
and no file may be written.  Prints a table of the timings.

Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools missing).
"""
import json
import math
import os
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(ROOT, "scripts", "audio-server.sh")
NOTICE_GOAL_S = 5.0

procs = []


def fail(msg, kiosk=None):
    print("FAIL:", msg)
    if kiosk is not None:
        kiosk.dump()
    sys.exit(1)


def server(cmd):
    out = subprocess.run([SERVER, cmd], capture_output=True, text=True)
    if out.returncode != 0:
        fail("audio-server.sh %s: %s" % (cmd, out.stderr.strip()))
    for line in out.stdout.splitlines():
        if line.startswith("export "):
            k, _, v = line[len("export "):].partition("=")
            os.environ[k] = v.strip("'")


class Kiosk:
    """A live voice-kiosk with its keys on a pipe and its events polled."""

    def __init__(self, exe, work, name, extra):
        self.dir = os.path.join(work, name)
        self.cwd = os.path.join(self.dir, "cwd")
        os.makedirs(self.cwd)
        self.events_path = os.path.join(self.dir, "events.jsonl")
        self.err_path = os.path.join(self.dir, "stderr")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(
            [exe, "--input-device", "kiosk_mic", "--output-device",
             "kiosk_speaker", "--events", self.events_path, "--quiet"] + extra,
            cwd=self.cwd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=self.err,
            # its state folder (the site copy) is the test's own
            env=dict(os.environ, STATE_DIRECTORY=os.path.join(self.dir, "state")))
        procs.append(self.proc)
        self.events = []
        self.seen_at = []  # wall time each event was first seen
        self.pos = 0

    def key(self, k):
        try:
            self.proc.stdin.write(k.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            fail("the kiosk exited (%s) before key %r"
                 % (self.proc.poll(), k), self)

    def poll(self):
        try:
            with open(self.events_path) as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return
        now = time.time()
        # Only whole lines; a partial one is read again next time.
        end = data.rfind("\n") + 1
        for line in data[:end].splitlines():
            self.events.append(json.loads(line))
            self.seen_at.append(now)
        self.pos += len(data[:end].encode())

    def wait_for(self, pred, timeout, what, start=0):
        """Waits for an event at index >= start matching pred; returns its
        index and the wall time it was first seen."""
        deadline = time.time() + timeout
        while True:
            self.poll()
            for i in range(start, len(self.events)):
                if pred(self.events[i]):
                    return i, self.seen_at[i]
            if self.proc.poll() is not None:
                fail("the kiosk exited (%d) while waiting for %s"
                     % (self.proc.returncode, what), self)
            if time.time() > deadline:
                fail("timed out after %d s waiting for %s" % (timeout, what),
                     self)
            time.sleep(0.01)

    def dump(self):
        self.poll()
        print("--- events (%s):" % self.dir)
        for e in self.events:
            if e["type"] != "caption":
                print("   ", json.dumps(e)[:160])
        self.err.flush()
        print("--- stderr:")
        with open(self.err_path) as f:
            print(f.read()[-4000:])


def is_type(t, id_=None):
    return lambda e: e["type"] == t and (id_ is None or e.get("id") == id_)


def loud_seconds(path):
    with wave.open(path) as w:
        raw = w.readframes(w.getnframes())
        rate = w.getframerate()
    pcm = struct.unpack("<%dh" % (len(raw) // 2), raw)
    win = rate // 10
    loud = sum(1 for i in range(0, len(pcm) - win, win)
               if math.sqrt(sum(x * x for x in pcm[i:i + win]) / win) > 300)
    return loud / 10.0


def server_pid():
    with open(os.path.join(os.environ["VK_AUDIO_RUNTIME"], "pulse.pid")) as f:
        return int(f.read().strip())


def remove(kind):
    if kind == "freeze":
        os.kill(server_pid(), signal.SIGSTOP)
    else:
        server("unplug" if kind == "unplug" else "crash")


def add(kind):
    if kind == "freeze":
        os.kill(server_pid(), signal.SIGCONT)
    else:
        server("replug" if kind == "unplug" else "revive")


KINDS = ("unplug", "restart", "freeze")


def one_loss(k, kind, work, n):
    """Takes the device away mid-prompt and back; returns (detect, notice)."""
    k.poll()
    last = max(i for i, e in enumerate(k.events) if e["type"] == "prompt")
    if any(e["type"] == "prompt_end" for e in k.events[last:]):
        k.wait_for(is_type("prompt"), 60, "a prompt before the %s" % kind,
                   len(k.events))
    time.sleep(1.0)  # mid-sentence
    before = len(k.events)
    t_remove = time.time()
    remove(kind)
    i_lost, t_lost = k.wait_for(is_type("device_lost"), 10,
                                "device_lost after %s" % kind, before)
    time.sleep(2.0)
    k.poll()
    said = [e for e in k.events[i_lost:] if e["type"] in ("prompt", "answer")]
    if said:
        fail("spoke while the device was gone: %s" % said[0], k)
    if k.proc.poll() is not None:
        fail("the kiosk exited while the device was gone", k)
    # "Back" is when the command that brings it back has returned (a
    # restarted server has answered and its sinks exist); how long that
    # command took is reported apart.
    t_add = time.time()
    add(kind)
    t_back = time.time()
    rec_path = os.path.join(work, "notice-%s-%d.wav" % (kind, n))
    rec = subprocess.Popen(
        ["parecord", "-d", "kiosk_speaker.monitor", "--rate=16000",
         "--channels=1", "--format=s16le", "--file-format=wav", rec_path],
        stderr=subprocess.DEVNULL)
    procs.append(rec)
    i_notice, t_notice = k.wait_for(is_type("prompt", "system.device.back"),
                                    15, "the device.back notice", i_lost)
    if not any(e["type"] == "device_back" for e in k.events[i_lost:i_notice]):
        fail("notice without a device_back event", k)
    time.sleep(2.5)
    rec.send_signal(signal.SIGINT)
    rec.wait(5)
    loud = loud_seconds(rec_path)
    if loud < 1.0:
        fail("only %.1f s of sound on the speaker after the %s: the notice "
             "was not heard" % (loud, kind), k)
    # The interrupted prompt comes again after the notice.
    cut = [e["id"] for e in k.events[:i_lost] if e["type"] == "prompt"][-1]
    k.wait_for(is_type("prompt", cut), 10, "%s again" % cut, i_notice + 1)
    return t_lost - t_remove, t_notice - t_back, t_back - t_add


def no_device_at_start(exe, work):
    cwd = os.path.join(work, "nodev")
    os.makedirs(cwd)
    t0 = time.time()
    p = subprocess.run([exe, "--input-device", "no_such_microphone",
                        "--quiet"], cwd=cwd, capture_output=True, text=True,
                       timeout=30, stdin=subprocess.DEVNULL)
    took = time.time() - t0
    if p.returncode != 4:
        fail("no device at start: exit %d, want 4 (%s)"
             % (p.returncode, p.stderr))
    for hint in ("no_such_microphone", "--list-devices", "simulate"):
        if hint not in p.stderr:
            fail("no device at start: the message does not name %r: %s"
                 % (hint, p.stderr))
    print("no device at start: exit 4 in %.2f s: %s"
          % (took, p.stderr.strip()[:120]))
    return took


def long_outage_and_sigterm(exe, work):
    k = Kiosk(exe, work, "timeout", ["--inactivity-timeout", "20"])
    time.sleep(1.0)
    k.key("x")
    k.wait_for(is_type("prompt", "greeting"), 30, "the greeting")
    time.sleep(1.0)
    before = len(k.events)
    server("unplug")
    i_lost, _ = k.wait_for(is_type("device_lost"), 10, "device_lost", before)
    i_end, _ = k.wait_for(is_type("end"), 30, "the session to end", i_lost)
    end = k.events[i_end]
    gap = end["t"] - k.events[i_lost]["t"]
    if end["reason"] != "timeout" or abs(gap - 20.0) > 0.3:
        fail("a long outage ended the session (%s) %.2f s after the loss, "
             "want timeout after 20 s" % (end["reason"], gap), k)
    time.sleep(1.0)
    if k.proc.poll() is not None:
        fail("the kiosk exited after the session timed out unheard", k)
    server("replug")
    i_back, _ = k.wait_for(is_type("device_back"), 15, "device_back", i_end)
    time.sleep(1.0)
    k.poll()
    if any(e["type"] == "prompt" for e in k.events[i_back:]):
        fail("the idle kiosk spoke after the device came back", k)
    k.key("x")
    k.wait_for(is_type("prompt", "greeting"), 15, "a new session", i_back)
    # SIGTERM while it is retrying.
    time.sleep(1.0)
    before = len(k.events)
    server("unplug")
    k.wait_for(is_type("device_lost"), 10, "device_lost", before)
    time.sleep(1.0)
    t0 = time.time()
    k.proc.send_signal(signal.SIGTERM)
    try:
        rc = k.proc.wait(10)
    except subprocess.TimeoutExpired:
        fail("SIGTERM while retrying: the kiosk hung", k)
    stop_s = time.time() - t0
    if rc != 0:
        fail("SIGTERM while retrying: exit %d, want 0" % rc, k)
    if stop_s > 2.0:
        fail("SIGTERM while retrying took %.2f s, want <= 2 s" % stop_s, k)
    server("replug")
    return k, stop_s


ALLOWED_LOG = ("voice-kiosk: audio: ", "voice-kiosk is listening",
               "Expression '", "ALSA lib ")


def check_log_and_files(k):
    k.err.flush()
    with open(k.err_path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    bad = [l for l in lines if not l.startswith(ALLOWED_LOG)]
    if bad:
        fail("unexpected log lines (privacy: only audio lines allowed): %s"
             % bad[:3], k)
    for want in ("is gone", "is back after"):
        if not any(want in l for l in lines):
            fail("the log never says the device %s" % want, k)
    if os.listdir(k.cwd):
        fail("the kiosk wrote files: %s" % os.listdir(k.cwd), k)


def table(rows):
    print()
    print("| how the device went | losses | loss noticed median s | max s "
          "| back to spoken notice median s | max s | goal "
          "| bringing it back took median s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, d, n, b in rows:
        print("| %s | %d | %.2f | %.2f | %.2f | %.2f | <= %.0f s | %.2f |" % (
            name, len(d), statistics.median(d), max(d), statistics.median(n),
            max(n), NOTICE_GOAL_S, statistics.median(b)))


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    exe = os.path.realpath(args[0])
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 2
    for tool in ("pulseaudio", "pactl", "pacat", "parecord"):
        if not shutil.which(tool):
            print("SKIP: %s missing" % tool)
            return 77
    os.environ["VK_AUDIO_RUNTIME"] = tempfile.mkdtemp(
        prefix="voice-kiosk-audio-recover.")
    work = tempfile.mkdtemp(prefix="voice-kiosk-recover-work.")
    try:
        server("start")
        no_device_at_start(exe, work)
        k = Kiosk(exe, work, "rounds", ["--inactivity-timeout", "600"])
        time.sleep(1.0)
        k.key("x")
        k.wait_for(is_type("prompt", "greeting"), 30, "the greeting")
        results = {kind: ([], [], []) for kind in KINDS}
        for n in range(rounds):
            for kind in KINDS:
                d, s, b = one_loss(k, kind, work, n)
                print("%s %d: loss noticed after %.2f s, notice %.2f s after "
                      "the device was back (bringing it back took %.2f s)"
                      % (kind, n + 1, d, s, b))
                for lst, v in zip(results[kind], (d, s, b)):
                    lst.append(v)
        # The session goes on: sign 1 is asked and answered.
        i, _ = k.wait_for(is_type("prompt", "sign.1"), 90, "sign 1")
        k.wait_for(is_type("prompt_end", "sign.1"), 30, "sign 1 to end", i)
        k.key("2")
        k.wait_for(lambda e: e["type"] == "answer" and e["question"] == 1, 10,
                   "the answer to sign 1", i)
        k.proc.send_signal(signal.SIGTERM)
        if k.proc.wait(10) != 0:
            fail("exit status %d after SIGTERM" % k.proc.returncode, k)
        check_log_and_files(k)
        k2, stop_s = long_outage_and_sigterm(exe, work)
        check_log_and_files(k2)
        print("long outage: session ended and wiped, process kept waiting; "
              "SIGTERM while retrying stopped it in %.2f s" % stop_s)
        rows = [("sinks unloaded, loaded again (audio-server.sh unplug/replug)",
                 *results["unplug"]),
                ("sound server killed, started again (crash/revive)",
                 *results["restart"]),
                ("sound server frozen (SIGSTOP), then continued (SIGCONT)",
                 *results["freeze"])]
        table(rows)
        worst = max(max(r[2]) for r in rows)
        if worst > NOTICE_GOAL_S:
            fail("a notice came %.2f s after the device was back, want <= %s"
                 % (worst, NOTICE_GOAL_S))
        print("ok: device loss and recovery through PortAudio and PulseAudio")
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        subprocess.run([SERVER, "stop"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
