#!/usr/bin/env bash
# The model card's numbers: screens held-out synthetic sets (seeds and patients never used in
# training) with a model and scores them with `radscreen eval`.
#   scripts/evaluate-model.sh [MODEL_DIR|shipped] [WORK_DIR]
# Sets: `heldout` (seed 99, the training distribution: lesions 3-40 mm, 10-200 HU, lung nodules
# ground glass), `criterion` (seed 98, lesions >= 10 mm and >= 30 HU or the MR/radiograph
# equivalent, lung nodules solid, as issue 20 defines it) and `criterion-gg` (the same seed with
# every lung nodule ground glass: the criterion set before 2026-12-07, reported apart).
# SIZE=N sets the images' matrix (default 128, what v2 trained on; v3's card uses 512, the
# clinical matrix).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-shipped}
work=${2:-/var/tmp/radscreen-model-eval}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
model_arg=()
[ "$model" = shipped ] || model_arg=(--model "$model")
rm -rf "$work" && mkdir -p "$work"
size=${SIZE:-128}
"$bin" synth --out "$work/heldout" --count 800 --seed 99 --size "$size"
"$bin" synth --out "$work/criterion" --count 800 --seed 98 --size "$size" --lesion-size 10:40 --lesion-contrast 30:200 --ground-glass 0
"$bin" synth --out "$work/criterion-gg" --count 800 --seed 98 --size "$size" --lesion-size 10:40 --lesion-contrast 30:200
for set in heldout criterion criterion-gg; do
  "$bin" screen "$work/$set" --out "$work/$set-report" --device cpu --quiet "${model_arg[@]}"
  "$bin" eval --predictions "$work/$set-report/findings.csv" --truth "$work/$set/manifest.csv" \
    --lesions "$work/$set/lesions.csv" --out "$work/$set-eval"
  echo "== $set: $work/$set-eval/eval.md"
done
for set in heldout criterion criterion-gg; do
  echo "== $set: sensitivity by size, contrast, CT site; best operating points by subset"
  python3 scripts/size_contrast.py "$work/$set" "$work/$set-report"
done
