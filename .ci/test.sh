#!/usr/bin/env bash
# Quick start, command 2: run every test — the C core under libFuzzer with
# AddressSanitizer + UndefinedBehaviorSanitizer (FUZZ_SECONDS, default 60),
# the allocation thresholds of the benchmark suite, the deployment script's self-test, then the
# Swift test suite (storage on SQLite and on a local PostgreSQL that this script starts).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/deps.sh
# The tests also lint the deployment scripts, look at the status page in a real browser, and run
# the storage tests on a real PostgreSQL server as well as SQLite.
ANPI_DEBIAN_PACKAGES+=(shellcheck chromium fonts-noto-cjk curl postgresql)
anpi_install_debian_packages
. .ci/postgres.sh
anpi_start_postgres
echo "==> deploy scripts: self-test (dry run, stand-in gcloud, shellcheck)"
bash deploy/test-cloud-run.sh
bash Tests/Fuzz/run-fuzzer.sh "${FUZZ_SECONDS:-60}"
echo "==> allocation benchmarks: every 20 ms stage must allocate nothing (Benchmarks/)"
(cd Benchmarks && swift package benchmark thresholds check --target MediaCoreBenchmarks)
echo "==> swift test"
swift build --build-tests
# Four runs, because the 2 cores are shared with real-time audio and many sockets: the unit, storage
# and simulator tests in parallel; the gateway tests one at a time (in parallel with the rest, some
# runs hung for good with every thread idle, at the last row of
# everyBadStreamIsClosedAndTheGenuineCallCarriesOn or in theConcurrencyCapCountsRingingCalls — also on
# the code before issue 7's PostgreSQL work; alone they never did; the cause is not found yet); the
# whole calls with timing and tone checks (ScenarioTests) apart from the busy tests (a pcm24k tone's
# round trip fell to 1.8 dB SNR, 30 required, beside the PostgreSQL storage tests); the tests of the
# binaries (gateway processes, whole campaigns, the CLI) apart from all, one at a time.
#
# A pass that still hangs is stopped and run once more, loudly. A test that fails is never retried.
anpi_swift_test() { # anpi_swift_test SECONDS ARGS...: swift test, stopped after SECONDS, once again if it hung
    local limit=$1 status=0
    shift
    timeout --kill-after=10 "$limit" swift test --skip-build "$@" || status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "!!! swift test $* did not finish within ${limit}s (hung) and was stopped: running it once more" >&2
        status=0
        timeout --kill-after=10 "$limit" swift test --skip-build "$@" || status=$?
    fi
    return "$status"
}
anpi_swift_test 300 --skip AnpiCallTests --skip ScenarioTests --skip GatewayTests
anpi_swift_test 300 --filter GatewayTests --no-parallel
anpi_swift_test 300 --filter ScenarioTests
anpi_swift_test 900 --filter AnpiCallTests --no-parallel
echo "==> the status page in headless chromium (Tests/Browser/dashboard.sh)"
bash Tests/Browser/dashboard.sh
if [ "${ANPI_TEST_POSTGRES:-}" = unavailable ]; then
    echo "!!! reminder: PostgreSQL could not be started, so its storage tests were SKIPPED in this run" >&2
fi
