#!/usr/bin/env bash
# A live session through PortAudio, against a headless PulseAudio at
# real-time pace (no sound card needed).
#
#   tests/pa/live_session.sh path/to/voice-kiosk
#
# The microphone feed answers sign 1 with a real recording of "no"; the
# other answers are keys typed at the kiosk's terminal input.  The speaker
# is recorded.  Then the server is killed in the middle of a second session:
# the kiosk must say so and stop, not hang.  Asserts on the live events
# (which must carry no answer values), on the speaker recording, and on
# the files the kiosk created (none: no audio is ever written).
# Exit: 0 pass, 1 fail, 77 skipped (PulseAudio tools missing).
set -u
KIOSK=$(realpath "$1")
. "$(dirname "$0")/live_lib.sh"
live_setup live

parecord -d kiosk_speaker.monitor --rate=16000 --channels=1 --format=s16le \
  --file-format=wav "$WORK/speaker.wav" & RPID=$!
LIVE_PIDS=$RPID

live_start_kiosk --input-device kiosk_mic --output-device kiosk_speaker --rate 400

sleep 1
printf 'x' >&3   # a key starts the session
wait_for '"id":"sign.1"' 60
answer_sign1_by_voice
answer_signs_by_key 2 12 2
wait_for '"id":"menu"' 60
printf '2' >&3
wait_for '"id":"contacts.again"' 90
printf '2' >&3
wait_for '"type":"end"' 30

# A second session, then the sound server dies (SIGKILL) and comes back:
# the kiosk must log the loss, keep running and retrying, and once the
# server is back say the device.back notice and the greeting again.  No
# restart, and SIGTERM then stops it cleanly.
printf 'x' >&3
wait_for '"id":"greeting".*' 10
sleep 2
kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; LIVE_PIDS=""
"$SERVER" crash >/dev/null 2>&1
wait_for '"type":"device_lost"' 10
grep -q "audio: the .* is gone" "$WORK/kiosk.err" || fail "no clear log line about the lost audio device"
sleep 2
kill -0 "$KPID" 2>/dev/null || fail "the kiosk exited when the device went away"
"$SERVER" revive >/dev/null 2>&1 || fail "the audio server did not come back"
wait_for '"id":"system.device.back"' 10
grep -q "audio: the device is back" "$WORK/kiosk.err" || fail "no log line about the device being back"
said=$(sed -n '/"type":"device_lost"/,/"type":"device_back"/p' "$WORK/events.jsonl" | grep -c '"type":"prompt"')
[ "$said" -eq 0 ] || fail "$said prompts started while the device was gone"
# After the notice, the prompt the loss cut off (the greeting) again.
sed -n '/"id":"system.device.back"/,$p' "$WORK/events.jsonl" >"$WORK/after.jsonl"
for i in $(seq 1 100); do
  grep -q '"type":"prompt","id":"greeting"' "$WORK/after.jsonl" && break
  sleep 0.1
  sed -n '/"id":"system.device.back"/,$p' "$WORK/events.jsonl" >"$WORK/after.jsonl"
done
grep -q '"type":"prompt","id":"greeting"' "$WORK/after.jsonl" || fail "the greeting did not start again after the notice"
live_stop_kiosk

[ -z "$(ls -A "$WORK/cwd")" ] || fail "the kiosk wrote files: $(ls -A "$WORK/cwd")"

python3 - "$WORK/events.jsonl" "$WORK/speaker.wav" <<'PY' || fail "event or audio checks"
import json, struct, sys, wave
events = [json.loads(l) for l in open(sys.argv[1])]
first_end = next(i for i, e in enumerate(events) if e["type"] == "end")
s1 = events[:first_end + 1]
answers = [e for e in s1 if e["type"] == "answer"]
assert len(answers) == 12, "answers: %d" % len(answers)
assert all("value" not in e for e in answers), "a live event carries an answer value"
heard = [e for e in s1 if e["type"] == "heard" and e["meaning"]]
assert heard and heard[0]["meaning"] == "answer" and heard[0]["words"] == "", heard[:1]
assert s1[-1]["reason"] == "completed", s1[-1]
i_heard = s1.index(heard[0]); i_q1 = s1.index(answers[0])
assert i_heard < i_q1, "sign 1 was not answered by the microphone"
assert any(e["type"] == "contacts" for e in s1)
with wave.open(sys.argv[2]) as w:
    raw = w.readframes(w.getnframes()); rate = w.getframerate()
pcm = struct.unpack("<%dh" % (len(raw) // 2), raw)
# Every 100 ms window: how much of the recording has the kiosk's voice?
win = rate // 10
loud = sum(1 for i in range(0, len(pcm) - win, win)
           if (sum(x * x for x in pcm[i:i + win]) / win) ** 0.5 > 300)
spoken = loud / 10.0
print("speaker recording: %.1f s, %.1f s of speech; %d events" % (len(pcm) / rate, spoken, len(events)))
assert spoken > 20, "too little speech on the speaker"
PY
echo "ok: live session through PortAudio and PulseAudio"
