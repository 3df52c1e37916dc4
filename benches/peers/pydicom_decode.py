"""Times pydicom 3.0.2 (with pylibjpeg plugins) decoding the benchmark files from memory:
dcmread + pixel_array per iteration, one core. Prints JSON {syntax: ms_per_frame}.

usage: pydicom_decode.py BENCH_DIR [seconds_per_file]
"""
import io
import json
import sys
import time
from pathlib import Path

import pydicom

bench = Path(sys.argv[1])
budget = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
out = {}
for f in sorted(bench.glob("*.dcm")):
    raw = f.read_bytes()
    pydicom.dcmread(io.BytesIO(raw)).pixel_array  # warm-up (plugin imports)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < budget:
        pydicom.dcmread(io.BytesIO(raw)).pixel_array
        n += 1
    out[f.stem] = (time.perf_counter() - t0) / n * 1e3
json.dump(out, sys.stdout)
