#!/usr/bin/env python3
"""The staff alert (settings.ini [alert] command): run once a session when
a person reaches the crisis contacts, told only that (VOICE_KIOSK_ALERT=
crisis), never when nobody does; a command that fails is logged and the
session goes on; `check` refuses a command the kiosk could not run, at its
file:line.

usage: alert.py VOICE_KIOSK SCENARIO_DIR"""
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)


def site(tmp, name, script):
    """A site folder whose [alert] command is `script` (a shell script)."""
    folder = os.path.join(tmp, name)
    os.makedirs(folder)
    cmd = os.path.join(folder, "alert.sh")
    with open(cmd, "w") as f:
        f.write("#!/bin/sh\n" + script)
    os.chmod(cmd, stat.S_IRWXU)
    with open(os.path.join(folder, "settings.ini"), "w") as f:
        f.write("[alert]\ncommand = %s\n" % cmd)
    return folder


def simulate(kiosk, scenario, folder, env):
    return subprocess.run([kiosk, "simulate", scenario, "--site", folder,
                           "--quiet"], capture_output=True, text=True,
                          timeout=600, env=env)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kiosk, scn = sys.argv[1:]
    failed = []
    with tempfile.TemporaryDirectory(prefix="vk-alert-") as tmp:
        out = os.path.join(tmp, "alerts")
        env = dict(os.environ, VK_TEST_ALERT_OUT=out)
        good = site(tmp, "good", 'printf "%s %s\\n" "$VOICE_KIOSK_ALERT" "$#"'
                    ' >>"$VK_TEST_ALERT_OUT"\n')
        # 1. Sign 3 yes, and yes to hearing the numbers again: one alert,
        # told "crisis", although the crisis contacts began twice.
        twice = os.path.join(tmp, "twice.scn")
        with open(twice, "w") as f:
            f.write("key 2\nkey 2\nkey 1\nkey 1\n" + "key 2\n" * 14)
        p = simulate(kiosk, twice, good, env)
        got = open(out).read() if os.path.exists(out) else ""
        print("sign 3 yes: exit %d, alerts %r" % (p.returncode, got))
        if p.returncode != 0:
            failed.append("sign 3 yes exited %d: %s" % (p.returncode, p.stderr[-300:]))
        if got != "crisis 0\n":
            failed.append("sign 3 yes: want one alert 'crisis' with no"
                          " arguments, got %r" % got)
        # 2. No on every sign: no alert.
        if os.path.exists(out):
            os.unlink(out)
        p = simulate(kiosk, os.path.join(scn, "all_no.scn"), good, env)
        print("all no: exit %d, alert file %s" % (p.returncode,
              "written" if os.path.exists(out) else "absent"))
        if os.path.exists(out):
            failed.append("an alert with no crisis: %r" % open(out).read())
        # 3. A command that fails: logged with its path, the session goes on.
        bad = site(tmp, "bad", "exit 3\n")
        p = simulate(kiosk, os.path.join(scn, "sign3_yes.scn"), bad, env)
        want = ("the staff alert (settings.ini [alert] command %s/alert.sh)"
                " failed: exit status 3" % bad)
        print("failing command: exit %d, %r" % (p.returncode, p.stderr.strip()[-160:]))
        if want not in p.stderr:
            failed.append("no log line for the failing alert: %r" % p.stderr[-300:])
        if p.returncode != 0:
            failed.append("a failing alert stopped the kiosk (exit %d)" % p.returncode)
        # 4. check refuses a command it could not run, at its line.
        for name, value in (("relative", "alert.sh"),
                            ("not_executable", os.path.join(tmp, "alerts.txt"))):
            folder = os.path.join(tmp, name)
            os.makedirs(folder)
            open(os.path.join(tmp, "alerts.txt"), "w").close()
            ini = os.path.join(folder, "settings.ini")
            with open(ini, "w") as f:
                f.write("; alert\n[alert]\ncommand = %s\n" % value)
            p = subprocess.run([kiosk, "check", "--site", folder],
                               capture_output=True, text=True, timeout=120)
            msg = "%s:3: [alert] command: '%s' is not a program" % (ini, value)
            print("check, %s: exit %d" % (name, p.returncode))
            if p.returncode != 2 or msg not in p.stdout + p.stderr:
                failed.append("check with a %s command: exit %d, %r"
                              % (name, p.returncode, (p.stdout + p.stderr)[-300:]))
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
