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
# Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools or recordings missing).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REAL_KIOSK=$(realpath "$1")
SHIM=$(realpath "$2")
. "$HERE/live_lib.sh"
live_setup vanish

mkdir -p "$WORK/home" "$WORK/site" "$WORK/stall"
printf '[audio]\ninput = kiosk_mic\noutput = kiosk_speaker\nheadphones = kiosk_phones\n' \
  >"$WORK/site/settings.ini"
# The kiosk alone runs with the shim (live_start_kiosk execs $KIOSK).
KIOSK=$WORK/kiosk-with-shim
printf '#!/bin/sh\nLD_PRELOAD=%q VK_STALL_DEVICE=kiosk_phones VK_STALL_DIR=%q exec %q "$@"\n' \
  "$SHIM" "$WORK/stall" "$REAL_KIOSK" >"$KIOSK"
chmod +x "$KIOSK"

# Once the shim holds the headphones' start: unplug them (audio-server.sh
# returns once the sink is gone) and let the start go on.
(
  for _ in $(seq 1 600); do
    [ -e "$WORK/stall/stalled" ] && break
    sleep 0.1
  done
  [ -e "$WORK/stall/stalled" ] || exit 1
  "$SERVER" unplug kiosk_phones || echo "FAIL: could not unplug the headphones"
  date +%s.%N >"$WORK/stall/go"
) &
LIVE_PIDS=$!

HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
wait "$LIVE_PIDS"
LIVE_PIDS=""
[ -s "$WORK/stall/go" ] ||
  fail "the shim never held the headphones' start (is the device kiosk_phones?)"
took=$(echo "$(date +%s.%N) - $(cat "$WORK/stall/go")" | bc)
echo "listening $took s after the headphones' sink went away"
[ "$(echo "$took > 15" | bc)" = 1 ] &&
  fail "the kiosk took $took s to start, expected at most 15"
for want in 'private listening is off' '"kiosk_phones"' \
  'the headphones did not start' 'sink goes away' 'Connect them'; do
  grep -qF -- "$want" "$WORK/kiosk.err" || fail "stderr lacks: $want"
done

"$SERVER" replug || fail "could not replug the headphones"
wait_for '"type":"headphones_back"' 30
live_stop_kiosk
echo "ok: headphones whose sink vanished while they started"
