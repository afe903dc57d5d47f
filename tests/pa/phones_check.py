#!/usr/bin/env python3
"""Lays a live session's prompt events over recordings of its sinks.

  phones_check.py EVENTS.jsonl SPEAKER.wav PHONES.wav
      private listening: every prompt is heard on the headphones; the
      crisis contacts, the summary and the contacts are heard there and
      not at all on the speaker; every other prompt reaches both, as the
      same audio at the same level.
  phones_check.py --on-speaker EVENTS.jsonl SPEAKER.wav ID...
      headphones missing or failed: each prompt named (each time it was
      said) is heard on the speaker.

Each recording is put on the kiosk's clock by its first sound, which is the
first prompt (before it both sinks carry digital silence).  Windows are
measured 0.25 s inside each prompt's start and end, so the latency of each
stream (about 0.1 s) cannot move speech across a boundary.
"""
import json
import math
import struct
import sys
import wave

# The step ids of the flow that only the headphones may carry: the results,
# the contacts, and the yes/no steps that lead to them (they would give the
# crisis path away in the room).
PERSONAL = ("crisis", "summary", "contacts", "crisis.again", "crisis.continue",
            "contacts.again")
MUST_SAY = ("crisis", "summary", "contacts", "crisis.again")
WIN = 0.05  # seconds per energy window
SPEECH_RMS = 300  # a window with the kiosk's voice in it
MARGIN = 0.25


def load(path):
    with wave.open(path) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1
        raw = w.readframes(w.getnframes())
    pcm = struct.unpack("<%dh" % (len(raw) // 2), raw)
    first = next((i for i, x in enumerate(pcm) if abs(x) > 200), None)
    assert first is not None, "%s is silent" % path
    return {"pcm": pcm, "first": first / 16000.0, "path": path}


def prompts(events):
    out, open_ = [], {}
    for e in events:
        if e["type"] == "prompt":
            open_[e["id"]] = e["t"]
        elif e["type"] == "prompt_end" and e["id"] in open_:
            out.append((e["id"], open_.pop(e["id"]), e["t"], e["interrupted"]))
    return out


def window(rec, offset, start, end):
    """Energy (RMS) of each WIN of rec between kiosk times start and end,
    counted from the sample that start maps to, so two recordings put on
    the kiosk's clock give comparable windows."""
    n = int(16000 * WIN)
    a = max(int(round((start + offset + MARGIN) * 16000)), 0)
    b = int(round((end + offset - MARGIN) * 16000))
    pcm = rec["pcm"]
    return [math.sqrt(sum(x * x for x in pcm[i:i + n]) / n)
            for i in range(a, min(b, len(pcm)) - n + 1, n)]


def speech(env):
    return sum(1 for x in env if x > SPEECH_RMS) / len(env) if env else 0.0


def peak(env):
    return max(env) if env else 0.0


def corr1(a, b):
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    ma, mb = sum(a) / n, sum(b) / n
    num = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    den = math.sqrt(sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b))
    return num / den if den else 0.0


def corr(a, b, lags=4):
    """Best correlation of two envelopes within +-lags windows (the two
    recordings are aligned only to a window or two)."""
    return max(corr1(a[max(d, 0):], b[max(-d, 0):]) for d in range(-lags, lags + 1))


def db(x):
    return 20 * math.log10(max(x, 1e-9))


def main(argv):
    on_speaker = argv[:1] == ["--on-speaker"]
    if on_speaker:
        argv = argv[1:]
    events = [json.loads(line) for line in open(argv[0])]
    ps = prompts(events)
    assert ps, "no prompt was said"
    t0 = ps[0][1]
    spk = load(argv[1])
    spk_off = spk["first"] - t0
    problems = []

    if on_speaker:
        # Each named prompt (every time it was said) is heard on the speaker.
        for want in argv[2:]:
            said = [p for p in ps if p[0] == want]
            if not said:
                problems.append("%s was never said" % want)
            for pid, s, e, _ in said:
                env = window(spk, spk_off, s, e)
                print("%s: %.1f s, speech in %.0f%% of it on the speaker"
                      % (pid, e - s, 100 * speech(env)))
                if len(env) < 8 or speech(env) < 0.4:
                    problems.append("%s at %.1f s: not heard on the speaker"
                                    % (pid, s))
        for p in problems:
            print("problem:", p)
        return 1 if problems else 0

    phn = load(argv[2])
    phn_off = phn["first"] - t0
    kinds = {"crisis": False, "contacts": False}
    for e in events:
        if e["type"] in kinds:
            kinds[e["type"]] = True
    assert all(kinds.values()), "crisis and contacts events: %s" % kinds
    assert not any(e["type"] == "headphones_missing" for e in events)
    answers = [e for e in events if e["type"] == "answer"]
    assert len(answers) == 12, "answers: %d" % len(answers)
    heard = [i for i, e in enumerate(events)
             if e["type"] == "heard" and e["meaning"] == "answer"]
    assert heard and heard[0] < events.index(answers[0]), \
        "sign 1 was not answered by the microphone"

    rows = {"personal": [], "shared": []}
    print("%-22s %6s %8s %8s %9s %9s %6s" % ("prompt", "s", "phones%", "spk%",
                                             "phones dB", "spk peak", "corr"))
    for pid, s, e, interrupted in ps:
        pe, se = window(phn, phn_off, s, e), window(spk, spk_off, s, e)
        if len(pe) < 8:  # under 0.4 s once the margins are off: no measure
            continue
        personal = pid in PERSONAL
        rows["personal" if personal else "shared"].append(
            (pid, e - s, speech(pe), speech(se)))
        c = corr(pe, se)
        print("%-22s %6.1f %7.0f%% %7.0f%% %9.1f %9.0f %6.3f%s"
              % (pid, e - s, 100 * speech(pe), 100 * speech(se),
                 db(sum(pe) / len(pe)), peak(se), c,
                 "  (personal)" if personal else ""))
        if speech(pe) < 0.4:
            problems.append("%s at %.1f s: not heard on the headphones "
                            "(%.0f%% speech)" % (pid, s, 100 * speech(pe)))
        if personal and peak(se) > 30:
            problems.append("%s at %.1f s: reached the speaker (peak %.0f "
                            "RMS)" % (pid, s, peak(se)))
        if not personal and not interrupted and speech(se) < 0.4:
            problems.append("%s at %.1f s: not heard on the speaker" % (pid, s))
        if not personal and not interrupted and len(pe) >= 40:
            # The same prompt on both, at the same level.  Usually the
            # envelopes agree at 1.000; one run in about six measured 0.81
            # and 0.58 (a glitch on one of the two independent streams, not
            # explained yet), so the bar is "clearly the same speech".
            level = db(sum(pe) / len(pe)) - db(sum(se) / len(se))
            if c < 0.5 or abs(level) > 1.0:
                problems.append("%s: headphones and speaker differ "
                                "(envelope correlation %.3f, level %+.1f dB)"
                                % (pid, c, level))
    for p in MUST_SAY:
        if not any(r[0] == p for r in rows["personal"]):
            problems.append("%s was never said" % p)
    pers_s = sum(r[1] for r in rows["personal"])
    print("personal prompts %.1f s: on the headphones %.0f%% speech, on the "
          "speaker max peak %.0f RMS; shared prompts: %d"
          % (pers_s, 100 * sum(r[1] * r[2] for r in rows["personal"]) / pers_s,
             max(peak(window(spk, spk_off, s, e))
                 for pid, s, e, _ in ps if pid in PERSONAL),
             len(rows["shared"])))
    for p in problems:
        print("problem:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except AssertionError as e:
        print("problem:", e)
        sys.exit(1)
