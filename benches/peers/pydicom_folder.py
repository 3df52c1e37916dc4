"""pydicom's decode rate per transfer syntax over a folder, the way `radscreen bench` measures
its own: files read into memory, grouped by transfer syntax, then dcmread(BytesIO) +
pixel_array for every frame, round after round, on one core. Prints JSON
{transfer_syntax_uid: {"files": n, "frames_per_s": x}}.

usage: pydicom_folder.py DIR [seconds_per_syntax]
"""
import io
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import pydicom

root = Path(sys.argv[1])
budget = float(sys.argv[2]) if len(sys.argv) > 2 else 1.5
groups = defaultdict(list)
for f in sorted(p for p in root.rglob("*") if p.is_file()):
    raw = f.read_bytes()
    try:
        ds = pydicom.dcmread(io.BytesIO(raw))
        ds.pixel_array  # skip what pydicom cannot decode, as radscreen skips what it cannot
    except Exception:
        continue
    groups[str(ds.file_meta.TransferSyntaxUID)].append(raw)


def frames(raw):
    ds = pydicom.dcmread(io.BytesIO(raw))
    arr = ds.pixel_array
    return int(getattr(ds, "NumberOfFrames", 1) or 1) if arr.ndim > 2 else 1


out = {}
for uid, files in sorted(groups.items()):
    for raw in files:  # warm-up (plugin imports)
        frames(raw)
    n, t0 = 0, time.perf_counter()
    while True:
        n += sum(frames(raw) for raw in files)
        el = time.perf_counter() - t0
        if el >= budget:
            break
    out[uid] = {"files": len(files), "frames_per_s": n / el}
json.dump(out, sys.stdout)
