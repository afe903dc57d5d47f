#!/bin/sh
# MAP adaptation of the stock acoustic model (pocketsphinx-en-us) on the
# recordings of half A.  Installs the [lab] section of
# deps/debian-packages.txt first (sphinxtrain, sphinxbase-utils,
# python3-numpy; the kiosk needs none of them).
#
# usage: [TAU=T] adapt.sh WORK OUTMODEL [lists.py options]
#   WORK      scratch folder (features, counts); kept for reruns
#   OUTMODEL  the adapted model folder: the lab takes it as
#             -gx -hmm DIR -plx -hmm DIR -g2x -hmm DIR -p2x -hmm DIR, the
#             kiosk of branch mllr-7 as VK_ASR_MODEL=DIR (VK_ASR_MLLR=FILE
#             for WORK/mllr_matrix)
#   TAU       MAP of the means only, with the fixed prior weight T (a larger
#             T moves them less); everything else stays the stock model's.
#             The kiosk's acoustic/en-us/means are TAU=1000 with no options
#             (acoustic/README.md).  Unset: MAP of all four parts.
#   lists.py --snr 20,10,5 adds noise-mixed copies of the clips (written
#             to WORK/noisy, features in WORK/mfc/noisy).
set -e
here=$(cd "$(dirname "$0")" && pwd)
"$here/../../../scripts/ensure-deps.sh" lab
W=$1; O=$2; shift 2
M=/usr/share/pocketsphinx/model/en-us/en-us
D=${D:-$here/../../../../shared/data/speech}
ST=/usr/lib/sphinxtrain
PY=/usr/bin/python3  # Debian's python3, which has numpy
mkdir -p "$W" "$O"
[ -s "$W/mdef.txt" ] || pocketsphinx_mdef_convert -text $M/mdef "$W/mdef.txt" 2>/dev/null
[ -s "$W/mixture_weights" ] || $PY "$here/sendump.py" expand $M/sendump "$W/mixture_weights"
rm -rf "$W/noisy"
$PY "$here/lists.py" "$W/list" --data "$D" --mix-dir "$W/noisy" "$@"
# MFCCs with the model's own front end (feat.params)
FE="-lowerf 130 -upperf 6800 -nfilt 25 -transform dct -lifter 22 -samprate 16000 -ei wav -eo mfc -mswav yes"
grep '^real/' "$W/list.fileids" | sed 's#^real/##' > "$W/real.ids" || true
[ -s "$W/real.ids" ] && sphinx_fe $FE -c "$W/real.ids" -di "$D" -do "$W/mfc/real" >/dev/null 2>&1
grep '^synth/' "$W/list.fileids" | sed 's#^synth/##' > "$W/synth.ids" || true
if [ -s "$W/synth.ids" ]; then
    sphinx_fe $FE -c "$W/synth.ids" -di "${SYNTH_DIR:?set SYNTH_DIR}" -do "$W/mfc/synth" >/dev/null 2>&1
fi
# the noise-mixed copies of lists.py --snr (multi-condition adaptation)
grep '^noisy/' "$W/list.fileids" | sed 's#^noisy/##' > "$W/noisy.ids" || true
[ -s "$W/noisy.ids" ] && sphinx_fe $FE -c "$W/noisy.ids" -di "$W/noisy" -do "$W/mfc/noisy" >/dev/null 2>&1
# one Baum-Welch pass over the adaptation data with the stock model ...
rm -rf "$W/acc" && mkdir "$W/acc"
$ST/bw -hmmdir $M -moddeffn "$W/mdef.txt" -ts2cbfn .ptm. -feat 1s_c_d_dd \
    -svspec 0-12/13-25/26-38 -cmn batch -agc none -dictfn "$W/list.dic" \
    -fdictfn $M/noisedict -ctlfn "$W/list.fileids" -lsnfn "$W/list.transcription" \
    -cepdir "$W/mfc" -cepext mfc -accumdir "$W/acc" -mixwfn "$W/mixture_weights" \
    -meanfn $M/means -varfn $M/variances -tmatfn $M/transition_matrices > "$W/bw.log" 2>&1
grep '^overall' "$W/bw.log"
# the same counts give a global MLLR transform too (-mllr FILE), for comparison
$ST/mllr_solve -meanfn $M/means -varfn $M/variances -outmllrfn "$W/mllr_matrix" \
    -accumdir "$W/acc" > "$W/mllr.log" 2>&1
if [ -n "${TAU:-}" ]; then
    cp $M/* "$O/"
    $ST/map_adapt -moddeffn "$W/mdef.txt" -ts2cbfn .ptm. -meanfn $M/means \
        -varfn $M/variances -mixwfn "$W/mixture_weights" \
        -tmatfn $M/transition_matrices -accumdir "$W/acc" -bayesmean no \
        -fixedtau yes -tau "$TAU" -mapmeanfn "$O/means" -mapvarfn "$W/map_var" \
        -mapmixwfn "$W/map_mixw" -maptmatfn "$W/map_tmat" > "$W/map.log" 2>&1
    echo "means adapted (tau $TAU) in $O/means"
    exit 0
fi
# ... then MAP: means, variances, mixture weights and transitions
cp $M/mdef $M/feat.params $M/noisedict "$O/"
$ST/map_adapt -moddeffn "$W/mdef.txt" -ts2cbfn .ptm. -meanfn $M/means -varfn $M/variances \
    -mixwfn "$W/mixture_weights" -tmatfn $M/transition_matrices -accumdir "$W/acc" \
    -mapmeanfn "$O/means" -mapvarfn "$O/variances" -mapmixwfn "$W/map_mixw" \
    -maptmatfn "$O/transition_matrices" > "$W/map.log" 2>&1
$PY "$here/sendump.py" pack $M/sendump "$W/map_mixw" "$O/sendump"
echo "adapted model in $O"
