#!/usr/bin/env bash
# Durable appeal intake over HTTP with keep-alive: starts the server on a fresh SQLite store (WAL,
# synchronous=FULL, group commit) and drives POST /api/v1/appeals with wrk. Then counts the stored cases
# to confirm every 201 was a committed row. Usage: bench/intake_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
seconds=${2:-15}
connections=${3:-64}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
"$build/civicgrid" serve --demo --data "$dir" --port "$port" --listen 127.0.0.1 --log-level warn --threads "${THREADS:-64}" > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "intake: $seconds s, $connections connections, server threads default, store $dir"
wrk -t2 -c"$connections" -d"${seconds}s" -s "$(dirname "$0")/intake.lua" "http://127.0.0.1:$port" | tee "$dir/wrk.txt"
kill -TERM $pid; wait $pid || true
stored=$(sqlite3 "$dir/civicgrid.db" "SELECT count(*) FROM cases")
echo "cases stored: $stored"
