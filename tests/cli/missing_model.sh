#!/usr/bin/env bash
# The en-US speech model removed (an empty folder mounted over Debian's
# model folder, in a mount namespace of this test's own): `check` and
# `simulate` exit 3 and name the package to install.  Before, the kiosk
# took en-US for a keys-only language, failed on its dictionary and
# blamed the prompts (exit 2).  Skipped (77) where mount namespaces are
# not allowed.
# usage: missing_model.sh KIOSK SCENARIO
set -euo pipefail
kiosk=$1 scenario=$2
unshare -m true 2>/dev/null || { echo "SKIP: no mount namespace"; exit 77; }
empty=$(mktemp -d)
trap 'rmdir "$empty"' EXIT
for cmd in "check" "simulate $scenario --quiet"; do
  set +e
  out=$(unshare -m bash -c "mount --bind '$empty' /usr/share/pocketsphinx/model && '$kiosk' $cmd" 2>&1)
  status=$?
  set -e
  echo "$cmd: exit $status: $out"
  [ "$status" -eq 3 ] || { echo "FAIL: $cmd exited $status, not 3"; exit 1; }
  grep -qF "install the Debian package pocketsphinx-en-us" <<<"$out" ||
    { echo "FAIL: $cmd does not name the package"; exit 1; }
  if grep -qE "prompts have problems|keys only" <<<"$out"; then
    echo "FAIL: $cmd blames the prompts or calls en-US keys only"; exit 1
  fi
done
echo "ok: a missing model is named with its fix"
