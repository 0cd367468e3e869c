#!/usr/bin/env bash
# Quick start, command 1: set everything up and run the main job
# (for now the media-core benchmark: `anpi-call audio bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/deps.sh
anpi_install_debian_packages
echo "==> building (release; the first build takes a few minutes)"
swift build -c release --product anpi-call
echo "==> anpi-call audio bench"
exec .build/release/anpi-call audio bench "$@"
