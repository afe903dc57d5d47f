#!/usr/bin/env bash
# Valgrind memcheck over one whole simulated session (the real PocketSphinx
# and eSpeak NG; all twelve questions answered by voice, the crisis
# contacts, the summary, the menu and the contacts).  Fails on any invalid
# read or write, use of uninitialised memory, bad free, or a definite or
# indirect leak; the only suppressions are two leaks inside PocketSphinx,
# each explained in scripts/valgrind.supp.
#
#   tests/valgrind_session.sh path/to/voice-kiosk SOURCE_DIR
# Exit: 0 clean, 1 findings, 77 valgrind not installed.
set -u
kiosk=$1 src=$2
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind missing"; exit 77; }
log=$(mktemp /tmp/vk-valgrind.XXXXXX)
events=$(mktemp /tmp/vk-valgrind-events.XXXXXX)
trap 'rm -f "$log" "$events"' EXIT
valgrind --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect --track-origins=yes --num-callers=30 \
  --suppressions="$src/scripts/valgrind.supp" --log-file="$log" \
  "$kiosk" simulate "$src/tests/scenarios/all_yes.scn" --quiet \
  --events "$events"
rc=$?
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|suppressed:" "$log"
if [ $rc -ne 0 ]; then
  cat "$log"
  echo "FAIL: valgrind found problems (exit $rc)"
  exit 1
fi
# It must have been a whole session, not an early exit.
grep -q '"type":"end","reason":"completed"' "$events" ||
  { echo "FAIL: the session did not complete"; exit 1; }
echo "ok: valgrind memcheck clean over one whole session"
