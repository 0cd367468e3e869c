#!/usr/bin/env bash
# deploy/cloud-run.sh: build the anpi-call image and deploy it to Google Cloud Run, with the
# keys kept in Secret Manager (docs/deployment.md explains every step and flag).
#
# Usage:  PROJECT_ID=my-project TWILIO_ACCOUNT_SID=AC... PHONE_NUMBER_FROM=+81... \
#           [TWILIO_AUTH_TOKEN=... OPENAI_API_KEY=... API_AUTH_TOKEN=... STREAM_TOKEN_SECRET=...] \
#           deploy/cloud-run.sh [--dry-run] [--skip-build]
#
# Options:
#   --dry-run     print every command instead of running it (gcloud need not be installed;
#                 secret values are shown as <from $NAME>, never in clear)
#   --skip-build  deploy $IMAGE as it is in the registry, without `gcloud builds submit`
#   -h, --help    this text
#
# Required:
#   PROJECT_ID           Google Cloud project id
#   TWILIO_ACCOUNT_SID   Twilio account SID (plain setting)
#   PHONE_NUMBER_FROM    caller id calls are placed from, E.164 (plain setting)
#
# Secrets, each kept in Secret Manager as <SECRET_PREFIX>-<name> (e.g. anpi-call-openai-api-key).
# A variable that is set adds a new version (created if missing); one that is unset keeps the
# secret's latest version, which must then exist. Values go to gcloud on stdin, never on a
# command line, and are never printed.
#   TWILIO_AUTH_TOKEN    Twilio auth token (webhook signatures, REST API)
#   OPENAI_API_KEY       OpenAI key
#   API_AUTH_TOKEN       bearer token for POST /outbound-call and GET /metrics (>= 16 chars)
#   STREAM_TOKEN_SECRET  HMAC key of the per-call stream tokens (e.g. `openssl rand -hex 32`)
#   DATABASE_URL         optional: postgres://USER:PASSWORD@HOST:5432/DATABASE of the PostgreSQL
#                        store all instances share (records, campaigns, used stream tokens). Unlike
#                        the four above it is used only when set, like the settings below: without
#                        it each instance keeps its records in SQLite, lost with the instance
#
# Optional (default):
#   REGION               Cloud Run region (asia-northeast1)
#   SERVICE              Cloud Run service name (anpi-call)
#   IMAGE                image to build and run
#                        ($REGION-docker.pkg.dev/$PROJECT_ID/anpi-call/anpi-call:latest)
#   SECRET_PREFIX        prefix of the Secret Manager secret names (anpi-call)
#   SERVICE_ACCOUNT      runtime service account (the project's Compute Engine default one)
#   PUBLIC_BASE_URL      public https URL when a load balancer or custom domain fronts the
#                        service (the service's own run.app URL)
#   CONCURRENCY          requests (calls' WebSockets included) per instance (200)
#   MIN_INSTANCES        instances kept running (1)
#   MAX_INSTANCES        upper bound on instances (Cloud Run's default)
#   CPU, MEMORY          per instance (2, 1Gi)
#   BUILD_MACHINE_TYPE   Cloud Build machine (e2-highcpu-8)
#   LOG_LEVEL            gateway log level (info)
#   Passed to the gateway when set: REALTIME_AUDIO_FORMAT, ALLOWED_DESTINATIONS,
#   MAX_CONCURRENT_CALLS, CALLS_PER_MINUTE, CALLS_PER_MINUTE_PER_DESTINATION,
#   API_REQUESTS_PER_MINUTE, TRUST_FORWARDED_FOR, STREAM_TOKEN_TTL_SECONDS,
#   OPENAI_REALTIME_MODEL, CALL_TIMEOUT_SECONDS, MAX_CALL_SECONDS, MACHINE_DETECTION,
#   GREETING_WAIT_MS, RESULT_WEBHOOK_URL, APOLOGY_MESSAGE, SHUTDOWN_MESSAGE, TZ.
#   The deploy replaces the service's whole environment, so give every setting on each run.
#
# Exit status: 0 done; 2 bad usage, a missing or invalid variable, or gcloud not installed;
# otherwise the status of the gcloud command that failed.
set -euo pipefail

# The four secrets, as the gateway's variable names.
readonly SECRET_VARS=(TWILIO_AUTH_TOKEN OPENAI_API_KEY API_AUTH_TOKEN STREAM_TOKEN_SECRET)
# A secret given to the service only when set on this run.
readonly OPTIONAL_SECRET_VARS=(DATABASE_URL)
# Optional gateway settings handed on when they are set.
readonly OPTIONAL_SETTINGS=(REALTIME_AUDIO_FORMAT ALLOWED_DESTINATIONS MAX_CONCURRENT_CALLS CALLS_PER_MINUTE
    CALLS_PER_MINUTE_PER_DESTINATION API_REQUESTS_PER_MINUTE TRUST_FORWARDED_FOR STREAM_TOKEN_TTL_SECONDS
    OPENAI_REALTIME_MODEL CALL_TIMEOUT_SECONDS MAX_CALL_SECONDS MACHINE_DETECTION GREETING_WAIT_MS
    RESULT_WEBHOOK_URL APOLOGY_MESSAGE SHUTDOWN_MESSAGE TZ)
# Cloud Run sends SIGTERM and kills the container 10 s later: drain for 8 s, then end the calls.
readonly DRAIN_TIMEOUT_SECONDS=8
# Separator of --set-env-vars (gcloud's ^SEP^ syntax), so that values may contain commas
# (ALLOWED_DESTINATIONS=+81,+1).
readonly ENV_SEP='|'
# What PUBLIC_BASE_URL is on the very first revision, before the service has a URL.
readonly FIRST_DEPLOY_URL='https://first-deploy.invalid'

DRY_RUN=0
SKIP_BUILD=0
# Filled in by query/try_query.
latest="" project_number="" base_url="" url=""

usage() {
    local line
    while IFS= read -r line; do
        [[ $line == '#!'* ]] && continue
        [[ $line == '#'* ]] || break
        line=${line#\#}
        printf '%s\n' "${line# }"
    done <"${BASH_SOURCE[0]}"
}

die() { # die MESSAGE: one line on stderr, exit 2
    printf 'error: %s\n' "$1" >&2
    exit 2
}

# cmdline WORD...: the words as one shell-readable line (quoted only where needed).
cmdline() {
    local w out=""
    for w in "$@"; do
        if [[ -n $w && $w != *[!A-Za-z0-9_./:=@,+%-]* ]]; then
            out+=" $w"
        else
            out+=" '${w//\'/\'\\\'\'}'"
        fi
    done
    printf '%s' "${out# }"
}

show() { printf '+ %s\n' "$(cmdline "$@")"; }

# run CMD...: show the command, and run it unless this is a dry run.
run() {
    show "$@"
    if [ "$DRY_RUN" = 0 ]; then "$@"; fi
}

# query VAR PLACEHOLDER CMD...: show the command and store its output in VAR; a dry run stores
# PLACEHOLDER. A failing command stops the script.
query() {
    local var=$1 placeholder=$2 out
    shift 2
    show "$@"
    if [ "$DRY_RUN" = 1 ]; then out=$placeholder; else out="$("$@")"; fi
    printf -v "$var" '%s' "$out"
}

# try_query VAR PLACEHOLDER CMD...: like query, but a failing command stores "" (its errors hidden).
try_query() {
    local var=$1 placeholder=$2 out
    shift 2
    show "$@"
    if [ "$DRY_RUN" = 1 ]; then out=$placeholder; else out="$("$@" 2>/dev/null)" || out=""; fi
    printf -v "$var" '%s' "$out"
}

secret_name() { # secret_name VAR: e.g. OPENAI_API_KEY -> anpi-call-openai-api-key
    local lower=${1,,}
    printf '%s-%s' "$SECRET_PREFIX" "${lower//_/-}"
}

is_set() { [ -n "${!1:-}" ]; }

require_integer() { # require_integer NAME MIN
    if ! [[ ${!1} =~ ^[0-9]+$ ]] || [ "${!1}" -lt "$2" ]; then
        die "$1 must be a whole number >= $2, not '${!1}'"
    fi
}

# ---------------------------------------------------------------------------------------------
# Arguments and variables

for arg in "$@"; do
    case $arg in
    --dry-run) DRY_RUN=1 ;;
    --skip-build) SKIP_BUILD=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown argument '$arg' (see --help)" ;;
    esac
done

for name in PROJECT_ID TWILIO_ACCOUNT_SID PHONE_NUMBER_FROM; do
    is_set "$name" || die "$name is not set"
done

REGION=${REGION:-asia-northeast1}
SERVICE=${SERVICE:-anpi-call}
IMAGE=${IMAGE:-$REGION-docker.pkg.dev/$PROJECT_ID/anpi-call/anpi-call:latest}
SECRET_PREFIX=${SECRET_PREFIX:-anpi-call}
CONCURRENCY=${CONCURRENCY:-200}
MIN_INSTANCES=${MIN_INSTANCES:-1}
CPU=${CPU:-2}
MEMORY=${MEMORY:-1Gi}
BUILD_MACHINE_TYPE=${BUILD_MACHINE_TYPE:-e2-highcpu-8}
LOG_LEVEL=${LOG_LEVEL:-info}

require_integer CONCURRENCY 1
require_integer MIN_INSTANCES 0
if is_set MAX_INSTANCES; then require_integer MAX_INSTANCES 1; fi
if is_set MAX_CONCURRENT_CALLS; then
    require_integer MAX_CONCURRENT_CALLS 1
    if [ "$CONCURRENCY" -le "$MAX_CONCURRENT_CALLS" ]; then
        printf 'warning: CONCURRENCY (%s) should exceed MAX_CONCURRENT_CALLS (%s): each call holds one request (its WebSocket) and Twilio webhooks need room too\n' \
            "$CONCURRENCY" "$MAX_CONCURRENT_CALLS" >&2
    fi
fi
if is_set API_AUTH_TOKEN && [ "${#API_AUTH_TOKEN}" -lt 16 ]; then
    die "API_AUTH_TOKEN must be at least 16 characters (e.g. openssl rand -hex 32)"
fi
if is_set DATABASE_URL && [[ $DATABASE_URL != postgres://* && $DATABASE_URL != postgresql://* ]]; then
    die "DATABASE_URL must start with postgres:// (postgres://USER:PASSWORD@HOST:5432/DATABASE)"
fi
if is_set PUBLIC_BASE_URL && [[ $PUBLIC_BASE_URL != https://* ]]; then
    die "PUBLIC_BASE_URL must start with https://"
fi
for name in TWILIO_ACCOUNT_SID PHONE_NUMBER_FROM PUBLIC_BASE_URL LOG_LEVEL "${OPTIONAL_SETTINGS[@]}"; do
    if [[ ${!name:-} == *"$ENV_SEP"* ]]; then die "$name must not contain '$ENV_SEP'"; fi
done

if [ "$DRY_RUN" = 0 ] && ! command -v gcloud >/dev/null 2>&1; then
    die "gcloud is not installed or not on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and run 'gcloud auth login', or use --dry-run to see the commands"
fi

# gcloud builds submit uploads the repository (filtered by .gcloudignore) from its root.
script_dir=${BASH_SOURCE[0]%/*}
[ "$script_dir" != "${BASH_SOURCE[0]}" ] || script_dir=.
cd "$script_dir/.."

where=(--project "$PROJECT_ID")
run_where=(--project "$PROJECT_ID" --region "$REGION")

echo "==> anpi-call to Cloud Run: project $PROJECT_ID, region $REGION, service $SERVICE"
echo "    image $IMAGE"
if [ "$DRY_RUN" = 1 ]; then echo "    dry run: commands are printed, not run"; fi

# ---------------------------------------------------------------------------------------------
# 1. Every secret must have a value: given now, or a version already stored. Checked before the
#    long image build.

echo "==> checking the secrets"
missing=()
for var in "${SECRET_VARS[@]}"; do
    secret=$(secret_name "$var")
    if is_set "$var"; then
        echo "    $var: a new version of $secret from \$$var"
    else
        try_query latest "projects/$PROJECT_ID/secrets/$secret/versions/1" \
            gcloud secrets versions list "$secret" "${where[@]}" --filter=state:ENABLED --limit=1 --format='value(name)'
        if [ -n "$latest" ]; then
            echo "    $var: keeps the latest version of $secret"
        else
            missing+=("$var")
        fi
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    names=()
    for var in "${missing[@]}"; do names+=("$(secret_name "$var")"); done
    die "${missing[*]} not set, and Secret Manager has no enabled version of ${names[*]} (or gcloud could not read it: check 'gcloud auth list' and PROJECT_ID): set them in the environment"
fi
secrets_in_use=("${SECRET_VARS[@]}")
for var in "${OPTIONAL_SECRET_VARS[@]}"; do
    if is_set "$var"; then
        echo "    $var: a new version of $(secret_name "$var") from \$$var"
        secrets_in_use+=("$var")
    else
        echo "    $var: not set: each instance keeps its call records in SQLite, lost with the instance"
    fi
done

# ---------------------------------------------------------------------------------------------
# 2. The image, built by Cloud Build from the Dockerfile (a cold release build takes a while:
#    more CPUs and a one-hour limit instead of the 10-minute default).

if [ "$SKIP_BUILD" = 1 ]; then
    echo "==> --skip-build: deploying $IMAGE as it is"
else
    echo "==> building and pushing the image with Cloud Build"
    run gcloud builds submit --tag "$IMAGE" "${where[@]}" --machine-type="$BUILD_MACHINE_TYPE" --timeout=3600s .
fi

# ---------------------------------------------------------------------------------------------
# 3. Secret values and access for the runtime service account.

if is_set SERVICE_ACCOUNT; then
    runtime_account=$SERVICE_ACCOUNT
else
    query project_number '<PROJECT_NUMBER>' gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)'
    runtime_account="$project_number-compute@developer.gserviceaccount.com"
fi

echo "==> storing the secrets and granting $runtime_account access to them"
secret_refs=()
for var in "${secrets_in_use[@]}"; do
    secret=$(secret_name "$var")
    if is_set "$var"; then
        describe=(gcloud secrets describe "$secret" "${where[@]}" --format=none)
        create=(gcloud secrets create "$secret" "${where[@]}" --replication-policy=automatic --format=none)
        if [ "$DRY_RUN" = 1 ]; then
            printf '+ %s || %s\n' "$(cmdline "${describe[@]}")" "$(cmdline "${create[@]}")"
        elif ! "${describe[@]}" >/dev/null 2>&1; then
            run "${create[@]}"
        fi
        # The value goes through a pipe from a shell builtin: it is on no command line.
        printf '+ <from $%s> | %s\n' "$var" "$(cmdline gcloud secrets versions add "$secret" --data-file=- "${where[@]}")"
        if [ "$DRY_RUN" = 0 ]; then
            printf '%s' "${!var}" | gcloud secrets versions add "$secret" --data-file=- "${where[@]}"
        fi
    fi
    run gcloud secrets add-iam-policy-binding "$secret" "${where[@]}" \
        --member="serviceAccount:$runtime_account" --role=roles/secretmanager.secretAccessor --format=none
    secret_refs+=("$var=$secret:latest")
done

# ---------------------------------------------------------------------------------------------
# 4. Deploy. PUBLIC_BASE_URL is the given one, else the service's current URL (a redeploy), else
#    a placeholder on the very first deploy, replaced by the real URL in step 5.

if is_set PUBLIC_BASE_URL; then
    base_url=$PUBLIC_BASE_URL
else
    echo "==> looking up the service's current URL"
    try_query base_url '' gcloud run services describe "$SERVICE" "${run_where[@]}" --format='value(status.url)'
    if [ -z "$base_url" ]; then
        base_url=$FIRST_DEPLOY_URL
        echo "    none yet (first deploy): PUBLIC_BASE_URL=$base_url until the service has its URL"
    fi
fi

env_vars=(
    "TWILIO_ACCOUNT_SID=$TWILIO_ACCOUNT_SID"
    "PHONE_NUMBER_FROM=$PHONE_NUMBER_FROM"
    "PUBLIC_BASE_URL=$base_url"
    "DRAIN_TIMEOUT_SECONDS=$DRAIN_TIMEOUT_SECONDS"
    "LOG_LEVEL=$LOG_LEVEL"
)
for name in "${OPTIONAL_SETTINGS[@]}"; do
    if is_set "$name"; then env_vars+=("$name=${!name}"); fi
done
env_arg="^$ENV_SEP^$(
    IFS=$ENV_SEP
    printf '%s' "${env_vars[*]}"
)"
secrets_arg=$(
    IFS=,
    printf '%s' "${secret_refs[*]}"
)

deploy=(gcloud run deploy "$SERVICE" "${run_where[@]}"
    --image "$IMAGE"
    --port 8080
    --timeout 3600
    --no-cpu-throttling
    --min-instances "$MIN_INSTANCES"
    --concurrency "$CONCURRENCY"
    --cpu "$CPU"
    --memory "$MEMORY"
    --allow-unauthenticated
    --set-secrets "$secrets_arg"
    --set-env-vars "$env_arg")
if is_set MAX_INSTANCES; then deploy+=(--max-instances "$MAX_INSTANCES"); fi
if is_set SERVICE_ACCOUNT; then deploy+=(--service-account "$SERVICE_ACCOUNT"); fi

echo "==> deploying"
run "${deploy[@]}"

# ---------------------------------------------------------------------------------------------
# 5. Twilio signs webhooks over the URL it calls, and the gateway builds its stream and status
#    URLs from PUBLIC_BASE_URL: point it at the service's URL.

query url 'https://<service-url>' gcloud run services describe "$SERVICE" "${run_where[@]}" --format='value(status.url)'
[ -n "$url" ] || die "gcloud did not report the URL of service $SERVICE"
if is_set PUBLIC_BASE_URL; then
    public=$PUBLIC_BASE_URL
else
    public=$url
    if [ "$url" != "$base_url" ]; then
        echo "==> setting PUBLIC_BASE_URL to the service's URL"
        run gcloud run services update "$SERVICE" "${run_where[@]}" --update-env-vars "PUBLIC_BASE_URL=$url"
    fi
fi

# \$API_AUTH_TOKEN stays unexpanded: the operator's shell fills it in.
printf '%s\n' \
    "" \
    "Deployed: $url" \
    "Public base URL: $public" \
    "" \
    "Next steps:" \
    "  1. Twilio console > Phone Numbers > $PHONE_NUMBER_FROM > Voice, 'A call comes in':" \
    "     Webhook, HTTP POST, $public/incoming-call" \
    "  2. Place a call:" \
    "     curl -X POST '$public/outbound-call' -H \"Authorization: Bearer \$API_AUTH_TOKEN\" \\" \
    "          -H 'Content-Type: application/json' -d '{\"to_number\": \"+81XXXXXXXXXX\"}'" \
    "  3. Health: curl '$public/'   Metrics: curl -H \"Authorization: Bearer \$API_AUTH_TOKEN\" '$public/metrics'"
