#!/usr/bin/env bash
# Regenerates crates/radscreen-eval/tests/data/sklearn_expected.json, the reference values that
# crates/radscreen-eval/tests/sklearn_reference.rs compares against, with pinned versions of
# scikit-learn, NumPy, SciPy and mpmath in a throw-away virtual environment.
#
#   scripts/sklearn_reference.sh            # venv in /tmp/radscreen-sklearn-venv
#   VENV=/some/dir scripts/sklearn_reference.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/radscreen-sklearn-venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1 mpmath==1.4.1
"$VENV/bin/python" crates/radscreen-eval/tests/sklearn_reference.py
