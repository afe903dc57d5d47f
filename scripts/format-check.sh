#!/usr/bin/env bash
# The layout check (CTest style.format): every C file under src/, tests/,
# fuzz/ and bench/ must be exactly as .clang-format lays it out.  Prints
# each file that is not, with clang-format's own diagnostics.  Fix with: clang-format -i FILE
# Exit: 0 ok, 1 files to format, 77 clang-format not installed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
command -v clang-format >/dev/null 2>&1 || { echo "SKIP: clang-format missing"; exit 77; }
bad=0 checked=0
while IFS= read -r f; do
  checked=$((checked + 1))
  if ! clang-format --dry-run --Werror "$f" 2>/tmp/vk-format.$$; then
    head -n 20 /tmp/vk-format.$$
    echo "not formatted: $f"
    bad=$((bad + 1))
  fi
done < <(find src tests fuzz bench -name '*.[ch]' | sort)
rm -f /tmp/vk-format.$$
echo "$checked files checked, $bad not formatted"
[ $bad -eq 0 ]
