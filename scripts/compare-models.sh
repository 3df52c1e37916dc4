#!/usr/bin/env bash
# Weighs a candidate model against a baseline (the shipped one by default) on the two selection
# sets, which are neither training nor test data, by the rule docs/model-card.md fixes in
# advance ("Choosing the next model"):
#   1. criterion-like phantoms: synth --count 400 --seed 97 --size 512 --lesion-size 10:40
#      --lesion-contrast 30:200 (seed 97 is used nowhere else);
#   2. the val-split real backgrounds of index.json version 4 (a head CT, chest and abdominal CT,
#      two brain MR, a full-spine DX): synth --splits val --count 400 --seed 19.
# Both models screen both sets; `radscreen eval --baseline` writes compare.md per set (AUROC per
# finding and modality group, DeLong's paired p). Prints the rule's score: the mean AUROC over
# the finding x modality groups of both sets with at least 10 positive and 10 negative images,
# for each model, and every group where the candidate is worse at p < 0.01.
#   scripts/compare-models.sh CANDIDATE_DIR [BASELINE_DIR|shipped] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
candidate=${1:?usage: scripts/compare-models.sh CANDIDATE_DIR [BASELINE_DIR|shipped] [WORK_DIR]}
baseline=${2:-shipped}
work=${3:-/var/tmp/radscreen-compare}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
backgrounds="$(scripts/fetch-real-backgrounds.sh | tail -n 1)"
mkdir -p "$work"
# the sets are made once per WORK_DIR (their manifests mark them done)
[ -f "$work/criterion-like/manifest.csv" ] ||
  "$bin" synth --out "$work/criterion-like" --count 400 --seed 97 --size 512 \
    --lesion-size 10:40 --lesion-contrast 30:200
[ -f "$work/val-real/manifest.csv" ] ||
  "$bin" synth --backgrounds "$backgrounds" --splits val --out "$work/val-real" --count 400 --seed 19
model_arg() { [ "$1" = shipped ] || echo "--model=$1"; }
for set in criterion-like val-real; do
  for side in baseline candidate; do
    m=$baseline; [ "$side" = candidate ] && m=$candidate
    rm -rf "$work/$set-$side"
    # shellcheck disable=SC2046 # no argument for the shipped model
    "$bin" screen "$work/$set" --out "$work/$set-$side" --device cpu --quiet $(model_arg "$m")
  done
  "$bin" eval --predictions "$work/$set-candidate/findings.csv" --truth "$work/$set/manifest.csv" \
    --baseline "$work/$set-baseline/findings.csv" --subgroups modality --no-plots \
    --out "$work/$set-eval" > /dev/null
  echo "== $set: $work/$set-eval/compare.md"
done
python3 - "$work/criterion-like-eval/compare.json" "$work/val-real-eval/compare.json" <<'PY'
import json, sys
groups = []
for path in sys.argv[1:]:
    set_name = path.split("/")[-2].removesuffix("-eval")
    for r in json.load(open(path))["rows"]:
        if r["column"] != "modality group" or r["auroc_baseline"] is None:
            continue
        if r["positives"] >= 10 and r["n"] - r["positives"] >= 10:
            groups.append((set_name, r))
if not groups:
    sys.exit("no finding x modality group with 10 positive and 10 negative images")
# p: DeLong's, which the rule uses; p series: resampling whole series (shown, not part of the
# rule fixed in advance; docs/model-card.md explains why it is the honest one for CT and MR)
fmt = lambda p: "-" if p is None else f"{p:.2g}"
print(f"{'set':<16} {'finding':<9} {'group':<12} {'n (pos)':>10} {'baseline':>9} {'candidate':>9} {'p':>8} {'p series':>9}")
for s, r in groups:
    print(f"{s:<16} {r['finding']:<9} {r['value']:<12} {r['n']:>5} ({r['positives']:>3}) "
          f"{r['auroc_baseline']:>9.3f} {r['auroc_candidate']:>9.3f} {fmt(r['p_value']):>8} "
          f"{fmt(r.get('p_value_series')):>9}")
mean = lambda k: sum(r[k] for _, r in groups) / len(groups)
worse = [(s, r) for s, r in groups
         if r["auroc_candidate"] < r["auroc_baseline"] and r["p_value"] is not None and r["p_value"] < 0.01]
print(f"mean AUROC over {len(groups)} groups: baseline {mean('auroc_baseline'):.3f}, candidate {mean('auroc_candidate'):.3f}")
print("groups worse at p < 0.01: " + (", ".join(f"{s} {r['finding']} {r['value']}" for s, r in worse) or "none"))
better = mean("auroc_candidate") > mean("auroc_baseline") and not worse
print("rule: " + ("the candidate is better" if better else "the baseline stays"))
PY
