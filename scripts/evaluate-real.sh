#!/usr/bin/env bash
# The real-background baseline (issue 16): a held-out set made only from backgrounds whose
# index.json split is `test` (never used for training), screened with a model and scored with
# `radscreen eval`, overall and per modality.
#   scripts/evaluate-real.sh [MODEL_DIR|shipped] [WORK_DIR]      COUNT=N (default 600) SEED=S
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-shipped}
work=${2:-/var/tmp/radscreen-real-eval}
count=${COUNT:-600}
seed=${SEED:-16}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
backgrounds="$(scripts/fetch-real-backgrounds.sh | tail -n 1)"
model_arg=()
[ "$model" = shipped ] || model_arg=(--model "$model")
rm -rf "$work" && mkdir -p "$work"
"$bin" synth --backgrounds "$backgrounds" --splits test --out "$work/heldout" --count "$count" --seed "$seed"
"$bin" screen "$work/heldout" --out "$work/report" --device cpu --quiet "${model_arg[@]}"
"$bin" eval --predictions "$work/report/findings.csv" --truth "$work/heldout/manifest.csv" \
  --lesions "$work/heldout/lesions.csv" --out "$work/eval" --subgroups modality,background
echo "== held-out real backgrounds: $work/eval/eval.md"
