#!/usr/bin/env python3
"""Writes the clips bench/recognition_bench.py feeds `voice-kiosk recognize`
(same classes, padding, noise mixes and order, by running its own code) as
WAVs into OUTDIR, with a lab manifest OUTDIR/manifest.tsv (path, label,
speaker, class).  Run the lab on it with -nopad -kiosk: its results are
then the benchmark's, clip for clip, with every utterance's features.

usage: bench_items.py OUTDIR [--manifest TSV]"""
import os, sys, tempfile, shutil, subprocess
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import recognition_bench as rb

out = sys.argv[1]
man = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--manifest" else None
os.makedirs(out, exist_ok=True)
# Run the benchmark's main() with a fake kiosk that records the items it
# would recognise and copies them out before the temp folder is removed.
fake = os.path.join(out, "fake-kiosk.sh")
with open(fake, "w") as fh:
    fh.write("#!/bin/sh\nshift 3\nfor f in \"$@\"; do cp \"$f\" %s/; echo \"$f\t\t\t0\"; done\n" % out)
os.chmod(fake, 0o755)
items = []
orig = rb.print_table
rb.print_table = lambda it, *a: items.extend(it)
sys.argv = ["rb", "--no-stock", "--kiosk", fake] + (["--manifest", man] if man else [])
rb.main()
with open(os.path.join(out, "manifest.tsv"), "w") as fh:
    fh.write("path\tlabel\tspeaker\tclass\n")
    for path, label, spk, cls in items:
        fh.write("%s\t%s\t%s\t%s\n" % (os.path.basename(path), label, spk, cls))
print(len(items), "items")
