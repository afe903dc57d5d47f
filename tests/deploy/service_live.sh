#!/usr/bin/env bash
# The kiosk as systemd runs it, on real (headless PulseAudio) devices:
#   1. first start of the home set-up (--self-test-once): it says the
#      self-test line, a recording of "yes" answers through the microphone,
#      the mark is written, and only then READY=1; then WATCHDOG=1 comes
#      every WatchdogSec/2 from the audio loop; SIGTERM gives STOPPING=1 and
#      exit 0;
#   2. the next start skips the self-test;
#   3. a bad prompts folder at start: file:line errors, STATUS=failed...,
#      exit 2 (the unit does not restart on it);
#   4. broken site files at a restart: READY=1 from the last good copy of
#      them, and STATUS= says so; once they are fixed, the next session
#      (started by a spoken "yes") takes them, and STATUS= says that;
#   5. a first start answered "no": the self-test fails, the kiosk still
#      starts, and the log says only that no yes was heard, never what was
#      heard instead (it is the person's answer);
#   6. a reload (SIGHUP) of an idle kiosk with a broken site file: the
#      file:line problem is in the log, and STATUS= says the change was
#      refused, at once, before any session starts.
# The notification socket is the test's own (NOTIFY_SOCKET), as systemd's.
#
#   tests/deploy/service_live.sh SOURCE_DIR VOICE_KIOSK_BINARY
# Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools or recordings missing).
set -u
SRC=$(realpath "$1")
KIOSK=$(realpath "$2")
SERVER=$SRC/scripts/audio-server.sh
YES_DIR=$SRC/../shared/data/speech/dev/sc2test/yes
for tool in pulseaudio pactl paplay python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
[ -d "$YES_DIR" ] || { echo "SKIP: shared recordings not found"; exit 77; }

export VK_AUDIO_RUNTIME=$(mktemp -d /tmp/voice-kiosk-svc.XXXXXX)
WORK=$(mktemp -d /tmp/voice-kiosk-svc-work.XXXXXX)
cleanup() { "$SERVER" stop >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT

# The clearest of a few "yes" recordings, by the kiosk's own recogniser.
YES=$("$KIOSK" recognize --context answer $(ls "$YES_DIR"/*.wav | head -8) 2>/dev/null |
      awk -F'\t' '$2 == "yes" { print $4 "\t" $1 }' | sort -rn | head -1 | cut -f2)
[ -n "$YES" ] || { echo "FAIL: no yes recording is recognised as yes"; exit 1; }
NO_DIR=$SRC/../shared/data/speech/dev/sc2test/no
NO=$("$KIOSK" recognize --context answer $(ls "$NO_DIR"/*.wav | head -8) 2>/dev/null |
     awk -F'\t' '$2 == "no" { print $4 "\t" $1 }' | sort -rn | head -1 | cut -f2)
[ -n "$NO" ] || { echo "FAIL: no no recording is recognised as no"; exit 1; }

"$SERVER" start >/dev/null || { echo "FAIL: audio server did not start"; exit 1; }
eval "$("$SERVER" env)"

python3 - "$KIOSK" "$WORK" "$YES" "$SRC" "$NO" <<'PY'
import os, re, shutil, signal, socket, subprocess, sys, time
kiosk, work, yes, src, no = sys.argv[1:6]
fails = []
def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        fails.append(what)

def start(args, state, watchdog_usec="1000000"):
    """Starts the kiosk as systemd would: stdin /dev/null, NOTIFY_SOCKET,
    WATCHDOG_USEC and WATCHDOG_PID (its own pid, hence the exec)."""
    path = os.path.join(work, "notify")
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.05)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=watchdog_usec,
               XDG_STATE_HOME=state)
    err = open(os.path.join(work, "kiosk.err"), "w+")
    p = subprocess.Popen(["sh", "-c", 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$@"',
                          "sh", kiosk, "--quiet", "--rate", "300",
                          "--input-device", "kiosk_mic", "--output-device", "kiosk_speaker"] + args,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env)
    return p, sock, err

def receive(sock, msgs, until, stop=None):
    """Collects (time, message) until `until` or until stop(msgs) is true."""
    while time.monotonic() < until:
        try:
            data = sock.recv(4096).decode()
            msgs.append((time.monotonic(), data))
            if stop and stop(msgs):
                return True
        except socket.timeout:
            pass
    return False

state = os.path.join(work, "state")
mark = os.path.join(state, "voice-kiosk", "selftest-passed")

def first_start(state, wav, seconds):
    """A first start (the self-test) with a person who says `wav` now and
    then until the kiosk is ready; returns p, sock, err, msgs, t0, ready."""
    p, sock, err = start(["--self-test-once"], state)
    msgs = []
    t0 = time.monotonic()
    ready = False
    players = []
    while time.monotonic() - t0 < seconds and p.poll() is None and not ready:
        players.append(subprocess.Popen(["paplay", "-d", "kiosk_micfeed", wav]))
        ready = receive(sock, msgs, time.monotonic() + 2.0,
                        lambda m: any(x.startswith("READY=1") for _, x in m))
    for pl in players:
        pl.wait()
    return p, sock, err, msgs, t0, ready

# 1. First start: the self-test, answered by the microphone.
p, sock, err, msgs, t0, ready = first_start(state, yes, 60)
t_ready = time.monotonic()
check(ready, "READY=1 after the first-start self-test (%.1f s)" % (t_ready - t0))
texts = [m for _, m in msgs]
check(any("STATUS=first start: self-test" in m for m in texts), "STATUS says the self-test is running")
check(os.path.exists(mark), "the self-test mark is written: " + mark)
# 2. The watchdog, from the audio loop, every WatchdogSec/2 = 0.5 s.
msgs = []
receive(sock, msgs, time.monotonic() + 3.0)
pings = [t for t, m in msgs if m == "WATCHDOG=1"]
gaps = [b - a for a, b in zip(pings, pings[1:])]
check(4 <= len(pings) <= 8, "%d WATCHDOG=1 in 3 s (want about 6)" % len(pings))
check(gaps and max(gaps) < 1.0, "largest gap between pings %.2f s < WatchdogSec 1 s" % (max(gaps) if gaps else -1))
check(gaps and min(gaps) > 0.3, "smallest gap %.2f s: pings are throttled" % (min(gaps) if gaps else -1))
p.send_signal(signal.SIGTERM)
msgs = []
receive(sock, msgs, time.monotonic() + 5.0, lambda m: any(x.startswith("STOPPING=1") for _, x in m))
check(any(m.startswith("STOPPING=1") for _, m in msgs), "STOPPING=1 on SIGTERM")
code = p.wait(timeout=10)
check(code == 0, "exit status %d after SIGTERM" % code)
err.seek(0); log = err.read()
print("  stderr: " + " | ".join(log.strip().splitlines()))
check(re.search(r"self-test passed: .* heard a yes after", log) is not None, "the log says the self-test passed")
sock.close()

# 3. The next start: no self-test (the mark is there).
p, sock, err = start(["--self-test-once"], state)
msgs = []
t0 = time.monotonic()
ready = receive(sock, msgs, t0 + 30, lambda m: any(x.startswith("READY=1") for _, x in m))
check(ready, "READY=1 on the second start (%.1f s)" % (time.monotonic() - t0))
check(not any("self-test" in m for _, m in msgs), "no self-test on the second start")
p.send_signal(signal.SIGTERM)
p.wait(timeout=10)
err.seek(0)
check("self-test" not in err.read(), "nothing about a self-test in the log")
sock.close()

# 4. A bad prompts folder at start.
bad = os.path.join(work, "bad")
shutil.copytree(os.path.join(src, "prompts", "en-US"), bad)
with open(os.path.join(bad, "flow.ini"), "a") as f:
    f.write("\n[broken\n")
p, sock, err = start(["--prompts", bad], state)
code = p.wait(timeout=30)
msgs = []
receive(sock, msgs, time.monotonic() + 0.5)
err.seek(0); log = err.read()
check(code == 2, "exit status %d with a bad prompts folder (want 2)" % code)
check(re.search(re.escape(bad) + r"/flow.ini:\d+: ", log) is not None, "the error names file:line")
check(any("STATUS=failed: bad configuration" in m for _, m in msgs), "STATUS=failed: bad configuration")
check(not any(m.startswith("READY=1") for _, m in msgs), "never READY=1")
sock.close()

# 5. Broken site files at a restart, with a copy of the good ones.
site = os.path.join(work, "site")
os.makedirs(os.path.join(site, "en-US"))
flow = os.path.join(site, "en-US", "flow.ini")
def write_greeting(text):
    with open(flow, "w") as f:
        f.write("[greeting]\ntext = %s\n" % text)
def ready_line(msgs):
    return next((m for _, m in msgs if m.startswith("READY=1")), "")
write_greeting("Welcome to the clinic kiosk. Nothing is recorded.")
p, sock, err = start(["--site", site], state)
msgs = []
receive(sock, msgs, time.monotonic() + 30, ready_line)
check(ready_line(msgs) == "READY=1\nSTATUS=listening", "good site files: %r" % ready_line(msgs))
p.send_signal(signal.SIGTERM)
p.wait(timeout=10)
sock.close()
write_greeting("<emphasis>Welcome")
p, sock, err = start(["--site", site], state)
msgs = []
receive(sock, msgs, time.monotonic() + 30, ready_line)
check("started from the last good copy" in ready_line(msgs), "broken site files: %r" % ready_line(msgs))
write_greeting("Welcome back to the clinic kiosk. Nothing is recorded.")
fixed = lambda m: any("the fixed site files are in use" in x for _, x in m)
t0 = time.monotonic()
while time.monotonic() - t0 < 40 and p.poll() is None and not fixed(msgs):
    subprocess.run(["paplay", "-d", "kiosk_micfeed", yes])
    receive(sock, msgs, time.monotonic() + 2.0, fixed)
check(fixed(msgs), "fixed site files: STATUS says they are in use (%.1f s)" % (time.monotonic() - t0))
p.send_signal(signal.SIGTERM)
p.wait(timeout=10)
err.seek(0)
check("used instead of the last good copy" in err.read(), "the log says the copy is no longer used")
sock.close()

# 6. A first start answered "no": the self-test fails and the kiosk starts
# all the same; the log says no yes was heard, never the word heard.
state_no = os.path.join(work, "state-no")
p, sock, err, msgs, t0, ready = first_start(state_no, no, 90)
check(ready, "READY=1 after a failed first-start self-test (%.1f s)" % (time.monotonic() - t0))
check(not os.path.exists(os.path.join(state_no, "voice-kiosk", "selftest-passed")),
      "no self-test mark after a no")
p.send_signal(signal.SIGTERM)
p.wait(timeout=10)
err.seek(0); log = err.read()
print("  stderr: " + " | ".join(log.strip().splitlines()))
lines = [l for l in log.splitlines() if "self-test" in l and "heard" in l]
check(len(lines) == 1 and re.fullmatch(
    r"voice-kiosk: self-test FAILED: spoke [0-9.]+ s, microphone peak -?[0-9.]+ dBFS, "
    r"heard no yes after \d+ tr(y|ies)", lines[0]) is not None,
    "the self-test line says only that no yes was heard: %r" % lines)
check(not re.search(r'"(no|yes|unsure|not sure|help|repeat|stop|skip|back)"', log),
      "no recognised word is in the log")
sock.close()

# 7. SIGHUP on an idle kiosk with a broken site file: reported at once.
# Before, the reload was checked only when the next session started.
write_greeting("Welcome to the clinic kiosk. Nothing is recorded.")
p, sock, err = start(["--site", site], state)
msgs = []
receive(sock, msgs, time.monotonic() + 30, ready_line)
check(ready_line(msgs).startswith("READY=1"), "SIGHUP test: the kiosk is ready")
write_greeting("<emphasis>Welcome")
p.send_signal(signal.SIGHUP)
where = re.compile(re.escape(flow) + r":\d+: ")
t0 = time.monotonic()
reported = False
while time.monotonic() - t0 < 5 and not reported:
    receive(sock, msgs, time.monotonic() + 0.2)
    err.seek(0)
    reported = where.search(err.read()) is not None
check(reported, "SIGHUP while idle: the broken file is reported as file:line (%.1f s)"
      % (time.monotonic() - t0))
refused = lambda m: any(x.startswith("STATUS=") and "refused" in x for _, x in m)
receive(sock, msgs, time.monotonic() + 1.0, refused)
check(refused(msgs), "SIGHUP while idle: STATUS= says the change was refused")
write_greeting("Welcome back to the clinic kiosk. Nothing is recorded.")
p.send_signal(signal.SIGHUP)
t0 = time.monotonic()
passed = False
while time.monotonic() - t0 < 5 and not passed:
    time.sleep(0.2)
    err.seek(0)
    passed = "pass the check and are used from the next session" in err.read()
check(passed, "SIGHUP while idle after the fix: the log says the files pass")
p.send_signal(signal.SIGTERM)
check(p.wait(timeout=10) == 0, "exit 0 after SIGTERM")
err.seek(0); log = err.read()
print("  stderr: " + " | ".join(log.strip().splitlines()))
check("prompts reloaded" not in log, "no session started, so nothing was put in use")
sock.close()
sys.exit(1 if fails else 0)
PY
