#!/usr/bin/env python3
"""Barge-in benchmark: speech 1 s into sign 1's question, with the kiosk's
voice coming back at 0 dB (60 ms, 0.3 s tail), on `simulate --barge-in`
(real PocketSphinx, eSpeak NG, speexdsp; only the sound card simulated).

Per trial: was the prompt paused (a person detected), how long after the
start of the word (simulated clock, from the events), was it stopped and
acted on with the right meaning (any band the loop acts on; and how many of
those in the accept band), was it stopped with a wrong meaning.  Trials:
"yes", "no", "stop", "repeat" in four eSpeak voices; real recordings of
yes/no/stop from ../shared/data/speech (manifest.tsv); noise clips and
other words (false barge-ins).  For recordings the word's start is
estimated from the clip (see onset()), both ways.

usage: bench/barge_bench.py [N_PER_LABEL]   (default 5 recordings a label)
env:   VOICE_KIOSK=path (the binary), BARGE_BENCH_LOG=file (one line a trial,
       last the barge-in pauses from the speech on),
       BARGE_BENCH_ROOMS=echo|noecho (one room only; default both),
       BARGE_BENCH_OTHERS=N (noise clips and other words: N of each, up to
       all 36 noise clips and 80 words; default N_PER_LABEL),
       BARGE_BENCH_KINDS=other (only the noise clips and other words)
"""
import json
import os
import random
import statistics
import subprocess
import sys
import struct
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
KIOSK = os.environ.get("VOICE_KIOSK") or os.path.join(HERE, "..", "build", "voice-kiosk")
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "speech"))
VOICES = ["en-us", "en-us+f3", "en-us+m3", "en-us+f2"]
WORDS = {"yes": "yes", "no": "no", "stop": "stop", "repeat": "repeat"}
LOG = os.environ.get("BARGE_BENCH_LOG")  # one line per trial, if set


def onset(path, run=1):
    """Start of the word in a recording: the first 10 ms window within
    20 dB of the loudest one (clips cut speech loosely); with run=5, the
    first that starts 50 ms all within 20 dB (a click at the clip's start
    or a noisy background is not the word, but a fricative more than 20 dB
    below the vowel is then missed: a lower bound for such words)."""
    with wave.open(path) as w:
        raw = w.readframes(w.getnframes())
    x = struct.unpack("<%dh" % (len(raw) // 2), raw)
    win = [sum(v * v for v in x[i:i + 160]) / 160.0 for i in range(0, len(x) - 159, 160)]
    top = max(win) if win else 0
    for i in range(len(win)):
        if all(e >= top / 100.0 for e in win[i:i + run]):
            return i * 0.01
    return 0.0


def trial(kind, what, want, echo=True):
    with tempfile.TemporaryDirectory() as tmp:
        scn = os.path.join(tmp, "t.scn")
        with open(scn, "w") as f:
            if echo:
                f.write("echo 60 0 0.3\n")
            if kind == "say":
                f.write("voice %s\nbarge 1.0 say %s\n" % what)
            else:
                f.write("barge 1.0 play %s\n" % what)
            f.write("key q\nkey 1\nkey 2\n")
        ev = os.path.join(tmp, "e.jsonl")
        subprocess.run([KIOSK, "simulate", scn, "--barge-in", "--quiet",
                        "--events", ev], capture_output=True, timeout=600)
        events = [json.loads(x) for x in open(ev)]
    start = next((e["start"] for e in events if e["type"] == "user_speech"), None)
    clip = start  # the clip's own start: pauses before it are not its
    late = 0.0  # the word's start by the 50 ms rule, after the first rule's
    if start is not None and kind == "play":
        late = onset(what, 5) - onset(what)
        start += onset(what)
    # A pause may come before the estimated start of the word (sound in
    # the clip before it): a negative reaction, not a missed pause.
    pause = next((e["t"] for e in events if e["type"] == "barge_pause"
                  and clip is not None and e["t"] >= clip - 0.02), None)
    cut = any(e["type"] == "prompt_end" and e["id"] == "sign.1"
              and e["interrupted"] for e in events)
    heard = next((e for e in events if e["type"] == "heard"
                  and start is not None and e["t"] > start), None)
    right = cut and heard is not None and heard["meaning"] == want
    react = (pause - start) * 1000 if pause is not None else None
    react50 = (pause - start - late) * 1000 if pause is not None else None
    # What was heard at all (confirm band and up), stopped or not.
    heard_right = heard is not None and heard["meaning"] == want and want != ""
    sure = right and heard["confidence"] >= 0.80
    if LOG:
        with open(LOG, "a") as f:
            f.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n" % (
                echo, what, want, cut, heard and heard["meaning"],
                heard and heard["confidence"], react,
                sum(1 for e in events if e["type"] == "barge_pause"
                    and clip is not None and e["t"] >= clip - 0.02)))
    return want, right, cut, react, heard_right, sure, react50


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))] if v else float("nan")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rnd = random.Random(4)
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(DATA, "manifest.tsv"))][1:]
    jobs = [("say", (v, w), m, "espeak") for v in VOICES for w, m in WORDS.items()]
    for label in ("yes", "no", "stop"):
        clips = [r[0] for r in rows if r[1] == label and "sc2test" in r[0]]
        for c in rnd.sample(clips, min(n, len(clips))):
            jobs.append(("play", os.path.join(DATA, c), label, "recording"))
    no = int(os.environ.get("BARGE_BENCH_OTHERS", n))
    others = [r[0] for r in rows if r[1] == "noise"]
    others = rnd.sample(others, min(no, len(others)))
    words = [r[0] for r in rows if r[1] in ("up", "go", "down", "off")]
    others += rnd.sample(words, min(no, len(words)))
    for c in others:
        jobs.append(("play", os.path.join(DATA, c), "", "other"))
    if os.environ.get("BARGE_BENCH_KINDS") == "other":
        jobs = [j for j in jobs if j[3] == "other"]
    print("| room | trials | n | stopped and right | of which accept band | stopped wrong | right at confirm band or above | paused | reaction median ms | reaction p95 ms | p95, 50 ms onset rule |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rooms = os.environ.get("BARGE_BENCH_ROOMS", "")
    for echo in [e for e in (True, False)
                 if rooms in ("", "echo" if e else "noecho")]:
        with ThreadPoolExecutor(2) as ex:
            res = list(ex.map(lambda j: (j[3],) + trial(j[0], j[1], j[2], echo), jobs))
        room = "echo 0 dB" if echo else "no echo"
        for src in ("espeak", "recording"):
            for label in list(WORDS) + ["all"]:
                r = [x for x in res if x[0] == src and (label == "all" or x[1] == label)]
                if not r:
                    continue
                rt = [x[4] for x in r if x[4] is not None]
                rt50 = [x[7] for x in r if x[7] is not None]
                print("| %s | %s %s | %d | %.0f%% | %.0f%% | %d | %.0f%% | %.0f%% | %.0f | %.0f | %.0f |" % (
                    room, src, label, len(r), 100 * sum(x[2] for x in r) / len(r),
                    100 * sum(x[6] for x in r) / len(r),
                    sum(1 for x in r if x[3] and not x[2]),
                    100 * sum(x[5] for x in r) / len(r),
                    100 * len(rt) / len(r), pct(rt, 0.5), pct(rt, 0.95),
                    pct(rt50, 0.95)))
        o = [x for x in res if x[0] == "other"]
        others_line = ("%s: false barge-ins (noise clips and other words, %d trials): "
                       "prompt stopped %d, paused then resumed %d" % (
                           room, len(o), sum(x[3] for x in o),
                           sum(1 for x in o if x[4] is not None and not x[3])))
        print("| %s | %s | | | | | | | | | |" % (room, others_line))

if __name__ == "__main__":
    main()
