#!/usr/bin/env python3
"""While the audio device is gone nothing can be said, so the screen says
it: the [system] device.lost line is shown as the status at each loss, and
after it the next caption is the device.back notice's first sentence, said when the device
is back.  The prompts' own text is read from the flow, so a change of
wording there does not break this test.

usage: screen_lost.py VOICE_KIOSK SCENARIO FLOW_INI
"""
import configparser
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)


def system_text(flow, key):
    ini = configparser.ConfigParser(interpolation=None, strict=False,
                                    comment_prefixes=(";", "#"))
    ini.read(flow, encoding="utf-8")
    return " ".join(ini["system"][key].split())


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    kiosk, scenario, flow = sys.argv[1:]
    lost = system_text(flow, "device.lost")
    back = system_text(flow, "device.back")
    p = subprocess.run([kiosk, "simulate", scenario], capture_output=True,
                       text=True, timeout=600)
    lines = [l.strip() for l in p.stdout.splitlines() if l.strip()]
    failed = []
    if p.returncode != 0:
        failed.append("simulate exited %d: %s" % (p.returncode, p.stderr[-300:]))
    shown = [i for i, l in enumerate(lines) if l == "[%s]" % lost]
    losses = p.stderr.count("audio: the speaker is gone")
    print("device lost %d times; the status shown %d times" % (losses, len(shown)))
    if losses == 0:
        failed.append("the scenario never lost the device")
    if len(shown) != losses:
        failed.append("the device.lost status shown %d times for %d losses"
                      % (len(shown), losses))
    for i in shown:
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if not after or not back.startswith(after):  # its first sentence
            failed.append("after the device.lost status came %r, not the"
                          " device.back notice" % after[:80])
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
