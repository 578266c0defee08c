#!/usr/bin/env bash
# Decision support: latency of the /api/v1/stats insight endpoints and the staff ledger's start-up
# scan, on the district bench/analytics_bench.sh builds (it is run first when the data is missing).
#
# Usage: BENCH_DIR=dir bench/insights_bench.sh [BUILD_DIR] [N]     (defaults: build, 1000000)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
n=${2:-1000000}
: "${BENCH_DIR:?set BENCH_DIR (shared with bench/analytics_bench.sh)}"
data="$BENCH_DIR/data-$n"
[ -f "$data/.imported" ] || "$src/bench/analytics_bench.sh" "$build" "$n"
bin=$(cd "$build" && pwd)/civicgrid
port=$((20000 + RANDOM % 20000))
"$bin" serve --data "$data" --listen 127.0.0.1 --port "$port" --log-level info >"$data/insights.out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1200); do grep -q "listening on" "$data/insights.out" && break; sleep 0.1; done
echo "civicgrid insights: $n cases, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
grep -o "analytics: .*rebuilt.*" "$data/insights.out"
token=$(curl -s -XPOST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"bench_admin","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
printf '| query | best of 5 via HTTP (ms) | rows |\n|---|---:|---:|\n'
for target in \
  "/api/v1/stats/warnings?date=2021-06-30&window=7" \
  "/api/v1/stats/warnings?date=2021-06-30&window=28" \
  "/api/v1/stats/hotspots?category=C01&from=2021-01-01&to=2022-01-01" \
  "/api/v1/stats/recurring?months=12&min_months=6" \
  "/api/v1/stats/monthly-topics?year=2021" \
  "/api/v1/stats/training-needs?from=2021-01-01&to=2022-01-01" \
  "/api/v1/stats/capacity?post=grid_worker&from=2021-01-01"; do
  best=999999
  for _ in 1 2 3 4 5; do
    t=$(curl -s -o "$data/insights.json" -w '%{time_total}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port$target")
    best=$(python3 -c "print(min($best, round($t * 1000, 1)))")
  done
  rows=$(python3 -c "import json; d=json.load(open('$data/insights.json')); print(len(d.get('warnings', d.get('rows', d.get('grids', [])))))")
  printf '| `%s` | %s | %s |\n' "${target#/api/v1/stats/}" "$best" "$rows"
done
