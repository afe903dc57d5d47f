#!/usr/bin/env python3
"""--screen with private listening (ACCESSIBILITY.md A5 against A9): when
the headphones are in use, the results and contacts are said only in them,
and the screen, which anyone passing can read, shows a neutral line in
their place ([system] headphones.caption), not their words.  The questions
and the rest are still captioned, and the event stream (the person's own
display) keeps every caption.  Without headphones everything is said on
the speaker, and the screen shows it all, the contacts too.

usage: screen_private.py VOICE_KIOSK SCENARIO
SCENARIO reaches the crisis contacts, the summary and the contacts.
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)
from pty_screen import run  # noqa: E402  (tests/cli/pty_screen.py)

# The en-US [system] headphones.caption.
NEUTRAL = "(Said in your headphones.)"
# Each begins a sentence, so it begins a caption and is never wrapped.
PERSONAL = {
    "the crisis contacts": "Thank you for telling me.",
    "a phone number": "The number is",
    "an answer said back": "You answered",
    "the summary": "You said yes to",
    "the contacts": "Here are some places you can reach",
    "the offer to hear the numbers again": "Would you like to hear those",
}
OTHER = {
    "the greeting": "If you are in danger right now,",
    "sign 1": "Do you often feel cut off from",
}
ESCAPES = re.compile(r"\x1b(\[[0-9;]*[A-Za-z]|#[0-9])")


def screen_of(kiosk, scenario, extra):
    """Runs the scenario with --screen on a pseudo-terminal; returns the
    process and the terminal's text without its escape sequences."""
    p, seen = run([kiosk, "simulate", scenario, "--quiet"] + extra)
    return p, ESCAPES.sub("", seen.decode("utf-8", "replace"))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, scenario = sys.argv[1:]
    failed = []
    with tempfile.TemporaryDirectory(prefix="vk-screen-private-") as tmp:
        events = os.path.join(tmp, "events.jsonl")
        p, text = screen_of(kiosk, scenario,
                            ["--headphones-record", os.path.join(tmp, "ph.wav"),
                             "--events", events])
        with open(events) as f:
            captions = [json.loads(line) for line in f]
        captions = [e["text"] for e in captions if e["type"] == "caption"]
    if p.returncode != 0:
        failed.append("with headphones: exit %d: %s" % (p.returncode, p.stderr))
    for what, words in PERSONAL.items():
        if words in text:
            failed.append("with headphones, %s is on the screen (%r)"
                          % (what, words))
        if not any(c.startswith(words) for c in captions):
            failed.append("with headphones, %s is not in the event stream "
                          "(%r)" % (what, words))
    for what, words in OTHER.items():
        if words not in text:
            failed.append("with headphones, %s is not on the screen (%r)"
                          % (what, words))
    n = text.count(NEUTRAL)
    if n == 0:
        failed.append("with headphones, the screen never shows %r" % NEUTRAL)
    print("with headphones: %r on the screen %d times" % (NEUTRAL, n))

    p, text = screen_of(kiosk, scenario, [])
    if p.returncode != 0:
        failed.append("without headphones: exit %d: %s"
                      % (p.returncode, p.stderr))
    for what, words in list(PERSONAL.items()) + list(OTHER.items()):
        if words not in text:
            failed.append("without headphones, %s is not on the screen (%r)"
                          % (what, words))
    if NEUTRAL in text:
        failed.append("without headphones, the screen shows %r" % NEUTRAL)
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
