#!/usr/bin/env bash
# A site with many contacts.  Its own contacts come before the shipped
# national lines, so a list cut short would drop 988 and 911.
#   1. 17 site contacts: `check` passes, and a simulated walk-through by
#      keys says every contact, the national lines included;
#   2. 40 site contacts: more than the kiosk can say at once, so `check`
#      refuses the site (exit 2) at the site's first contact.
# usage: many_contacts.sh KIOSK
set -uo pipefail
kiosk=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
site() { # N: a site folder with N local contacts
  mkdir -p "$tmp/site$1/en-US"
  for i in $(seq 1 "$1"); do
    printf '[local%d]\nname = Local service %d\noffer = They can talk with you\nphone = 0161 496 %04d\nhours = Open on weekdays\ncrisis = no\n\n' \
      "$i" "$i" "$i"
  done > "$tmp/site$1/en-US/contacts.ini"
  echo "$tmp/site$1"
}

s=$(site 17)
"$kiosk" check --site "$s" >/dev/null 2>&1 || fail "check refuses 17 contacts"
# twelve answers "no", the menu "move on", then no more contacts
for i in $(seq 1 14); do echo "key 2"; done > "$tmp/walk.scn"
"$kiosk" simulate "$tmp/walk.scn" --site "$s" --events "$tmp/ev.jsonl" --quiet ||
  fail "simulate failed"
python3 - "$tmp/ev.jsonl" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
caps, on = [], False
for e in ev:
    if e["type"] == "prompt":
        on = e["id"] == "contacts"
    elif e["type"] == "caption" and on:
        caps.append(e["text"])
said = " ".join(caps)
missing = [w for w in ["Local service 1.", "Local service 17.", "9 8 8", "9 1 1"] if w not in said]
if missing:
    sys.exit("FAIL: the contacts prompt did not say %s (it said: %s)" % (missing, said[-300:]))
print("17 contacts: all said (%d sentences)" % len(caps))
PY

s=$(site 40)
out=$("$kiosk" check --site "$s" 2>&1); status=$?
[ "$status" -eq 2 ] || fail "check exit $status for 40 contacts, want 2"
echo "$out" | grep -E "$s/en-US/contacts.ini:1: \[contacts\] 'text' comes to [0-9]+ characters in [0-9]+ sentences" ||
  fail "not at the site's first contact: $out"
echo ok
