#!/usr/bin/env bash
# Generate a synthetic set (phantoms, and findings in real backgrounds) in every transfer syntax
# and check that pydicom 3.0.2 decodes each file to exactly radscreen's stored values, in the
# venv scripts/fetch-test-data.sh makes.
#   scripts/check-synth-pydicom.sh [COUNT] [SEED]
# RADSCREEN_BIN=path uses that binary instead of building one (.ci/run passes the one the test
# command has just built: `cargo build -p radscreen-cli` alone unifies the dependencies'
# features differently from `cargo test --workspace` and so rebuilds burn, minutes on a cold
# cache).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-60}
SEED=${2:-1}
# The venv the fetch script made (it prints its cache folder last; a no-op when complete).
PY="$(scripts/fetch-test-data.sh | tail -n 1)/venv/bin/python"
if [ ! -x "$PY" ]; then
    echo "no venv at $PY: scripts/fetch-test-data.sh did not make one" >&2
    exit 2
fi
if [ -n "${RADSCREEN_BIN:-}" ]; then
  BIN=$RADSCREEN_BIN
  [ -x "$BIN" ] || { echo "RADSCREEN_BIN=$BIN is not an executable" >&2; exit 2; }
else
  CARGO=${CARGO:-$(command -v lcargo || echo cargo)}
  "$CARGO" build -p radscreen-cli
  BIN=${CARGO_TARGET_DIR:-target}/debug/radscreen
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$BIN" synth --out "$TMP/set" --count "$COUNT" --seed "$SEED" --size 128 --transfer-syntax mixed
"$PY" scripts/check-synth-pydicom.py "$BIN" "$TMP/set"
"$PY" scripts/check-synth-pydicom.py "$BIN" sample-data
# findings in real backgrounds (CT slabs, DRRs, real MR and CR), every transfer syntax
BG="$(scripts/fetch-real-backgrounds.sh | tail -n 1)"
"$BIN" synth --backgrounds "$BG" --out "$TMP/real" --count "$COUNT" --seed "$SEED" --transfer-syntax mixed
"$PY" scripts/check-synth-pydicom.py "$BIN" "$TMP/real"
