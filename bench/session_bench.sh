#!/usr/bin/env bash
# Session benchmark: start-up, turn timing, simulate speed and memory.
# Runs whole simulated sessions (real PocketSphinx and eSpeak NG; only the
# sound card is simulated) and prints a Markdown table.
#   first sample  = process start to the first spoken sample
#   turn gap      = end of the person's speech (as the recogniser found it)
#                   to the first sample of the reply, on the session clock;
#                   it includes the end-of-speech silence window
#   pass2 ready   = second decoding passes the worker thread had finished
#                   by the end of their utterance / all second passes
#   held          = of those, early ends whose pass the worker ran while the
#                   utterance was held (--realtime only; asr.c, "Early end")
#   compute       = wall time from the audio frame that ended the utterance
#                   to the reply's first sample (decode, rejection, dialog,
#                   synthesis of the first sentence): the gap minus the wait;
#                   for a held utterance from the frame that began the hold,
#                   so the wait for the worker counts too
#   speed         = session seconds per wall-clock second
# usage: bench/session_bench.sh [--realtime] [SCENARIO...]
#   (default: the e2e scenarios)
#   --realtime: the simulated sound card delivers the microphone at a real
#   card's pace (simulate --realtime), as live: the only way to see work
#   done on other threads meanwhile (the second pass during the
#   end-of-speech window, synthesis while a sentence plays).  The scenarios
#   then run side by side, about 3.5 minutes in all; speed x is 1.
set -euo pipefail
rt=()
if [ "${1:-}" = --realtime ]; then
  rt=(--realtime)
  shift
fi
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/build.sh"
kiosk="$here/build/voice-kiosk"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=("$here"/tests/scenarios/{all_yes,mixed,keys_only,recordings}.scn)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in "${scenarios[@]}"; do
  n=$(basename "$s" .scn)
  if [ ${#rt[@]} -gt 0 ]; then
    "$kiosk" simulate "$s" --quiet "${rt[@]}" --stats "$tmp/$n.stats" >/dev/null &
  else
    "$kiosk" simulate "$s" --quiet --stats "$tmp/$n.stats" >/dev/null
  fi
done
wait
printf '| scenario | session s | speed x | first sample ms | turns | gap median ms | gap p95 ms | compute median ms | compute p95 ms | compute max ms | pass2 ready | of them held | peak RSS MB |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for s in "${scenarios[@]}"; do
  n=$(basename "$s" .scn)
  get() { awk -F'\t' -v k="$1" '$1==k {print $2}' "$tmp/$n.stats"; }
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" \
    "$(get session_s)" "$(get speed_x)" "$(get first_sample_ms)" "$(get turns)" \
    "$(get turn_gap_median_ms)" "$(get turn_gap_p95_ms)" "$(get compute_median_ms)" \
    "$(get compute_p95_ms)" "$(get compute_max_ms)" "$(get pass2_ready)" "$(get pass2_held)" "$(get peak_rss_mb)"
done
echo
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)${rt:+, --realtime}"
