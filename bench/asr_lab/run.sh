#!/bin/sh
# Runs the lab over the recordings (clean, 10 dB, 5 dB) and the eSpeak NG
# renderings (every context), with blanking off, into out/$1*.tsv.
set -e
cd "$(dirname "$0")"
D=${D:-/work/shared/data/speech}
P=${1:-run}
G="-gdir ../../grammars -noblank"
mkdir -p out/synth
[ -s out/synth/manifest.tsv ] || ./synth ../../grammars out/synth > out/synth/manifest.tsv
(nice ./lab $G $D/manifest.tsv $D > out/${P}_real.tsv 2>/dev/null
 nice ./lab $G -snr 10 $D/manifest.tsv $D > out/${P}_real10.tsv 2>/dev/null
 nice ./lab $G -snr 5 $D/manifest.tsv $D > out/${P}_real5.tsv 2>/dev/null) &
for c in answer command menu; do
  nice ./lab $G -ctx $c out/synth/manifest.tsv out/synth > out/${P}_synth_$c.tsv 2>/dev/null
done
wait
