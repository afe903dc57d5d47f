#!/usr/bin/env bash
# Builds the .deb with CPack from the build folder and reads it back with
# dpkg-deb: Depends, the file list, the conffiles and maintainer scripts.
# Then unpacks it into a throwaway root and runs the unpacked binary, which
# must find its prompts and grammars under that root's usr/share/voice-kiosk
# (not the source tree), and checks that the sample site files change
# nothing (every line a note).
#
#   tests/deploy/package_test.sh BUILD_DIR
# Exit: 0 pass, 1 fail, 77 skipped (cpack or dpkg-deb missing).
set -u
BUILD=$(realpath "$1")
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
WORK=$(mktemp -d /tmp/voice-kiosk-deb.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

(cd "$BUILD" && cpack -G DEB -B "$WORK/out" >"$WORK/cpack.log" 2>&1) || {
  cat "$WORK/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$WORK"/out/voice-kiosk_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || { cat "$WORK/cpack.log"; echo "FAIL: no .deb"; exit 1; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# Depends: the shared libraries (dpkg-shlibdeps) and the data packages.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for p in pocketsphinx-en-us espeak-ng-data libasound2-plugins \
         libpocketsphinx3 libsphinxbase3 libespeak-ng1 libportaudio2 \
         libspeexdsp1 libsndfile1 libinih1 libcjson1 libsystemd0 libc6; do
  if echo ", $depends," | grep -Eq "[ ,]$p( \([^)]*\))?,"; then
    pass "Depends has $p"
  else
    fail "Depends lacks $p"
  fi
done
# Nothing for building or testing leaks into Depends.
echo "$depends" | grep -Eq -- '-dev\b|cmocka|ansible|pulseaudio[ ,]|^pulseaudio' \
  && fail "Depends names a build or test package"
[ "$(dpkg-deb -f "$deb" Package)" = voice-kiosk ] || fail "Package name"
[ -n "$(dpkg-deb -f "$deb" Version)" ] || fail "no Version"

# The file list.
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$WORK/files"
for f in /usr/bin/voice-kiosk \
         /usr/share/voice-kiosk/prompts/en-US/flow.ini \
         /usr/share/voice-kiosk/prompts/en-US/contacts.ini \
         /usr/share/voice-kiosk/grammars/answer.gram \
         /usr/share/voice-kiosk/grammars/command.gram \
         /usr/share/voice-kiosk/grammars/menu.gram \
         /usr/share/voice-kiosk/acoustic/en-us/means \
         /usr/share/voice-kiosk/acoustic/en-us/rivals \
         /usr/share/man/man1/voice-kiosk.1.gz \
         /usr/lib/systemd/system/voice-kiosk.service \
         /usr/lib/systemd/user/voice-kiosk.service \
         /etc/voice-kiosk/README /etc/voice-kiosk/settings.ini \
         /etc/voice-kiosk/en-US/flow.ini /etc/voice-kiosk/en-US/contacts.ini \
         /etc/default/voice-kiosk; do
  grep -qx "$f" "$WORK/files" && pass "ships $f" || fail "does not ship $f"
done
grep -E '^/(usr/local|work|tmp|home|root)' "$WORK/files" && fail "files outside the package layout"

# Conffiles: exactly the files under /etc.
dpkg-deb -e "$deb" "$WORK/ctrl"
sort "$WORK/ctrl/conffiles" >"$WORK/conffiles"
grep '^/etc/.*[^/]$' "$WORK/files" | sort >"$WORK/etcfiles"
if [ -s "$WORK/conffiles" ] && diff -u "$WORK/etcfiles" "$WORK/conffiles"; then
  pass "conffiles = every file under /etc ($(wc -l <"$WORK/conffiles"))"
else
  fail "conffiles differ from the files under /etc"
fi
for s in postinst prerm postrm; do
  [ -x "$WORK/ctrl/$s" ] && sh -n "$WORK/ctrl/$s" && pass "$s is an executable shell script" \
    || fail "$s missing or broken"
done

# Unpack into a throwaway root and run the unpacked binary.
dpkg-deb -x "$deb" "$WORK/root"
out=$("$WORK/root/usr/bin/voice-kiosk" check 2>&1); st=$?
echo "$out"
if [ $st -eq 0 ] && echo "$out" | grep -q "$WORK/root/usr/share/voice-kiosk/prompts/en-US and $WORK/root/usr/share/voice-kiosk/grammars"; then
  pass "the unpacked binary uses its own usr/share/voice-kiosk"
else
  fail "the unpacked binary did not use $WORK/root/usr/share/voice-kiosk (status $st)"
fi
# ... and really reads them: break the unpacked flow, and check must fail
# at that file.
printf '\n[broken\n' >>"$WORK/root/usr/share/voice-kiosk/prompts/en-US/flow.ini"
out=$("$WORK/root/usr/bin/voice-kiosk" check 2>&1); st=$?
if [ $st -eq 2 ] && echo "$out" | grep -q "^$WORK/root/usr/share/voice-kiosk/prompts/en-US/flow.ini:[0-9]*:"; then
  pass "a broken unpacked flow.ini fails check with file:line (status 2)"
else
  echo "$out"; fail "a broken unpacked flow.ini was not reported (status $st)"
fi

# The recogniser loads the unpacked acoustic means and rival words: with
# them it hears a real "yes"; without either it stops with status 3 and
# names the missing file.
yes_clip=$(dirname "$0")/../../../shared/data/speech/dev/sc2test/yes/0cb74144_nohash_0.wav
means=$WORK/root/usr/share/voice-kiosk/acoustic/en-us/means
if [ -f "$yes_clip" ]; then
  out=$("$WORK/root/usr/bin/voice-kiosk" recognize "$yes_clip" 2>&1); st=$?
  [ $st -eq 0 ] && [ "$(echo "$out" | cut -f3)" = yes ] &&
    pass "the unpacked binary recognises a real yes" ||
    fail "the unpacked binary did not recognise yes (status $st): $out"
  # A means file that is not one (a text file, as a broken copy leaves)
  # made PocketSphinx end the process with status 1 and no word; now 3.
  cp "$means" "$WORK/means.good"
  printf 'version https://git-lfs.github.com/spec/v1\n' > "$means"
  out=$("$WORK/root/usr/bin/voice-kiosk" recognize "$yes_clip" 2>&1); st=$?
  [ $st -eq 3 ] && echo "$out" | grep -qF "$means" &&
    pass "broken acoustic means: status 3, the path named" ||
    fail "broken acoustic means not reported (status $st): $out"
  cp "$WORK/means.good" "$means"
  # One at a time: the rival words first (the means are read before them).
  for f in rivals means; do
    path=$(dirname "$means")/$f
    rm "$path"
    out=$("$WORK/root/usr/bin/voice-kiosk" recognize "$yes_clip" 2>&1); st=$?
    [ $st -eq 3 ] && echo "$out" | grep -qF "$path" &&
      pass "missing acoustic $f: status 3, the path named" ||
      fail "missing acoustic $f not reported (status $st): $out"
  done
fi

# The sample site folder changes nothing: no line but notes, blanks and
# [section] headings (which set nothing).
for f in "$WORK"/root/etc/voice-kiosk/settings.ini "$WORK"/root/etc/voice-kiosk/en-US/*.ini; do
  active=$(grep -Ev '^[[:space:]]*(;|#|$|\[[a-z]+\][[:space:]]*$)' "$f")
  [ -z "$active" ] && pass "${f#$WORK/root} is fully commented" \
    || fail "${f#$WORK/root} has active lines: $active"
done
# The man page is readable by man, without warnings.
if command -v man >/dev/null 2>&1; then
  warn=$(man --warnings -l "$WORK/root/usr/share/man/man1/voice-kiosk.1.gz" 2>&1 >/dev/null)
  page=$(MANWIDTH=80 man -l "$WORK/root/usr/share/man/man1/voice-kiosk.1.gz" 2>/dev/null)
  if [ -z "$warn" ] && echo "$page" | grep -q "EXIT STATUS"; then
    pass "man page renders without warnings"
  else
    fail "man page: $warn"
  fi
fi

if [ $fails -gt 0 ]; then echo "$fails failed"; exit 1; fi
echo "all package checks passed"
