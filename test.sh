#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run every test
# (unit, content, end to end on the simulated device, the real PortAudio
# path against a headless PulseAudio server, privacy, soak, valgrind and the
# layout check); then the same suite under ASan + UBSan
# (scripts/sanitize.sh) and each fuzzer for VK_FUZZ_SECONDS (default 30,
# scripts/fuzz.sh).  VK_QUICK=1 runs only the first part.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/scripts/ensure-deps.sh" build run test || exit 1
"$here/scripts/build.sh" || exit 1
status=0
(cd "$here/build" && ctest --output-on-failure -j2 "$@") || status=1
if [ "${VK_QUICK:-0}" != 1 ]; then
  "$here/scripts/sanitize.sh" "$@" || status=1
  "$here/scripts/fuzz.sh" "${VK_FUZZ_SECONDS:-30}"
  rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 77 ] || status=1
fi
exit $status
