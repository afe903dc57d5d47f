#!/usr/bin/env bash
# The live kiosk keeps the last site files that passed `check` in its state
# folder, and a start with broken site files starts from that copy instead
# of refusing to start (site_copy.h).  No audio device is given, so each
# run stops at the device (exit 4) after the content is loaded: the exit
# status says whether the content was good enough to go on.
#   1. good site files: the kiosk goes on, and the copy holds them;
#   2. broken site files: the problem is logged at its file:line, and the
#      kiosk starts from the copy (exit 4, not 2); the copy is unchanged;
#   3. broken site files and no copy (or a copy of another site folder):
#      exit 2, as before;
#   4. `simulate` (a developer's command) neither reads nor writes a copy.
# usage: site_copy.sh KIOSK SCENARIO
set -uo pipefail
kiosk=$1 scenario=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export STATE_DIRECTORY=$tmp/state
run() {
  "$kiosk" run --site "$tmp/site" --quiet --input-device no-such-mic \
    --output-device no-such-speaker 2> "$tmp/err"
}
mkdir -p "$tmp/site/en-US"
printf '[greeting]\ntext = Welcome to the clinic kiosk.\n' > "$tmp/site/en-US/flow.ini"
printf '[timing]\nno_answer = 12\n' > "$tmp/site/settings.ini"

run; status=$?
[ "$status" -eq 4 ] || fail "good files: exit $status, want 4 (no device): $(cat "$tmp/err")"
copy=$tmp/state/site-en-US
cmp "$tmp/site/en-US/flow.ini" "$copy/en-US/flow.ini" || fail "flow.ini not copied"
cmp "$tmp/site/settings.ini" "$copy/settings.ini" || fail "settings.ini not copied"
grep -q "^saved .* UTC from $tmp/site" "$copy/README" || fail "README: $(cat "$copy/README")"
echo "1. good files kept in $copy"

printf '[greeting]\ntext = <emphasis>Welcome\n' > "$tmp/site/en-US/flow.ini"
run; status=$?
cat "$tmp/err"
[ "$status" -eq 4 ] || fail "broken files with a copy: exit $status, want 4"
grep -q "$tmp/site/en-US/flow.ini:2: 'text': <emphasis> is never closed" "$tmp/err" ||
  fail "the problem is not logged at its file:line"
grep -q "starts from the last good copy of them, saved .* UTC in $copy" "$tmp/err" ||
  fail "the log does not say it starts from the copy"
grep -q "Welcome to the clinic kiosk" "$copy/en-US/flow.ini" ||
  fail "the broken files replaced the copy"
echo "2. broken files: started from the copy"

# Another site folder, broken: the copy is of the first one, not of it.
mkdir -p "$tmp/other/en-US"
cp "$tmp/site/en-US/flow.ini" "$tmp/other/en-US/flow.ini"
"$kiosk" run --site "$tmp/other" --quiet --input-device no-such-mic \
  --output-device no-such-speaker 2> "$tmp/err"; status=$?
[ "$status" -eq 2 ] || fail "another broken site folder: exit $status, want 2"
! grep -q "last good copy" "$tmp/err" || fail "another site folder used the copy"
echo "2b. another broken site folder: refused, the copy not used"

"$kiosk" simulate "$scenario" --site "$tmp/site" --quiet > /dev/null 2> "$tmp/err"; status=$?
[ "$status" -eq 2 ] || fail "simulate with broken files: exit $status, want 2"
grep -q "flow.ini:2:" "$tmp/err" || fail "simulate: $(cat "$tmp/err")"
! grep -q "last good copy" "$tmp/err" || fail "simulate used the copy"
rm -rf "$tmp/state"
run; status=$?
[ "$status" -eq 2 ] || fail "broken files, no copy: exit $status, want 2"
[ ! -e "$tmp/state/site-en-US" ] || fail "a copy of broken files was made"
echo "3. broken files and no copy: refused (exit 2)"
echo ok
