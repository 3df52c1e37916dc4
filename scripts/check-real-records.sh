#!/usr/bin/env bash
# The record test of the real-background generator (tests/real_backgrounds.rs: every inserted
# lesion is where and what lesions.csv says) on more seeds than CI's one: about two minutes
# per seed on 2 cores, so it is run by hand or nightly, not in CI.
#   scripts/check-real-records.sh [SEED ...]      (default: 12 13 14 15 16 17 18)
set -euo pipefail
cd "$(dirname "$0")/.."
RADSCREEN_BACKGROUNDS="$(scripts/fetch-real-backgrounds.sh | tail -n 1)"
export RADSCREEN_BACKGROUNDS RADSCREEN_REQUIRE_BACKGROUNDS=1
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(12 13 14 15 16 17 18)
failed=()
for s in "${seeds[@]}"; do
  if RADSCREEN_RECORDS_SEED=$s cargo test --locked -q -p radscreen-synth --test real_backgrounds \
      inserted_lesions_are_where_and_what_lesions_csv_says; then
    echo "check-real-records: seed $s ok"
  else
    echo "check-real-records: seed $s FAILED" >&2
    failed+=("$s")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "check-real-records: failed seeds: ${failed[*]}" >&2; exit 1; }
