#!/usr/bin/env bash
# Quick start, command 1: set everything up and run the main job, `anpi-call demo`: a whole simulated
# safety-confirmation call on loopback (gateway + simulated Twilio + simulated Realtime + simulated
# callee), no credentials. It prints a timeline with measured latencies and writes demo-call.wav.
# Arguments are passed to the demo (e.g. --format pcm24k).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/deps.sh
anpi_install_debian_packages
echo "==> building (release; the first build takes about 12 minutes on 2 cores)"
swift build -c release --product anpi-call
echo "==> anpi-call demo $*"
exec .build/release/anpi-call demo "$@"
