#!/usr/bin/env bash
# Privacy, live: one session through PortAudio on the headless PulseAudio of
# scripts/audio-server.sh (real-time pace, no sound card needed), watched
# through /proc all the while it runs.
#
#   tests/privacy/live_privacy.sh path/to/voice-kiosk
#
# The person answers sign 1 by voice (a real recording of "yes"), signs 2-4
# with keys (3 = not sure, 2 = no, 1 = yes), then stops (q, confirmed) and
# hears the contacts.  Checks:
#  (a) nothing is written: every 50 ms a watcher lists the kiosk's open
#      descriptors (/proc/PID/fd and fdinfo); no file may be open for
#      writing but the --events file it was told to write (and the
#      anonymous memfd PulseAudio's client uses to hand samples to the
#      server, which is memory, not a file; and libjack's metadata
#      database in /dev/shm/jack_db-UID, see below); nothing new in its empty
#      working folder or its empty HOME (but libpulse's auth cookie, see
#      below); its state folder ($STATE_DIRECTORY, as systemd gives it)
#      holds only the copy of the site files it keeps for a restart
#      (src/site_copy.h): here no site folder, so an empty copy;
#  (b) no answer in the live event stream (no values, no words, no answer
#      meanings, no answer keys) nor in its stderr/stdout;
#  (d) no network: every socket the kiosk holds at any sample is a Unix
#      socket (found in /proc/PID/net/unix, in none of tcp, tcp6, udp,
#      udp6, raw, raw6, packet, netlink); and the whole session runs in a
#      network namespace with no interface (unshare -n, what systemd's
#      PrivateNetwork=yes does), so it cannot depend on a network.
# With VK_PRIVACY_STRACE=1 the kiosk also runs under strace and every
# open-for-writing, creat, mkdir, rename, link and socket() call is
# checked.  It is off by default: under strace the real-time loop can fall
# more than 250 ms behind and the PortAudio backend gives up
# ("a size limit was reached").
# (c), the wipe, is privacy.wipe (tests/privacy/test_wipe.c).
# Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools, strace or the shared
# recordings missing).
set -u
# Under heavy load the live audio path can stall: PortAudio's backend gives
# up when its speaker queue stays full for 250 ms and the kiosk stops with
# "a size limit was reached" (src/audio_pa.c).  That is no privacy
# question, so such a run is tried again, twice at most, and said so.
if [ -z "${VK_PRIVACY_ATTEMPT:-}" ]; then
  for attempt in 1 2 3; do
    VK_PRIVACY_ATTEMPT=$attempt "$0" "$@"; rc=$?
    [ $rc -eq 75 ] || exit $rc
    echo "note: attempt $attempt: the live audio path stalled under load; trying again"
  done
  echo "FAIL: the live audio path stalled in all three attempts"
  exit 1
fi
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KIOSK=$(realpath "$1")
# wait_for comes from the live-session tests' library; this
# script keeps its own fail and cleanup (a stall exits 75, tried again).
. "$ROOT/tests/pa/live_lib.sh"
YES_CLIP=$ROOT/../shared/data/speech/dev/sc2test/yes/105a0eea_nohash_0.wav
for tool in pulseaudio pactl paplay python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
[ -f "$YES_CLIP" ] || { echo "SKIP: shared recordings not found"; exit 77; }

export VK_AUDIO_RUNTIME=$(mktemp -d /tmp/voice-kiosk-privacy.XXXXXX)
WORK=$(mktemp -d /tmp/voice-kiosk-privacy-work.XXXXXX)
SPID="" KPID=""
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
  exec 3>&- 2>/dev/null
  "$SERVER" stop >/dev/null 2>&1
  rm -rf "$WORK" "$VK_AUDIO_RUNTIME"
}
trap cleanup EXIT
fail() {
  if grep -q "a size limit was reached" "$WORK/kiosk.err" 2>/dev/null; then
    echo "the kiosk stopped: the live audio path stalled"; exit 75
  fi
  echo "FAIL: $*"; [ -n "${VK_PRIVACY_KEEP:-}" ] && cp -r "$WORK" "$VK_PRIVACY_KEEP"
  echo "--- events:"; grep -v caption "$WORK/events.jsonl" 2>/dev/null | cut -c1-160
  echo "--- kiosk stderr:"; cat "$WORK/kiosk.err" 2>/dev/null
  exit 1
}

"$SERVER" start >/dev/null || fail "audio server did not start"
eval "$("$SERVER" env)"

mkfifo "$WORK/keys"
mkdir "$WORK/cwd" "$WORK/home" "$WORK/state"
# The kiosk runs in an empty folder with an empty HOME, so any file it
# wrote there would show; strace sees everything else.
TRACE=()
[ "${VK_PRIVACY_STRACE:-0}" = 1 ] && TRACE=(strace -f -qq --seccomp-bpf -o "$WORK/trace"
  -e trace=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,truncate,socket,connect,bind,memfd_create)
# As systemd's PrivateNetwork=yes does, run it in a network namespace of its
# own with no interface up (when this user may: root, or user namespaces).
NETNS=()
if unshare -n true 2>/dev/null; then
  NETNS=(unshare -n)
  echo "network: none (unshare -n, as PrivateNetwork=yes)"
fi
# Descriptors this script inherited (CTest passes its log as fd 3) are
# closed first, so every descriptor the watcher sees is the kiosk's own.
(for fd in $(ls /proc/$BASHPID/fd); do
   [ "$fd" -gt 2 ] && eval "exec $fd>&-"
 done
 cd "$WORK/cwd" && HOME="$WORK/home" STATE_DIRECTORY="$WORK/state" \
   exec "${TRACE[@]}" "${NETNS[@]}" \
   "$KIOSK" --input-device kiosk_mic --output-device kiosk_speaker \
   --rate 400 --events "$WORK/events.jsonl" --quiet \
   <"$WORK/keys" >"$WORK/kiosk.out" 2>"$WORK/kiosk.err") &
SPID=$!
exec 3>"$WORK/keys"

# The kiosk itself is strace's child.
KPID=$SPID
for i in $(seq 1 50); do
  [ ${#TRACE[@]} -eq 0 ] && break
  KPID=$(cat /proc/$SPID/task/*/children 2>/dev/null | tr ' ' '\n' | grep -m1 . || true)
  [ -n "$KPID" ] && break
  sleep 0.1
done
[ -n "$KPID" ] || fail "the kiosk did not start"

# The watcher: samples the kiosk's descriptors until it exits.  A socket's
# kind comes from the kernel (the system.sockprotoname attribute of
# /proc/PID/fd/N: UNIX-STREAM, TCP, UDP, NETLINK, ...), read at the moment
# it is seen; its inode is looked up in /proc/PID/net/* as well.
python3 - "$KPID" "$WORK/watch.json" <<'PY' &
import json, os, sys, time
pid, out = sys.argv[1], sys.argv[2]
tables = ("tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6",
          "packet", "netlink", "unix")
written, sockets, samples = {}, {}, 0
def tables_with(inode):
    found = []
    for t in tables:
        try:
            lines = open("/proc/%s/net/%s" % (pid, t)).read().splitlines()[1:]
        except OSError:
            continue
        col = 6 if t == "unix" else (8 if t == "packet" else 9)
        if any(len(l.split()) > col and l.split()[col] == inode for l in lines):
            found.append(t)
    return found
while os.path.exists("/proc/%s" % pid):
    try:
        fds = os.listdir("/proc/%s/fd" % pid)
    except OSError:
        break
    for fd in fds:
        path = "/proc/%s/fd/%s" % (pid, fd)
        try:
            link = os.readlink(path)
            if link.startswith("socket:[") and link[8:-1] not in sockets:
                kind = os.getxattr(path, "system.sockprotoname")
                sockets[link[8:-1]] = {
                    "kind": kind.rstrip(b"\0").decode(),
                    "tables": tables_with(link[8:-1])}
                continue
            flags = int(next(l for l in open("/proc/%s/fdinfo/%s" % (pid, fd))
                             if l.startswith("flags:")).split()[1], 8)
        except (OSError, StopIteration):
            continue
        if link.startswith("/") and flags & 3:
            written.setdefault(link, set()).add(int(fd))
    samples += 1
    time.sleep(0.05)
json.dump({"samples": samples,
           "written": {p: sorted(f) for p, f in written.items()},
           "sockets": sockets}, open(out, "w"))
PY
WPID=$!

sleep 1
printf 'x' >&3   # a key starts the session
wait_for '"id":"sign.1"' 60
wait_for '"type":"prompt_end","id":"sign.1"' 30
sleep 0.5
paplay -d kiosk_micfeed "$YES_CLIP" || fail "paplay failed"
# If the kiosk is unsure it says the answer back (confirm with 1); if it
# did not understand, the person uses the key.
for i in $(seq 1 100); do
  grep -q '"question":1' "$WORK/events.jsonl" && break
  if grep -q '"type":"prompt_end","id":"system.\(confirm\|nomatch.1\|noinput.1\)"' "$WORK/events.jsonl"; then
    printf '1' >&3; break
  fi
  sleep 0.1
done
wait_for '"question":1' 20
for pair in 2:3 3:2 4:1; do
  n=${pair%%:*} key=${pair##*:}
  wait_for "\"prompt\",\"id\":\"sign.$n\"" 30
  printf '%s' "$key" >&3
  wait_for "\"question\":$n" 10
done
wait_for '"prompt","id":"sign.5"' 30
printf 'q' >&3
wait_for '"id":"system.stop.confirm"' 20
wait_for '"type":"prompt_end","id":"system.stop.confirm"' 20
printf '1' >&3
# The contacts are read to the end (no key is pressed during them), then
# the offer to hear them again: 2 = no.
wait_for '"type":"prompt_end","id":"contacts.again"' 90
printf '2' >&3
wait_for '"type":"end"' 30
kill -TERM "$KPID"
for i in $(seq 1 50); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$KPID" 2>/dev/null && fail "the kiosk did not stop on SIGTERM"
wait "$SPID"; SPID=""; KPID=""
wait "$WPID"

# (a) and (d), from the watcher.
python3 - "$WORK/watch.json" "$WORK/events.jsonl" "$WORK/kiosk.out" "$WORK/kiosk.err" "$WORK/state" <<'PY' || fail "descriptor checks"
import json, sys
w = json.load(open(sys.argv[1]))
ok = True
# Allowed open for writing: the events file it was asked to write; the
# files this test gave it as stdout and stderr (also when duplicated, as
# the PortAudio backend does to quiet ALSA); /dev/null; and the anonymous
# memfd through which PulseAudio's client hands samples to the server
# (memory, never a file).
# Known and allowed, not audio and nothing personal: libjack, loaded by
# PortAudio's JACK host API, keeps its metadata database (Berkeley DB
# files) in /dev/shm/jack_db-UID/ on every Pa_Initialize.  The kiosk
# cannot stop it; the systemd unit's PrivateDevices=yes gives the service
# a /dev/shm of its own that goes with it (see docs/hardening.md).
import re
# And the copy of the site files in the state folder (src/site_copy.h),
# whose contents are checked below.
copy = re.escape(sys.argv[5]) + r"/site-en-US(\.new|\.old)?/"
def allowed(path, fds):
    return (path in sys.argv[2:5] + ["/dev/null"] or path.startswith("/memfd:")
            or re.match(copy, path) is not None
            or re.match(r"/dev/shm/jack_db-\d+/[\w.]+$", path) is not None)
bad = {p: f for p, f in w["written"].items() if not allowed(p, f)}
print("watcher: %d samples; open for writing: %s" % (w["samples"], w["written"]))
print("sockets: %s" % w["sockets"])
if w["samples"] < 100:
    print("FAIL: too few samples"); ok = False
if bad:
    print("FAIL: files open for writing:", bad); ok = False
nonunix = {i: s for i, s in w["sockets"].items()
           if not s["kind"].startswith("UNIX") or set(s["tables"]) - {"unix"}}
if nonunix:
    print("FAIL: sockets that are not Unix sockets:", nonunix); ok = False
if not w["sockets"]:
    print("FAIL: no socket seen (the audio server connection is missing?)"); ok = False
sys.exit(0 if ok else 1)
PY

# (a) nothing written: the trace, the working folder and HOME.
[ -z "$(ls -A "$WORK/cwd")" ] || fail "files in the working folder: $(ls -A "$WORK/cwd")"
# libpulse (the ALSA pulse plug-in's client library) makes itself an auth
# cookie, ~/.config/pulse/cookie, when it finds none: 256 random bytes, no
# audio and nothing about the person.  Anything else in HOME fails.
others=$(find "$WORK/home" -mindepth 1 ! -path "$WORK/home/.config" \
  ! -path "$WORK/home/.config/pulse" ! -path "$WORK/home/.config/pulse/cookie")
[ -z "$others" ] || fail "files in HOME: $others"
# The state folder: the copy of the (here absent) site files and its note
# of where they came from, nothing else.
state=$(cd "$WORK/state" && find . -mindepth 1 | sort | tr '\n' ' ')
[ "$state" = "./site-en-US ./site-en-US/README ./site-en-US/en-US " ] ||
  fail "the state folder holds more than the site copy: $state"
head -1 "$WORK/state/site-en-US/README" | grep -q "^saved .* UTC from (no site folder" ||
  fail "the site copy's note: $(head -1 "$WORK/state/site-en-US/README")"
[ ${#TRACE[@]} -eq 0 ] || python3 - "$WORK/trace" "$WORK/events.jsonl" "$WORK/state" "$WORK/home" <<'PY' || fail "trace checks"
import re, sys
trace, events_path = sys.argv[1], sys.argv[2]
# The site copy is made, renamed and written in the state folder only;
# libpulse's cookie and libjack's database are allowed as above.
copy = (re.escape(sys.argv[3]) + r"(/site-en-US(\.new|\.old)?(/|\b)|\b)"
        + "|" + re.escape(sys.argv[4]) + r"/\.config(/pulse(/cookie)?)?$"
        + r"|/dev/shm/jack_db-\d+(/[\w.]+)?$")
writes, sockets, problems = [], [], []
for line in open(trace):
    m = re.match(r"\s*(\d+)\s+(\w+)\((.*)", line)
    if not m:
        continue
    call, args = m.group(2), m.group(3)
    if "= -1" in line:
        continue  # failed calls changed nothing
    if call in ("open", "openat", "openat2", "creat"):
        path = re.search(r'"((?:[^"\\]|\\.)*)"', args)
        path = path.group(1) if path else "?"
        if re.match(copy, path):
            continue
        if call == "creat" or re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", args):
            writes.append(path)
    elif call in ("mkdir", "mkdirat", "rename", "renameat", "renameat2",
                  "link", "linkat", "symlink", "symlinkat", "truncate"):
        paths = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
        if not paths or not all(re.match(copy, p) for p in paths):
            problems.append(line.strip())
    elif call == "socket":
        sockets.append(args.split(",")[0])
allowed = {events_path, "/dev/null", "/dev/tty"}
bad = [p for p in writes if p not in allowed]
print("opened for writing: %s" % sorted(set(writes)))
print("socket families: %s" % sorted(set(sockets)))
ok = True
if bad:
    print("FAIL: files opened for writing or created:", sorted(set(bad))); ok = False
if problems:
    print("FAIL: files or folders made, renamed or linked:", problems); ok = False
nonunix = [s for s in sockets if s not in ("AF_UNIX", "AF_LOCAL")]
if nonunix:
    print("FAIL: non-Unix sockets:", sorted(set(nonunix))); ok = False
if not sockets:
    print("FAIL: no socket at all (the trace missed the audio connection?)"); ok = False
sys.exit(0 if ok else 1)
PY

# (b) no answer in the events or the logs.
python3 - "$WORK/events.jsonl" "$WORK/kiosk.err" "$WORK/kiosk.out" <<'PY' || fail "answers leaked"
import json, re, sys
events = [json.loads(l) for l in open(sys.argv[1])]
ok = True
def bad(msg, e):
    global ok
    ok = False
    print("FAIL:", msg, json.dumps(e)[:200])
answers = [e for e in events if e["type"] == "answer"]
if len(answers) != 4:
    bad("expected 4 answer events, got %d" % len(answers), answers)
for e in events:
    if e["type"] == "answer" and set(e) != {"t", "type", "question"}:
        bad("answer event carries more than the question number", e)
    if e["type"] == "heard":
        if e.get("words"):
            bad("heard event carries words", e)
        if e.get("meaning") in ("yes", "no", "unsure"):
            bad("heard event carries the answer", e)
    if e["type"] == "key" and e.get("key") in list("0123456789"):
        bad("key event carries an answer key", e)
    for v in e.values():
        if isinstance(v, str) and v in ("yes", "no", "unsure", "not sure") and e["type"] != "prompt":
            bad("an answer word as a value", e)
# An answer said back ("You answered no.", "I heard no. Is that right?")
# gives it away as well as its value would: live, such a prompt and its
# captions carry no text (a saved stream is a log).
for e in events:
    if e["type"] in ("prompt", "caption") and re.search(
            r"You answered|I heard", e.get("text", "")):
        bad("an answer said back is in the live stream", e)
if not any(e["type"] == "prompt" and e.get("id") == "system.answer.taken"
           and e.get("private") and e.get("text") == "" for e in events):
    bad("no answer was said back, private (the test did not test it)", events[-1])
if not any(e["type"] == "heard" and e["meaning"] == "answer" for e in events):
    bad("the spoken answer was not heard (the test did not test speech)", events[-1])
ends = [e for e in events if e["type"] == "end"]
if not ends or ends[0]["reason"] != "stopped":
    bad("the session did not end as stopped", ends)
for path in sys.argv[2:]:
    text = open(path, errors="replace").read()
    # no answer words or values; captions are off (--quiet)
    for pat in (r"\byes\b", r"\bunsure\b", r"\bnot sure\b", r'"value"', r"\banswer"):
        if re.search(pat, text, re.I):
            ok = False
            print("FAIL: %s contains %r:" % (path, pat), text[:400])
print("events: %d, answers recorded without values: %d" % (len(events), len(answers)))
sys.exit(0 if ok else 1)
PY
echo "ok: live session wrote no file, leaked no answer, used only Unix sockets"
