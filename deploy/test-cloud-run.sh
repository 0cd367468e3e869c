#!/usr/bin/env bash
# deploy/test-cloud-run.sh: self-test of deploy/cloud-run.sh, run by CI. Needs no Google Cloud
# access: the script runs with --dry-run, and against a stand-in `gcloud` that records the
# arguments and standard input it is given. All values are obviously fake. Prints one PASS/FAIL
# line per check and a closing "N passed, N failed"; exits 1 when any check failed.
set -uo pipefail
cd "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.." || exit 1

readonly SCRIPT=deploy/cloud-run.sh
# By its path: some cases run with a PATH that has no gcloud and nothing else either.
BASH_BIN=$(command -v bash)
readonly BASH_BIN
readonly FAKE_SECRETS=(
    fake-twilio-token-for-tests
    sk-fake-for-tests
    fake-api-auth-token-for-tests
    fake-stream-secret-for-tests
)
# Given only in the "shared" case; its password must never show either.
readonly FAKE_DATABASE_URL=postgres://anpi:fake-db-password-for-tests@10.0.0.3:5432/anpi
readonly STUB_URL=https://anpi-call-stub-an.a.run.app

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { printf 'PASS: %s\n' "$1"; passed=$((passed + 1)); }
fail() { printf 'FAIL: %s\n' "$1"; failed=$((failed + 1)); }
check() { # check DESCRIPTION CMD...: PASS when CMD succeeds
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
has() { grep -qF -- "$2" "$1"; }     # has FILE TEXT
rc_is() { [ "$rc" -eq "$1" ]; }     # rc_is N: the last deploy_script exited N
lacks() { ! grep -qF -- "$2" "$1"; } # lacks FILE TEXT
all_fake_secrets_in() { # all_fake_secrets_in FILE: each fake secret value is a whole line of FILE
    local s
    for s in "${FAKE_SECRETS[@]}"; do
        grep -qxF -- "$s" "$1" || return 1
    done
}
no_fake_secret_in() { # no_fake_secret_in FILE...: none of the fake secret values appears
    local s
    for s in "${FAKE_SECRETS[@]}"; do
        if grep -qF -- "$s" "$@"; then return 1; fi
    done
}

# A stand-in gcloud: logs each call's arguments to argv.log and what `secrets versions add`
# reads on stdin to stdin.log; answers the look-ups the deploy script makes.
mkdir -p "$work/bin" "$work/empty"
cat >"$work/bin/gcloud" <<'STUB'
#!/usr/bin/env bash
printf '%s\n' "$*" >>"$STUB_DIR/argv.log"
case "$1 $2 ${3:-}" in
"secrets versions add") { cat; printf '\n'; } >>"$STUB_DIR/stdin.log" ;;
"secrets versions list") [ -n "${STUB_NO_VERSIONS:-}" ] || printf 'projects/p/secrets/%s/versions/1\n' "$4" ;;
"secrets describe "*) exit 1 ;; # no secret yet: the script must create it
"projects describe "*) echo 123456789012 ;;
"run services describe")
    if [ -e "$STUB_DIR/deployed" ]; then echo "$STUB_URL"; else echo "ERROR: service not found" >&2; exit 1; fi ;;
"run deploy "*) touch "$STUB_DIR/deployed" ;;
esac
exit 0
STUB
chmod +x "$work/bin/gcloud"

base_env=(
    "HOME=$work" "PATH=$work/bin:/usr/bin:/bin"
    PROJECT_ID=fake-project-for-tests
    TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    PHONE_NUMBER_FROM=+815000000000
    "TWILIO_AUTH_TOKEN=${FAKE_SECRETS[0]}"
    "OPENAI_API_KEY=${FAKE_SECRETS[1]}"
    "API_AUTH_TOKEN=${FAKE_SECRETS[2]}"
    "STREAM_TOKEN_SECRET=${FAKE_SECRETS[3]}"
    "ALLOWED_DESTINATIONS=+81,+1"
)

# deploy_script CASE [VAR=VALUE...] [-- ARGS...]: runs the script in a clean environment (only
# base_env and the given variables) with the stub gcloud; output in $work/CASE.out (stdout and
# stderr), stderr alone in $work/CASE.err, the stub's logs in $work/CASE/; sets rc.
deploy_script() {
    local name=$1 extra=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        extra+=("$1")
        shift
    done
    [ $# -gt 0 ] && shift
    mkdir -p "$work/$name"
    : >"$work/$name/argv.log"
    : >"$work/$name/stdin.log"
    env -i "${base_env[@]}" "STUB_DIR=$work/$name" "STUB_URL=$STUB_URL" "${extra[@]}" \
        "$BASH_BIN" "$SCRIPT" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    cat "$work/$name.err" >>"$work/$name.out"
}

# --- the dry run -------------------------------------------------------------------------------
deploy_script dry -- --dry-run
out=$work/dry.out
check "dry run exits 0 (exit $rc)" rc_is 0
check "dry run shows gcloud run deploy" has "$out" "gcloud run deploy anpi-call"
check "dry run shows gcloud builds submit --tag" has "$out" "gcloud builds submit --tag asia-northeast1-docker.pkg.dev/fake-project-for-tests/anpi-call/anpi-call:latest"
check "dry run deploys with --set-secrets" has "$out" "--set-secrets TWILIO_AUTH_TOKEN=anpi-call-twilio-auth-token:latest,OPENAI_API_KEY=anpi-call-openai-api-key:latest,API_AUTH_TOKEN=anpi-call-api-auth-token:latest,STREAM_TOKEN_SECRET=anpi-call-stream-token-secret:latest"
check "dry run deploys with --timeout 3600" has "$out" "--timeout 3600"
check "dry run deploys with --no-cpu-throttling --min-instances 1 --concurrency 200" has "$out" "--no-cpu-throttling --min-instances 1 --concurrency 200"
check "dry run sets DRAIN_TIMEOUT_SECONDS=8" has "$out" "DRAIN_TIMEOUT_SECONDS=8"
check "dry run keeps commas in ALLOWED_DESTINATIONS (^|^ separator)" has "$out" "'^|^TWILIO_ACCOUNT_SID="
check "dry run pipes secrets from stdin (<from \$NAME> | ... --data-file=-)" has "$out" "<from \$OPENAI_API_KEY> | gcloud secrets versions add anpi-call-openai-api-key --data-file=-"
check "dry run sets PUBLIC_BASE_URL to the service URL" has "$out" "gcloud run services update anpi-call"
check "dry run prints no fake secret value" no_fake_secret_in "$out"
check "dry run calls no gcloud" [ ! -s "$work/dry/argv.log" ]

# Without gcloud anywhere on PATH.
base_env[1]="PATH=$work/empty"
deploy_script dry-no-gcloud -- --dry-run
check "dry run works without gcloud installed (exit $rc)" rc_is 0
deploy_script no-gcloud
check "without gcloud a real run exits 2 (exit $rc)" rc_is 2
check "without gcloud a real run says so" has "$work/no-gcloud.err" "error: gcloud is not installed"
base_env[1]="PATH=$work/bin:/usr/bin:/bin"

# --- errors ------------------------------------------------------------------------------------
deploy_script no-project PROJECT_ID= -- --dry-run
check "missing PROJECT_ID exits 2 (exit $rc)" rc_is 2
check "missing PROJECT_ID: one line 'error: PROJECT_ID is not set'" \
    [ "$(cat "$work/no-project.err")" = "error: PROJECT_ID is not set" ]
deploy_script no-sid TWILIO_ACCOUNT_SID= -- --dry-run
check "missing TWILIO_ACCOUNT_SID exits 2 (exit $rc)" rc_is 2
check "missing TWILIO_ACCOUNT_SID is named" has "$work/no-sid.err" "error: TWILIO_ACCOUNT_SID is not set"
deploy_script short-token API_AUTH_TOKEN=short -- --dry-run
check "API_AUTH_TOKEN under 16 characters exits 2" rc_is 2
deploy_script bad-arg -- --no-such-option
check "an unknown option exits 2" rc_is 2
deploy_script no-version OPENAI_API_KEY= STUB_NO_VERSIONS=1
check "an unset secret with no stored version exits 2 (exit $rc)" rc_is 2
check "an unset secret with no stored version is named" has "$work/no-version.err" "error: OPENAI_API_KEY not set"
check "an unset secret with no stored version stops before building" lacks "$work/no-version/argv.log" "builds submit"
deploy_script help -- --help
check "--help exits 0 (exit $rc)" rc_is 0
check "--help documents the variables" has "$work/help.out" "STREAM_TOKEN_SECRET  HMAC key"

# --- a real run against the stand-in gcloud -----------------------------------------------------
deploy_script real
argv=$work/real/argv.log
check "run with the stub gcloud exits 0 (exit $rc)" rc_is 0
check "secret values never reach gcloud's command line" no_fake_secret_in "$argv"
check "secret values never appear in the script's output" no_fake_secret_in "$work/real.out"
check "all four secret values reach gcloud on stdin" all_fake_secrets_in "$work/real/stdin.log"
check "missing secrets are created" has "$argv" "secrets create anpi-call-stream-token-secret --project fake-project-for-tests --replication-policy=automatic"
check "the default runtime account gets secretAccessor" \
    has "$argv" "--member=serviceAccount:123456789012-compute@developer.gserviceaccount.com --role=roles/secretmanager.secretAccessor"
check "the first revision starts with a placeholder PUBLIC_BASE_URL" has "$argv" "PUBLIC_BASE_URL=https://first-deploy.invalid|"
check "PUBLIC_BASE_URL is then set to the service URL" \
    has "$argv" "run services update anpi-call --project fake-project-for-tests --region asia-northeast1 --update-env-vars PUBLIC_BASE_URL=$STUB_URL"
check "the next steps name the webhook URL" has "$work/real.out" "$STUB_URL/incoming-call"
check "without DATABASE_URL the service gets none" lacks "$argv" "DATABASE_URL"
check "without DATABASE_URL the output says records stay in each instance" has "$work/real.out" "DATABASE_URL: not set"

# The shared PostgreSQL store: DATABASE_URL is a secret like the others.
deploy_script shared "DATABASE_URL=$FAKE_DATABASE_URL"
argv=$work/shared/argv.log
check "with DATABASE_URL the run exits 0 (exit $rc)" rc_is 0
check "DATABASE_URL reaches gcloud on stdin" grep -qxF -- "$FAKE_DATABASE_URL" "$work/shared/stdin.log"
check "DATABASE_URL is given to the service as a secret" has "$argv" ",DATABASE_URL=anpi-call-database-url:latest"
check "the database password never reaches a command line or the output" lacks "$argv" "fake-db-password-for-tests"
check "the database password never appears in the output" lacks "$work/shared.out" "fake-db-password-for-tests"
deploy_script bad-db DATABASE_URL=mysql://a:b@c/d -- --dry-run
check "a DATABASE_URL that is not postgres:// exits 2 (exit $rc)" rc_is 2
check "a bad DATABASE_URL is named" has "$work/bad-db.err" "error: DATABASE_URL must start with postgres://"

# A redeploy: the service exists already.
mkdir -p "$work/redeploy" && touch "$work/redeploy/deployed"
deploy_script redeploy SERVICE_ACCOUNT=anpi-call-run@fake-project-for-tests.iam.gserviceaccount.com \
    OPENAI_API_KEY= -- --skip-build
argv=$work/redeploy/argv.log
check "redeploy with --skip-build exits 0 (exit $rc)" rc_is 0
check "--skip-build builds nothing" lacks "$argv" "builds submit"
check "an unset secret keeps its stored version (no versions add)" lacks "$argv" "versions add anpi-call-openai-api-key"
check "SERVICE_ACCOUNT runs the service" has "$argv" "--service-account anpi-call-run@fake-project-for-tests.iam.gserviceaccount.com"
check "SERVICE_ACCOUNT gets the secret grants" has "$argv" "--member=serviceAccount:anpi-call-run@"
check "a redeploy starts with the service's URL" has "$argv" "PUBLIC_BASE_URL=$STUB_URL|"
check "a redeploy needs no URL update" lacks "$argv" "services update"

mkdir -p "$work/lb" && touch "$work/lb/deployed"
deploy_script lb PUBLIC_BASE_URL=https://calls.example.test -- --skip-build
argv=$work/lb/argv.log
check "with PUBLIC_BASE_URL given the run exits 0 (exit $rc)" rc_is 0
check "a given PUBLIC_BASE_URL is deployed as is" has "$argv" "PUBLIC_BASE_URL=https://calls.example.test|"
check "a given PUBLIC_BASE_URL is not overwritten" lacks "$argv" "services update"

# --- static checks ------------------------------------------------------------------------------
for f in deploy/*.sh; do
    check "bash -n $f" bash -n "$f"
done
if command -v shellcheck >/dev/null 2>&1; then
    check "shellcheck deploy/*.sh" shellcheck deploy/*.sh
else
    echo "SKIP: shellcheck is not installed (apt-get install shellcheck)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
