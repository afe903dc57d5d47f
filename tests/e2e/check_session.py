#!/usr/bin/env python3
"""Runs one simulated session and asserts on its events and audio.

usage: check_session.py KIOSK SCENARIO [--SIMULATE-OPTION...] [EXPECTATION...]

The scenario runs on `voice-kiosk simulate` with the real recogniser and
synthesiser; only the sound card is simulated.  Expectations:

  answers=yes,no,...      the 12 answer events, in sign order (last value wins)
  answer_count=N          exactly N answer events
  crisis_before=PROMPT    a crisis event comes before the first PROMPT prompt
  no_crisis               no crisis event
  end=REASON              the session ends with this reason
  contacts                the contacts start, and come after every answer
  prompt=ID               the prompt ID is spoken at least once
  prompt_order=A,B|C,D    these prompts start in this order (B|C: either)
  next=A:B                the prompt started right after the first A is B
                          (nothing in between: no "Is that right?")
  keys_only               no user speech at all, only keys
  heard_min=N             at least N recognition results
  no_listening            no recognition result at all (a keys-only language)
  text=ID:WORDS           prompt ID is spoken and its text contains WORDS
  not_text=ID:WORDS       prompt ID never contains WORDS
  arg=VALUE               pass VALUE to simulate (repeat: arg=--lang arg=es-ES)
  phones                  private listening: headphones (a WAV in a temporary
                          folder, --headphones-record)
  interrupted=A,B         each of these prompts was cut short (barge-in)
  not_interrupted=A       no prompt A was cut short or paused while playing
  paused_in_speech=N      at least N barge-in pauses fall inside the virtual
                          user's speech (the prompt went silent while the
                          person was still speaking)
  heard_meaning=M         some recognition result meant M
  before=A,B              an event of type A comes before the first of type B
  control_during=P:C      control C acted (by voice: no key pressed) while
                          prompt P was playing (barge-in over a prompt that
                          asks nothing)
  stays_paused=M          after the first pause, M was heard, and nothing was
                          said but the pause line (system.control.paused)
                          until a control let the speech go on
  quiet_pause             the first pause says the pause line once, to its
                          end, then nothing is said until a key (not
                          anything heard) lets the speech go on
  heard_not_acted=P:C     C was heard while prompt P played, and no control
                          acted then
  control_count=C:N       exactly N control C acted in the session
  prompt_count=A:N        prompt A was started exactly N times
  speech_during=A         the virtual user started speaking while prompt A
                          played (any time it was said)
  event_count=T:N         exactly N events of type T
  finished=A              the last time prompt A was said, it played to its
                          end (not cut short)
  no_self_hearing         nothing recognised with a meaning, no barge-in
                          pause, no nomatch reprompt (nobody spoke)
  audio                   the recording's right channel has speech in every
                          prompt's time span, and the left has the user
  recovered=S             every `unplug` is noticed at once (device_lost),
                          nothing is said or asked while the device is
                          gone, and within S s of each `replug` the kiosk
                          says system.device.back, then the prompt the loss
                          cut off (or the one it was listening after)
  no_keys_said            nothing said speaks of keys ("press", "key",
                          "keys", "keypad", "Enter", a lone capital letter
                          or digit), and the screen lists no keys (a
                          kiosk without keys: --voice-only)
  lost_timeout=S          the device is lost and never back, and the session
                          ends with reason timeout S s (+-0.1) after the loss
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import wave


def fail(msg, events=None):
    print("FAIL:", msg)
    if events is not None:
        for e in events:
            if e["type"] != "caption":
                print("   ", json.dumps(e)[:200])
    sys.exit(1)


def rms(samples):
    if not samples:
        return 0.0
    return (sum(s * s for s in samples) / len(samples)) ** 0.5


def pause_line(events, e):
    """e is the pause line's prompt event, or its caption."""
    return any(p["type"] == "prompt" and p["id"] == "system.control.paused"
               and p["t"] == e["t"]
               and (e is p or e.get("text") == p.get("text"))
               for p in events)


def check_quiet_pause(events):
    pause = next((e for e in events if e["type"] == "control"
                  and e.get("paused")), None)
    if pause is None:
        fail("nothing paused the speech", events)
    unpause = next((e for e in events if e["type"] == "control"
                    and e["t"] >= pause["t"] and not e.get("paused")), None)
    if unpause is None:
        fail("the speech never went on after the pause", events)
    if not any(e["type"] == "key" and e["t"] == unpause["t"]
               and e["action"] == unpause["control"] for e in events):
        fail("the pause ended without a key: %s" % unpause, events)
    span = [e for e in events if pause["t"] <= e["t"] < unpause["t"]]
    lines = [e for e in span if e["type"] == "prompt"
             and e["id"] == "system.control.paused"]
    if len(lines) != 1:
        fail("the pause line said %d times while paused, not once"
             % len(lines), events)
    end = next((e for e in span if e["type"] == "prompt_end"
                and e["id"] == "system.control.paused"), None)
    if end is None or end["interrupted"]:
        fail("the pause line did not play to its end", events)
    said = [e for e in span if e["type"] in ("caption", "prompt")
            and e["t"] > lines[0]["t"]]
    if said:
        fail("speech after the pause line, before the key: %s" % said[0],
             events)
    print("paused %.2f s: the pause line %.2f s, then silence until the key"
          % (unpause["t"] - pause["t"], end["t"] - lines[0]["t"]))


KEY_WORDS = re.compile(r"\b(press|key|keys|keypad|enter|arrows?)\b",
                       re.IGNORECASE)
# A capital letter standing alone ("press H"; "I" and "A" are words), or a
# digit as a key ("1 for yes"; not a count, "yes to 0 of the signs").
LONE_KEY = re.compile(r"(?<![\w'])([B-HJ-Z])(?![\w'])|"
                      r"\b([0-9] for)\b")
PHONE = re.compile(r"[0-9](?:[ ,]+[0-9])+")


def check_no_keys_said(events):
    """No prompt speaks of keys, and no listening point lists keys."""
    for e in events:
        if e["type"] == "prompt":
            text = PHONE.sub(" ", e["text"])
            found = KEY_WORDS.findall(text) + [
                "".join(m) for m in LONE_KEY.findall(text)]
            if found:
                fail("prompt %s speaks of keys (%s): %r"
                     % (e["id"], ", ".join(found), e["text"]), events)
        elif e["type"] == "expect" and "keys" in e:
            fail("the screen lists keys: %r" % e["keys"], events)


def check_audio(path, events):
    with wave.open(path) as w:
        assert w.getnchannels() == 2 and w.getframerate() == 16000
        raw = w.readframes(w.getnframes())
    pcm = struct.unpack("<%dh" % (len(raw) // 2), raw)
    left, right = pcm[0::2], pcm[1::2]
    starts = {}
    for e in events:
        if e["type"] == "prompt":
            starts[e["id"]] = e["t"]
        elif e["type"] == "prompt_end" and e["id"] in starts:
            a, b = int(starts[e["id"]] * 16000), int(e["t"] * 16000)
            if b - a > 1600 and rms(right[a:b]) < 300:
                fail("prompt %s is silent in the recording (%.1f-%.1f s)"
                     % (e["id"], a / 16000, b / 16000))
    for e in events:
        if e["type"] == "user_speech":
            a, b = int(e["start"] * 16000), int(e["end"] * 16000)
            if rms(left[a:b]) < 300:
                fail("user speech at %.1f s is missing from the microphone"
                     % e["start"])
    print("audio: %d prompts and %d user turns present" % (
        len(starts), sum(1 for e in events if e["type"] == "user_speech")))


def check_recovered(events, within):
    n = 0
    for i, e in enumerate(events):
        if e["type"] != "unplug":
            continue
        n += 1
        lost = next((x for x in events[i:] if x["type"] == "device_lost"), None)
        if lost is None or lost["t"] - e["t"] > 0.05:
            fail("unplug at %.2f s not noticed at once" % e["t"], events)
        # The prompt that was playing or last played when it went.
        cut = [x["id"] for x in events[:i] if x["type"] == "prompt"]
        j = next((k for k in range(i, len(events))
                  if events[k]["type"] == "replug"), None)
        if j is None:
            fail("unplug at %.2f s never ends" % e["t"], events)
        # Nothing is said or heard while it is gone.  A key may answer
        # the question it went at (kiosk.c key_while_lost): then the notice
        # is followed by the step that answer led to (prompt_order).
        keyed = False
        for x in events[i:j]:
            keyed |= x["type"] == "key"
            if keyed and x["type"] in ("answer", "crisis"):
                continue
            if x["type"] in ("prompt", "answer", "heard", "crisis", "contacts"):
                fail("%s while the device was gone" % x["type"], events)
        back = next((x for x in events[j:] if x["type"] == "prompt"), None)
        if back is None or back["id"] != "system.device.back":
            fail("no device.back notice after the replug at %.2f s"
                 % events[j]["t"], events)
        delay = back["t"] - events[j]["t"]
        if delay > within:
            fail("device.back %.2f s after the replug, want <= %s s"
                 % (delay, within), events)
        after = [x["id"] for x in events[j:] if x["type"] == "prompt"][1:2]
        if cut and not keyed and after != cut[-1:]:
            fail("after the notice came %s, not %s again" % (after, cut[-1]),
                 events)
        print("recovered: unplug %.2f s, replug %.2f s, notice after %.2f s,"
              " then %s again" % (e["t"], events[j]["t"], delay, cut[-1:]))
    if n == 0:
        fail("no unplug in the scenario", events)


def check_lost_timeout(events, seconds):
    lost = [e for e in events if e["type"] == "device_lost"]
    ends = [e for e in events if e["type"] == "end"]
    if not lost or not ends:
        fail("no device loss, or no end", events)
    if any(e["type"] == "device_back" for e in events):
        fail("the device came back", events)
    gap = ends[-1]["t"] - lost[-1]["t"]
    if ends[-1]["reason"] != "timeout" or abs(gap - seconds) > 0.1:
        fail("ended (%s) %.2f s after the loss, want timeout after %s s"
             % (ends[-1]["reason"], gap, seconds), events)
    after = events[events.index(lost[-1]):]
    if any(e["type"] in ("prompt", "answer") for e in after):
        fail("something was said or answered after the loss", events)


def main():
    kiosk, scenario, expectations = sys.argv[1], sys.argv[2], sys.argv[3:]
    extra = [x[4:] for x in expectations if x.startswith("arg=")]
    # Arguments starting with -- are options for `simulate` too.
    extra += [x for x in expectations if x.startswith("--")]
    expectations = [x for x in expectations
                    if not x.startswith("arg=") and not x.startswith("--")]
    with tempfile.TemporaryDirectory() as tmp:
        ev_path = os.path.join(tmp, "events.jsonl")
        wav_path = os.path.join(tmp, "session.wav")
        if "phones" in expectations:
            expectations.remove("phones")
            extra += ["--headphones-record", os.path.join(tmp, "phones.wav")]
        proc = subprocess.run(
            [kiosk, "simulate", scenario, "--events", ev_path, "--record",
             wav_path, "--quiet"] + extra, capture_output=True, text=True,
            timeout=600)
        if proc.returncode != 0:
            fail("simulate exited %d: %s" % (proc.returncode, proc.stderr))
        with open(ev_path) as f:
            events = [json.loads(line) for line in f]
        answers = {}
        for e in events:
            if e["type"] == "answer":
                answers[e["question"]] = e["value"]
        prompts = [e["id"] for e in events if e["type"] == "prompt"]
        types = [e["type"] for e in events]
        for x in expectations:
            key, _, val = x.partition("=")
            if key == "answers":
                want = val.split(",")
                got = [answers.get(i + 1, "") for i in range(12)]
                if got != want:
                    fail("answers %s, expected %s" % (got, want), events)
            elif key == "answer_count":
                n = types.count("answer")
                if n != int(val):
                    fail("%d answer events, expected %s" % (n, val), events)
            elif key == "crisis_before":
                if "crisis" not in types:
                    fail("no crisis event", events)
                ci = types.index("crisis")
                later = [i for i, e in enumerate(events)
                         if e["type"] == "prompt" and e["id"] == val]
                if later and later[0] < ci:
                    fail("%s was asked before the crisis contacts" % val, events)
                if not any(e["type"] == "prompt" and e["id"] == "crisis"
                           for e in events[ci:]):
                    fail("crisis event without the crisis prompt", events)
            elif key == "no_crisis":
                if "crisis" in types:
                    fail("unexpected crisis event", events)
            elif key == "end":
                ends = [e for e in events if e["type"] == "end"]
                if not ends or ends[-1]["reason"] != val:
                    fail("end %s, expected %s" % (ends, val), events)
                if events[-1]["type"] not in ("end", "caption"):
                    fail("events after the end", events)
            elif key == "contacts":
                if "contacts" not in types:
                    fail("the contacts never started", events)
                ci = len(types) - 1 - types[::-1].index("contacts")
                if "answer" in types[ci:]:
                    fail("an answer after the contacts", events)
                if not any(e["type"] == "prompt" and e["id"] == "contacts"
                           for e in events[ci:]):
                    fail("contacts event without the contacts prompt", events)
            elif key == "prompt":
                if val not in prompts:
                    fail("prompt %s never spoken" % val, events)
            elif key == "prompt_order":
                pos = 0
                for want in val.split(","):
                    hits = [prompts.index(a, pos) for a in want.split("|")
                            if a in prompts[pos:]]
                    if not hits:
                        fail("prompt %s not found in order %s" % (want, val),
                             events)
                    pos = min(hits) + 1
            elif key == "finished":
                ends = [e for e in events
                        if e["type"] == "prompt_end" and e["id"] == val]
                if not ends or ends[-1].get("interrupted"):
                    fail("prompt %s did not play to its end the last time"
                         % val, events)
            elif key == "control_count":
                ctl, n = val.split(":")
                got = sum(1 for e in events
                          if e["type"] == "control" and e["control"] == ctl)
                if got != int(n):
                    fail("%d %s controls, not %s" % (got, ctl, n), events)
            elif key == "speech_during":
                starts = [e["t"] for e in events
                          if e["type"] == "prompt" and e["id"] == val]
                if not starts:
                    fail("prompt %s never spoken" % val, events)
                spans_ = [(s0, next((e["t"] for e in events
                                     if e["type"] == "prompt_end"
                                     and e["id"] == val and e["t"] >= s0), 1e9))
                          for s0 in starts]
                if not any(e["type"] == "user_speech" and s0 <= e["start"] <= s1
                           for e in events for s0, s1 in spans_):
                    fail("nobody spoke while %s played" % val, events)
            elif key == "prompt_count":
                pid, n = val.split(":")
                if prompts.count(pid) != int(n):
                    fail("prompt %s said %d times, not %s"
                         % (pid, prompts.count(pid), n), events)
            elif key == "event_count":
                typ, n = val.split(":")
                if types.count(typ) != int(n):
                    fail("%d %s events, not %s" % (types.count(typ), typ, n),
                         events)
            elif key == "next":
                a, b = val.split(":")
                if a not in prompts:
                    fail("prompt %s never spoken" % a, events)
                after = prompts[prompts.index(a) + 1:prompts.index(a) + 2]
                if after != [b]:
                    fail("after %s came %s, not %s" % (a, after, b), events)
            elif key == "keys_only":
                if "user_speech" in types or "heard" in [
                        e["type"] for e in events if e.get("meaning")]:
                    fail("speech in a keys-only session", events)
                if "key" not in types:
                    fail("no keys pressed", events)
            elif key == "heard_min":
                n = sum(1 for e in events if e["type"] == "heard")
                if n < int(val):
                    fail("only %d recognition results" % n, events)
            elif key == "no_listening":
                if any(e["type"] in ("heard", "user_speech") for e in events):
                    fail("the kiosk listened in a keys-only session", events)
            elif key == "text":
                pid, _, words = val.partition(":")
                texts = [e["text"] for e in events
                         if e["type"] == "prompt" and e["id"] == pid]
                if not texts or not any(words in t for t in texts):
                    fail("prompt %s does not say %r (it said %r)"
                         % (pid, words, texts[:1]), events)
            elif key == "no_keys_said":
                check_no_keys_said(events)
            elif key == "not_text":
                pid, _, words = val.partition(":")
                if any(words in e["text"] for e in events
                       if e["type"] == "prompt" and e["id"] == pid):
                    fail("prompt %s says %r" % (pid, words), events)
            elif key == "interrupted":
                cut = [e["id"] for e in events
                       if e["type"] == "prompt_end" and e.get("interrupted")]
                for want in val.split(","):
                    if want not in cut:
                        fail("prompt %s was not cut short (cut: %s)"
                             % (want, cut), events)
            elif key == "not_interrupted":
                playing = False
                for e in events:
                    if e["type"] == "prompt":
                        playing = e["id"] == val
                    elif playing and e["type"] == "barge_pause":
                        fail("prompt %s paused at %.2f s" % (val, e["t"]),
                             events)
                    elif e["type"] == "prompt_end" and e["id"] == val:
                        if e.get("interrupted"):
                            fail("prompt %s was cut short" % val, events)
                        playing = False
                if val not in prompts:
                    fail("prompt %s never spoken" % val, events)
            elif key == "paused_in_speech":
                spans = [(e["start"], e["end"]) for e in events
                         if e["type"] == "user_speech"]
                n = sum(1 for e in events if e["type"] == "barge_pause"
                        and any(a <= e["t"] <= b for a, b in spans))
                if n < int(val):
                    fail("%d barge-in pauses inside the user's speech, "
                         "expected at least %s" % (n, val), events)
            elif key == "before":  # before=A,B: an event A comes before the first B
                a, b = val.split(",")
                tb = next((e["t"] for e in events if e["type"] == b), None)
                if tb is None or not any(e["type"] == a and e["t"] < tb for e in events):
                    fail("no %s event before the first %s" % (a, b), events)
            elif key == "stays_paused":  # stays_paused=M (see the usage)
                pause = next((e for e in events if e["type"] == "control"
                              and e.get("paused")), None)
                if pause is None:
                    fail("nothing paused the speech", events)
                unpause = next((e for e in events if e["type"] == "control"
                                and e["t"] >= pause["t"]
                                and not e.get("paused")), None)
                until = unpause["t"] if unpause else 1e9
                span = [e for e in events if pause["t"] < e["t"] < until]
                if not any(e["type"] == "heard" and e.get("meaning") == val
                           for e in span):
                    fail("%s not heard while paused" % val, events)
                said = [e for e in span if e["type"] in ("caption", "prompt")
                        and not pause_line(events, e)]
                if said:
                    fail("speech while paused (before a control let it go "
                         "on): %s" % said[0], events)
            elif key == "quiet_pause":
                check_quiet_pause(events)
            elif key == "heard_meaning":
                if not any(e["type"] == "heard" and e.get("meaning") == val
                           for e in events):
                    fail("nothing heard as %s" % val, events)
            elif key in ("control_during", "heard_not_acted"):
                pid, ctl = val.split(":")
                start = next((e["t"] for e in events if e["type"] == "prompt"
                              and e["id"] == pid), None)
                if start is None:
                    fail("prompt %s never spoken" % pid, events)
                end = next((e["t"] for e in events if e["type"] == "prompt_end"
                            and e["id"] == pid and e["t"] >= start), 1e9)
                span = [e for e in events if start <= e["t"] <= end]
                if key == "heard_not_acted":
                    if not any(e["type"] == "heard" and e.get("meaning") == ctl
                               for e in span):
                        fail("%s not heard while %s played" % (ctl, pid),
                             events)
                    acted = [e for e in span if e["type"] == "control"]
                    if acted:
                        fail("a control acted while %s played: %s"
                             % (pid, acted), events)
                    continue
                if not any(e["type"] == "control" and e["control"] == ctl
                           for e in span):
                    fail("no %s control while %s played" % (ctl, pid), events)
                if any(e["type"] == "key" and e["t"] > start for e in span):
                    fail("a key was pressed while %s played" % pid, events)
            elif key == "no_self_hearing":
                bad = [e for e in events
                       if (e["type"] == "heard" and e.get("meaning"))
                       or e["type"] == "barge_pause"
                       or (e["type"] == "prompt"
                           and e["id"].startswith("system.nomatch"))]
                if bad:
                    fail("the kiosk heard itself: %s" % bad[:5], events)
            elif key == "audio":
                check_audio(wav_path, events)
            elif key == "recovered":
                check_recovered(events, float(val))
            elif key == "lost_timeout":
                check_lost_timeout(events, float(val))
            else:
                fail("unknown expectation " + x)
        print("ok: %s (%d events, %d answers, %.1f s of session)" % (
            os.path.basename(scenario), len(events), len(answers),
            events[-1]["t"] if events else 0))


if __name__ == "__main__":
    main()
