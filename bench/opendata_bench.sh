#!/usr/bin/env bash
# Open data response times on a synthetic district (`civicgrid demo generate`, CASES cases, default
# 200000): GET /api/v1/open/stats by each grouping, the catalog, the aggregate downloads and pages of
# the published cases (20000 rows, CSV and JSON), each the median of RUNS sequential requests with
# curl, plus the response size and the server's resident memory afterwards.
# Usage: bench/opendata_bench.sh [BUILD_DIR]   (CASES=200000 RUNS=5 by default)
set -euo pipefail
build=${1:-build}
cases=${CASES:-200000}
runs=${RUNS:-5}
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$pid" ] && wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
"$build/civicgrid" demo generate --data "$dir" --cases "$cases" --quiet
"$build/civicgrid" serve --data "$dir" --port "$port" --listen 127.0.0.1 --log-level warn > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$port"
measure() {
  local path=$1 times=()
  for _ in $(seq "$runs"); do times+=("$(curl -s -o "$dir/out" -w '%{time_total}' "$url$path")"); done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-62s %8.1f ms %10d bytes\n' "$path" "$(echo "$median * 1000" | bc -l)" "$(wc -c < "$dir/out")"
}
echo "cases: $cases"
for by in month category street department; do measure "/api/v1/open/stats?by=$by"; done
measure "/api/v1/open/datasets"
measure "/api/v1/open/datasets/monthly-counts.csv"
measure "/api/v1/open/datasets/department-performance.json"
measure "/api/v1/open/datasets/published-cases.csv?limit=20000"
measure "/api/v1/open/datasets/published-cases.json?limit=20000"
measure "/api/v1/open/datasets/published-cases.csv?offset=100000&limit=20000"
echo "server RSS: $(($(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024)) MB"
