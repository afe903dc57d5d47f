#!/usr/bin/env bash
# Headphones whose sink goes away while they start, live, on the CI audio
# server (scripts/audio-server.sh):
#
#   tests/pa/phones_vanish.sh path/to/voice-kiosk path/to/start_stall_shim.so
#
# PortAudio 19.6 hangs for ever in Pa_StartStream when the sink of a
# stream it has opened goes away before the stream starts; the kiosk hung
# at start that way (audio.live_headphones once timed out on it).  The
# window is milliseconds wide, so start_stall_shim.c (LD_PRELOAD) holds the
# headphones' start, and only theirs, until this test has unplugged
# kiosk_phones.  Then the kiosk must give up on them within a few seconds
# and start on the speaker, say why on stderr, take the headphones back
# when they are plugged in again (headphones_back), and exit 0 on SIGTERM.
#
# Then headphones whose failed open crashes the process that makes it
# (PortAudio 19.6 with the pulse plug-in, when their sink is gone: rare,
# once in CI; the shim's VK_CRASH_FAILED_OPEN makes it certain).  Only the
# trial run in a child may open them while they fail: the kiosk must start
# on the speaker, say the trial run crashed, and take the headphones back
# when they are plugged in again.
# Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools or recordings missing).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REAL_KIOSK=$(realpath "$1")
SHIM=$(realpath "$2")
. "$HERE/live_lib.sh"
live_setup vanish

mkdir -p "$WORK/home" "$WORK/site"
printf '[audio]\ninput = kiosk_mic\noutput = kiosk_speaker\nheadphones = kiosk_phones\n' \
  >"$WORK/site/settings.ini"
# The kiosk alone runs with the shim (live_start_kiosk execs $KIOSK), which
# holds the headphones' start; meanwhile, in the background, they are
# unplugged and the start let go on.
stall_kiosk kiosk_phones 1
unplug_when_held kiosk_phones &
LIVE_PIDS=$!

HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
wait "$LIVE_PIDS"
LIVE_PIDS=""
[ -s "$STALL/go" ] || fail "the shim never held the headphones' start"
took=$(since_go)
echo "listening $took s after the headphones' sink went away"
[ "$(echo "$took > 15" | bc)" = 1 ] &&
  fail "the kiosk took $took s to start, expected at most 15"
want_stderr 'private listening is off' '"kiosk_phones"' \
  'the headphones did not start' 'sink goes away' 'Connect them'

"$SERVER" replug || fail "could not replug the headphones"
wait_for '"type":"headphones_back"' 30
live_stop_kiosk
echo "ok: headphones whose sink vanished while they started"

"$SERVER" unplug kiosk_phones || fail "could not unplug the headphones"
KIOSK=$WORK/crash-kiosk
printf '#!/bin/sh\nLD_PRELOAD=%q VK_CRASH_FAILED_OPEN=kiosk_phones exec %q "$@"\n' \
  "$SHIM" "$REAL_KIOSK" >"$KIOSK"
chmod +x "$KIOSK"
HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
want_stderr 'private listening is off' '"kiosk_phones"' 'Connect them' \
  'the trial run that opens them stopped with signal 11'
"$SERVER" replug || fail "could not replug the headphones"
wait_for '"type":"headphones_back"' 30
live_stop_kiosk
echo "ok: headphones whose failed open crashes the process that makes it"
