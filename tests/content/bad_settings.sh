#!/usr/bin/env bash
# `check` reads the site's settings.ini: a broken one fails with file:line,
# and a good one passes.  usage: bad_settings.sh KIOSK
set -u
kiosk=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '[volume]\nstep = 30\n[keys]\nyes = 1\nno = 1\n[audio]\nbarge_in = maybe\n' \
  > "$dir/settings.ini"
out=$("$kiosk" check --site "$dir" 2>&1); status=$?
echo "$out"
[ "$status" -eq 2 ] || { echo "FAIL: exit $status, want 2"; exit 1; }
echo "$out" | grep -q "$dir/settings.ini:2: \[volume\] step: 30 is out of range" ||
  { echo "FAIL: no file:line for the bad step"; exit 1; }
echo "$out" | grep -q "$dir/settings.ini:7: \[audio\] barge_in: 'maybe' is not yes or no" ||
  { echo "FAIL: no file:line for the bad barge_in"; exit 1; }
echo "$out" | grep -q "$dir/settings.ini:5: \[keys\] key '1' is bound to both yes and no" ||
  { echo "FAIL: the key conflict is not reported at its line"; exit 1; }
# Each file alone fails check, with the message at its line.
fails() { # CONTENT PATTERN
  printf "$1" > "$dir/settings.ini"
  out=$("$kiosk" check --site "$dir" 2>&1); status=$?
  echo "$out"
  [ "$status" -eq 2 ] || { echo "FAIL: exit $status for: $1"; exit 1; }
  echo "$out" | grep -q "$dir/settings.ini:$2" ||
    { echo "FAIL: no '$2' for: $1"; exit 1; }
}
fails '[timing]\nno_answer = nan\n' "2: \[timing\] no_answer: nan is out of range"
fails '[volume]\nmax = inf\n' "2: \[volume\] max: inf is out of range"
fails '[keys]\nyes =\n' "2: yes needs at least one key"
fails '[timing]\ninactivity = 30\n\nwarning = 40\n' "4: \[timing\] warning must be shorter"
fails '[volume]\nmin = -6\nmax = 6\n' "3: \[volume\] max - min must span"
"$kiosk" settings > "$dir/settings.ini"
out=$("$kiosk" check --site "$dir" 2>&1) || { echo "FAIL: the sample settings fail check: $out"; exit 1; }
echo "ok"
