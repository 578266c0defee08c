#!/usr/bin/env bash
# Hot issues and reply quality on the Teddy Cup 2020 data (/work/shared/data/teddy2020 or $TEDDY_DIR),
# on one core (taskset -c 0 when available):
#   1. `text hot-issues --top 5` over messages_with_likes.csv (4,326 messages);
#   2. the same over 10 copies (43,260 messages), each copy moved 400 days later so copies never
#      link: how the linking scales;
#   3. `text reply-quality` over messages_with_replies.csv (2,816 replies) and over 10 copies.
# Wall time and peak memory from /usr/bin/time. Usage: bench/text_hot_reply.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin="$PWD/$build/civicgrid"
data=${TEDDY_DIR:-/work/shared/data/teddy2020}
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

measure() {
  /usr/bin/time -f "wall %e s, user %U s, peak %M KB" "${pin[@]}" "$@" 2>&1 >/dev/null | grep -v '^clustering\|scored [0-9]*/'
}

python3 - "$data" "$dir" <<'PY'
import csv, sys, datetime
data, out = sys.argv[1], sys.argv[2]
def copies(name, time_cols, n=10):
    rows = list(csv.reader(open(f"{data}/{name}", encoding="utf-8", newline="")))
    head, body = rows[0], rows[1:]
    idx = [head.index(c) for c in time_cols]
    with open(f"{out}/x10_{name}", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        for k in range(n):
            for r in body:
                r = list(r)
                r[0] = f"{r[0]}-{k}"
                for i in idx:
                    v = r[i].strip()
                    if not v:
                        continue
                    fmt = "%Y/%m/%d %H:%M:%S" if " " in v else "%Y/%m/%d"
                    t = datetime.datetime.strptime(v, fmt) + datetime.timedelta(days=400 * k)
                    r[i] = t.strftime(fmt)
                w.writerow(r)
copies("messages_with_likes.csv", ["留言时间"])
copies("messages_with_replies.csv", ["留言时间", "答复时间"])
PY

echo "== text hot-issues, messages_with_likes.csv"
measure "$bin" text hot-issues --input "$data/messages_with_likes.csv" --top 5 --output-dir "$dir/hot1"
echo "== text hot-issues, 10 copies"
measure "$bin" text hot-issues --input "$dir/x10_messages_with_likes.csv" --top 5 --output-dir "$dir/hot10"
echo "== text reply-quality, messages_with_replies.csv"
measure "$bin" text reply-quality --input "$data/messages_with_replies.csv" --output "$dir/rq1.csv"
echo "== text reply-quality, 10 copies"
measure "$bin" text reply-quality --input "$dir/x10_messages_with_replies.csv" --output "$dir/rq10.csv"
