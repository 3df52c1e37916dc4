#!/usr/bin/env bash
# The project's test command: fetch the pinned real-DICOM test data (cached), then run every
# test in the workspace. Real-file tests fail, naming this script, when the data is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-test-data.sh
cargo test --workspace "$@"
