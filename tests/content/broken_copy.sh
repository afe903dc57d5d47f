#!/usr/bin/env bash
# Copies the shipped prompts and grammars, breaks one thing on purpose, and
# checks that `voice-kiosk check` exits 2 and reports it at the right
# file:line.  The expected line is found in the broken copy itself, so the
# test keeps working when staff edit the shipped text.
# Site cases write a site folder ($site/en-US/...) that overrides the
# shipped copy entry by entry, and expect the problem at the SITE file:line.
# A warning case expects exit 0 and the warning line.  A case may also list
# more lines that must be there ($also) or must not ($absent); a case with no
# $want expects no line about $file at all.
# usage: broken_copy.sh KIOSK SOURCE_DIR CASE
set -euo pipefail
kiosk=$1 src=$2 case=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$src/prompts/en-US" "$tmp/prompts"
cp -r "$src/grammars" "$tmp/grammars"
flow=$tmp/prompts/flow.ini
contacts=$tmp/prompts/contacts.ini
site=$tmp/site
mkdir -p "$site/en-US"
sflow=$site/en-US/flow.ini
scontacts=$site/en-US/contacts.ini
status_want=2
also=() absent=()

# line_of FILE REGEX: the first line matching REGEX
line_of() { grep -n -m1 -E "$2" "$1" | cut -d: -f1; }

case $case in
sign3_not_crisis)
  sed -i 's/^on_yes = crisis$/on_yes = sign.4/' "$flow"
  file=$flow line=$(line_of "$flow" '^on_yes = sign\.4$')
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
no_contacts_path)
  # The summary goes straight to goodbye: a session could end without the
  # contacts (they are still reachable from the crisis offer).
  sed -i '/^\[summary\]$/,/^\[/s/^next = menu$/next = goodbye/' "$flow"
  file=$flow line=$(line_of "$flow" '^\[goodbye\]')
  want="the session can end at [goodbye] without the support contacts" ;;
contacts_unreachable)
  sed -i '/^\[summary\]$/,/^\[/s/^next = menu$/next = goodbye/' "$flow"
  sed -i '/^\[crisis\.continue\]$/,/^\[/s/^on_no = contacts$/on_no = goodbye/' "$flow"
  file=$flow line=$(line_of "$flow" '^\[contacts\]')
  want="the contacts step [contacts] cannot be reached from the start" ;;
question_no_grammar)
  rm "$tmp/grammars/answer.gram"
  file=$flow line=$(line_of "$flow" '^\[sign\.1\]')
  want="[sign.1] asks a question without a grammar" ;;
word_not_in_dictionary)
  sed -i 's/^<yes> = (yes | /<yes> = (yess | yes | /' "$tmp/grammars/answer.gram"
  file=$tmp/grammars/answer.gram line=$(line_of "$file" '^<yes> = ')
  want="'yess' is not in the pronunciation dictionary, so it can never be heard; nearest words: yes" ;;
ssml_unclosed)
  sed -i 's/^text = Do you believe that you have no feelings?$/text = Do you <emphasis>believe that you have no feelings?/' "$flow"
  file=$flow line=$(line_of "$flow" '<emphasis>believe')
  want="'text': <emphasis> is never closed" ;;
ssml_bad_value)
  sed -i 's/^text = Do you believe that you have no feelings?$/text = Do you believe <break time="two seconds"\/> that you have no feelings?/' "$flow"
  file=$flow line=$(line_of "$flow" '^text = Do you believe <break')
  want="'text': <break time=\"two seconds\"> is not a pause eSpeak NG can play" ;;
ssml_across_sentences)
  sed -i 's/^text = Do you believe that you have no feelings?$/text = <prosody rate="slow">Take a moment. Do you believe that you have no feelings?<\/prosody>/' "$flow"
  file=$flow line=$(line_of "$flow" '^text = <prosody rate=')
  want="'text': <prosody> is still open at the end of a sentence" ;;
contact_no_phone)
  sed -i '0,/^phone = 988$/{/^phone = 988$/d}' "$contacts"
  file=$contacts line=$(line_of "$contacts" '^\[lifeline\]')
  want="contact [lifeline] has no phone number" ;;
phone_too_short)
  sed -i 's/^phone = 911$/phone = 91/' "$contacts"
  file=$contacts line=$(line_of "$contacts" '^phone = 91$')
  want="phone '91' has 2 digits; a phone number has 3 to 15" ;;
site_placeholder_phone)
  printf '[desk]\nname = The front desk of Riverside Clinic\nphone = 555 0199\n' >"$scontacts"
  file=$scontacts line=3
  want="contact [desk] is still a placeholder (a made-up 555 01xx phone number)" ;;
site_placeholder_text)
  printf '; our own line\n[nurse]\nname = EXAMPLE nurse line\noffer = A nurse can call you back\nphone = 612 555 2368\nhours = Any time\ncrisis = no\n' >"$scontacts"
  file=$scontacts line=3
  want="contact [nurse] is still a placeholder (EXAMPLE)" ;;
site_unknown_prompt)
  printf '[greting]\ntext = Welcome.\n' >"$sflow"
  file=$sflow line=1
  want="unknown prompt id [greting]: the shipped flow has no step called that (did you mean [greeting]?)" ;;
site_unknown_system)
  printf '[system]\nnoinput.4 = Are you still there?\n' >"$sflow"
  file=$sflow line=2
  want="unknown prompt id 'noinput.4' in [system] (did you mean 'noinput.1'?)" ;;
site_bad_link)
  printf '; a site change\n[sign.2]\nnext = sign.33\n' >"$sflow"
  file=$sflow line=3
  want="no step called 'sign.33' (did you mean 'sign.3'?)" ;;
site_sign3_not_crisis)
  printf '[sign.3]\non_unsure = sign.4\n' >"$sflow"
  file=$sflow line=2
  want="sign 3 [sign.3] must have on_unsure = a crisis step" ;;
site_clinic_missing)
  printf '[greeting]\ntext = Welcome to {clinic}.\n' >"$sflow"
  file=$sflow line=2
  want="'text' uses {clinic} but no clinic name is set" ;;
site_contact_ampersand)
  printf '[desk]\nname = Smith & Jones practice\n' >"$scontacts"
  file=$scontacts line=2
  want="'name': a bare '&' is not allowed in spoken text" ;;
site_nul_byte)
  # A NUL byte (a binary file, a bad copy) was reported as a line too long.
  printf '; site\n[greeting]\ntext = Hello\0 there.\n' >"$sflow"
  file=$sflow line=3
  want="line has 1 NUL byte: is this a text file?" ;;
site_crisis_no_numbers)
  # A crisis text that leaves the numbers out would say none after a yes
  # on sign 3.
  printf '[crisis]\ntext = Thank you for telling me.\n' >"$sflow"
  file=$sflow line=2
  want="'text' must contain {crisis_contacts}: without it the kiosk never says the crisis numbers" ;;
site_contacts_no_list)
  printf '[contacts]\ntext = Here are some places you can reach.\n' >"$sflow"
  file=$sflow line=2
  want="'text' must contain {contacts}" ;;
site_contact_no_phone)
  # How one contact is read out, without its number: every contact,
  # crisis lines too, would be read without one.
  printf '[system]\ncontact = {name}. {offer}. {hours}.\n' >"$sflow"
  file=$sflow line=2
  want="'contact' must contain {phone}: without it the kiosk never says a contact's number" ;;
site_timeout_crisis_no_numbers)
  printf '[system]\ntimeout.crisis = Before this session ends, goodbye.\n' >"$sflow"
  file=$sflow line=2
  want="'timeout.crisis' must contain {crisis_contacts}" ;;
site_keys_unsaid)
  # Keys moved in settings.ini, the key instructions said left as shipped:
  # warned at each shipped prompt that names a moved key.
  status_want=0
  printf '; our keypad\n[keys]\nyes = y\nno = n\nunsure = u\n' >"$site/settings.ini"
  file=$flow line=$(line_of "$flow" '^keys\.answer = ')
  want="warning: [keys] moves keys, but the kiosk still says the shipped ones ([system] keys.answer: 1 for yes is now y, 2 for no is now n, 3 for unsure is now u); write the new keys in your site's flow.ini [system] keys.answer"
  also=("$flow:$(line_of "$flow" '^keys\.menu = '): warning: [keys] moves keys, but the kiosk still says the shipped ones ([system] keys.menu: 1 for yes is now y")
  # help names no answer key
  absent=("([system] help:") ;;
site_keys_unsaid_prompts)
  # Help, pause and more time moved, only keys.answer and keys.menu
  # rewritten: help, noinput.3, nomatch.3, control.paused and
  # control.warning still tell a blind person keys that now do nothing.
  status_want=0
  printf '[keys]\nhelp = 0\nmore_time = 7\nrepeat = 4\npause = 5\n' >"$site/settings.ini"
  printf '[system]\nkeys.answer = Or press 1 for yes, 2 for no, or 3 for not sure.\n    You can also press 4 to repeat, 0 for help, B to go back, S to skip, or Q to stop.\nkeys.menu = Or press 1 to hear the next topic, or 2 to go on to the contacts.\n    You can also press 4 to repeat, 0 for help, or Q to stop.\n' >"$sflow"
  file=$flow line=$(line_of "$flow" '^help = ')
  want="warning: [keys] moves keys, but the kiosk still says the shipped ones ([system] help: R for repeat is now 4, H for help is now 0, P for pause is now 5, T for more_time is now 7); write the new keys in your site's flow.ini [system] help"
  shipped="warning: [keys] moves keys, but the kiosk still says the shipped ones"
  also=("$flow:$(line_of "$flow" '^noinput\.3 = '): $shipped ([system] noinput.3: H for help is now 0)"
        "$flow:$(line_of "$flow" '^nomatch\.3 = '): $shipped ([system] nomatch.3: H for help is now 0)"
        "$flow:$(line_of "$flow" '^control\.paused = '): $shipped ([system] control.paused: P for pause is now 5)"
        "$flow:$(line_of "$flow" '^control\.warning = '): $shipped ([system] control.warning: T for more_time is now 7)")
  absent=("$sflow:" "[system] keys.answer" "[system] keys.menu" "[system] control.choose") ;;
site_keys_kept_old)
  # The site rewrote a prompt but kept a key that now does nothing: warned
  # at the site's line.
  status_want=0
  printf '[keys]\nhelp = 0\n' >"$site/settings.ini"
  printf '[system]\nnoinput.3 = I still cannot hear you.\n    Press H for help, or ask a member of staff.\n' >"$sflow"
  file=$sflow line=2
  want="warning: [keys] moves keys, but [system] noinput.3 still says the old ones (H for help is now 0); write the new keys here" ;;
site_keys_step_text)
  # A step's own text or help that names keys (es-ES's steps do: "Pulse 1
  # para sí") is looked at too: here the site's help for the crisis offer
  # still names 1, which now does nothing.
  status_want=0
  printf '[keys]\nyes = y\nno = n\nunsure = u\n' >"$site/settings.ini"
  printf '[crisis.again]\nhelp = Press 1 to hear the numbers again, or 2 to go on.\n' >"$sflow"
  file=$sflow line=2
  want="warning: [keys] moves keys, but [crisis.again] help still says the old ones (1 for yes is now y, 2 for no is now n); write the new keys here" ;;
site_keys_all_said)
  # Keys moved and every prompt that names them rewritten: no warning.
  status_want=0
  printf '[keys]\nhelp = 0\nmore_time = 7\nrepeat = 4\npause = 5\n' >"$site/settings.ini"
  cat >"$sflow" <<'EOT'
[system]
noinput.3 = I still cannot hear you.
    You can use the keys instead.
    Press 0 at any time for help.
nomatch.3 = I am having trouble understanding you.
    You can use the keys instead.
    Press 0 at any time for help.
keys.answer = Or press 1 for yes, 2 for no, or 3 for not sure.
    You can also press 4 to repeat, 0 for help, B to go back, S to skip, or Q to stop.
keys.menu = Or press 1 to hear the next topic, or 2 to go on to the contacts.
    You can also press 4 to repeat, 0 for help, or Q to stop.
keys.offer = Or press 1 for yes, or 2 for no.
    You can also press 4 to repeat, 0 for help, or Q to stop.
help = Say help, repeat, go back, skip, stop, pause, or more time.
    Keys: 4 repeat, 0 help, B back, S skip, Q stop, 5 pause,
    plus or minus for volume, slash or star for speed, 7 for more time.
    The arrows say the choices, and Enter chooses.
control.paused = Paused. Say continue, or press 5, when you are ready.
control.warning = Are you still there? This session will end soon.
    Say more time, or press 7, if you need longer.
EOT
  file=$site line="" want=""
  absent=("moves keys") ;;
site_bom)
  # Windows Notepad starts a UTF-8 file with a byte order mark: the files
  # pass, and the clinic name set on line 1 is used ({clinic} fails without).
  status_want=0
  printf '\xef\xbb\xbf[kiosk]\nclinic = Riverside\n[greeting]\ntext = Welcome to {clinic}.\n' >"$sflow"
  printf '\xef\xbb\xbf[nurse]\nname = The Riverside nurse line\noffer = A nurse can call you back\nphone = 612 555 2370\nhours = Open every day\ncrisis = no\n' >"$scontacts"
  printf '\xef\xbb\xbf[audio]\nbarge_in = no\n' >"$site/settings.ini"
  file=$site line="" want=""
  absent=("$sflow:" "$scontacts:" "$site/settings.ini:") ;;
site_not_utf8)
  # Latin-1 text (Windows-1252 too) would break the --events JSON and
  # eSpeak NG.  Columns count characters, not bytes.
  printf '; caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 are fine\n[greeting]\ntext = Bienvenido a la cl\xednica.\n    \xc3\xa9t\xe9\n' >"$sflow"
  file=$sflow line=3
  want="not UTF-8 text (byte 0xED at column 26); save the file as UTF-8"
  also=("$sflow:4: not UTF-8 text (byte 0xE9 at column 7)")
  absent=("$sflow:1:") ;;
grammar_bom)
  # A grammar saved by Windows Notepad starts with a byte order mark: it
  # passes (the mark was read as a symbol before "#JSGF" at line 1).
  status_want=0
  sed -i '1s/^/\xef\xbb\xbf/' "$tmp/grammars/answer.gram"
  file=$tmp/grammars line="" want=""
  absent=("$tmp/grammars/answer.gram:") ;;
grammar_not_utf8)
  # A grammar edited as Latin-1: reported at its line and column, as the
  # INI files are, its bytes never reaching a word or a message.  (Lines
  # found first: grep takes the broken file for a binary one.)
  file=$tmp/grammars/answer.gram
  line=$(line_of "$file" '^// Answers to a yes') yes=$(line_of "$file" '^<yes> = ')
  sed -i 's|^// Answers to a yes|// Answers (r\xe9ponses) to a yes|' "$file"
  sed -i 's/^<yes> = (yes | /<yes> = (yes | s\xed | /' "$file"
  want="not UTF-8 text (byte 0xE9 at column 14); save the file as UTF-8"
  also=("$file:$yes: not UTF-8 text (byte 0xED at column 17)") ;;
site_bad_utf8_forms)
  # Overlong, a surrogate, above U+10FFFF, a stray continuation byte, a
  # sequence cut short, and one cut by the end of the file.
  printf '[nurse]\nname = Hello \xc0\xaf there.\n    caf\xed\xa0\x80 now\n    \xf4\x90\x80\x80 big\n    a\x80b\n    \xe2\x82 end\n    end \xe2\x82' >"$scontacts"
  file=$scontacts line=2
  want="not UTF-8 text (byte 0xC0 at column 14)"
  also=("$scontacts:3: not UTF-8 text (byte 0xED at column 8)"
        "$scontacts:4: not UTF-8 text (byte 0xF4 at column 5)"
        "$scontacts:5: not UTF-8 text (byte 0x80 at column 6)"
        "$scontacts:6: not UTF-8 text (byte 0xE2 at column 5)"
        "$scontacts:7: not UTF-8 text (byte 0xE2 at column 9)") ;;
site_value_too_long)
  # A text far over the limit is reported once, at the line that passes
  # it, not once for every line after (2,845 times for one greeting).
  { printf '[greeting]\ntext = Hello.\n'
    for i in $(seq 1 400); do printf '    This is line %d of a greeting that goes on and on.\n' "$i"; done
  } >"$sflow"
  # The line where the joined value (lines joined by one space) passes 8191.
  file=$sflow line=$(awk 'NR == 2 { a = length("Hello.") }
    NR > 2 && !done { v = $0; sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
      if (a + length(v) + 2 > 8192) { print NR; done = 1 } else a += 1 + length(v) }' "$sflow")
  want="value of 'text' is too long (over 8191 characters)"
  n=$("$kiosk" check --prompts "$tmp/prompts" --grammars "$tmp/grammars" \
    --site "$site" 2>&1 | grep -c "is too long" || true)
  [ "$n" = 1 ] || { echo "FAIL: 'is too long' reported $n times"; exit 1; } ;;
site_menu_option_empty)
  # A topic left out of its key: no one could ever ask for it.
  printf '[menu]\noption. = explain.why\n' >"$sflow"
  file=$sflow line=2
  want="'option.' has no topic: write option.TOPIC = step" ;;
site_type_changed)
  # A shipped step's type changed: its shipped keys no longer fit, and the
  # site's 'type' line is the one to fix.
  printf '; a site change\n[explain.what]\ntype = menu\n' >"$sflow"
  file=$sflow line=3
  want="[explain.what] (a menu step) needs 'on_no'"
  also=("$sflow:3: 'next' is not used by a menu step"
        "$sflow:3: menu [explain.what] has no 'option.TOPIC = step' lines")
  absent=("$flow:") ;;
site_step_unreachable)
  # A link changed to skip sign 3: it and the crisis steps after it are
  # cut off, at the site's link.
  printf '; skip a question\n[sign.2]\nnext = sign.4\n' >"$sflow"
  file=$sflow line=3
  want="step [sign.3] can never be reached from the start"
  also=("$sflow:3: step [crisis] can never be reached from the start")
  absent=("$flow:") ;;
site_start_moved)
  printf '[kiosk]\n; no greeting\nstart = sign.1\n' >"$sflow"
  file=$sflow line=3
  want="step [greeting] can never be reached from the start"
  absent=("$flow:") ;;
site_no_contacts_path)
  printf '; straight to the end\n[summary]\nnext = goodbye\n' >"$sflow"
  file=$sflow line=3
  want="the session can end at [goodbye] without the support contacts"
  also=("$sflow:3: from step [sign.4] the flow can no longer reach the contacts")
  absent=("$flow:") ;;
site_sign_twice)
  printf '[sign.4]\n; a typo: sign 3 twice\nsign = 3\n' >"$sflow"
  file=$sflow line=3
  want="sign 3 is already asked by [sign.3]"
  also=("$sflow:3: no question step asks sign 4")
  absent=("$flow:") ;;
site_sign3_moved)
  # Sign 3 (the safety question) asked by a step that does not send a yes
  # to the crisis contacts; the site's 'sign' line reports both ways.
  printf '[sign.2]\n; a typo\nsign = 3\n' >"$sflow"
  file=$sflow line=3
  want="sign 3 [sign.2] must have on_yes = a crisis step"
  also=("$sflow:3: sign 3 is already asked by [sign.3]"
        "$sflow:3: no question step asks sign 2")
  absent=("$flow:") ;;
site_menu_option_no_phrase)
  printf '; a new topic\n[menu]\noption.weather = explain.what\n' >"$sflow"
  file=$sflow line=3
  want="menu option 'weather' has no phrase in menu.gram meaning {weather}" ;;
site_no_crisis_contact)
  # Every crisis contact removed: the crisis step would say no number.
  printf '[desk]\nremove = yes\n[lifeline]\nremove = yes\n[emergency]\nremove = yes\n' >"$scontacts"
  file=$scontacts line=6
  want="no contact has 'crisis = yes': the crisis contacts would be empty" ;;
site_crisis_contact_off)
  printf '[lifeline]\n; not ours\ncrisis = no\n[emergency]\nremove = yes\n[desk]\nremove = yes\n' >"$scontacts"
  file=$scontacts line=3
  want="no contact has 'crisis = yes'" ;;
site_no_contacts)
  printf '[desk]\nremove = yes\n[counselling]\nremove = yes\n[lifeline]\nremove = yes\n[emergency]\nremove = yes\n' >"$scontacts"
  file=$scontacts line=8
  want="there are no contacts"
  absent=("$contacts:") ;;
site_contacts_too_long)
  # 40 local contacts: more than the kiosk can say at once, at the site's
  # first contact (the shipped texts are not the site's to shorten).
  { printf '; our local services\n'
    for i in $(seq 1 40); do
      printf '[local%d]\nname = Local crisis service %d\noffer = They can talk with you\nphone = 0161 496 %04d\nhours = Open on weekdays\ncrisis = yes\n' "$i" "$i" "$i"
    done
  } >"$scontacts"
  file=$scontacts line=2
  want="[contacts] 'text' comes to"
  also=("$scontacts:2: [crisis] 'text' comes to"
        "$scontacts:2: [system] 'timeout.crisis' comes to"
        "$scontacts:2: [system] 'timeout.safety' comes to"
        "$scontacts:2: [system] 'nomatch.safety' comes to"
        "$scontacts:2: [system] 'skip.safety' comes to") ;;
long_prompt)
  # A warning, not an error: check still passes.
  status_want=0
  sed -i 's/^text = Do you feel tired all the time?$/text = Do you feel tired all the time?\n    This question asks about the kind of tiredness that is there when you wake up.\n    It stays with you all through the day, and does not go away after a rest.\n    It does not go away after a quiet weekend, or a long night of sleep.\n    Think about the last few weeks, and whether you have felt this way most days.\n    Think of home and of work, of time with friends and time on your own.\n    Think of the mornings, the afternoons, and the evenings.\n    Then think of whether rest helps, and for how long it helps.\n    There is no right or wrong answer to this question./' "$flow"
  file=$flow line=$(line_of "$flow" '^text = Do you feel tired all the time\?$')
  want="warning: [sign.11] 'text' takes about" ;;
long_wake)
  # Said between sessions, maybe to an empty room: over 3 s is warned about.
  status_want=0
  printf '[system]\nwake = Hello there, and welcome to the clinic. To start the check, say yes, or press any key on the keypad.\n' >"$sflow"
  file=$sflow line=2
  want="warning: 'wake' takes about" ;;
*) echo "unknown case $case"; exit 2 ;;
esac

set +e
out=$("$kiosk" check --prompts "$tmp/prompts" --grammars "$tmp/grammars" \
  --site "$site" 2>&1)
status=$?
set -e
echo "$out"
if [ "$status" -ne "$status_want" ]; then
  echo "FAIL: check exited $status, expected $status_want"; exit 1
fi
[ -n "$want" ] && also+=("$file:$line: $want")
for w in "${also[@]}"; do
  if ! grep -qF "$w" <<<"$out"; then
    echo "FAIL: expected a line starting with: $w"; exit 1
  fi
done
for w in "${absent[@]}"; do
  if grep -F "$w" <<<"$out"; then
    echo "FAIL: expected no line with: $w"; exit 1
  fi
done
echo "ok: $case at $file${line:+:$line}"
