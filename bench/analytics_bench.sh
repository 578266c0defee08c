#!/usr/bin/env bash
# Statistics: builds a district of N cases (bench/gen_import_jsonl.py + `civicgrid import cases`),
# starts the server, and reports the cube's start-up rebuild time and memory, then the latency of
# representative /api/v1/stats queries next to the nearest SQLite GROUP BY on the same database file
# (sqlite3 CLI, warm cache, best of 5).
#
# Usage: bench/analytics_bench.sh [BUILD_DIR] [N]     (defaults: build-ana, 1000000)
# BENCH_DIR=dir keeps the generated file and data dir there and reuses them on later runs.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-ana}
n=${2:-1000000}
bin=$(cd "$build" && pwd)/civicgrid
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  [ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
export CIVICGRID_SOURCE_DIR="$src"
data="$work/data-$n"
port=$((20000 + RANDOM % 20000))

serve() {
  "$bin" serve --data "$data" --listen 127.0.0.1 --port "$port" --log-level info "$@" >"$data/serve.out" 2>&1 &
  pid=$!
  for _ in $(seq 1200); do grep -q "listening on" "$data/serve.out" && return; sleep 0.1; done
  echo "server did not start"; cat "$data/serve.out"; exit 1
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=; }

if [ ! -s "$data/civicgrid.db" ] || [ ! -f "$data/.imported" ]; then
  rm -rf "$data" && mkdir -p "$data"
  serve --demo && stop
  file="$work/cases-$n.jsonl"
  if [ ! -s "$file" ]; then
    t=$(date +%s%N)
    python3 "$src/bench/gen_import_jsonl.py" "$n" -o "$file" --seed 1
    echo "generated $n cases in $(( ($(date +%s%N) - t) / 1000000 )) ms"
  fi
  t=$(date +%s%N)
  "$bin" import cases --data "$data" "$file" | tail -1
  echo "imported in $(( ($(date +%s%N) - t) / 1000000 )) ms"
  echo "bench-password-1" | "$bin" user add --data "$data" --username bench_admin --role admin --unit MH >/dev/null
  touch "$data/.imported"
fi

echo "civicgrid analytics: $n cases, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), binary $bin"
serve
grep -o "analytics: cube rebuilt.*" "$data/serve.out"
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "server RSS after start-up: $((rss_kb / 1024)) MB"
token=$(curl -s -XPOST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"bench_admin","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

best_http() {  # best of 5, milliseconds
  local best=999999 t
  for _ in 1 2 3 4 5; do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1")
    t=$(python3 -c "print(round($t*1000, 1))")
    best=$(python3 -c "print(min($best, $t))")
  done
  echo "$best"
}
best_sql() {
  local best=999999 t
  for _ in 1 2 3 4 5; do
    t=$( { /usr/bin/time -f '%e' sqlite3 "$data/civicgrid.db" "$1" >/dev/null; } 2>&1 | tail -1)
    t=$(python3 -c "print(round($t*1000, 1))")
    best=$(python3 -c "print(min($best, $t))")
  done
  echo "$best"
}

day='(created_at + 28800000) / 86400000'
printf '| query | cube via HTTP (ms) | SQLite GROUP BY (ms) |\n|---|---:|---:|\n'
q() { printf '| %s | %s | %s |\n' "$1" "$(best_http "$2")" "$(best_sql "$3")"; }
q "counts by category (top level) × month" "/api/v1/stats/counts?dims=category,month" \
  "SELECT substr(category, 1, instr(category || '-', '-') - 1), strftime('%Y-%m', created_at / 1000 + 28800, 'unixepoch'), count(*) FROM cases GROUP BY 1, 2"
q "counts by street, closed, one year" "/api/v1/stats/counts?dims=street&status=closed&from=2022-01-01&to=2023-01-01" \
  "SELECT substr(area, 1, 6), count(*) FROM cases WHERE status = 'closed' AND created_at >= 1640966400000 AND created_at < 1672502400000 GROUP BY 1"
q "counts by day, one category, top 10" "/api/v1/stats/counts?dims=day&category=C01&top=10" \
  "SELECT $day, count(*) FROM cases WHERE category LIKE 'C01%' GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
q "rates by department" "/api/v1/stats/rates?by=department" \
  "SELECT p.unit, count(*), sum(p.accepted_at > 0 AND p.accepted_at <= p.due_at), sum(c.eval_resolved <> ''), sum(c.eval_resolved = 'resolved'), sum(c.eval_satisfaction = 'satisfied') FROM case_participants p JOIN cases c ON c.id = p.case_id WHERE p.role = 'lead' GROUP BY p.unit"
q "indicators by street" "/api/v1/stats/indicators?by=street" \
  "SELECT substr(area, 1, 6), count(*), sum(status = 'closed'), sum(overdue), sum(reworks > 0), sum(returns > 0), avg(CASE WHEN closed_at > 0 THEN closed_at - created_at END) FROM cases GROUP BY 1"
stop
