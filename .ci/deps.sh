#!/usr/bin/env bash
# Installs the Debian packages anpi-call needs, only when some are missing.
# Sourced by the quick-start scripts; safe to run again.
set -euo pipefail

ANPI_DEBIAN_PACKAGES=(pkg-config libspeexdsp-dev libopus-dev libopusenc-dev libogg-dev libssl-dev zlib1g-dev)

anpi_install_debian_packages() {
    local missing=()
    for p in "${ANPI_DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing Debian packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -q
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: swift is not on PATH: install Swift 6.1 or later (https://swift.org/install)" >&2
        exit 2
    fi
}
