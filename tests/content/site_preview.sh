#!/usr/bin/env bash
# A clinic's site folder overrides the shipped files entry by entry, and
# `preview` speaks the result with the real eSpeak NG into a WAV file.
#   1. a good site folder (clinic name, a changed greeting, its own desk
#      number, a shipped sample removed, a new contact) passes `check`
#      without placeholder warnings for what it replaced;
#   2. preview of one prompt writes a WAV of a plausible length and prints
#      its captions, with the site's words in them;
#   3. preview --all is longer than one prompt and names every step;
#   4. an unknown prompt id exits 2 and names the nearest ids;
#   5. without -o and without a sound card, preview exits 4.
# usage: site_preview.sh KIOSK SOURCE_DIR
set -euo pipefail
kiosk=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
wav_seconds() {
  python3 -c 'import sys, wave; w = wave.open(sys.argv[1]); print("%.2f" % (w.getnframes() / w.getframerate()))' "$1"
}
ge() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$1" "$2"; }

site=$tmp/site
mkdir -p "$site/en-US"
cat >"$site/en-US/flow.ini" <<'INI'
; Riverside's changes: only what differs from the shipped flow.
[kiosk]
clinic = Riverside Health Centre

[greeting]
text = Welcome to {clinic}.
    If you are in danger right now, call nine one one.
    This is a short spoken check on signs of emotional numbness.
    It is not a diagnosis. Nothing is recorded.
    Answer yes, no, or not sure, or use the keys.
    <break time="300ms"/>Say <emphasis>help</emphasis> at any time.
INI
cat >"$site/en-US/contacts.ini" <<'INI'
[desk]
name = The Riverside front desk
phone = 612 555 2368
hours = Open every weekday, from 8 in the morning

[counselling]
remove = yes

[nurse]
name = The Riverside nurse line
offer = A nurse can call you back
phone = 612 555 2370
hours = Open every day
crisis = no
INI

out=$("$kiosk" check --site "$site") || fail "check refused a good site folder: $out"
echo "$out"
grep -q "contact \[desk\] is a shipped sample" <<<"$out" &&
  fail "the site's own desk number still counts as a sample"
grep -q "\[counselling\]" <<<"$out" && fail "the removed contact is still checked"

# One prompt, into a WAV.
out=$("$kiosk" preview greeting --site "$site" -o "$tmp/greeting.wav")
echo "$out"
grep -qx "Welcome to Riverside Health Centre." <<<"$out" ||
  fail "the caption does not carry the clinic name"
grep -qx "Say help at any time." <<<"$out" ||
  fail "the caption still shows SSML tags"
s=$(wav_seconds "$tmp/greeting.wav")
ge "$s" 6 || fail "greeting.wav is only $s s"
ge 40 "$s" || fail "greeting.wav is $s s, longer than the text allows"
echo "greeting: $s s"

out=$("$kiosk" preview contacts --site "$site" -o "$tmp/contacts.wav")
grep -q "The Riverside nurse line" <<<"$out" || fail "the new contact is not read"
grep -q "counselling" <<<"$out" && fail "the removed contact is read"
grep -q "6 1 2, 5 5 5, 2 3 6 8" <<<"$out" || fail "the desk number is not read digit by digit"

# SSML reaches eSpeak NG as SSML: a 3 s break lengthens the audio by about
# 3 s (read aloud as text, the tag would add words, not a pause).
ssml=$tmp/ssml
mkdir -p "$ssml/en-US"
printf '[goodbye]\ntext = Goodbye now.\n' >"$ssml/en-US/flow.ini"
"$kiosk" preview goodbye --site "$ssml" -o "$tmp/plain.wav" >/dev/null
printf '[goodbye]\ntext = Goodbye <break time="3s"/> now.\n' >"$ssml/en-US/flow.ini"
"$kiosk" preview goodbye --site "$ssml" -o "$tmp/break.wav" >/dev/null
d=$(python3 -c "print($(wav_seconds "$tmp/break.wav") - $(wav_seconds "$tmp/plain.wav"))")
ge "$d" 2.5 || fail "a 3 s <break> added only $d s"
ge 3.5 "$d" || fail "a 3 s <break> added $d s"
echo "SSML break: +$d s"

# The whole flow.
out=$("$kiosk" preview --all --site "$site" -o "$tmp/all.wav")
a=$(wav_seconds "$tmp/all.wav")
ge "$a" "$(python3 -c "print($s * 5)")" || fail "the whole flow ($a s) is hardly longer than the greeting"
for id in greeting sign.1 sign.12 crisis summary menu explain.gethelp contacts goodbye; do
  grep -qx "\[$id\]" <<<"$out" || fail "preview --all does not speak [$id]"
done
echo "whole flow: $a s"

# An unknown id.
set +e
err=$("$kiosk" preview sign.13 -o "$tmp/x.wav" 2>&1)
st=$?
set -e
[ "$st" -eq 2 ] || fail "unknown id exited $st, expected 2"
grep -q "nearest: .*sign.1" <<<"$err" || fail "no nearest ids in: $err"

# No sound card: exit 4 with a clear message (skipped if a device exists).
if "$kiosk" --list-devices | grep -q "no audio devices"; then
  set +e
  err=$("$kiosk" preview sign.1 2>&1)
  st=$?
  set -e
  [ "$st" -eq 4 ] || fail "preview with no device exited $st, expected 4"
  grep -q "use -o FILE.wav" <<<"$err" || fail "no hint in: $err"
fi
echo "ok: site overrides, preview to WAV, captions"
