#!/usr/bin/env bash
# Start-up of the statistics cube: full rebuild (CaseService::scan) against snapshot load + catch-up,
# and the snapshot's size and write time, on a generated store (docs/adr/0020-cube-snapshot.md).
#
#   bench/cube_snapshot_bench.sh [BUILD_DIR] [CASES] [RUNS]
#
# BENCH_DIR (default /tmp/cube-snapshot-bench) holds the store, made once with
# `civicgrid demo generate --cases CASES --seed 1`. Each run starts the server without a snapshot
# (full rebuild), stops it (the snapshot is written), starts it again (snapshot + catch-up) and
# stops it. Prints the server's own log lines with the timings, and the load average. With
# BASELINE=path/to/an/older/civicgrid, each run first times that binary's full rebuild too.
# With SCALE_CASES=N (e.g. 25000000), afterwards the in-memory helper (cmake --build BUILD_DIR
# --target cube_snapshot_scale) fills a cube of N cases (DISTINCT generated ones, default 1 M,
# cycled with new ids), writes its snapshot and times loading it cold and warm with the derived
# structures rebuilt on two threads, then warm on one, each with its parts (file, order, indexes,
# rollups, merge). `build/cube_snapshot_scale --load-only --file F --data D` loads an existing file
# again without filling a cube first.
set -euo pipefail
build=${1:-build}
cases=${2:-1000000}
runs=${3:-2}
dir=${BENCH_DIR:-/tmp/cube-snapshot-bench}/d$cases
bin=$build/civicgrid
if [[ ! -f $dir/civicgrid.db ]]; then
  mkdir -p "$(dirname "$dir")"
  "$bin" demo generate --data "$dir" --cases "$cases" --seed 1 >/dev/null 2>&1
fi

# Starts the server ($1, default the build's), waits until it listens, prints the seconds it took, stops it (SIGTERM) and
# waits for the shutdown; the log goes to $dir/serve.log.
start_stop() {
  local t0 t1 pid cpu
  t0=$(date +%s.%N)
  "${1:-$bin}" serve --data "$dir" --port 0 --listen 127.0.0.1 >"$dir/serve.log" 2>&1 &
  pid=$!
  until grep -q "listening on" "$dir/serve.log"; do
    kill -0 $pid 2>/dev/null || { cat "$dir/serve.log"; return 1; }
    sleep 0.1
  done
  t1=$(date +%s.%N)
  # CPU the process used up to here (user + system), steadier than wall time on a shared machine.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/$pid/stat)
  kill -TERM $pid
  wait $pid || true
  echo "  start-up to listening: $(echo "$t1 - $t0" | bc) s, process CPU ${cpu} s"
  grep -E "cube (rebuilt|loaded|snapshot)|full rebuild|staff ledger|similar cases" "$dir/serve.log" |
    sed -E 's/^\[[^]]*\] \[[a-z]+\] /  /'
}

echo "store: $dir ($(du -h "$dir/civicgrid.db" | cut -f1)), $cases cases"
for run in $(seq 1 "$runs"); do
  if [[ -n ${BASELINE:-} ]]; then
    echo "run $run: baseline $BASELINE, full rebuild"
    start_stop "$BASELINE"
  fi
  echo "run $run: full rebuild (no snapshot)"
  rm -f "$dir/cube.snapshot"
  start_stop
  ls -l "$dir/cube.snapshot" | awk '{print "  snapshot file: " $5 " bytes"}'
  echo "run $run: snapshot + catch-up"
  start_stop
  echo "  $(uptime)"
done
if [[ -n ${SCALE_CASES:-} ]]; then
  echo "in-memory cube of $SCALE_CASES cases (cube_snapshot_scale)"
  CIVICGRID_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd) "$build/cube_snapshot_scale" \
    --cases "$SCALE_CASES" --distinct "${DISTINCT:-1000000}" \
    --file "$dir-scale/cube.snapshot" --data "$dir-scale"
  echo "  $(uptime)"
fi
