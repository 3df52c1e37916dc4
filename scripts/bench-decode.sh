#!/usr/bin/env bash
# Decode benchmark: radscreen (criterion, one core) against pydicom 3.0.2 + pylibjpeg (one
# core) on the same files, in one run. Prints frames/s and the radscreen/pydicom ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="$(scripts/fetch-test-data.sh | tail -n 1)"
PY="$CACHE/venv/bin/python"
"$PY" -m pip install -q -r benches/peers/requirements.txt
"$PY" benches/peers/make_bench_files.py "$CACHE" "$CACHE/bench"
RAYON_NUM_THREADS=1 cargo bench --bench decode -- --warm-up-time 1 --measurement-time 5 >&2
"$PY" benches/peers/pydicom_decode.py "$CACHE/bench" 5 > "$CACHE/bench/pydicom.json"
TARGET="${CARGO_TARGET_DIR:-target}"
"$PY" - "$TARGET" "$CACHE/bench/pydicom.json" <<'PY'
import json, sys, pathlib
target, peer = pathlib.Path(sys.argv[1]), json.load(open(sys.argv[2]))
print(f"{'syntax':<15}{'radscreen fr/s':>16}{'pydicom fr/s':>14}{'ratio':>8}")
for syntax, py_ms in peer.items():
    est = target / "criterion" / "decode" / syntax / "new" / "estimates.json"
    if not est.exists():
        continue
    ms = json.load(open(est))["mean"]["point_estimate"] / 1e6
    print(f"{syntax:<15}{1000/ms:>16.1f}{1000/py_ms:>14.1f}{py_ms/ms:>8.2f}")
PY
