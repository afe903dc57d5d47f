#!/usr/bin/env bash
# A site's voice that eSpeak NG cannot load (a typo):
#   1. `check` refuses it at the [kiosk] voice line (exit 2);
#   2. a kiosk that runs anyway is not mute: it speaks with en-us and says
#      so once in the log, at the file:line of the voice setting (every
#      sentence failed before: a silent kiosk; then the log named no line);
#   3. nothing is lost on the way: it says as much as a kiosk set to en-us
#      (the first sentence was silence before: the voice was found bad
#      only after it had failed).
# usage: bad_voice.sh KIOSK SCENARIO
set -uo pipefail
kiosk=$1 scenario=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$tmp/site/en-US"
printf '; a typo in the voice\n[kiosk]\nvoice = en-uss\n' > "$tmp/site/en-US/flow.ini"
out=$("$kiosk" check --site "$tmp/site" 2>&1); status=$?
echo "$out" | grep -v warning
[ "$status" -eq 2 ] || fail "check exit $status, want 2"
echo "$out" | grep -q "$tmp/site/en-US/flow.ini:3: \[kiosk\] voice: eSpeak NG cannot speak with 'en-uss'" ||
  fail "no file:line for the voice"
"$kiosk" simulate "$scenario" --site "$tmp/site" --record "$tmp/s.wav" --quiet \
  2> "$tmp/err" || fail "simulate failed: $(cat "$tmp/err")"
[ "$(grep -c "cannot speak with the voice 'en-uss'; speaking with en-us instead" "$tmp/err")" -eq 1 ] ||
  fail "the log does not say once that the voice was replaced: $(cat "$tmp/err")"
grep -qF "voice-kiosk: $tmp/site/en-US/flow.ini:3: [kiosk] voice: eSpeak NG cannot speak with the voice 'en-uss'" "$tmp/err" ||
  fail "the log does not name the file:line of the voice: $(cat "$tmp/err")"
mkdir -p "$tmp/good/en-US"
printf '[kiosk]\nvoice = en-us\n' > "$tmp/good/en-US/flow.ini"
"$kiosk" simulate "$scenario" --site "$tmp/good" --record "$tmp/good.wav" --quiet \
  2> "$tmp/err" || fail "simulate en-us failed: $(cat "$tmp/err")"
python3 - "$tmp/s.wav" "$tmp/good.wav" <<'PY' || exit 1
import sys, wave, array
def speaker(path):
    w = wave.open(path)
    x = array.array("h", w.readframes(w.getnframes()))
    return x[1::2] if w.getnchannels() == 2 else x
def voiced(x):  # 20 ms frames with speech in them
    return sum(1 for i in range(0, len(x) - 320, 320)
               if max(abs(v) for v in x[i:i + 320]) > 500)
bad, good = speaker(sys.argv[1]), speaker(sys.argv[2])
peak = max(abs(v) for v in bad)
if peak < 1000:
    sys.exit("FAIL: the kiosk was mute (speaker peak %d)" % peak)
print("speaker peak %d: it spoke" % peak)
vb, vg = voiced(bad), voiced(good)
print("speech: %d frames with the bad voice, %d set to en-us" % (vb, vg))
if vb < 0.99 * vg:
    sys.exit("FAIL: speech was lost before the voice was replaced")
PY
echo ok
