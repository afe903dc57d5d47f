#!/usr/bin/env bash
# Installs the Debian packages from deps/debian-packages.txt that are not
# installed yet.  Usage: scripts/ensure-deps.sh [build] [run] [test] [lab]
# (default: build, run and test; lab is for bench/asr_lab only).
# Needs root or sudo only when something is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
list="$here/deps/debian-packages.txt"
want_sections=("$@")
[ ${#want_sections[@]} -gt 0 ] || want_sections=(build run test)

missing=()
section=""
while IFS= read -r line; do
  line=${line%%#*}
  line=$(echo "$line" | tr -d '[:space:]')
  [ -n "$line" ] || continue
  if [[ $line == \[*\] ]]; then section=${line:1:-1}; continue; fi
  for s in "${want_sections[@]}"; do
    if [ "$s" = "$section" ]; then
      if ! dpkg-query -W -f='${Status}' "$line" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$line")
      fi
    fi
  done
done < "$list"

[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing missing Debian packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
