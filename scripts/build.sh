#!/usr/bin/env bash
# Configures and builds voice-kiosk in build/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# Configuring every time is cheap, and repairs a build folder left behind by
# an earlier configure that failed (for example before packages were there).
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$here/build" -j"$(nproc)" >/dev/null
