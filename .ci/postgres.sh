#!/usr/bin/env bash
# Sourced by .ci/test.sh: starts Debian's PostgreSQL on 127.0.0.1 for the storage tests and exports
# ANPI_TEST_DATABASE_URL (a test-only role and database; the password is a fixed, obviously fake
# test value). When PostgreSQL cannot start, says so loudly and exports ANPI_TEST_POSTGRES=unavailable:
# the PostgreSQL cases are then skipped, and the test run says so again.

anpi_postgres_unavailable() {
    echo "!!! ==============================================================================" >&2
    echo "!!! PostgreSQL could not be started: $1" >&2
    echo "!!! The PostgreSQL storage tests will be SKIPPED; only SQLite is tested in this run." >&2
    echo "!!! ==============================================================================" >&2
    export ANPI_TEST_POSTGRES=unavailable
    unset ANPI_TEST_DATABASE_URL
}

anpi_start_postgres() {
    if [ -n "${ANPI_TEST_DATABASE_URL:-}" ]; then
        echo "==> PostgreSQL: using ANPI_TEST_DATABASE_URL as given"
        return 0
    fi
    local as_postgres=(runuser -u postgres --) sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; as_postgres=(sudo -u postgres); fi
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        anpi_postgres_unavailable "the postgresql package is not installed"; return 0
    fi
    local cluster version name port status
    cluster=$(pg_lsclusters -h | head -n 1)
    if [ -z "$cluster" ]; then
        version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
        $sudo pg_createcluster "$version" main >/dev/null || { anpi_postgres_unavailable "pg_createcluster $version main failed"; return 0; }
        cluster=$(pg_lsclusters -h | head -n 1)
    fi
    read -r version name port status _ <<<"$cluster"
    if [ "$status" != "online" ]; then
        $sudo pg_ctlcluster "$version" "$name" start || { anpi_postgres_unavailable "pg_ctlcluster $version $name start failed"; return 0; }
    fi
    local psql=("${as_postgres[@]}" psql -q -p "$port" -v ON_ERROR_STOP=1)
    # A role that may create the scratch databases the tests make (one per test, dropped after it).
    "${psql[@]}" -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anpi_test') THEN
                         CREATE ROLE anpi_test LOGIN CREATEDB PASSWORD 'anpi-test-only'; END IF; END \$\$;" \
        || { anpi_postgres_unavailable "could not create the test role"; return 0; }
    if ! "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'anpi_test'" | grep -q 1; then
        "${psql[@]}" -c "CREATE DATABASE anpi_test OWNER anpi_test" || { anpi_postgres_unavailable "could not create the test database"; return 0; }
    fi
    export ANPI_TEST_DATABASE_URL="postgres://anpi_test:anpi-test-only@127.0.0.1:$port/anpi_test?sslmode=disable"
    unset ANPI_TEST_POSTGRES
    echo "==> PostgreSQL $version ($name) on 127.0.0.1:$port: storage tests run on SQLite and PostgreSQL"
}
