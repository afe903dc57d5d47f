#!/usr/bin/env bash
# The systemd units: `systemd-analyze security --offline` must rate the
# system service 2.0 or lower, `systemd-analyze verify` must accept both
# units (with ExecStart pointed at the built binary, since nothing is
# installed here), and the settings the issue asks for must be there.
#
#   tests/deploy/systemd_test.sh SOURCE_DIR VOICE_KIOSK_BINARY
# Exit: 0 pass, 1 fail, 77 skipped (systemd-analyze missing).
set -u
SRC=$(realpath "$1")
BIN=$(realpath "$2")
UNIT=$SRC/deploy/systemd/voice-kiosk.service
USER_UNIT=$SRC/deploy/systemd/user/voice-kiosk.service
command -v systemd-analyze >/dev/null 2>&1 || { echo "SKIP: systemd-analyze missing"; exit 77; }
WORK=$(mktemp -d /tmp/voice-kiosk-units.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# 1. The security score of the system service.
systemd-analyze security --offline=yes --no-pager "$UNIT" >"$WORK/security" 2>&1
grep -v '^ *✓' "$WORK/security"
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$WORK/security")
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
  pass "system service exposure $score <= 2.0"
else
  fail "system service exposure '${score:-none}' is not <= 2.0"
fi

# 2. The settings the issue names, each on its own line.
for want in 'Type=notify' 'WatchdogSec=[1-9][0-9]*s' 'Restart=on-failure' \
            'DynamicUser=yes' 'SupplementaryGroups=audio' \
            'PrivateNetwork=yes' 'RestrictAddressFamilies=AF_UNIX' \
            'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
            'StateDirectory=voice-kiosk' \
            'NoNewPrivileges=yes' 'CapabilityBoundingSet=' \
            'RestartPreventExitStatus=2 3' 'ExecReload=/bin/kill -HUP \$MAINPID' \
            'StandardError=journal' 'ExecStart=/usr/bin/voice-kiosk --quiet.*'; do
  grep -Eqx "$want" "$UNIT" && pass "system unit: $want" || fail "system unit lacks $want"
done
for want in 'Type=notify' 'WatchdogSec=[1-9][0-9]*s' 'Restart=on-failure' \
            'RestrictAddressFamilies=AF_UNIX' 'NoNewPrivileges=yes' \
            'StateDirectory=voice-kiosk' \
            'ExecStart=/usr/bin/voice-kiosk --quiet --self-test-once.*' \
            'WantedBy=default.target'; do
  grep -Eqx "$want" "$USER_UNIT" && pass "user unit: $want" || fail "user unit lacks $want"
done
# The watchdog must be longer than the loop's worst tick by far, and the
# kiosk pings every WatchdogSec/2 of its sample clock.
wd=$(sed -n 's/^WatchdogSec=\([0-9]*\)s$/\1/p' "$UNIT")
[ "${wd:-0}" -ge 10 ] && pass "WatchdogSec=${wd}s" || fail "WatchdogSec too short: $wd"

# 3. systemd-analyze verify, on copies that run the built binary.  It
# exits 0 on unknown keys (it only warns), so any output is a failure too.
mkdir -p "$WORK/system" "$WORK/user"
sed "s|/usr/bin/voice-kiosk|$BIN|g" "$UNIT" >"$WORK/system/voice-kiosk.service"
sed "s|/usr/bin/voice-kiosk|$BIN|g" "$USER_UNIT" >"$WORK/user/voice-kiosk.service"
if systemd-analyze verify --man=no "$WORK/system/voice-kiosk.service" >"$WORK/verify" 2>&1 && [ ! -s "$WORK/verify" ]; then
  pass "systemd-analyze verify (system unit)"
else
  cat "$WORK/verify"; fail "systemd-analyze verify (system unit)"
fi
# The user manager needs a runtime folder to start offline.
mkdir -m 700 "$WORK/xdg"
if XDG_RUNTIME_DIR=$WORK/xdg systemd-analyze --user verify --man=no \
     "$WORK/user/voice-kiosk.service" >"$WORK/verify-user" 2>&1 && [ ! -s "$WORK/verify-user" ]; then
  pass "systemd-analyze --user verify (user unit)"
else
  cat "$WORK/verify-user"; fail "systemd-analyze --user verify (user unit)"
fi
# The keypad drop-in, applied to the system unit, still verifies.
mkdir -p "$WORK/system/voice-kiosk.service.d"
sed "s|/usr/bin/voice-kiosk|$BIN|g" "$SRC/deploy/systemd/keypad-tty1.conf" \
  >"$WORK/system/voice-kiosk.service.d/keypad-tty1.conf"
# Its command is the unit's, with the captions on tty1 added: nothing else
# may drift from the unit.
unit_cmd=$(sed -n 's/^ExecStart=\(..*\)$/\1/p' "$UNIT")
dropin_cmd=$(sed -n 's/^ExecStart=\(..*\)$/\1/p' "$SRC/deploy/systemd/keypad-tty1.conf" |
             sed 's| --screen /dev/tty1||')
[ -n "$unit_cmd" ] && [ "$unit_cmd" = "$dropin_cmd" ] &&
  pass "keypad drop-in: the unit's command plus --screen /dev/tty1" ||
  fail "keypad drop-in command '$dropin_cmd' is not the unit's '$unit_cmd' plus --screen"
if SYSTEMD_UNIT_PATH=$WORK/system: systemd-analyze verify --man=no \
     "$WORK/system/voice-kiosk.service" >"$WORK/verify-dropin" 2>&1 && [ ! -s "$WORK/verify-dropin" ]; then
  pass "systemd-analyze verify (with the keypad drop-in)"
else
  cat "$WORK/verify-dropin"; fail "systemd-analyze verify (with the keypad drop-in)"
fi

if [ $fails -gt 0 ]; then echo "$fails failed"; exit 1; fi
echo "all systemd checks passed"
