#!/usr/bin/env bash
# The speaker's sink goes away while the main device starts, live, on the
# CI audio server (scripts/audio-server.sh):
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
#   reopen  every device pulled out mid-session (device_lost) and put back;
#           the reopen's speaker start is held (VK_STALL_NTH=2) and the
#           speaker pulled out again: the reopen must give up, say why, and
#           the kiosk come back once the speaker is there (device_back),
#           then exit 0 on SIGTERM.
#
# VK_VANISH_ONLY=start or reopen runs one of them.
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

# kiosk_with_shim NTH: $KIOSK runs the kiosk alone with the shim, holding
# the NTH start of kiosk_speaker's output stream ($STALL/stalled, go).
kiosk_with_shim() {
  STALL=$WORK/stall$1
  mkdir -p "$STALL"
  KIOSK=$WORK/kiosk-with-shim$1
  printf '#!/bin/sh\nLD_PRELOAD=%q VK_STALL_DEVICE=kiosk_speaker VK_STALL_NTH=%q VK_STALL_DIR=%q exec %q "$@"\n' \
    "$SHIM" "$1" "$STALL" "$REAL_KIOSK" >"$KIOSK"
  chmod +x "$KIOSK"
}

# Once the shim holds the speaker's start: unplug it (audio-server.sh
# returns once the sink is gone) and let the start go on.
unplug_when_held() {
  local _
  for _ in $(seq 1 300); do
    [ -e "$STALL/stalled" ] && break
    kill -0 "$KPID" 2>/dev/null || fail "the kiosk exited before its $1 started the speaker"
    sleep 0.1
  done
  [ -e "$STALL/stalled" ] ||
    fail "the shim never held the speaker's start at $1 (is the device kiosk_speaker?)"
  "$SERVER" unplug kiosk_speaker || fail "could not unplug the speaker"
  date +%s.%N >"$STALL/go"
}

# Seconds since the held start went on.
since_go() { echo "$(date +%s.%N) - $(cat "$STALL/go")" | bc; }

want_stderr() {
  local want
  for want in "$@"; do
    grep -qF -- "$want" "$WORK/kiosk.err" || fail "stderr lacks: $want"
  done
}

if [ "${VK_VANISH_ONLY:-start}" = start ]; then
  kiosk_with_shim 1
  rm -f "$WORK/events.jsonl"
  (cd "$WORK/home" && HOME=$WORK/home exec "$KIOSK" --events "$WORK/events.jsonl" \
     --quiet --site "$WORK/site" --rate 400 </dev/null \
     >"$WORK/kiosk.out" 2>"$WORK/kiosk.err") &
  KPID=$!
  unplug_when_held start
  for _ in $(seq 1 300); do
    kill -0 "$KPID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$KPID" 2>/dev/null; then
    took=$(since_go)
    kill -9 "$KPID" # a hung kiosk does not see SIGTERM
    fail "the kiosk hung at start: still running $took s after the speaker's sink went away"
  fi
  wait "$KPID"; status=$?; KPID=""
  echo "start: exit status $status $(since_go) s after the speaker's sink went away"
  [ "$status" -eq 4 ] || fail "exit status $status at start, expected 4 (no audio device)"
  want_stderr 'the speaker did not start' 'sink goes away' 'Check that it is connected'
  "$SERVER" replug || fail "could not replug the speaker"
fi

if [ "${VK_VANISH_ONLY:-reopen}" = reopen ]; then
  kiosk_with_shim 2
  HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
  sleep 1
  "$SERVER" unplug || fail "could not unplug the devices"
  wait_for '"type":"device_lost"' 15
  sleep 1
  "$SERVER" replug || fail "could not replug the devices"
  unplug_when_held reopen
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
echo "ok: a speaker whose sink vanished while it started, at start and on reopen"
