#!/usr/bin/env bash
# The fleet playbook (deploy/ansible/site.yml):
#   1. ansible-playbook --syntax-check;
#   2. a run against localhost in check mode with a .deb built by cpack
#      (nothing is installed or written outside a temporary folder);
#   3. a site whose contacts.ini has no phone number is refused;
#   4. a site that fails `voice-kiosk check` stops the play before the
#      reload handler.
#
#   tests/deploy/ansible_test.sh SOURCE_DIR BUILD_DIR VOICE_KIOSK_BINARY
# Exit: 0 pass, 1 fail, 77 skipped (ansible-playbook or cpack missing).
set -u
SRC=$(realpath "$1")
BUILD=$(realpath "$2")
BIN=$(realpath "$3")
PLAY=$SRC/deploy/ansible/site.yml
for tool in ansible-playbook cpack; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
WORK=$(mktemp -d /tmp/voice-kiosk-ansible.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCAL_TEMP=$WORK/tmp \
       ANSIBLE_REMOTE_TEMP=$WORK/rtmp ANSIBLE_HOME=$WORK/home

if ansible-playbook -i "$SRC/deploy/ansible/inventory.example.ini" --syntax-check "$PLAY" >"$WORK/syntax" 2>&1; then
  pass "syntax-check"
else
  cat "$WORK/syntax"; fail "syntax-check"
fi

(cd "$BUILD" && cpack -G DEB -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; fail "cpack"; }
deb=$(ls "$WORK"/pkg/voice-kiosk_*.deb 2>/dev/null | head -1)
printf '[kiosks]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >"$WORK/inventory"
# Everything the play would write on the "kiosk" points into $WORK.
common=(-i "$WORK/inventory" "$PLAY" -e "voice_kiosk_deb=$deb"
        -e "voice_kiosk_cache=$WORK/cache" -e "voice_kiosk_bin=$BIN")

ansible-playbook --check --diff "${common[@]}" >"$WORK/check.log" 2>&1; st=$?
recap=$(grep -A1 '^PLAY RECAP' "$WORK/check.log" | tail -1)
echo "check mode: $recap"
if [ $st -eq 0 ] && echo "$recap" | grep -q 'failed=0' \
   && grep -q 'TASK \[Install the package' "$WORK/check.log" \
   && grep -q 'TASK \[Push the site' "$WORK/check.log" \
   && grep -q '"ok: .* have no problems' "$WORK/check.log"; then
  pass "check-mode run against localhost"
else
  tail -40 "$WORK/check.log"; fail "check-mode run against localhost (status $st)"
fi

# A site with no phone number in its contacts is refused.
mkdir -p "$WORK/sites/nophone/en-US"
printf '[desk]\nname = Nobody\n' >"$WORK/sites/nophone/en-US/contacts.ini"
ansible-playbook --check "${common[@]}" -e "voice_kiosk_sites_dir=$WORK/sites" \
  -e voice_kiosk_site=nophone --tags site >"$WORK/nophone.log" 2>&1; st=$?
if [ $st -ne 0 ] && grep -q 'has no contact with a phone number' "$WORK/nophone.log"; then
  pass "a site without a phone number is refused"
else
  tail -20 "$WORK/nophone.log"; fail "a site without a phone number was not refused"
fi

# A failing `voice-kiosk check` stops the play; the reload never runs.
mkdir -p "$WORK/sites/ok/en-US" "$WORK/broken"
cp "$SRC/deploy/ansible/sites/example-clinic/en-US/contacts.ini" "$WORK/sites/ok/en-US/"
cp -r "$SRC/prompts/en-US/." "$WORK/broken/"
printf '\n[broken\n' >>"$WORK/broken/flow.ini"
ansible-playbook --check "${common[@]}" -e "voice_kiosk_sites_dir=$WORK/sites" \
  -e voice_kiosk_site=ok -e "voice_kiosk_check_args='--prompts $WORK/broken'" \
  --tags site,check >"$WORK/badcheck.log" 2>&1; st=$?
if [ $st -ne 0 ] && grep -q 'TASK \[voice-kiosk check\]' "$WORK/badcheck.log" \
   && grep -q 'flow.ini:[0-9]*:' "$WORK/badcheck.log" \
   && ! grep -q 'RUNNING HANDLER \[Reload' "$WORK/badcheck.log"; then
  pass "a site that fails check stops the play before the reload"
else
  tail -30 "$WORK/badcheck.log"; fail "a failing check did not stop the play"
fi

if [ $fails -gt 0 ]; then echo "$fails failed"; exit 1; fi
echo "all ansible checks passed"
