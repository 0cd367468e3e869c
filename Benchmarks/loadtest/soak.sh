#!/usr/bin/env bash
# Soak test (a script, not a CI test): holds CALLS calls (200) for MINUTES minutes (10) against a
# gateway started here, samples the gateway's RSS, open file descriptors and threads every 10 s,
# and checks that after a warm-up (the first quarter) RSS stays within 5 % and descriptors do not
# grow, then that everything is released when the calls end.
#
#   bash Benchmarks/loadtest/soak.sh            CALLS=200 MINUTES=10 by default
set -euo pipefail
cd "$(dirname "$0")/../.."
CALLS=${CALLS:-200}
MINUTES=${MINUTES:-10}
LOG=Benchmarks/loadtest/soak.log
swift build -c release --product anpi-call
B=.build/release/anpi-call
: > "$LOG"
# The load test starts the gateway as a child; find it once it is up.
$B loadtest --calls "$CALLS" --seconds "$((MINUTES * 60))" --json > Benchmarks/loadtest/soak-result.json 2>> "$LOG" &
LT=$!
GW=""
for _ in $(seq 1 100); do
    GW=$(pgrep -P "$LT" -f "anpi-call serve" || true)
    [ -n "$GW" ] && break
    sleep 0.2
done
[ -n "$GW" ] || { echo "soak: the gateway did not start" >&2; kill $LT; exit 1; }
echo "soak: gateway pid $GW, $CALLS calls for $MINUTES min" >&2
echo "t_s rss_kib fds threads" > Benchmarks/loadtest/soak-samples.txt
start=$(date +%s)
while kill -0 "$GW" 2>/dev/null && kill -0 "$LT" 2>/dev/null; do
    t=$(( $(date +%s) - start ))
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$GW/status" 2>/dev/null || echo 0)
    fds=$(ls "/proc/$GW/fd" 2>/dev/null | wc -l)
    thr=$(awk '/Threads/ {print $2}' "/proc/$GW/status" 2>/dev/null || echo 0)
    echo "$t $rss $fds $thr" >> Benchmarks/loadtest/soak-samples.txt
    sleep 10
done
wait $LT || true
python3 - "$MINUTES" <<'PY'
import sys
minutes = int(sys.argv[1])
rows = [list(map(int, l.split())) for l in open("Benchmarks/loadtest/soak-samples.txt").read().splitlines()[1:] if l.strip()]
live = [r for r in rows if r[1] > 0]
warm = [r for r in live if r[0] >= minutes * 60 / 4 and r[0] <= minutes * 60 - 10]
if len(warm) < 3:
    sys.exit("soak: too few samples after warm-up")
rss = [r[1] for r in warm]
fds = [r[2] for r in warm]
growth = (rss[-1] - rss[0]) / rss[0] * 100
spread = (max(rss) - min(rss)) / min(rss) * 100
print(f"soak: {len(warm)} samples after warm-up; RSS {rss[0]/1024:.1f} → {rss[-1]/1024:.1f} MiB ({growth:+.2f} %, spread {spread:.2f} %); "
      f"fds {min(fds)}–{max(fds)}; threads {warm[0][3]}–{warm[-1][3]}")
ok = abs(growth) <= 5 and spread <= 5 and max(fds) - min(fds) <= 5
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
PY
