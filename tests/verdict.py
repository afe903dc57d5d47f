"""The end of a Python test that collects its failures: prints them, or
"ok", and gives the exit status (0 passed, 1 failed)."""


def report(failures):
    if failures:
        print("FAIL:\n" + "\n".join(failures))
        return 1
    print("ok")
    return 0
