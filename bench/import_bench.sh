#!/usr/bin/env bash
# History import throughput: generates 100k and 1M cases with bench/gen_import_jsonl.py, then runs
# `civicgrid import cases` on each into a fresh data dir that holds only the demo district (loaded by
# starting `serve --demo` once), and prints cases/s. For comparison it also runs
# bench/import_sqlite_floor.cpp: the same volume inserted by SQLite alone (no parsing, no rules).
#
# Usage: bench/import_bench.sh [BUILD_DIR] [SIZES...]
#   BUILD_DIR  a Release build (default build-release; configured and built here when missing)
#   SIZES      case counts (default: 100000 1000000)
# BENCH_DIR=dir keeps the generated files there and reuses them on later runs (default: a temp dir
# removed at the end).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-release}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

if [ ! -x "$build/civicgrid" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
  ninja -C "$build" -j2 civicgrid
fi
bin=$(cd "$build" && pwd)/civicgrid

work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work/seed" "$work/run" "$work/sqlite_floor"
  [ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# A data dir with the demo district's units, grids and categories: what an import needs first.
rm -rf "$work/seed" && mkdir -p "$work/seed"
"$bin" serve --demo --data "$work/seed" --listen 127.0.0.1 --port 0 --log-level warn >"$work/seed/serve.out" 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q "listening on" "$work/seed/serve.out" && break; sleep 0.1; done
kill -TERM "$pid"; wait "$pid" || true
pid=
rm -f "$work/seed/serve.out"

floor=
if command -v c++ >/dev/null; then
  c++ -O2 -std=c++20 "$src/bench/import_sqlite_floor.cpp" -lsqlite3 -o "$work/sqlite_floor" && floor="$work/sqlite_floor"
fi

echo "civicgrid history import: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), binary $bin"
for n in "${sizes[@]}"; do
  file="$work/cases-$n.jsonl"
  if [ ! -s "$file" ]; then
    start=$(date +%s%N)
    python3 "$src/bench/gen_import_jsonl.py" "$n" -o "$file"
    echo "generated $n lines ($(( $(stat -c %s "$file") / 1000000 )) MB) in $(( ($(date +%s%N) - start) / 1000000 )) ms"
  fi
  rm -rf "$work/run" && cp -r "$work/seed" "$work/run"
  # Page cache warm for the input, as after generating it.
  cat "$file" >/dev/null
  /usr/bin/time -f "%e s wall, %U s user, %S s system, %M KB max RSS" -o "$work/time.txt" \
    "$bin" import cases --quiet --data "$work/run" "$file" >"$work/summary.txt" || [ $? -eq 3 ]
  echo "== $n cases"
  cat "$work/summary.txt"
  echo "   process: $(cat "$work/time.txt"); store $(du -sh "$work/run" | cut -f1)"
  rm -rf "$work/run"
  if [ -n "$floor" ]; then
    mkdir -p "$work/run"
    echo "   $("$floor" "$src" "$work/run/floor.db" "$n")"
  fi
done
