#!/usr/bin/env python3
"""Compare pydicom's pixel_array with radscreen's stored decode for every file of a synth set.

    python check-synth-pydicom.py RADSCREEN_BIN DIR

For each path in DIR/manifest.csv: `RADSCREEN_BIN pixels FILE --stage stored --out X.npy`, then
np.load(X) must equal pydicom.dcmread(FILE).pixel_array exactly. Exit 1 on any difference.
"""

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pydicom


def main() -> int:
    binary, root = sys.argv[1], Path(sys.argv[2])
    bad = 0
    n = 0
    syntaxes = {}
    with open(root / "manifest.csv", newline="") as f, tempfile.TemporaryDirectory() as tmp:
        for row in csv.DictReader(f):
            path = root / row["path"]
            out = Path(tmp) / "x.npy"
            r = subprocess.run([binary, "pixels", str(path), "--stage", "stored", "--out", str(out)],
                               capture_output=True, text=True)
            ds = pydicom.dcmread(path)
            ts = str(ds.file_meta.TransferSyntaxUID)
            syntaxes[ts] = syntaxes.get(ts, 0) + 1
            ref = ds.pixel_array
            n += 1
            if r.returncode != 0:
                print(f"FAIL {row['path']}: radscreen: {r.stderr.strip()}")
                bad += 1
                continue
            ours = np.load(out)
            if ours.shape != ref.shape or not np.array_equal(ours.astype(np.int64), ref.astype(np.int64)):
                print(f"FAIL {row['path']} ({ts}): shapes {ours.shape} vs {ref.shape}, "
                      f"max diff {np.abs(ours.astype(np.int64) - ref.astype(np.int64)).max() if ours.shape == ref.shape else 'n/a'}")
                bad += 1
    print(f"{n - bad}/{n} files equal (pydicom {pydicom.__version__}); syntaxes: {syntaxes}")
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
