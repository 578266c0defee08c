#!/usr/bin/env bash
# Statistics at scale: for each N, the analytics cube fed in memory by a synthetic district of N
# distinct cases (build/analytics_scale, two generator threads, the server's Cube::update and query
# functions, no HTTP), next to DuckDB
# (@duckdb/node-api, in-memory table) and SQLite (flat table, sqlite3 CLI) answering the same
# questions (bench/analytics_scale_queries.json) over the same facts, which analytics_scale exports
# from the cube as CSV. Every figure is the best of 5 inside one process (no process start, no load).
#
# Usage: bench/analytics_scale.sh [BUILD_DIR] [N ...]     (defaults: build, 1000000 10000000 25000000)
# THREADS=T (default 2): generator threads (the cube is fed by one more, as the server's is).
# Needs: cmake --build BUILD_DIR --target analytics_scale; cd bench/duckdb && npm install (npm ci trips over the lock file's entries for other platforms' DuckDB bindings); sqlite3.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000 25000000)
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
trap '[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"' EXIT
export CIVICGRID_SOURCE_DIR="$src"
[ -d "$src/bench/duckdb/node_modules" ] || (cd "$src/bench/duckdb" && npm install --no-audit --no-fund >/dev/null)

sqlite_side() {  # $1 = CSV; prints JSON lines like the other two
  local db="$work/flat.db"
  rm -f "$db"
  local t0=$(date +%s%N)
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
CREATE TABLE facts (id INTEGER PRIMARY KEY, created_day INTEGER, month TEXT, category1 TEXT,
  category3 TEXT, street TEXT, grid TEXT, department TEXT, status TEXT, dispatched INTEGER,
  responded INTEGER, evaluated INTEGER, resolved INTEGER, satisfied INTEGER, basically INTEGER,
  registered INTEGER, closed INTEGER, closed_on_time INTEGER, overdue INTEGER, reworked INTEGER,
  extended INTEGER, returned INTEGER, deadline_day INTEGER, close_minutes INTEGER);
.import --csv --skip 1 $1 facts
SQL
  echo "{\"what\":\"load\",\"engine\":\"sqlite\",\"ms\":$(( ($(date +%s%N) - t0) / 1000000 ))}"
  python3 - "$db" "$src/bench/analytics_scale_queries.json" <<'PY'
import json, subprocess, sys, re
db, qfile = sys.argv[1], sys.argv[2]
qs = json.load(open(qfile)); qs.pop("about")
# A query that takes over 5 s once is not repeated; one over 120 s is stopped (reported as > 120 s).
def run(sql, times):
    script = "PRAGMA cache_size=-1000000;\n.timer on\n" + (sql + ";\n") * times
    out = subprocess.run(["sqlite3", db], input=script, capture_output=True, text=True,
                         check=True, timeout=120 * times).stdout
    return [float(x) * 1000 for x in re.findall(r"Run Time: real ([0-9.]+)", out)]
for name, sql in qs.items():
    try:
        first = run(sql, 1)
        best = min(first + (run(sql, 4) if first[0] < 5000 else []))
    except subprocess.TimeoutExpired:
        best = None
    print(json.dumps({"what": "query", "engine": "sqlite", "query": name, "ms": best}))
PY
  rm -f "$db"
}

echo "analytics at scale: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  csv="$work/facts-$n.csv"
  out="$work/results-$n.jsonl"
  /usr/bin/time -f '{"what":"process","engine":"cube","max_rss_kb":%M}' -a -o "$out.rss" \
    "$build/analytics_scale" --cases "$n" --threads "${THREADS:-2}" --csv "$csv" \
    --data "$work/store" >"$out"
  cat "$out.rss" >>"$out"
  node "$src/bench/duckdb/scale.mjs" "$csv" >>"$out"
  sqlite_side "$csv" >>"$out"
  rm -f "$csv" "$out.rss"
  echo "== $n cases (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
build = next(r for r in rows if r["what"] == "build")
print(f"cube: {build['bytes_per_case_columns']} B/case in columns, "
      f"{build['bytes_per_case_allocated']:.1f} B/case allocated; "
      f"cube updates {build['cube_update_ms'] / build['cases'] * 1000:.2f} µs/case")
for r in rows:
    if r["what"] in ("load", "process", "csv"): print(json.dumps(r))
q = {}
for r in rows:
    if r["what"] == "query": q.setdefault(r["query"], {})[r["engine"]] = r["ms"]
n_cases = build["cases"]
print(f"rollups: {build.get('rollup_entries')} entries, {build.get('rollup_bytes', 0) / 1e6:.1f} MB; "
      f"复诉 index {build.get('repeat_index_bytes', 0) / 1e6:.1f} MB; "
      f"day index {build.get('day_index_bytes', 0) / 1e6:.1f} MB")
print(f"bytes per case: columns {build['bytes_per_case_allocated']:.1f}, "
      f"rollups {build['rollup_bytes'] / n_cases:.1f}, "
      f"day index {build['day_index_bytes'] / n_cases:.1f}, "
      f"复诉 index {build['repeat_index_bytes'] / n_cases:.1f}; "
      f"total {build['bytes_per_case_total']:.1f}")
bad = [r["query"] for r in rows if r["what"] == "query" and r.get("same_answer") is False]
print("answers equal to the scan's:", "all" if not bad else "NOT for " + ", ".join(sorted(set(bad))))
print("| query | cube (ms) | DuckDB (ms) | SQLite (ms) | DuckDB ÷ cube | SQLite ÷ cube | cube scan (ms) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, e in q.items():
    c, d, s = e.get("cube"), e.get("duckdb"), e.get("sqlite")
    scan = e.get("cube-scan")
    scan = f"{scan:.2f}" if scan is not None else "—"
    if d is None:  # cube-only questions (the cockpit's)
        print(f"| {name} | {c:.2f} | — | — | — | — | {scan} |")
        continue
    sq = f"{s:.0f}" if s is not None else "> 120,000"
    ratio = f"{s / c:.0f}×" if s is not None else f"> {120000 / c:.0f}×"
    print(f"| {name} | {c:.2f} | {d:.1f} | {sq} | {d / c:.1f}× | {ratio} | {scan} |")
PY
done
