#!/usr/bin/env bash
# Durable appeal intake over HTTP on PostgreSQL: the same load as bench/intake_bench.sh (wrk driving
# POST /api/v1/appeals with keep-alive), with the server on a fresh PostgreSQL 15 cluster started
# for the run (scripts/pg-test-server: fsync on, synchronous_commit on, default settings otherwise).
# Counts the stored cases to confirm every 201 was a committed row, and the audit entries chained
# and still pending. While wrk runs it samples what the server's backends wait on
# (pg_stat_activity, every 0.2 s from the third second), the profile that shows what serialises
# writers. After the server has stopped it counts the case changes left unrelayed
# (case_changes_pending, cluster migration 3; "n/a" for a build before it), which its last drain
# should leave at zero. Prints the load average before and after, since the machine may be shared.
# Usage: bench/pg_intake_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
seconds=${2:-15}
connections=${3:-64}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
pgdir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
admin=$("$root/scripts/pg-test-server" start "$pgdir")
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; "$root/scripts/pg-test-server" stop "$pgdir"; rm -rf "$dir"' EXIT
psql -X -q "$admin" -c "CREATE DATABASE bench"
url=${admin%/postgres}/bench
"$build/civicgrid" serve --demo --data "$dir" --db "$url" --port "$port" --listen 127.0.0.1 --log-level warn \
  --threads "${THREADS:-64}" > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "intake on PostgreSQL: $seconds s, $connections connections; load before:$(uptime | sed 's/.*load average://')"
wrk -t2 -c"$connections" -d"${seconds}s" -s "$root/bench/intake.lua" "http://127.0.0.1:$port" > "$dir/wrk.txt" &
wrk_pid=$!
sleep 2
for _ in $(seq $(( (seconds - 3) * 5 ))); do
  psql -X -A -t "$url" -c "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
    WHERE datname = 'bench' AND state = 'active' AND pid <> pg_backend_pid()" || true
  sleep 0.2
done | sort | uniq -c | sort -rn | head -8 > "$dir/waits.txt"
wait $wrk_pid
cat "$dir/wrk.txt"
echo "active backends by wait event (samples):"
cat "$dir/waits.txt"
curl -s "http://127.0.0.1:$port/metrics" | grep -E "civicgrid_db_write_(transactions|retries)" || true
echo "load after:$(uptime | sed 's/.*load average://')"
kill -TERM $pid; wait $pid || true
psql -X -A -t "$url" -c "SELECT 'xact_commit=' || xact_commit || ' xact_rollback=' || xact_rollback FROM pg_stat_database WHERE datname = 'bench'" || true
echo "cases stored: $(psql -X -A -t "$url" -c 'SELECT count(*) FROM cases')"
echo "audit entries chained: $(psql -X -A -t "$url" -c 'SELECT count(*) FROM audit_log'), pending: $(psql -X -A -t "$url" -c 'SELECT count(*) FROM audit_pending')"
echo "case changes pending: $(psql -X -A -t "$url" -c 'SELECT count(*) FROM case_changes_pending' 2>/dev/null || echo n/a)"
