#!/usr/bin/env bash
# Checks the status page (GET /dashboard) in a real headless browser, Debian's chromium: starts the
# simulators and a gateway on free loopback ports, runs a small campaign (two people answer and talk
# with the simulated model, one never answers), then lets chromium load the page, and checks the DOM
# it built and that the screenshot is not blank. Writes the screenshot to $1 (default
# $TMPDIR/anpi-call-dashboard.png; docs/dashboard.png is one). Needs a debug build (swift build) and
# `apt-get install -y chromium fonts-noto-cjk` (without a CJK font the Japanese shows as empty boxes).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-${TMPDIR:-/tmp}/anpi-call-dashboard.png}"
bin=.build/debug/anpi-call
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then echo "error: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; fi
fonts="$(fc-list : family 2>/dev/null || true)"
if [[ "$fonts" != *CJK* ]]; then echo "error: no CJK font: Japanese would show as empty boxes (apt-get install -y fonts-noto-cjk)" >&2; exit 2; fi
if [ ! -x "$bin" ]; then echo "error: $bin is missing: run swift build first" >&2; exit 2; fi

work="$(mktemp -d)"
pids=()
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
twilio_port=$(free_port); model_port=$(free_port); port=$(free_port)

"$bin" simulate-twilio --port "$twilio_port" --callee --verified +819011110001 --verified +819011110002 \
    --verified +819011110003 --unanswered +819011110003=no-answer,no-answer >"$work/twilio.log" 2>&1 &
pids+=($!)
"$bin" simulate-realtime --port "$model_port" >"$work/model.log" 2>&1 &
pids+=($!)
cat >"$work/.env" <<ENV
TWILIO_ACCOUNT_SID=ACsimulated00000000000000000000000
TWILIO_AUTH_TOKEN=simulated-auth-token
PHONE_NUMBER_FROM=+15005550006
OPENAI_API_KEY=sk-fake-for-local-tests
PUBLIC_BASE_URL=http://127.0.0.1:$port
PORT=$port
HOST=127.0.0.1
TWILIO_API_BASE_URL=http://127.0.0.1:$twilio_port
OPENAI_REALTIME_URL=ws://127.0.0.1:$model_port/v1/realtime
DATA_DIR=$work/data
ENV
(cd "$work" && exec "$OLDPWD/$bin" serve >"$work/gateway.log" 2>&1) &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done

printf 'to_number,user_id,message\n+819011110001,tanaka,地震の安否確認です\n+819011110002,suzuki,\n+819011110003,<b>sato</b>,\n' >"$work/people.csv"
echo "==> campaign (about 25 s)"
"$bin" campaign start "$work/people.csv" --url "http://127.0.0.1:$port" --name "地震 & 津波" --max-attempts 2 --retry-delay 1 --calls-per-second 3 --wait

echo "==> chromium: DOM and screenshot"
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars "--window-size=1280,900")
"$browser" "${flags[@]}" --dump-dom "http://127.0.0.1:$port/dashboard" >"$work/dom.html" 2>"$work/chromium.log"
"$browser" "${flags[@]}" --screenshot="$out" "http://127.0.0.1:$port/dashboard" >/dev/null 2>>"$work/chromium.log"

fail=0
check() { if grep -q -- "$2" "$work/dom.html"; then echo "PASS: $1"; else echo "FAIL: $1"; fail=1; fi; }
check "the page title" "<title>anpi-call — 安否確認</title>"
check "the campaign, its name escaped" "地震 &amp; 津波"
check "progress 3 / 3" "3 / 3"
check "safety badges styled" 'class="b safe">safe 2'
check "outcome counts" "completed 2"
check "a user id escaped, not markup" "&lt;b&gt;sato&lt;/b&gt;"
check "the latest calls" "Latest calls"
check "reloads itself" 'http-equiv="refresh"'
if grep -q "<b>sato</b>" "$work/dom.html"; then echo "FAIL: markup from a user id reached the DOM"; fail=1; fi
size=$(stat -c %s "$out" 2>/dev/null || echo 0)
# A blank 1280×900 PNG is a few kilobytes; a page with text and tables is far larger.
if [ "$size" -gt 20000 ]; then echo "PASS: screenshot $out ($size bytes)"; else echo "FAIL: screenshot $out is missing or blank ($size bytes)"; fail=1; fi
exit $fail
