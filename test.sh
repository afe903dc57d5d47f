#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run every test
# (unit, content, end to end on the simulated device, and the real PortAudio
# path against a headless PulseAudio server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/scripts/ensure-deps.sh" build run test
"$here/scripts/build.sh"
cd "$here/build"
ctest --output-on-failure -j2 "$@"
