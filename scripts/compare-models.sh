#!/usr/bin/env bash
# Weighs a candidate model against a baseline (the shipped one by default) on the three selection
# sets, which are neither training nor test data, by the rule docs/model-card.md fixes in
# advance ("Choosing the next model", version 3 of 2026-12-07):
#   1. criterion-like phantoms: synth --count 400 --seed 197 --size 512 --lesion-size 10:40
#      --lesion-contrast 30:200 --ground-glass 0 (solid lung nodules, as the criterion set);
#      its CT and MR groups count;
#   2. criterion-like phantom radiographs (version 3): the same options with --modality xr
#      --count 400 --seed 297, judged within each body part (tumours are drawn on chest films
#      only, so a pooled radiograph AUROC mostly says which body part scores higher);
#   3. the val-split real backgrounds (a head CT, chest and abdominal CT, two brain MR, a
#      full-spine DX): synth --splits val --count 400 --seed 29.
# Seeds 197, 297 and 29 are used nowhere else. Both models screen every set; `radscreen eval
# --baseline` writes compare.md per set (AUROC per finding and modality group, or body part on
# set 2, DeLong's p and the paired bootstrap over series). scripts/rule.py then prints the
# rule's verdict: the mean AUROC over the finding x modality groups (radiographs: the mean of
# the AUROCs within each body part; on the real set, within each background), and every
# phantom group or body part where the candidate is worse at p (series) < 0.01.
#   scripts/compare-models.sh CANDIDATE_DIR [BASELINE_DIR|shipped] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
candidate=${1:?usage: scripts/compare-models.sh CANDIDATE_DIR [BASELINE_DIR|shipped] [WORK_DIR]}
baseline=${2:-shipped}
# sets are made once per folder by the generator of the time: a new folder since the chest
# films were recalibrated (docs/model-card.md, "Chest films recalibrated")
work=${3:-/var/tmp/radscreen-compare-v3}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
backgrounds="$(scripts/fetch-real-backgrounds.sh | tail -n 1)"
mkdir -p "$work"
# the sets are made once per WORK_DIR (their manifests mark them done)
[ -f "$work/criterion-like/manifest.csv" ] ||
  "$bin" synth --out "$work/criterion-like" --count 400 --seed 197 --size 512 \
    --lesion-size 10:40 --lesion-contrast 30:200 --ground-glass 0
[ -f "$work/criterion-xr/manifest.csv" ] ||
  "$bin" synth --out "$work/criterion-xr" --modality xr --count 400 --seed 297 --size 512 \
    --lesion-size 10:40 --lesion-contrast 30:200 --ground-glass 0
[ -f "$work/val-real/manifest.csv" ] ||
  "$bin" synth --backgrounds "$backgrounds" --splits val --out "$work/val-real" --count 400 --seed 29
subgroups() { if [ "$1" = criterion-xr ]; then echo body_part; else echo modality; fi; }
model_arg() { [ "$1" = shipped ] || echo "--model=$1"; }
for set in criterion-like criterion-xr val-real; do
  for side in baseline candidate; do
    m=$baseline; [ "$side" = candidate ] && m=$candidate
    rm -rf "$work/$set-$side"
    # shellcheck disable=SC2046 # no argument for the shipped model
    "$bin" screen "$work/$set" --out "$work/$set-$side" --device cpu --quiet $(model_arg "$m")
  done
  "$bin" eval --predictions "$work/$set-candidate/findings.csv" --truth "$work/$set/manifest.csv" \
    --baseline "$work/$set-baseline/findings.csv" --subgroups "$(subgroups "$set")" --no-plots \
    --out "$work/$set-eval" > /dev/null
  echo "== $set: $work/$set-eval/compare.md"
done
scripts/rule.py "$work"
