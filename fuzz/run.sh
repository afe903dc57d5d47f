#!/usr/bin/env bash
# Fuzzes one harness for a bounded time (the fuzz.run.<name> CTest tests).
#
#   fuzz/run.sh FUZZER NAME SECONDS WORKDIR
#
# New inputs go to WORKDIR/corpus/NAME (the committed seeds in
# fuzz/corpus/NAME are only read), a crash to WORKDIR/crashes/NAME/.  On a
# crash this fails and says where the input is: fix the bug, then commit
# the input under fuzz/crashes/NAME/ so fuzz.regress.NAME replays it forever.
set -euo pipefail
fuzzer=$1 name=$2 seconds=$3 work=$4
seeds=$(cd "$(dirname "$0")" && pwd)/corpus/$name
mkdir -p "$work/corpus/$name" "$work/crashes/$name"
# Harnesses write each input to a file: memory-backed is faster.
[ -w /dev/shm ] && export TMPDIR=/dev/shm
# -rss_limit_mb: a parser must not need more than this for any input.
if "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
     -print_final_stats=1 -artifact_prefix="$work/crashes/$name/" \
     "$work/corpus/$name" "$seeds" 2>"$work/$name.log"; then
  tail -n 12 "$work/$name.log" | grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^Done|cov:" | tail -n 4
  echo "ok: $name fuzzed for ${seconds}s, no crash"
else
  tail -n 60 "$work/$name.log"
  echo "FAIL: $name crashed; the input is in $work/crashes/$name/"
  ls -l "$work/crashes/$name/"
  exit 1
fi
