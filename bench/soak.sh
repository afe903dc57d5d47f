#!/usr/bin/env bash
# Soak benchmark: N simulated sessions (default 1,000) of mixed scenarios in
# ONE process through the kiosk API, with the real PocketSphinx and eSpeak
# NG; prints peak RSS at the start, after one round of scenarios, after 100
# sessions and at the end, open file descriptors, sessions/s, and how the
# sessions ended.  Goals: peak RSS growth <= 1 MB, no descriptor growth.
#
#   bench/soak.sh [SESSIONS]
#
# The CI test soak.short runs 40 sessions of the same program with --check.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
"$here/scripts/build.sh"
cmake --build "$here/build" --target soak >/dev/null
scn=()
for f in "$here"/tests/scenarios/*.scn "$here"/scenarios/demo.scn; do
  # recordings.scn plays clips from ../shared/data; skip it if absent.
  if grep -q '^play ' "$f" && ! [ -d "$here/../shared/data/speech/dev" ]; then
    echo "skipping $(basename "$f"): shared recordings not found" >&2
    continue
  fi
  scn+=("$f")
done
echo "soak: $n sessions; machine: $(nproc) cores, $(uname -m); $(date -u +%F)"
"$here/build/soak" --sessions "$n" --check "${scn[@]}"
