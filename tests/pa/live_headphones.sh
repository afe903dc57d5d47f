#!/usr/bin/env bash
# Private listening, live: a session through PortAudio on the CI audio
# server with settings.ini [audio] headphones = kiosk_phones, a third null
# sink beside the speaker (scripts/audio-server.sh), at real-time pace.
#
#   tests/pa/live_headphones.sh path/to/voice-kiosk
#
# 1. The microphone feed answers sign 1 with a real recording of "no";
#    keys answer the rest, sign 3 with "not sure" (the crisis contacts).
#    The speaker and the headphones are both recorded, and
#    tests/pa/phones_check.py lays the prompt events over the two
#    recordings: every prompt is heard on the headphones; the crisis
#    contacts, the summary and the contacts are heard there and nowhere
#    on the speaker; the other prompts reach both, the same audio.  No
#    file is written in its working folder or HOME.
# 2. Headphones that are not there (a name no device has; a device whose
#    sink is gone): the kiosk logs a line naming the setting and the fix,
#    keeps running on the speaker, and says so aloud at the start of each
#    session, on the speaker, before the greeting (a person who cannot see
#    the screen must know that their results will be said out loud).
# 3. Headphones whose sink comes back after the start are tried again
#    between sessions: the next session is private, without the notice.
# 4. Headphones that fail in a session (their stream killed; their sink
#    suspended, so they stall): the notice at once, on the speaker, the
#    kiosk keeps time, and the crisis contacts reach the speaker.
# Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools or recordings missing).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
KIOSK=$(realpath "$1")
. "$HERE/live_lib.sh"
live_setup phones pacmd

# site_with HEADPHONES: a site folder whose settings.ini names the devices.
site_with() {
  rm -rf "$WORK/site"
  mkdir -p "$WORK/site"
  printf '[audio]\ninput = kiosk_mic\noutput = kiosk_speaker\nheadphones = %s\n' \
    "$1" >"$WORK/site/settings.ini"
}
record() { # record SINK FILE: its monitor, as a WAV, in the background
  parecord -d "$1.monitor" --rate=16000 --channels=1 --format=s16le \
    --latency-msec=20 --file-format=wav "$2" &
  LIVE_PIDS="$LIVE_PIDS $!"
}
stop_recording() {
  for p in $LIVE_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  LIVE_PIDS=""
}
mkdir -p "$WORK/home"

# --- 1. a session with the headphones ------------------------------------
site_with kiosk_phones
record kiosk_speaker "$WORK/speaker.wav"
record kiosk_phones "$WORK/phones.wav"
sleep 0.5
HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
printf 'x' >&3
answer_sign1_by_voice
answer_signs_by_key 2 2 2
answer_signs_by_key 3 3 3 # not sure: the crisis contacts, in full
wait_for '"type":"prompt_end","id":"crisis.again"' 120
printf '2' >&3 # no need to hear them again
wait_for '"type":"prompt","id":"crisis.continue"' 20
printf '1' >&3 # yes, go on with the questions
answer_signs_by_key 4 12 2
wait_for '"type":"prompt","id":"menu"' 90
printf '2' >&3
wait_for '"type":"prompt_end","id":"contacts.again"' 120
printf '2' >&3
wait_for '"type":"end"' 30
sleep 0.5
live_stop_kiosk
stop_recording
[ -z "$(ls -A "$WORK/cwd")" ] || fail "the kiosk wrote files: $(ls -A "$WORK/cwd")"
# libpulse keeps its auth cookie in HOME; nothing else may appear there.
left=$(cd "$WORK/home" && find . -type f ! -path './.config/pulse/cookie')
[ -z "$left" ] || fail "the kiosk wrote in HOME: $left"
grep -q 'private listening' "$WORK/kiosk.err" &&
  fail "a warning about the headphones that are there"
python3 "$HERE/phones_check.py" "$WORK/events.jsonl" "$WORK/speaker.wav" \
  "$WORK/phones.wav" || fail "the headphones and speaker recordings"

# --- 2. headphones that are not there --------------------------------------
# missing NAME WHY...: the kiosk starts on the speaker; its log names the
# headphones, the setting and the fix, and says WHY; the notice is said
# first, on the speaker, then the greeting.
missing() {
  local name=$1 want first
  shift
  site_with "$name"
  record kiosk_speaker "$WORK/speaker2.wav"
  sleep 0.5
  HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
  kill -0 "$KPID" 2>/dev/null || fail "the kiosk refused to start without its headphones"
  err=$(cat "$WORK/kiosk.err")
  for want in "\"$name\"" 'settings.ini [audio] headphones' \
    'voice-kiosk --list-devices' 'on the speaker' 'Connect them' "$@"; do
    case $err in *"$want"*) ;; *) fail "the headphones message lacks: $want" ;; esac
  done
  printf 'x' >&3
  wait_for '"type":"prompt","id":"greeting"' 30
  grep -q '"type":"headphones_missing"' "$WORK/events.jsonl" ||
    fail "no headphones_missing event"
  first=$(grep -m1 '"type":"prompt"' "$WORK/events.jsonl")
  case $first in
  *'"id":"system.headphones.missing"'*) ;;
  *) fail "the first prompt is not the headphones notice: $first" ;;
  esac
  wait_for '"type":"prompt_end","id":"greeting"' 60
  live_stop_kiosk
  stop_recording
  python3 "$HERE/phones_check.py" --on-speaker "$WORK/events.jsonl" \
    "$WORK/speaker2.wav" system.headphones.missing greeting ||
    fail "the headphones notice on the speaker"
}
# A name no device has (a USB headset not plugged in at start).
missing "USB headset" 'no headphones device matches' 'kiosk_phones'
# A device that is there but cannot be opened (its sink is gone).
"$SERVER" unplug kiosk_phones || fail "could not unplug the headphones"
missing kiosk_phones 'cannot open the headphones'
"$SERVER" replug || fail "could not replug the headphones"

# --- 3. headphones that come back ------------------------------------------
# Their sink is gone at the start, and comes back while nobody is there
# (plugged in again; the sound server restarted): the kiosk tries them
# again between sessions, logs it, and the next session is private again:
# no notice, and the greeting is heard on the headphones.
"$SERVER" unplug kiosk_phones || fail "could not unplug the headphones"
site_with kiosk_phones
HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
grep -q 'tries them again between sessions' "$WORK/kiosk.err" ||
  fail "the missing headphones were not reported"
"$SERVER" replug || fail "could not replug the headphones"
record kiosk_phones "$WORK/phones4.wav"
wait_for '"type":"headphones_back"' 30
grep -q 'the headphones work again' "$WORK/kiosk.err" ||
  fail "no log line about the headphones coming back"
printf 'x' >&3
wait_for '"type":"prompt_end","id":"greeting"' 60
live_stop_kiosk
stop_recording
grep -q '"id":"system.headphones.missing"' "$WORK/events.jsonl" &&
  fail "the notice was said although the headphones were back"
python3 "$HERE/phones_check.py" --on-speaker "$WORK/events.jsonl" \
  "$WORK/phones4.wav" greeting ||
  fail "the greeting on the headphones that came back"
# The sound server restarts while nobody is there: the microphone and
# speaker come back (audio_retry), the headphones are found failed and are
# back a few seconds later.
site_with kiosk_phones
HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
sleep 1
"$SERVER" crash
sleep 1
"$SERVER" revive || fail "the audio server did not come back"
wait_for '"type":"device_back"' 30
wait_for '"type":"headphones_back"' 30
live_stop_kiosk

# --- 4. headphones that fail during a session -------------------------------
kill_phones_stream() { # the server kills the kiosk's stream on kiosk_phones
  local phones stream
  phones=$(pactl list short sinks | awk '$2 == "kiosk_phones" { print $1 }')
  stream=$(pactl list sink-inputs | awk -v pid="\"$KPID\"" -v sink="$phones" '
    /^Sink Input #/ { id = substr($3, 2) }
    /^\tSink: / { on = $2 == sink }
    /application.process.id = / && $3 == pid && on { print id }')
  [ -n "$stream" ] || fail "the kiosk's headphones stream was not found"
  # (pactl has no kill; pacmd asks the server for its CLI socket)
  HOME=$VK_AUDIO_RUNTIME pacmd kill-sink-input "$stream" >/dev/null ||
    fail "could not kill the headphones stream"
}
freeze_phones() { pactl suspend-sink kiosk_phones 1; } # they stop taking sound
# phones_fail HOW CRISIS: in the greeting, HOW breaks the headphones.  The
# kiosk must say the notice on the speaker within 5 s (a stalled device:
# its 2 s queue fills, then 1 s), the greeting's cut-off sentence again,
# and keep time (the greeting ends within 16 s); with CRISIS, sign 3 is
# then answered yes and the crisis contacts must reach the speaker.
phones_fail() {
  local t0 said=(greeting system.headphones.missing)
  site_with kiosk_phones
  record kiosk_speaker "$WORK/speaker3.wav"
  sleep 0.5
  HOME=$WORK/home live_start_kiosk --site "$WORK/site" --rate 400
  printf 'x' >&3
  wait_for '"type":"prompt","id":"greeting"' 30
  sleep 2
  t0=$SECONDS
  local wall=$(date +%s.%N)
  "$1"
  wait_for '"type":"prompt","id":"system.headphones.missing"' 6
  echo "$1: the notice began $(echo "$(date +%s.%N) - $wall" | bc) s after"
  grep -q 'the headphones stopped working' "$WORK/kiosk.err" ||
    fail "no log line about the headphones"
  wait_for '"type":"prompt_end","id":"greeting"' $((t0 + 16 - SECONDS))
  if [ "$2" = crisis ]; then
    answer_signs_by_key 1 2 2
    answer_signs_by_key 3 3 1 # yes: the crisis contacts
    wait_for '"type":"prompt_end","id":"crisis"' 120
    said+=(crisis)
  fi
  live_stop_kiosk
  stop_recording
  python3 "$HERE/phones_check.py" --on-speaker "$WORK/events.jsonl" \
    "$WORK/speaker3.wav" "${said[@]}" ||
    fail "the speaker after the headphones failed ($1)"
  pactl suspend-sink kiosk_phones 0
}
phones_fail kill_phones_stream crisis
phones_fail freeze_phones -
echo "ok: private listening through PortAudio (headphones and speaker)"
