#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the kiosk.
# On a machine with no sound device it runs a demo session on the simulated
# device instead: a synthesized person answers, the captions are printed,
# and the whole session is written to demo.wav.
# Any arguments go to voice-kiosk (for example --input-device NAME).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/scripts/ensure-deps.sh" build run
"$here/scripts/build.sh" >&2
set +e
"$here/build/voice-kiosk" "$@"
status=$?
set -e
if [ "$status" -eq 4 ]; then
  echo "No sound device here: running a demo session on the simulated device." >&2
  "$here/build/voice-kiosk" simulate "$here/scenarios/demo.scn" --record demo.wav
  echo "Wrote demo.wav (left: what the microphone heard, right: what the kiosk said)." >&2
  exit 0
fi
exit "$status"
