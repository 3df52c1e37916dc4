"""Writes the decode benchmark's inputs: one 512x512 16-bit CT slice (pydicom-data's
693_UNCR.dcm) in several transfer syntaxes, so every codec decodes the same image.

JPEG Lossless (SV1) has no encoder in pydicom or radscreen, so that row uses pydicom-data's
bad_sequence.dcm, another 512x512 16-bit CT slice.

usage: make_bench_files.py CACHE_DIR OUT_DIR
"""
import shutil
import sys
from pathlib import Path

import pydicom
from pydicom.uid import JPEGLSLossless, RLELossless

cache, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
src = cache / "pydicom-data" / "693_UNCR.dcm"
shutil.copy(src, out / "explicit_le.dcm")
shutil.copy(cache / "pydicom-data" / "693_J2KR.dcm", out / "jpeg2000.dcm")
shutil.copy(cache / "pydicom-data" / "bad_sequence.dcm", out / "jpeg_lossless.dcm")
for uid, name in [(RLELossless, "rle"), (JPEGLSLossless, "jpeg_ls")]:
    ds = pydicom.dcmread(src)
    ds.compress(uid)
    ds.save_as(out / f"{name}.dcm", enforce_file_format=True)
for f in sorted(out.glob("*.dcm")):
    ds = pydicom.dcmread(f)
    print(f"{f.name}: {ds.file_meta.TransferSyntaxUID.name} {ds.Rows}x{ds.Columns}")
