#!/bin/sh
# Like run.sh, but the lab feeds what `voice-kiosk recognize` feeds (-kiosk:
# early end on, 1 s of silence after each padded clip) and the second pass
# runs on every utterance (-both), with the live pass's features in the
# l_* columns, so fit3.py can refit both logistics and simulate the
# keep-live-accept rule.  One lab at a time (nice); out/$1_*.tsv.
set -e
cd "$(dirname "$0")"
D=${D:-/work/shared/data/speech}
P=${1:-k}
shift || true
G="-gdir ../../grammars -noblank -kiosk -both $*"
mkdir -p out/synth
[ -s out/synth/manifest.tsv ] || nice ./synth ../../grammars out/synth > out/synth/manifest.tsv
nice ./lab $G $D/manifest.tsv $D > out/${P}_real.tsv 2>/dev/null
nice ./lab $G -snr 10 $D/manifest.tsv $D > out/${P}_real10.tsv 2>/dev/null
for c in answer command; do
  nice ./lab $G -ctx $c out/synth/manifest.tsv out/synth > out/${P}_synth_$c.tsv 2>/dev/null
done
nice ./lab $G -snr 5 $D/manifest.tsv $D > out/${P}_real5.tsv 2>/dev/null
