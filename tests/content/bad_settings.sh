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
echo "$out" | grep -q "key '1' is bound to both yes and no" ||
  { echo "FAIL: the key conflict is not reported"; exit 1; }
"$kiosk" settings > "$dir/settings.ini"
out=$("$kiosk" check --site "$dir" 2>&1) || { echo "FAIL: the sample settings fail check: $out"; exit 1; }
echo "ok"
