#!/usr/bin/env python3
"""Device-loss recovery benchmark: how fast the kiosk notices a lost
microphone or speaker, and how soon after the device is back it speaks
the device.back notice.  Prints two Markdown tables.

usage: bench/recover_bench.py [--rounds N] [--no-live]

1. Simulated room (`unplug` fault steps, session clock, deterministic): for
   each outage length, the device goes at a listening point and, in a
   second run, 1.5 s into a question; the run must finish the session
   after recovering.  "noticed" is from the unplug to the kiosk's
   device_lost event; "notice" from the replug to the notice's first
   sample.  The backoff (0.25 s doubling to a 2 s cap) bounds the notice.
2. The real audio path (PortAudio, headless PulseAudio, wall clock):
   tests/pa/recover_live.py with N rounds (default 5) of each way of
   losing the device; it prints its own table.

Builds first (scripts/build.sh).  Run it with `nice` on a shared machine.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIOSK = os.path.join(ROOT, "build", "voice-kiosk")
OUTAGES = [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0]


def scenario(where, seconds):
    lines = ["key 2"]
    lines.append("barge 1.5 unplug %g" % seconds if where == "question"
                 else "unplug %g" % seconds)
    lines += ["key 2"] * 13  # the other answers, the menu, contacts again
    return "\n".join(lines) + "\n"


def run_sim(where, seconds, tmp):
    scn = os.path.join(tmp, "u.scn")
    ev = os.path.join(tmp, "ev.jsonl")
    with open(scn, "w") as f:
        f.write(scenario(where, seconds))
    p = subprocess.run([KIOSK, "simulate", scn, "--events", ev, "--quiet"],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit("simulate failed: %s" % p.stderr)
    events = [json.loads(l) for l in open(ev)]
    t = {}
    for e in events:
        if e["type"] in ("unplug", "replug", "device_lost", "device_back"):
            t.setdefault(e["type"], e["t"])
        if e["type"] == "prompt" and e["id"] == "system.device.back":
            t.setdefault("notice", e["t"])
    ends = [e["reason"] for e in events if e["type"] == "end"]
    attempts = p.stderr.count("not back yet")  # one line per outage
    back = [l for l in p.stderr.splitlines() if "is back after" in l]
    n_att = back[0].split("(")[1].split()[0] if back else "-"
    return (t["device_lost"] - t["unplug"], t["notice"] - t["replug"],
            n_att, ends[-1] if ends else "-", attempts)


def main():
    args = sys.argv[1:]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 5
    subprocess.run([os.path.join(ROOT, "scripts", "build.sh")], check=True,
                   stdout=subprocess.DEVNULL)
    print("Simulated room (`unplug SECONDS` at a listening point, or "
          "`barge 1.5 unplug SECONDS` into a question; session clock):")
    print()
    print("| outage s | where | loss noticed s | back to notice s "
          "| reopen attempts | session end |")
    print("|---|---|---|---|---|---|")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for sec in OUTAGES:
            for where in ("listening", "question"):
                d, n, att, end, _ = run_sim(where, sec, tmp)
                worst = max(worst, n)
                print("| %g | %s | %.2f | %.2f | %s | %s |"
                      % (sec, where, d, n, att, end))
    print()
    print("worst back-to-notice (simulated): %.2f s (goal <= 5 s)" % worst)
    if "--no-live" in args:
        return 0
    print()
    print("Real audio path (PortAudio through ALSA's pulse plug-in to a "
          "headless PulseAudio; wall clock):")
    p = subprocess.run([sys.executable,
                        os.path.join(ROOT, "tests", "pa", "recover_live.py"),
                        KIOSK, "--rounds", str(rounds)],
                       capture_output=True, text=True)
    table = [l for l in p.stdout.splitlines() if l.startswith("|")]
    print()
    print("\n".join(table) if table else p.stdout)
    for l in p.stdout.splitlines():
        if l.startswith(("no device at start", "long outage")):
            print(l)
    if p.returncode not in (0, 77):
        print(p.stdout[-3000:])
        return 1
    print()
    print("machine: %d cores; %s" % (os.cpu_count(),
                                     subprocess.run(["date", "-u", "+%Y-%m-%d"],
                                                    capture_output=True,
                                                    text=True).stdout.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
