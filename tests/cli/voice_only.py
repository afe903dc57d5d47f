#!/usr/bin/env python3
"""Voice only: a kiosk nobody can press a key on (the packaged services
read standard input from /dev/null unless the keypad drop-in gives them a
terminal).

- In a language with no recogniser (es-ES) it cannot be answered at all:
  `run` with standard input /dev/null or closed, and --voice-only with
  `check`, exit 2 naming the language and the fix, before any device is
  opened.  With keys on a pipe the same start goes on (to the device).
- `check --voice-only` warns, at file:line, about a site text that still
  names keys, and about a ".voice" variant that does; without
  --voice-only it does not.  A ".voice" variant of a value that has none
  ("next.voice") is an error at its line.
- `preview --voice-only` says the variant: the shipped greeting and help
  without keys.

usage: voice_only.py VOICE_KIOSK
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)


def run(kiosk, args, stdin=subprocess.DEVNULL, close_stdin=False):
    if close_stdin:
        return subprocess.run(["sh", "-c", 'exec "$@" <&-', "sh", kiosk] + args,
                              capture_output=True, text=True, timeout=60)
    return subprocess.run([kiosk] + args, stdin=stdin, capture_output=True,
                          text=True, timeout=60)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    kiosk = sys.argv[1]
    failed = []
    nodev = ["--input-device", "no-such-microphone"]

    for how, p in (("stdin /dev/null", run(kiosk, ["--lang", "es-ES"] + nodev)),
                   ("stdin closed", run(kiosk, ["--lang", "es-ES"] + nodev,
                                        close_stdin=True)),
                   ("check --voice-only",
                    run(kiosk, ["check", "--lang", "es-ES", "--voice-only"]))):
        if p.returncode != 2 or "es-ES has no speech recogniser" not in p.stderr \
                or "--lang en-US" not in p.stderr:
            failed.append("es-ES, %s: exit %d, %r" % (how, p.returncode, p.stderr))
    p = run(kiosk, ["--lang", "es-ES"] + nodev, stdin=subprocess.PIPE)
    if p.returncode == 2 or "no speech recogniser" in p.stderr:
        failed.append("es-ES with keys on a pipe was refused: exit %d, %r"
                      % (p.returncode, p.stderr))

    with tempfile.TemporaryDirectory() as site:
        os.makedirs(os.path.join(site, "en-US"))
        flow = os.path.join(site, "en-US", "flow.ini")
        with open(flow, "w") as f:
            f.write("[greeting]\n"
                    "text = Hello. Answer yes or no, or press 1 or 2.\n"
                    "[system]\n"
                    "help = Say help, or press H.\n"
                    "wake.voice = To start, say yes, or press a key.\n")
        p = run(kiosk, ["check", "--site", site, "--voice-only"])
        want = ["%s:2: warning: [greeting] text names keys (1, 2, press)" % flow,
                "%s:4: warning: [system] help names keys (H, press)" % flow,
                "%s:5: warning: [system] wake.voice names keys (press, key)"
                % flow]
        for w in want:
            if w not in p.stdout:
                failed.append("check --voice-only: no %r in:\n%s" % (w, p.stdout))
        if p.returncode != 0:
            failed.append("check --voice-only: exit %d (warnings only)"
                          % p.returncode)
        p = run(kiosk, ["check", "--site", site])
        if "names keys" in p.stdout:
            failed.append("check without --voice-only warned: %s" % p.stdout)

        with open(flow, "a") as f:
            f.write("[sign.1]\nnext.voice = sign.2\n"
                    "[system]\nhepl.voice = Say help.\nhelp.vioce = Say help.\n"
                    "keys.answer.voice = Press 1.\n")
        p = run(kiosk, ["check", "--site", site])
        for w in ["%s:7: 'next.voice'" % flow,
                  "%s:9: unknown prompt id 'hepl.voice' in [system] (did you "
                  "mean 'help.voice'?)" % flow,
                  "%s:10: unknown prompt id 'help.vioce' in [system] (did you "
                  "mean 'help.voice'?)" % flow,
                  "%s:11: 'keys.answer.voice': the keys lines are left out"
                  % flow]:
            if p.returncode != 2 or w not in p.stdout:
                failed.append("exit %d, no %r in %r" % (p.returncode, w, p.stdout))

    p = run(kiosk, ["preview", "--voice-only", "-o", os.devnull, "greeting"])
    if p.returncode != 0 or "Answer yes, no, or not sure." not in p.stdout \
            or "keys" in p.stdout:
        failed.append("preview --voice-only greeting: %r" % p.stdout)
    p = run(kiosk, ["preview", "--voice-only", "-o", os.devnull, "system.help"])
    if p.returncode != 0 or "more time" not in p.stdout or "Keys" in p.stdout:
        failed.append("preview --voice-only system.help: %r" % p.stdout)
    p = run(kiosk, ["preview", "--voice-only", "-o", os.devnull,
                    "system.keys.answer"])
    if p.returncode != 2 or "says nothing when there are no keys" not in p.stderr:
        failed.append("preview --voice-only system.keys.answer: exit %d, %r"
                      % (p.returncode, p.stderr))
    p = run(kiosk, ["preview", "-o", os.devnull, "system.help"])
    if "Keys: R repeat" not in p.stdout:
        failed.append("preview system.help (keys): %r" % p.stdout)
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
