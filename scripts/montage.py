#!/usr/bin/env python3
"""A montage of synthetic cases with their lesions.csv circles, for docs/synthetic-data.md.

    python3 scripts/montage.py OUT.png SET_DIR[:LABEL] [SET_DIR[:LABEL] ...]   [--per-set N]

For each set (a folder written by `radscreen synth`, with or without --backgrounds) it picks up
to N images with a finding, spread over modalities and backgrounds, displays each with the
file's own window (pydicom's VOI LUT), draws every lesions.csv circle (tumour red, fracture
yellow) and writes one PNG: a row per set. Needs pydicom and numpy (the test venv has both).
"""
import csv
import struct
import sys
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np
import pydicom
from pydicom.pixels import apply_modality_lut, apply_voi_lut

TILE = 256


def png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    Path(path).write_bytes(data)


def display(path):
    ds = pydicom.dcmread(path)
    a = apply_modality_lut(ds.pixel_array, ds)
    a = apply_voi_lut(a, ds) if "WindowCenter" in ds or "VOILUTSequence" in ds else a
    a = a.astype(np.float64)
    lo, hi = np.percentile(a, 0.5), np.percentile(a, 99.5)
    a = np.clip((a - lo) / max(hi - lo, 1e-9), 0, 1)
    if ds.get("PhotometricInterpretation") == "MONOCHROME1":
        a = 1 - a
    return a


def tile(img, lesions):
    h, w = img.shape
    s = TILE / max(h, w)
    ys = np.minimum((np.arange(TILE) / s).astype(int), h - 1)
    xs = np.minimum((np.arange(TILE) / s).astype(int), w - 1)
    t = img[np.ix_(ys, xs)]
    rgb = np.repeat((t * 255).astype(np.uint8)[:, :, None], 3, axis=2)
    valid = np.zeros((TILE, TILE), bool)
    valid[: int(h * s), : int(w * s)] = True
    rgb[~valid] = 0
    for row, col, r, finding in lesions:
        colour = (255, 40, 40) if finding == "tumor" else (255, 220, 0)
        rr = max(r * s + 2, 4)
        for a in np.linspace(0, 2 * np.pi, 180):
            y, x = int(row * s + rr * np.sin(a)), int(col * s + rr * np.cos(a))
            if 0 <= y < TILE and 0 <= x < TILE:
                rgb[y, x] = colour
    return rgb


def main():
    args = [a for a in sys.argv[1:]]
    per = 6
    if "--per-set" in args:
        i = args.index("--per-set")
        per = int(args[i + 1])
        del args[i : i + 2]
    out, sets = args[0], args[1:]
    rows = []
    for spec in sets:
        d = Path(spec.split(":")[0])
        manifest = list(csv.DictReader(open(d / "manifest.csv")))
        les = defaultdict(list)
        for l in csv.DictReader(open(d / "lesions.csv")):
            les[l["path"]].append((float(l["row"]), float(l["col"]), float(l["radius_px"]), l["finding"]))
        # spread the picks: round-robin over (modality, background) groups of positive images
        groups = defaultdict(list)
        for m in manifest:
            if m["path"] in les:
                groups[(m["modality"], m.get("background", ""))].append(m["path"])
        picks, keys = [], sorted(groups)
        while len(picks) < per and any(groups[k] for k in keys):
            for k in keys:
                if groups[k] and len(picks) < per:
                    g = groups[k]
                    picks.append(g.pop(len(g) // 2))
        tiles = [tile(display(d / p), les[p]) for p in picks]
        tiles += [np.zeros((TILE, TILE, 3), np.uint8)] * (per - len(tiles))
        rows.append(np.concatenate(tiles, axis=1))
    png(out, np.concatenate(rows, axis=0))
    print(out)


if __name__ == "__main__":
    main()
