#!/usr/bin/env bash
# Copies the shipped prompts and grammars, breaks one thing on purpose, and
# checks that `voice-kiosk check` exits 2 and reports it at the right
# file:line.  The expected line is found in the broken copy itself, so the
# test keeps working when staff edit the shipped text.
# usage: broken_copy.sh KIOSK SOURCE_DIR CASE
set -euo pipefail
kiosk=$1 src=$2 case=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/prompts/en-US" "$tmp/prompts"
cp -r "$src/grammars" "$tmp/grammars"
flow=$tmp/prompts/flow.ini
contacts=$tmp/prompts/contacts.ini

# line_of FILE REGEX: the first line matching REGEX
line_of() { grep -n -m1 -E "$2" "$1" | cut -d: -f1; }

case $case in
sign3_not_crisis)
  sed -i 's/^on_yes = crisis$/on_yes = sign.4/' "$flow"
  file=$flow line=$(line_of "$flow" '^\[sign\.3\]')
  want="sign 3 [sign.3] must have on_yes = a crisis step" ;;
unknown_step)
  sed -i '0,/^next = sign\.2$/s//next = sign.99/' "$flow"
  file=$flow line=$(line_of "$flow" '^next = sign\.99$')
  want="no step called 'sign.99'" ;;
bad_phone)
  sed -i '0,/^phone = .*/s//phone = 555-01AB/' "$contacts"
  file=$contacts line=$(line_of "$contacts" '^phone = 555-01AB$')
  want="phone '555-01AB' has 'A'" ;;
not_key_value)
  sed -i '0,/^\[sign\.5\]$/s//[sign.5]\nthis line has no equals sign/' "$flow"
  file=$flow line=$(line_of "$flow" '^this line has no equals sign$')
  want="expected 'key = value'" ;;
missing_system)
  sed -i '/^noinput\.2 *=/,/^[a-z]/{/^noinput\.2 *=/d;/^ /d}' "$flow"
  file=$flow line=$(line_of "$flow" '^\[system\]')
  want="[system] needs 'noinput.2'" ;;
unknown_placeholder)
  sed -i '0,/^\[sign\.2\]$/s//[sign.2]\nhelp = Say {answer} now./' "$flow"
  file=$flow line=$(line_of "$flow" 'Say \{answer\} now')
  want="unknown placeholder {answer}" ;;
grammar_syntax)
  sed -i 's/^<no> = (no /<no> = (no | /' "$tmp/grammars/answer.gram"
  file=$tmp/grammars/answer.gram line=$(line_of "$file" '^<no> = ')
  want="empty alternative" ;;
menu_topic_missing)
  sed -i 's/{gethelp}/{helping}/' "$tmp/grammars/menu.gram"
  file=$flow line=$(line_of "$flow" '^\[menu\]')
  want="menu option 'gethelp' has no phrase in menu.gram" ;;
*) echo "unknown case $case"; exit 2 ;;
esac

set +e
out=$("$kiosk" check --prompts "$tmp/prompts" --grammars "$tmp/grammars" 2>&1)
status=$?
set -e
echo "$out"
if [ "$status" -ne 2 ]; then
  echo "FAIL: check exited $status, expected 2"; exit 1
fi
if ! grep -qF "$file:$line: $want" <<<"$out"; then
  echo "FAIL: expected a line starting with: $file:$line: $want"; exit 1
fi
echo "ok: $case reported at $file:$line"
