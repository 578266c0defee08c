#!/usr/bin/env bash
# Cockpit queries and the statistics cube's start-up rebuild on PostgreSQL next to SQLite: the same
# synthetic district (`civicgrid demo generate`, same seed) in a SQLite store and in a fresh
# PostgreSQL 15 cluster (scripts/pg-test-server), a server on each, the cube's rebuild time from the
# server log, and the best of 5 HTTP latencies of representative /api/v1/stats queries.
# Usage: bench/pg_cockpit_bench.sh [BUILD_DIR] [CASES]      (defaults: build, 200000)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-200000}
root=$(cd "$(dirname "$0")/.." && pwd)
export CIVICGRID_SOURCE_DIR="$root"
bin="$build/civicgrid"
dir=$(mktemp -d)
pgdir=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
  "$root/scripts/pg-test-server" stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
admin=$("$root/scripts/pg-test-server" start "$pgdir")
psql -X -q "$admin" -c "CREATE DATABASE bench"
url=${admin%/postgres}/bench

echo "cockpit on SQLite and PostgreSQL: $n cases, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" demo generate --data "$dir/sqlite" --cases "$n" --seed 7 --quiet | python3 -c \
  'import json,sys; s=json.load(sys.stdin); print("SQLite: generated in %.1f s" % s["seconds"])'
"$bin" demo generate --data "$dir/pg" --db "$url" --cases "$n" --seed 7 --quiet | python3 -c \
  'import json,sys; s=json.load(sys.stdin); print("PostgreSQL: generated in %.1f s (copy %.1f s)" % (s["seconds"], s["copy_seconds"]))'

serve() {  # engine-specific store options...
  local port=$((20000 + RANDOM % 20000))
  "$bin" serve --listen 127.0.0.1 --port "$port" --log-level info "$@" >"$dir/serve.out" 2>&1 &
  pid=$!
  for _ in $(seq 3000); do grep -q "listening on" "$dir/serve.out" && break; sleep 0.1; done
  grep -q "listening on" "$dir/serve.out" || { cat "$dir/serve.out"; exit 1; }
  base="http://127.0.0.1:$port"
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=; }
best() {
  local b=999999 t
  for _ in 1 2 3 4 5; do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$base$1")
    b=$(python3 -c "print(min($b, round($t * 1000, 2)))")
  done
  echo "$b"
}
queries=("/api/v1/stats/counts?dims=category,month&category_level=1"
  "/api/v1/stats/counts?dims=street&status=closed&from=2025-01-01&to=2026-01-01"
  "/api/v1/stats/rates?by=department"
  "/api/v1/stats/indicators?by=street"
  "/api/v1/stats/league?by=department&min_volume=20")
declare -A result
for engine in sqlite pg; do
  if [ "$engine" = sqlite ]; then opts=(--data "$dir/sqlite"); else opts=(--data "$dir/pg" --db "$url"); fi
  echo "bench-password-1" | "$bin" user add "${opts[@]}" --username bench_admin --role admin --unit MH >/dev/null
  serve "${opts[@]}"
  result[$engine,rebuild]=$(grep -o "analytics: cube rebuilt.*" "$dir/serve.out" | head -1)
  result[$engine,rss]=$(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))
  token=$(curl -s -XPOST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"bench_admin","password":"bench-password-1"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for q in "${queries[@]}"; do result[$engine,$q]=$(best "$q"); done
  stop
done
echo "SQLite start-up: ${result[sqlite,rebuild]}; RSS ${result[sqlite,rss]} MB"
echo "PostgreSQL start-up: ${result[pg,rebuild]}; RSS ${result[pg,rss]} MB"
printf '| query | SQLite store (ms) | PostgreSQL store (ms) |\n|---|---:|---:|\n'
for q in "${queries[@]}"; do printf '| `%s` | %s | %s |\n' "$q" "${result[sqlite,$q]}" "${result[pg,$q]}"; done
