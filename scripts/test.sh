#!/usr/bin/env bash
# The project's test command: fetch the pinned real-DICOM test data (cached), then run every
# test in the workspace. The tests read their data only from the folder the fetch script prints
# (exported as RADSCREEN_TEST_DATA), so nothing else on the machine can stand in for a missing
# step; real-file tests fail, naming this script, when the data is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
RADSCREEN_TEST_DATA="$(scripts/fetch-test-data.sh | tail -n 1)"
export RADSCREEN_TEST_DATA
cargo test --workspace "$@"
