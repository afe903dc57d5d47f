#!/usr/bin/env bash
# The speaker's sink, or the microphone's source, goes away while the main
# device starts, live, on the CI audio server (scripts/audio-server.sh):
#
#   tests/pa/speaker_vanish.sh path/to/voice-kiosk path/to/start_stall_shim.so
#
# PortAudio 19.6 hangs for ever in Pa_StartStream when the sink of a
# stream it has opened goes away before the stream starts (see
# start_stream() in src/audio_pa.c).  The main device (microphone and
# speaker) opens its speaker as an output-only stream of its own, so
# start_stall_shim.c (LD_PRELOAD) can hold that start until this test has
# unplugged kiosk_speaker.  Two places the kiosk opens it:
#
#   start   the first open: the kiosk must give up within a few seconds,
#           say why on stderr and exit 4 (no audio device; systemd starts
#           it again), not hang.
#   mic     the same for the microphone (an input-only stream of its own,
#           capturing kiosk_micfeed's monitor): its start is held and
#           kiosk_micfeed unplugged; the kiosk must exit 4 naming the
#           microphone, whether PortAudio hangs there or fails.
#   reopen  every device pulled out mid-session (device_lost) and put back;
#           the reopen's speaker start is held (VK_STALL_NTH=2) and the
#           speaker pulled out again: the reopen must give up, say why, and
#           the kiosk come back once the speaker is there (device_back),
#           then exit 0 on SIGTERM.
#   crash   every device pulled out mid-session while a failed open
#           crashes the process that makes it (PortAudio 19.6 with the
#           pulse plug-in can, when other streams are open; the shim's
#           VK_CRASH_FAILED_OPEN makes it certain): the kiosk must not try
#           the reopen in its own process until a trial run in a child
#           succeeded, so it must live through the outage, say that the
#           trial run crashed, and come back when the devices do.
#
# VK_VANISH_ONLY=start, mic, reopen or crash runs one of them.
# Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools or recordings missing).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REAL_KIOSK=$(realpath "$1")
SHIM=$(realpath "$2")
. "$HERE/live_lib.sh"
live_setup spkvanish

mkdir -p "$WORK/home" "$WORK/site"
printf '[audio]\ninput = kiosk_mic\noutput = kiosk_speaker\n' \
  >"$WORK/site/settings.ini"

# The kiosk started while DEVICE's start is held, and SINK taken away
# then: it must exit 4 within 30 s, not hang.  Prints how long it took.
exits_when_held() { # DEVICE SINK
  stall_kiosk "$1" 1
  rm -f "$WORK/events.jsonl"
  (cd "$WORK/home" && HOME=$WORK/home exec "$KIOSK" --events "$WORK/events.jsonl" \
     --quiet --site "$WORK/site" --rate 400 </dev/null \
     >"$WORK/kiosk.out" 2>"$WORK/kiosk.err") &
  KPID=$!
  unplug_when_held "$1" "$2"
  for _ in $(seq 1 300); do
    kill -0 "$KPID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$KPID" 2>/dev/null; then
    took=$(since_go)
    kill -9 "$KPID" # a hung kiosk does not see SIGTERM
    fail "the kiosk hung at start: still running $took s after $2 went away"
  fi
  wait "$KPID"; status=$?; KPID=""
  echo "$1: exit status $status $(since_go) s after $2 went away"
  [ "$status" -eq 4 ] || fail "exit status $status at start, expected 4 (no audio device)"
}

if [ "${VK_VANISH_ONLY:-start}" = start ]; then
  exits_when_held kiosk_speaker kiosk_speaker
  want_stderr 'the speaker did not start' 'sink goes away' 'Check that it is connected'
  "$SERVER" replug || fail "could not replug the speaker"
fi

if [ "${VK_VANISH_ONLY:-mic}" = mic ]; then
  exits_when_held kiosk_mic kiosk_micfeed
  sed 's/^/  stderr: /' "$WORK/kiosk.err"
  want_stderr 'microphone'
  "$SERVER" replug || fail "could not replug the microphone"
fi

if [ "${VK_VANISH_ONLY:-reopen}" = reopen ]; then
  stall_kiosk kiosk_speaker 2
  HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
  sleep 1
  "$SERVER" unplug || fail "could not unplug the devices"
  wait_for '"type":"device_lost"' 15
  sleep 1
  "$SERVER" replug || fail "could not replug the devices"
  unplug_when_held kiosk_speaker
  for _ in $(seq 1 300); do
    grep -qF 'the speaker did not start' "$WORK/kiosk.err" && break
    kill -0 "$KPID" 2>/dev/null || fail "the kiosk exited during the reopen"
    sleep 0.1
  done
  if ! grep -qF 'the speaker did not start' "$WORK/kiosk.err"; then
    took=$(since_go)
    kill -9 "$KPID"
    fail "the reopen hung: no word $took s after the speaker's sink went away"
  fi
  echo "reopen: given up $(since_go) s after the speaker's sink went away"
  want_stderr 'not back yet: audio: the speaker did not start' 'sink goes away'
  grep -q '"type":"device_back"' "$WORK/events.jsonl" &&
    fail "device_back while the speaker was still unplugged"
  "$SERVER" replug || fail "could not replug the speaker"
  wait_for '"type":"device_back"' 30
  live_stop_kiosk
fi

if [ "${VK_VANISH_ONLY:-crash}" = crash ]; then
  KIOSK=$WORK/crash-kiosk
  printf '#!/bin/sh\nLD_PRELOAD=%q VK_CRASH_FAILED_OPEN=kiosk_mic,kiosk_speaker exec %q "$@"\n' \
    "$SHIM" "$REAL_KIOSK" >"$KIOSK"
  chmod +x "$KIOSK"
  HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
  sleep 1
  "$SERVER" unplug || fail "could not unplug the devices"
  wait_for '"type":"device_lost"' 15
  # Reopen attempts come 0.25, 0.75, 1.75 and 3.75 s after the loss: the
  # old kiosk made the first in its own process, and died of it.
  for _ in $(seq 1 100); do
    grep -qF 'stopped with signal 11' "$WORK/kiosk.err" && break
    if ! kill -0 "$KPID" 2>/dev/null; then
      wait "$KPID"; status=$?; KPID=""
      fail "the kiosk died (status $status) reopening devices whose open crashes"
    fi
    sleep 0.1
  done
  sleep 4 # more attempts: each must leave the kiosk running
  kill -0 "$KPID" 2>/dev/null ||
    fail "the kiosk died reopening devices whose open crashes"
  want_stderr 'not back yet: audio: cannot open the speaker and the microphone: the trial run that opens them stopped with signal 11'
  grep -q '"type":"device_back"' "$WORK/events.jsonl" &&
    fail "device_back while the devices were still unplugged"
  "$SERVER" replug || fail "could not replug the devices"
  wait_for '"type":"device_back"' 30
  live_stop_kiosk
fi
echo "ok: a speaker whose sink, and a microphone whose source, vanished while it started, or whose open crashes"
