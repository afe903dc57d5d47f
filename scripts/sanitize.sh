#!/usr/bin/env bash
# Builds voice-kiosk with AddressSanitizer + UBSan in build-asan/ and runs the
# test suite there: unit, content, end to end (the real recogniser and
# synthesiser on the simulated device), the privacy unit test and the fuzz
# regression replays.  Any finding fails the test that hit it: ASan errors
# and leaks exit non-zero, and UBSan is built with -fno-sanitize-recover.
#
#   scripts/sanitize.sh [CTEST ARGS...]
#
# Not run here: the real-PulseAudio tests (audio.*, privacy.live*: real-time
# pace, run in the normal build), valgrind (it cannot run an ASan binary),
# soak.short (ASan's quarantine of freed memory makes its RSS-growth check
# meaningless; every session it runs is also an e2e test here), the format
# check, the packaging checks (deploy.package, .systemd, .ansible: they
# test files, not the program's memory), and recognition.rivals, .spare
# and .clean (each two runs of the floor test's clips, one with its check
# off: recognition.floor runs the same code with all on, here, and takes
# seven minutes alone).  Leaks inside
# PocketSphinx are suppressed in scripts/lsan.supp, each one explained there.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$here" -B "$here/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVK_SANITIZE=ON >/dev/null
cmake --build "$here/build-asan" -j"$(nproc)" >/dev/null
# fast_unwind_on_malloc=0: the Debian libraries have no frame pointers, and
# the suppressions need the whole stack to match.
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:strict_string_checks=1:detect_stack_use_after_return=1
export LSAN_OPTIONS=suppressions=$here/scripts/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cd "$here/build-asan"
echo "== ASan + UBSan build (build-asan): unit, content checks, end to end, fuzz replays"
ctest -j2 --output-on-failure \
  -E '^(audio\.|privacy\.live|valgrind\.|soak\.|style\.|deploy\.(package|systemd|ansible)$|recognition\.(rivals|spare|clean)$)' "$@"
