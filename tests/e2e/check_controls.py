#!/usr/bin/env python3
"""Runs a simulated session that uses the person's speech controls, and
asserts on its events and on the recorded speaker audio.

usage: check_controls.py KIOSK SCENARIO CHECK [-- EXTRA SIMULATE ARGS]

CHECK is one of:
  pause      after the pause key, the interrupted sentence stops within
             250 ms for the pause line (system.control.paused), said once
             to its end; then the speaker is silent until continue; then
             the interrupted sentence is said again from its start (its
             caption comes again)
  louder     the first question, repeated after "louder", is one volume
             step (3 dB) louder; the next session starts at the default
  headroom   with a site's headroom (settings.ini default -20, max 0), the
             first question, repeated after "louder" to the top, is 20 dB
             louder and not one sample of it is clipped
  slower     the first question, repeated after "slower", lasts longer;
             after "faster" twice, shorter than at first
  more_time  the warning comes before the inactivity timeout, and after
             "more time" the wait for an answer is twice as long
  voice      louder and slower, spoken, are acted on
  private    private listening: every prompt reaches the headphones; the
             summary and the contacts (and crisis contacts) do not reach
             the room's speaker
  private_repeat  the same, and "say the last sentence again" after the
             question that leads back to the crisis contacts says it again
             in the headphones only
  private_confirm  the same; a spoken answer confirmed ("I heard no. Is
             that right?") stays in the headphones
  private_help  the same; the help of the question that leads back to
             the crisis contacts stays in the headphones
  private_timeout  the same; the crisis numbers said again before an
             inactivity timeout stay in the headphones
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import wave

RATE = 16000


def fail(msg, events=None):
    print("FAIL:", msg)
    for e in events or []:
        if e["type"] not in ("caption", "user_speech"):
            print("   ", json.dumps(e)[:160])
    sys.exit(1)


def read_wav(path):
    with wave.open(path) as w:
        raw = w.readframes(w.getnframes())
    return struct.unpack("<%dh" % (len(raw) // 2), raw)


def run(kiosk, scenario, extra, phones):
    tmp = tempfile.mkdtemp(prefix="vk-controls-")
    ev, wav = os.path.join(tmp, "events.jsonl"), os.path.join(tmp, "rec.wav")
    hp = os.path.join(tmp, "phones.wav")
    if phones:
        extra = extra + ["--headphones-record", hp]
    r = subprocess.run([kiosk, "simulate", scenario, "--quiet", "--events", ev,
                        "--record", wav] + extra,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        fail("simulate exited %d: %s" % (r.returncode, r.stderr[-2000:]))
    with open(ev) as f:
        events = [json.loads(line) for line in f]
    speaker = read_wav(wav)[1::2]  # right channel: the speaker
    headphones = read_wav(hp) if phones else None
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)
    return events, speaker, headphones


def rms(x):
    return math.sqrt(sum(v * v for v in x) / len(x)) if x else 0.0


def spans(events, prompt_id):
    """(start, end) in seconds of every time prompt_id was said whole."""
    out, start = [], None
    for e in events:
        if e["type"] == "prompt" and e["id"] == prompt_id:
            start = e["t"]
        elif (e["type"] == "prompt_end" and e["id"] == prompt_id
              and start is not None):
            if not e["interrupted"]:
                out.append((start, e["t"]))
            start = None
    return out


def level_db(speaker, span):
    a, b = int(span[0] * RATE), int(span[1] * RATE)
    return 20 * math.log10(max(rms(speaker[a:b]), 1e-9))


def first_key(events, action):
    for e in events:
        if e["type"] == "key" and e["action"] == action:
            return e["t"]
    fail("no key with action %s" % action, events)


def check_pause(events, speaker):
    t_pause, t_go = first_key(events, "pause"), first_key(events, "continue")
    frame = RATE // 50  # 20 ms
    i = int(t_pause * RATE)
    before = rms(speaker[i - 4 * frame:i])
    if before < 300:
        fail("the kiosk was not speaking when paused (rms %.0f)" % before,
             events)
    # The interrupted sentence stops at once for the pause line, said once
    # as an aside (A1: what the screen shows is said too).
    line = next((e for e in events if e["type"] == "prompt"
                 and e["id"] == "system.control.paused"
                 and e["t"] >= t_pause), None)
    if line is None:
        fail("the pause line (system.control.paused) was not said", events)
    latency = (line["t"] - t_pause) * 1000
    print("pause: the interrupted sentence stopped and the pause line began "
          "%.0f ms after the key (goal <= 250 ms)" % latency)
    if latency > 250:
        fail("pause took %.0f ms" % latency, events)
    line_end = next((e for e in events if e["type"] == "prompt_end"
                     and e["id"] == "system.control.paused"
                     and e["t"] >= line["t"]), None)
    if line_end is None or line_end["interrupted"] or line_end["t"] > t_go:
        fail("the pause line did not play to its end before continue",
             events)
    lines = [e for e in events if e["type"] == "prompt"
             and e["id"] == "system.control.paused" and e["t"] < t_go]
    if len(lines) != 1:
        fail("the pause line was said %d times, not once" % len(lines),
             events)
    said = [e for e in events if e["type"] in ("prompt", "caption")
            and line["t"] < e["t"] < t_go]
    if said:
        fail("speech after the pause line, before continue: %s" % said[0],
             events)
    # Then silence until continue.
    i = int(line_end["t"] * RATE) + frame
    if i + frame > int(t_go * RATE):
        fail("no silence between the pause line and continue", events)
    while i + frame <= int(t_go * RATE):
        if rms(speaker[i:i + frame]) >= 30:
            fail("speech at %.2f s while paused" % (i / RATE), events)
        i += frame
    print("pause: the pause line lasted %.2f s, then silence for %.2f s"
          % (line_end["t"] - line["t"], t_go - line_end["t"]))
    j = int(t_go * RATE)
    resumed = next((k for k in range(j, j + RATE, frame)
                    if rms(speaker[k:k + frame]) > 300), None)
    if resumed is None or (resumed - j) / RATE > 0.25:
        fail("speech did not resume within 250 ms of continue", events)
    paused_caps = [e for e in events if e["type"] == "caption"
                   and e["t"] <= t_pause and e["text"] != line["text"]]
    again = [e for e in events if e["type"] == "caption" and e["t"] >= t_go]
    if not paused_caps or not again or again[0]["text"] != paused_caps[-1]["text"]:
        fail("after continue, the interrupted sentence was not said again",
             events)
    print("pause: resumed %.0f ms after continue with '%s'"
          % ((resumed - j) / RATE * 1000, again[0]["text"][:40]))


def first_question(events):
    return next(e["id"] for e in events if e["type"] == "prompt"
                and e["id"].startswith("sign."))


def check_louder(events, speaker):
    q = first_question(events)
    s = spans(events, q)
    if len(s) < 3:
        fail("expected %s three times (before, after louder, next session), "
             "got %d" % (q, len(s)), events)
    step = [e for e in events if e["type"] == "control"
            and e["control"] == "louder"]
    if not step or step[0]["volume_db"] != 3:
        fail("no louder control event at +3 dB", events)
    a, b, c = (level_db(speaker, x) for x in s[:3])
    print("louder: %s at %.2f dB, after louder %.2f dB (%+.2f), next session "
          "%.2f dB (%+.2f)" % (q, a, b, b - a, c, c - a))
    if abs((b - a) - 3.0) > 0.5:
        fail("louder changed the level by %.2f dB, not 3" % (b - a), events)
    if abs(c - a) > 0.2:
        fail("the next session did not start at the default volume", events)
    ends = [e for e in events if e["type"] == "end"]
    if len(ends) != 2:
        fail("expected two sessions", events)


def check_slower(events, speaker):
    q = first_question(events)
    s = spans(events, q)
    if len(s) < 3:
        fail("expected %s three times, got %d" % (q, len(s)), events)
    d = [b - a for a, b in s[:3]]
    rates = [e["rate_wpm"] for e in events if e["type"] == "control"]
    print("slower: %s lasts %.2f s at first, %.2f s slower (%s wpm), %.2f s "
          "faster (%s wpm)" % (q, d[0], d[1], rates[0], d[2], rates[-1]))
    if not d[1] > d[0] * 1.1:
        fail("slower did not lengthen the prompt", events)
    if not d[2] < d[0] * 0.95:
        fail("faster did not shorten the prompt", events)


def check_more_time(events, speaker):
    warn = [e for e in events if e["type"] == "prompt"
            and e["id"] == "system.control.warning"]
    if not warn:
        fail("no warning before the inactivity timeout", events)
    more = [e for e in events if e["type"] == "control"
            and e["control"] == "more_time"]
    if not more or more[0]["time_factor"] != 2:
        fail("more time did not double the time", events)
    t0 = more[0]["t"]
    # A wait for an answer: from listening (an expect event) to the no-answer
    # reprompt that ends it.
    waits, start = [], None
    for e in events:
        if e["type"] == "expect":
            start = e["t"]
        elif e["type"] in ("heard", "key"):
            start = None
        elif (e["type"] == "prompt" and e["id"].startswith("system.noinput")
              and start is not None):
            waits.append((start, e["t"] - start))
            start = None
    before = [w for t, w in waits if t < t0]
    after = [w for t, w in waits if t > t0]
    if not before or not after:
        fail("no no-answer wait before and after more time", events)
    print("more time: warning at %.1f s; waited %.1f s before, %.1f s after "
          "(goal: twice)" % (warn[0]["t"], before[0], after[0]))
    if not after[0] >= 1.9 * before[0]:
        fail("the wait after more time is not twice as long", events)
    if any(e["type"] == "end" and e["reason"] == "timeout" for e in events):
        fail("the session timed out", events)


def check_voice(events, speaker):
    got = [e["control"] for e in events if e["type"] == "control"]
    heard = [(e["words"], e["confidence"]) for e in events
             if e["type"] == "heard"]
    print("voice: controls %s; heard %s" % (got, heard))
    for want in ("louder", "slower"):
        if want not in got:
            fail("'%s' was not acted on" % want, events)


# What each private check must hear, in the headphones only.
PRIVATE_SEEN = {
    "private": ("summary", "contacts", "crisis", "crisis.again",
                "system.answer.taken"),
    # crisis.again's question, said again (key l)
    "private_repeat": ("summary", "contacts", "crisis", "crisis.again",
                       "system.repeat_last"),
    "private_confirm": ("summary", "contacts", "system.confirm"),
    "private_help": ("crisis", "crisis.again", "crisis.again.help"),
    # (the crisis message itself was cut off by the pause)
    "private_timeout": ("system.answer.taken", "system.timeout.crisis"),
}


def check_private(events, speaker, headphones, check):
    must = PRIVATE_SEEN[check]
    # The yes/no steps that lead to them give the crisis path away too, and
    # so does their help; an answer said back gives the answer away.
    personal = ("summary", "contacts", "crisis", "crisis.again",
                "crisis.continue", "contacts.again", "system.answer.taken",
                "system.confirm", "system.timeout.crisis",
                "crisis.again.help", "crisis.continue.help",
                "contacts.again.help") + must
    seen = set()
    for e in events:
        if e["type"] != "prompt_end" or e["interrupted"]:
            continue
        start = max(x["t"] for x in events if x["type"] == "prompt"
                    and x["id"] == e["id"] and x["t"] <= e["t"])
        a, b = int(start * RATE), int(e["t"] * RATE)
        if b - a < RATE // 2:
            continue
        room, ears = rms(speaker[a:b]), rms(headphones[a:b])
        if ears < 300:
            fail("%s did not reach the headphones" % e["id"], events)
        if e["id"] in personal:
            seen.add(e["id"])
            if room > 30:
                fail("%s reached the room's speaker (rms %.0f)" % (e["id"], room),
                     events)
        elif room < 300:
            fail("%s did not reach the room's speaker" % e["id"], events)
    print("private: %s only in the headphones; the rest in both" % sorted(seen))
    for p in must:
        if p not in seen:
            fail("the session never said %s" % p, events)


def check_headroom(events, speaker):
    q = first_question(events)
    s = spans(events, q)
    if len(s) < 2:
        fail("expected %s twice (before and after louder), got %d"
             % (q, len(s)), events)
    top = [e for e in events if e["type"] == "control"
           and e["control"] == "louder"]
    if not top or top[-1]["volume_db"] != 0:
        fail("louder did not reach the site's top (0 dB)", events)
    a, b = (level_db(speaker, x) for x in s[:2])
    lo, hi = int(s[1][0] * RATE), int(s[1][1] * RATE)
    clipped = sum(1 for v in speaker[lo:hi] if v >= 32767 or v <= -32768)
    print("headroom: %s at %.2f dB, at the top %.2f dB (%+.2f), %d of %d "
          "samples clipped" % (q, a, b, b - a, clipped, hi - lo))
    if abs((b - a) - 20.0) > 0.5:
        fail("the top is %.2f dB above the default, not 20" % (b - a), events)
    if clipped:
        fail("%d samples clipped at the top" % clipped, events)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    kiosk, scenario, check = sys.argv[1:4]
    extra = sys.argv[5:] if len(sys.argv) > 4 and sys.argv[4] == "--" else []
    private = check in PRIVATE_SEEN
    events, speaker, phones = run(kiosk, scenario, extra, private)
    if private:
        check_private(events, speaker, phones, check)
    else:
        {"pause": check_pause, "louder": check_louder,
         "headroom": check_headroom, "slower": check_slower,
         "more_time": check_more_time,
         "voice": check_voice}[check](events, speaker)
    # On every path: a session that ended completed or stopped reached the
    # contacts.
    for e in events:
        if e["type"] == "end" and e["reason"] in ("completed", "stopped"):
            if not any(x["type"] == "contacts" and x["t"] <= e["t"]
                       for x in events):
                fail("a session ended without the contacts", events)
    print("ok:", check)


if __name__ == "__main__":
    main()
