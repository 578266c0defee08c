#!/usr/bin/env bash
# What a title's neighbourhood and pretrained word vectors add to the shipped title classifier
# (bench/text_neighbors.cpp; figures in bench/RESULTS.md, "Title classifier: neighbours, word
# vectors and reply departments"). Cross-validation on the folds of `text cross-validate`, seeds
# 1–6, one core.
#
# The pretrained vectors are the 125,796 Chinese words × 100 dimensions of the npm package
# node-synonyms 1.3.1 (word2vec on Chinese Wikipedia, GPL-3.0), fetched into bench/.cache with
# `npm pack` when --vectors is given. They are only measured here; the product does not use them.
# Usage: bench/text_neighbors.sh [BUILD_DIR] [--vectors]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shared=${SHARED_DATA:-../shared/data/teddy2020}
cmake --build "$build" --target text_neighbors >/dev/null
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
args=(--titles data/text/titles_train.csv --extra data/text/messages_train.csv --seeds 1,2,3,4,5,6)
for f in messages_unlabeled messages_with_likes messages_with_replies; do
  args+=(--unlabelled "$shared/$f.csv")
done
if [[ ${2:-} == --vectors ]]; then
  cache=bench/.cache
  vectors=$cache/package/data/words.vector
  if [[ ! -f $vectors ]]; then
    mkdir -p "$cache"
    (cd "$cache" && npm pack --silent node-synonyms@1.3.1 >/dev/null && tar xzf node-synonyms-1.3.1.tgz)
  fi
  args+=(--vectors "$vectors")
fi
uptime
"${pin[@]}" "$build/text_neighbors" "${args[@]}"
uptime
