#!/bin/sh
# run_pa_test.sh: the real-audio-path test of the PortAudio backend.
#
#   tests/pa/run_pa_test.sh [path/to/test_audio_pa]
#
# Starts a private headless PulseAudio (scripts/audio-server.sh) in its own
# runtime directory, so it never touches a developer's running one; feeds
# the kiosk microphone an 880 Hz tone; records the kiosk speaker; runs each
# mode of test_audio_pa; then takes the device away twice (unloading the
# microphone's sink, then killing the server) to check that the backend
# reports the loss instead of hanging.  The server is always stopped on
# exit.  Exit status: 0 pass, 1 fail, 77 skipped (PulseAudio tools missing;
# CTest: SKIP_RETURN_CODE 77).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-${TEST_AUDIO_PA:-$ROOT/build/test_audio_pa}}
SERVER=$ROOT/scripts/audio-server.sh

for tool in pulseaudio pactl pacat parecord; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run_pa_test: SKIP: $tool is not installed" >&2
        exit 77
    fi
done
if [ ! -x "$BIN" ]; then
    echo "run_pa_test: FAIL: test binary $BIN not found" >&2
    exit 1
fi

VK_AUDIO_RUNTIME=$(mktemp -d /tmp/voice-kiosk-audio-test.XXXXXX)
export VK_AUDIO_RUNTIME
WORK=$VK_AUDIO_RUNTIME/work
BG_PIDS=""

cleanup() {
    for p in $BG_PIDS; do
        kill "$p" 2>/dev/null || true
    done
    "$SERVER" stop
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail=0
step() {
    echo "== $*"
}
check() {
    if "$@"; then
        echo "   ok"
    else
        echo "   FAILED: $*" >&2
        fail=1
    fi
}

start_server() {
    t0=$(date +%s.%N)
    eval "$("$SERVER" start)" || {
        echo "run_pa_test: FAIL: audio server did not start" >&2
        exit 1
    }
    t1=$(date +%s.%N)
    echo "   server up in $(echo "$t1 - $t0" | bc 2>/dev/null || echo "?") s"
    mkdir -p "$WORK"
}

# Waits up to $2 tenths of a second for file $1 to contain STREAMING.
wait_streaming() {
    i=0
    while ! grep -q STREAMING "$1" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -gt "$2" ] && return 1
        sleep 0.1
    done
}

# Runs `lost` mode and removes the device with the command in $2.
loss_case() {
    name=$1
    shift
    out=$WORK/lost-$name.out
    flag=$WORK/lost-$name.flag
    rm -f "$flag"
    "$BIN" lost "$flag" >"$out" 2>&1 &
    pid=$!
    if ! wait_streaming "$out" 100; then
        echo "   FAILED: lost/$name never started streaming" >&2
        cat "$out" >&2
        kill "$pid" 2>/dev/null
        fail=1
        return
    fi
    sleep 0.5
    # The moment of removal, for the program to measure its reaction.
    date +%s.%N >"$flag.tmp" && mv "$flag.tmp" "$flag"
    "$@"
    wait "$pid"
    rc=$?
    cat "$out"
    if [ "$rc" -ne 0 ]; then
        echo "   FAILED: lost/$name (exit $rc)" >&2
        fail=1
    else
        echo "   ok"
    fi
}

unload_sink() {
    mod=$(pactl list short modules | awk -v s="sink_name=$1" \
        '$2 == "module-null-sink" && index($0, s) { print $1 }')
    pactl unload-module "$mod"
}

unload_all() {
    unload_sink kiosk_micfeed
    unload_sink kiosk_speaker
    unload_sink kiosk_phones
}

freeze_server() {
    kill -STOP "$(cat "$VK_AUDIO_RUNTIME/pulse.pid")"
}

kill_server() {
    kill -9 "$(cat "$VK_AUDIO_RUNTIME/pulse.pid")"
}

step "start server"
start_server

step "nodevice: missing names give a helpful error"
check "$BIN" nodevice

step "feed the microphone 880 Hz, record the speaker"
"$BIN" gen-tone 880 8 "$WORK/feed.raw" || exit 1
# A generous buffer: the feed must not starve on a busy machine.
pacat --playback --raw -d kiosk_micfeed --rate=16000 --channels=1 \
    --format=s16le --latency-msec=200 "$WORK/feed.raw" 2>/dev/null &
BG_PIDS="$BG_PIDS $!"
parecord --raw -d kiosk_speaker.monitor --rate=16000 --channels=1 \
    --format=s16le --latency-msec=20 "$WORK/speaker.raw" &
rec=$!
BG_PIDS="$BG_PIDS $rec"
sleep 0.3

step "tone: full duplex at real-time pace"
check "$BIN" tone "$WORK/written.raw"
sleep 0.5
kill "$rec" 2>/dev/null
wait "$rec" 2>/dev/null

step "check-speaker: the 440 Hz tone reached the speaker sink intact"
check "$BIN" check-speaker "$WORK/speaker.raw" "$WORK/written.raw"

step "loopback: latency and flush_output"
check "$BIN" loopback

step "stall: the speaker queue is back to normal after the loop stalls"
check "$BIN" stall

# PulseAudio moves a stream whose sink goes away to another sink, so
# unloading one null sink is no loss at all; unloading all leaves the
# streams nowhere to go and the server kills them.
step "lost: every sink is unloaded"
loss_case unload unload_all

step "lost: the server is killed"
"$SERVER" stop
start_server
loss_case kill kill_server

# A frozen server sends no error at all: only read()'s no-data timeout can
# notice, and destroy must not wait for the server either.
step "lost: the server freezes (SIGSTOP)"
"$SERVER" stop
start_server
loss_case freeze freeze_server
kill -CONT "$(cat "$VK_AUDIO_RUNTIME/pulse.pid")" 2>/dev/null

if [ "$fail" -ne 0 ]; then
    echo "run_pa_test: FAIL" >&2
    exit 1
fi
echo "run_pa_test: PASS"
exit 0
