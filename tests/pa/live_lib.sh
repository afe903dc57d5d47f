# shellcheck shell=bash
# live_lib.sh: what the live-session tests share (sourced by bash, not run).
#
# A live kiosk on the CI audio server (scripts/audio-server.sh): its keys on
# a pipe (fd 3), its events in $WORK/events.jsonl, its stderr in
# $WORK/kiosk.err, run in the empty folder $WORK/cwd so any file it writes
# would show.  The caller sets KIOSK and may add to live_cleanup via
# LIVE_PIDS (background pids to kill on exit).
#
#   live_setup NAME TOOL...   skip (77) without the tools or the recordings,
#                             make $WORK, start the server, export its env
#   live_start_kiosk ARG...   start the kiosk (KPID), keys on fd 3, and
#                             wait until it says it is listening
#   live_stop_kiosk           SIGTERM; fail unless it exits 0 within 5 s
#   wait_for PATTERN SECONDS  until an event line matches PATTERN
#   count PATTERN             event lines matching PATTERN
#   fail MESSAGE              print the events and stderr, exit 1
#   want_stderr TEXT...       fail unless the kiosk's stderr has each TEXT
#
# For a stream start that never returns (tests/pa/*_vanish.sh, with
# tests/pa/start_stall_shim.c, path in $SHIM; the kiosk itself in
# $REAL_KIOSK):
#   stall_kiosk DEVICE NTH    $KIOSK becomes the kiosk run alone with the
#                             shim holding the NTH start of DEVICE's one-way
#                             stream; $STALL is the shim's folder
#   unplug_when_held DEV [SINK]  once the shim holds DEV's start, unplug
#                             SINK (default DEV; audio-server.sh returns
#                             once it is gone) and let the start go on
#   since_go                  seconds since then
LIVE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVER=$LIVE_ROOT/scripts/audio-server.sh
SPEECH=$LIVE_ROOT/../shared/data/speech
NO_CLIP=$SPEECH/dev/sc2test/no/1acc97de_nohash_0.wav
KPID="" LIVE_PIDS=""

live_cleanup() {
  [ -n "$KPID" ] && kill "$KPID" 2>/dev/null
  for p in $LIVE_PIDS; do kill "$p" 2>/dev/null; done
  exec 3>&- 2>/dev/null
  "$SERVER" stop >/dev/null 2>&1
  [ -n "${VK_LIVE_KEEP:-}" ] && cp -r "$WORK" "$VK_LIVE_KEEP"
  # stop removes only the files of a runtime not named voice-kiosk-audio*
  rm -rf "$WORK" "$VK_AUDIO_RUNTIME"
}

fail() {
  echo "FAIL: $*"
  echo "--- events:"
  grep -v caption "$WORK/events.jsonl" 2>/dev/null | cut -c1-160
  echo "--- kiosk stderr:"
  cat "$WORK/kiosk.err" 2>/dev/null
  exit 1
}

live_setup() {
  local name=$1 tool
  shift
  for tool in pulseaudio pactl paplay parecord python3 "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
  done
  [ -f "$NO_CLIP" ] || { echo "SKIP: shared recordings not found"; exit 77; }
  export VK_AUDIO_RUNTIME=$(mktemp -d /tmp/voice-kiosk-$name.XXXXXX)
  WORK=$(mktemp -d /tmp/voice-kiosk-$name-work.XXXXXX)
  trap live_cleanup EXIT
  "$SERVER" start >/dev/null || fail "audio server did not start"
  eval "$("$SERVER" env)"
}

live_start_kiosk() {
  rm -f "$WORK/keys" "$WORK/events.jsonl"
  mkfifo "$WORK/keys"
  mkdir -p "$WORK/cwd"
  # Its state folder (the site copy, src/site_copy.h) is the test's own.
  (cd "$WORK/cwd" && STATE_DIRECTORY="$WORK/state" \
     exec "$KIOSK" --events "$WORK/events.jsonl" --quiet "$@" \
     <"$WORK/keys" >"$WORK/kiosk.out" 2>"$WORK/kiosk.err") &
  KPID=$!
  exec 3>"$WORK/keys"
  local i
  # Generous: with the other tests running on both cores, opening the
  # devices through the sound server once took over 30 s.
  for i in $(seq 1 600); do
    grep -q 'is listening\|is ready' "$WORK/kiosk.out" 2>/dev/null && return 0
    kill -0 "$KPID" 2>/dev/null || fail "the kiosk exited at start"
    sleep 0.1
  done
  fail "the kiosk did not start listening within 60 s"
}

live_stop_kiosk() {
  local i status
  kill -TERM "$KPID"
  for i in $(seq 1 50); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$KPID" 2>/dev/null && fail "the kiosk hung on SIGTERM"
  wait "$KPID"; status=$?; KPID=""
  exec 3>&-
  [ "$status" -eq 0 ] || fail "exit status $status after SIGTERM, expected 0"
}

wait_for() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    grep -q -- "$1" "$WORK/events.jsonl" 2>/dev/null && return 0
    kill -0 "$KPID" 2>/dev/null || fail "the kiosk exited while waiting for $1"
    sleep 0.1
  done
  fail "timed out waiting for $1"
}

want_stderr() {
  local want
  for want in "$@"; do
    grep -qF -- "$want" "$WORK/kiosk.err" || fail "stderr lacks: $want"
  done
}

count() { grep -c -- "$1" "$WORK/events.jsonl" 2>/dev/null || true; }

stall_kiosk() {
  STALL=$WORK/stall-$1-$2
  mkdir -p "$STALL"
  KIOSK=$STALL/kiosk
  printf '#!/bin/sh\nLD_PRELOAD=%q VK_STALL_DEVICE=%q VK_STALL_NTH=%q VK_STALL_DIR=%q exec %q "$@"\n' \
    "$SHIM" "$1" "$2" "$STALL" "$REAL_KIOSK" >"$KIOSK"
  chmod +x "$KIOSK"
}

# (In a background job too, before $KPID is known: then it only waits.)
unplug_when_held() {
  local _
  for _ in $(seq 1 600); do
    [ -e "$STALL/stalled" ] && break
    [ -z "$KPID" ] || kill -0 "$KPID" 2>/dev/null ||
      fail "the kiosk exited before the held start of $1"
    sleep 0.1
  done
  [ -e "$STALL/stalled" ] || fail "the shim never held the start of $1"
  "$SERVER" unplug "${2:-$1}" || fail "could not unplug ${2:-$1}"
  date +%s.%N >"$STALL/go"
}

since_go() { echo "$(date +%s.%N) - $(cat "$STALL/go")" | bc; }

# Sign 1, answered by the microphone feed with a real recording of "no";
# if the kiosk is unsure it says the answer back and a key confirms.
answer_sign1_by_voice() {
  local i
  wait_for '"type":"prompt_end","id":"sign.1"' 60
  sleep 0.5
  paplay -d kiosk_micfeed "$NO_CLIP" || fail "paplay failed"
  for i in $(seq 1 100); do
    grep -q '"question":1' "$WORK/events.jsonl" && break
    if grep -q '"type":"prompt_end","id":"system.confirm"' "$WORK/events.jsonl"; then
      printf '1' >&3; break
    fi
    sleep 0.1
  done
  wait_for '"question":1' 20
}

# Signs FROM..TO answered with key K as soon as each is asked.
answer_signs_by_key() {
  local n
  for n in $(seq "$1" "$2"); do
    wait_for "\"prompt\",\"id\":\"sign.$n\"" 30
    printf '%s' "$3" >&3
    wait_for "\"question\":$n" 10
  done
}
