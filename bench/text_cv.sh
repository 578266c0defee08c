#!/usr/bin/env bash
# The text classifier on data/text/titles_train.csv, on one core (taskset -c 0 when available):
#   1. stratified 5-fold cross-validation of the shipped recipe (seeds 1, 2 and 3) with the whole
#      messages of data/text/messages_train.csv added to the training folds: macro-F1, accuracy, the
#      per-class report and confusion matrix, training seconds per fold and titles classified per
#      second (normalisation, features and model, one title at a time);
#   2. the same folds for the previous shipped recipe (characters only) and for ICU's own words, so
#      that their speeds are measured under the same machine load as the shipped one's;
#   3. training on the titles and the messages (what the server does at start-up without
#      data/text/model.bin);
#   4. `text classify` over ten copies of the file: titles/s including CSV reading and writing.
# With --variants, also every recipe of the "Text classification" table in bench/RESULTS.md.
# The load average is printed before and after: the machine may be shared, and speeds depend on it.
# Usage: bench/text_cv.sh [BUILD_DIR] [--variants]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
variants=${2:-}
bin="$build/civicgrid"
data=data/text/titles_train.csv
extra=data/text/messages_train.csv
previous="svm:c1-3,nb=1,C=1,places=keep,T=3,min=2"
icu_words="svm:c1-3,w1,nb=1,C=1,places=keep,T=3,min=2"
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
uptime

for seed in 1 2 3; do
  echo "== 5-fold cross-validation of the shipped recipe (seed $seed)"
  "${pin[@]}" "$bin" text cross-validate --input "$data" --extra "$extra" --folds 5 --seed "$seed"
  echo
  echo "== the previous recipe and ICU words, same folds (seed $seed)"
  "${pin[@]}" "$bin" text cross-validate --input "$data" --extra "$extra" --folds 5 --seed "$seed" \
    --recipe "$previous" --recipe "$icu_words"
  uptime
  echo
done

echo
echo "== training on all of $data and $extra"
"${pin[@]}" "$bin" text train --input "$data" --extra "$extra" --output "$dir/model.bin"
ls -l "$dir/model.bin" | awk '{printf "model file: %.1f MB\n", $5 / 1e6}'

echo
echo "== text classify over 10 copies of $data"
{ head -1 "$data"; for _ in $(seq 10); do tail -n +2 "$data"; done; } >"$dir/big.csv"
rows=$(($(wc -l <"$dir/big.csv") - 1))
start=$(date +%s.%N)
"${pin[@]}" "$bin" text classify --model "$dir/model.bin" --input "$dir/big.csv" --output "$dir/out.csv" 2>/dev/null
end=$(date +%s.%N)
awk -v n="$rows" -v s="$start" -v e="$end" 'BEGIN { printf "%d titles in %.2f s: %.0f titles/s (CSV I/O and model loading included)\n", n, e - s, n / (e - s) }'

if [ "$variants" = "--variants" ]; then
  echo
  echo "== variants (5-fold, seed 1)"
  recipes=(
    "svm:c1-3,places=mask"
    "svm:c1-2"
    "svm:c1-4"
    "svm:c2-3"
    "svm:c1-3,w1"
    "svm:c1-3,w1-2"
    "svm:c0,w1-2"
    "svm:c1-3,C=0.5"
    "svm:c1-3,C=2"
    "svm:c1-3,balanced=1"
    "svm:c1-3,places=keep"
    "svm:c1-3,places=drop"
    "svm:c1-3,digits=fold"
    "nb:c1-3"
    "lr:c1-3,epochs=30"
    "ft:c1-2,dim=50,epoch=30,lr=0.5"
    "ft:c1,ngrams=2,dim=100,epoch=25,lr=1"
    "svm:c1-3,nb=1"
    "svm:c1-3,nb=1,C=2"
    "svm:c1-3,w1-2,nb=1,C=2"
    "svm:c1-3,w1,nb=1,C=2,places=keep"
    "svm:c1-3,w1-2,nb=1,C=2,places=keep"
    "svm:c1-3,nb=1,C=2,places=keep,T=3"
    "svm:c1-3,nb=1,C=2,places=keep,beta=0.5"
    "svm:c1-3,nb=1,C=2+ft:c1-2,dim=50,epoch=30,lr=0.5"
    "svm:c1-3,nb=1,C=2+nb:c1-3"
    "svm:c1-3,nb=1,C=2,places=keep+svm:c1-3,nb=1,C=2,places=mask"
    "svm:c1-3,nb=1,C=2,places=keep,T=3+bias:folds=4"
  )
  args=()
  for r in "${recipes[@]}"; do args+=(--recipe "$r"); done
  "${pin[@]}" "$bin" text cross-validate --input "$data" --folds 5 --seed 1 "${args[@]}"

  echo
  echo "== variants with the messages in the training folds (5-fold, seed 1)"
  lex="svm:c1-3,w1,seg=lex,nb=1,C=1,places=keep,T=3,min=2"
  recipes=(
    "$lex,balanced=1"
    "$lex,tf=raw"
    "svm:c1-3,w1,seg=lex,nb=1,C=0.5,places=keep,T=3,min=2"
    "svm:c1-3,w1,seg=lex,nb=1,C=2,places=keep,T=3,min=2"
    "svm:c1-3,w1,seg=lex,nb=1,C=1,places=keep,T=3,min=1"
    "svm:c1-3,w1-2,seg=lex,nb=1,C=1,places=keep,T=3,min=2"
    "svm:c1-2,w1,seg=lex,nb=1,C=1,places=keep,T=3,min=2"
    "svm:c1-3,skip=1,nb=1,C=1,places=keep,T=3,min=2"
    "$lex,skip=1"
    "$previous+svm:c0,w1-2,seg=lex,nb=1,C=1,places=keep,T=3,min=2+stack:folds=5"
    "$lex+stack:folds=5"
    "svm:c1-3,nb=1,C=2,places=keep,T=3"
    "svm:c1-3,nb=1,C=1,places=keep,T=3"
    "svm:c1-3,nb=1,C=4,places=keep,T=3"
    "svm:c1-3,nb=1,C=1,places=keep,T=3,balanced=1"
    "svm:c1-3,nb=1,C=1,places=keep,T=3,w1"
    "svm:c1-3,nb=1,C=2,places=keep,T=3,w1-2"
    "svm:c1-3,nb=1,C=2,places=keep,T=3,c1-4"
    "svm:c1-3,nb=1,C=2,places=keep,T=3,nbalpha=0.5"
    "svm:c1-3,nb=1,C=2,places=keep,T=3+svm:c0,w1-2,nb=1,C=2,places=keep,T=3"
    "svm:c1-3,nb=1,C=2,places=keep,T=3+lr:c1-3,w1,places=keep,epochs=30"
  )
  args=()
  for r in "${recipes[@]}"; do args+=(--recipe "$r"); done
  "${pin[@]}" "$bin" text cross-validate --input "$data" --extra "$extra" --folds 5 --seed 1 "${args[@]}"

  echo
  echo "== multiclass and pairwise SVMs, augmentation, bagging, feature and example weights (seeds 1-3)"
  shipped="svm:c1-3,w1,seg=lex,nb=1,C=1,places=keep,T=3,min=2"
  lexnb="w1,seg=lex,nb=1,places=keep,min=2"
  recipes=("$shipped")
  for c in 1 0.7 0.5 0.35 0.2; do recipes+=("cs:c1-3,$lexnb,C=$c,T=3"); done
  for c in 1 0.7 0.5 0.35 0.25; do recipes+=("cs:c1-3,$lexnb,C=$c,T=3,sq=1"); done
  recipes+=("$shipped+cs:c1-3,$lexnb,C=0.5,T=3,sq=1")
  recipes+=(
    "cs:c1-3,w1,seg=lex,places=keep,min=2,C=1,T=3"
    "cs:c1-3,$lexnb,C=0.5,T=3,supw=0.5,nbw=1"
    "$shipped+cs:c1-3,$lexnb,C=0.5,T=3"
    "$shipped,ovo=1" "$shipped,ovo=2" "$shipped,ovo=2,C=0.5" "$shipped,pairw=0.5" "$shipped,pairw=1"
    "svm:c1-3,w1,seg=lex,C=1,places=keep,T=3,min=2"
    "svm:c1-3,w1,seg=lex,C=1,places=keep,T=3,min=2,ovo=2"
    "$shipped,k3c=1.3" "$shipped,k3c=1.3,k2c=1.2"
    "$shipped,aug=1" "$shipped,aug=1,augw=0.2" "$shipped,aug=2,augw=0.25"
    "$shipped,augplace=1" "$shipped,augplace=1,augw=1"
    "$shipped,bags=5" "$shipped,bags=10"
    "$shipped,c4w=0.15" "$shipped,c4w=0.3" "$shipped,c4w=1" "$shipped,edges=1"
    "$shipped,ww=0.7" "$shipped,ww=1.4" "$shipped,c1w=0.7" "$shipped,c1w=1.4"
    "$shipped,c3w=0.7" "$shipped,c3w=1.4"
    "$shipped,supw=0.3" "$shipped,supw=0.5" "$shipped,supw=0.7" "$shipped,supw=2"
    "$shipped,supw=0.5,nbw=1" "$shipped,supw=0.3,nbw=1" "$shipped,supw=0.7,nbw=1"
    "$shipped,supw=0.5,nbw=1,C=0.7"
  )
  args=()
  for r in "${recipes[@]}"; do args+=(--recipe "$r"); done
  for seed in 1 2 3; do
    "${pin[@]}" "$bin" text cross-validate --input "$data" --extra "$extra" --folds 5 --seed "$seed" \
      "${args[@]}" | grep '^macro-F1 .*titles/s'
    uptime
  done
fi
uptime
