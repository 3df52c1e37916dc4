#!/usr/bin/env bash
# The project's test command: fetch the pinned real-DICOM test data and the real backgrounds
# (cached), then run every test in the workspace. The tests read their data only from the
# folders the fetch scripts print (exported as RADSCREEN_TEST_DATA and RADSCREEN_BACKGROUNDS),
# so nothing else on the machine can stand in for a missing step; real-file tests fail, naming
# the script, when the data is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
RADSCREEN_TEST_DATA="$(scripts/fetch-test-data.sh | tail -n 1)"
export RADSCREEN_TEST_DATA
# real CT, MR and radiograph backgrounds for radscreen-synth's real-background tests
RADSCREEN_BACKGROUNDS="$(scripts/fetch-real-backgrounds.sh | tail -n 1)"
export RADSCREEN_BACKGROUNDS
cargo test --workspace "$@"
