#!/usr/bin/env python3
"""Without eSpeak NG's data (ESPEAK_DATA_PATH, which libespeak-ng honours
before its built-in folder, pointing at an empty folder) the kiosk exits 3
with a message naming the Debian package, as documented, and systemd's
RestartPreventExitStatus stops it there.  libespeak-ng's espeak_Initialize
called exit(1) itself instead, and the service restarted every 5 s.
`preview` exits 3 the same way; `check` goes on, estimating prompt lengths,
and warns that it does.

usage: espeak_data_missing.py VOICE_KIOSK SCENARIO
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, scenario = sys.argv[1:]
    failed = []
    with tempfile.TemporaryDirectory() as empty:
        env = dict(os.environ, ESPEAK_DATA_PATH=empty)
        runs = [
            ("simulate", [kiosk, "simulate", scenario, "--quiet"], 3),
            ("preview", [kiosk, "preview", "goodbye", "-o", os.path.join(empty, "x.wav")], 3),
        ]
        for name, argv, want in runs:
            p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
            err = p.stdout + p.stderr
            print("%s: exit %d\n%s" % (name, p.returncode, err.strip()))
            if p.returncode != want:
                failed.append("%s exited %d, expected %d" % (name, p.returncode, want))
            if "apt-get install espeak-ng-data" not in err:
                failed.append("%s does not name the package espeak-ng-data" % name)
            if os.path.join(empty, "phontab") not in err and empty not in err:
                failed.append("%s does not say which data folder it tried" % name)
        p = subprocess.run([kiosk, "check"], env=env, capture_output=True, text=True, timeout=120)
        print("check: exit %d" % p.returncode)
        if p.returncode != 0:
            failed.append("check exited %d without eSpeak NG data, expected 0:\n%s"
                          % (p.returncode, p.stdout + p.stderr))
        if "warning: eSpeak NG could not start" not in p.stdout:
            failed.append("check did not warn that eSpeak NG could not start:\n%s"
                          % p.stdout[-500:])
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
