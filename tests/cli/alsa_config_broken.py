#!/usr/bin/env python3
"""A broken ALSA configuration is named with its fix, and the kiosk exits 4
(no audio device), as for any other device problem.  Before, a file in
ALSA_CONFIG_PATH that defined no device (an empty file) made PortAudio
19.6 abort (exit 134) with nothing said, because stderr was silenced
around Pa_Initialize, and one with a syntax error gave only "PortAudio did
not start: Unanticipated host error"; one with only a null device
aborted too; under systemd the kiosk restarted
every 5 s with nothing in the journal.  Both the kiosk (`--quiet`) and
`--list-devices` are checked.

usage: alsa_config_broken.py VOICE_KIOSK
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import verdict  # noqa: E402  (tests/verdict.py)

CASES = [
    # name, file contents, what the message must say besides the file
    ("empty", "", "defines no sound device"),
    ("syntax", "pcm.kiosk {\n    type hw\n    card 0 }\n}\n", ":4: Unexpected }"),
    # "pcm" set to a word, not a section: alsa-lib's own iterator asserts
    # on it (the check aborted, silently, before it looked at the type).
    ("pcm_not_a_section", 'pcm "x"\n', "defines no sound device"),
    # Only a null device: the file loads and defines a pcm, but PortAudio
    # 19.6 lists none of it and asserts (exit 134, nothing said); a trial
    # Pa_Initialize in a child now finds that out first.
    ("null_only", "pcm.null {\n    type null\n}\n",
     "defines no sound device PortAudio can use"),
]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    kiosk = sys.argv[1]
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, want in CASES:
            conf = os.path.join(tmp, name + ".conf")
            with open(conf, "w") as f:
                f.write(text)
            env = dict(os.environ, ALSA_CONFIG_PATH=conf)
            env.pop("VK_AUDIO_PA_DEBUG", None)
            for argv in ([kiosk, "--quiet"], [kiosk, "--list-devices"]):
                what = "%s config, %s" % (name, argv[1])
                p = subprocess.run(argv, env=env, capture_output=True, text=True,
                                   timeout=60)
                out = p.stdout + p.stderr
                print("%s: exit %d\n%s" % (what, p.returncode, out.strip()))
                if p.returncode != 4:
                    failed.append("%s: exited %d, expected 4 (no audio device)"
                                  % (what, p.returncode))
                if conf not in out:
                    failed.append("%s: the message does not name %s" % (what, conf))
                if want not in out:
                    failed.append("%s: the message does not say %r" % (what, want))
                if "ALSA_CONFIG_PATH" not in out:
                    failed.append("%s: the message does not say how to fix it"
                                  " (ALSA_CONFIG_PATH)" % what)
    return verdict.report(failed)


if __name__ == "__main__":
    sys.exit(main())
