#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang in build-fuzz/ (ASan + UBSan)
# and fuzzes each for a bounded time (fuzz.run.*), after replaying every
# seed and crash fixture (fuzz.regress.*).
#
#   scripts/fuzz.sh [SECONDS_EACH]     default 30; eight harnesses
#
# Exit 0 when nothing crashed; 77 when clang or libFuzzer is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cc" ]; then
  echo "SKIP: clang is not installed (deps [test]: clang, libclang-rt-14-dev)"
  exit 77
fi
cmake -S "$here" -B "$here/build-fuzz" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVK_FUZZ=ON \
  -DVK_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$here/build-fuzz" -j"$(nproc)" \
  --target fuzz_ini fuzz_flow fuzz_contacts fuzz_grammar fuzz_scenario fuzz_wav \
  fuzz_settings fuzz_site \
  fuzz_replay_ini fuzz_replay_flow fuzz_replay_contacts fuzz_replay_grammar \
  fuzz_replay_scenario fuzz_replay_wav fuzz_replay_settings fuzz_replay_site \
  >/dev/null
cd "$here/build-fuzz"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Two at a time: the machine has two cores.
ctest -j2 --output-on-failure -R '^fuzz\.'
