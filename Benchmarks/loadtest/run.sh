#!/usr/bin/env bash
# Regenerates the load-test figures of the README: runs `anpi-call loadtest --json` at several
# call counts per audio mode, appends each result to results.jsonl, and draws loadtest.png
# (added latency p50/p99 and gateway CPU against concurrent calls).
#
#   bash Benchmarks/loadtest/run.sh                      # default counts, 30 s each
#   COUNTS="100 500 1000" SECONDS_EACH=60 FORMATS="pcmu" bash Benchmarks/loadtest/run.sh
#
# Needs a release build (it makes one) and python3 with matplotlib (pip install matplotlib).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNTS=${COUNTS:-"50 100 200 400"}
SECONDS_EACH=${SECONDS_EACH:-30}
FORMATS=${FORMATS:-"pcmu pcm24k"}
OUT=Benchmarks/loadtest/results.jsonl
swift build -c release --product anpi-call
: > "$OUT"
for format in $FORMATS; do
    for calls in $COUNTS; do
        echo "==> loadtest --calls $calls --seconds $SECONDS_EACH --format $format" >&2
        # A run that misses a call still prints its JSON (and exits 1): keep the figures either way.
        .build/release/anpi-call loadtest --calls "$calls" --seconds "$SECONDS_EACH" --format "$format" --json >> "$OUT" || true
    done
done
python3 Benchmarks/loadtest/plot.py "$OUT" Benchmarks/loadtest/loadtest.png
echo "wrote $OUT and Benchmarks/loadtest/loadtest.png" >&2
