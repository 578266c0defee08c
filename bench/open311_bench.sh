#!/usr/bin/env bash
# Open311 GeoReport throughput over HTTP with keep-alive, on a fresh SQLite store (WAL,
# synchronous=FULL, group commit):
#   1. POST /open311/v2/requests.json (form-encoded, with attributes) until at least MIN_CASES cases
#      exist: durable intake through the cases module, plus the adapter's own rows;
#   2. GET /open311/v2/requests.json with 100 requests per page over the first 100 pages, and the
#      same with extensions=true (timeline, attributes) and with a status + service_code filter.
# Usage: bench/open311_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]   (MIN_CASES=10000 by default)
set -euo pipefail
build=${1:-build}
seconds=${2:-15}
connections=${3:-64}
min_cases=${MIN_CASES:-10000}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$pid" ] && wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
export OPEN311_API_KEY=$("$build/civicgrid" apikey create --data "$dir" --name bench | tail -1)
"$build/civicgrid" serve --demo --data "$dir" --port "$port" --listen 127.0.0.1 --log-level warn \
  --threads "${THREADS:-64}" > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port"
count() { sqlite3 "$dir/civicgrid.db" "SELECT count(*) FROM cases"; }

echo "== POST requests.json: $seconds s, $connections connections"
wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/open311_post.lua" "$url"
while [ "$(count)" -lt "$min_cases" ]; do
  echo "(topping up to $min_cases cases: $(count) so far)"
  wrk -t2 -c"$connections" -d5s -s "$here/open311_post.lua" "$url" >/dev/null
done
echo "cases stored: $(count); open311 rows: $(sqlite3 "$dir/civicgrid.db" "SELECT count(*) FROM open311_requests")"

echo "== GET requests.json?page_size=100&page=1..100: $seconds s, $connections connections"
PAGES=100 wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/open311_get.lua" "$url"
echo "== same with extensions=true"
PAGES=100 QUERY="&extensions=true" wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/open311_get.lua" "$url"
echo "== same with status=open&service_code=C01-02-04,C01-02-11"
PAGES=100 QUERY="&status=open&service_code=C01-02-04,C01-02-11" wrk -t2 -c"$connections" -d"${seconds}s" \
  -s "$here/open311_get.lua" "$url"
echo "response size of one page: $(curl -s "$url/open311/v2/requests.json?page_size=100&page=50" | wc -c) bytes"
kill -TERM $pid
wait $pid || true
pid=
