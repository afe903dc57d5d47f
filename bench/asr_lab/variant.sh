#!/bin/sh
# variant.sh NAME lab-args...: runs the lab on half the recordings and the
# 160 wpm renderings (answer context) with extra lab arguments.
cd "$(dirname "$0")"
n=$1; shift
D=/work/shared/data/speech
nice ./lab -gdir ../../grammars -noblank "$@" out/real_half.tsv $D > out/v_${n}_real.tsv 2>/dev/null
nice ./lab -gdir ../../grammars -noblank "$@" out/synth/m160.tsv out/synth > out/v_${n}_syn.tsv 2>/dev/null
