#!/usr/bin/env python3
"""Writes a copy of a `radscreen synth` manifest.csv without some training images, for A/B runs
of `radscreen train` that differ by their data alone (docs/model-card.md names the filter each
candidate used).

  scripts/filter-manifest.py SET_DIR OUT_CSV [--min-ct-tumour-contrast HU] [--drop-background ID]...
                             [--drop-films-of ID]...

SET_DIR holds manifest.csv and lesions.csv. Only rows of the training split are dropped (the
validation rows, which choose the epoch, stay as they are):
  --min-ct-tumour-contrast HU  CT images whose strongest tumour differs from its tissue by less
                               than HU (lesions.csv's |contrast|): the faint tumours below the
                               criterion set's 30 HU floor
  --drop-background ID         every image inserted into that background (manifest `background`)
  --drop-films-of ID           the films (CR, DX) projected from that volume; its CT slices stay
Prints what it dropped, by reason. Write OUT_CSV into SET_DIR: `radscreen train --manifest`
reads paths relative to the manifest's folder and lesions.csv from beside it.
"""
import argparse
import csv
import sys
from collections import Counter
from pathlib import Path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("out_csv", type=Path)
    ap.add_argument("--min-ct-tumour-contrast", type=float, default=None)
    ap.add_argument("--drop-background", action="append", default=[])
    ap.add_argument("--drop-films-of", action="append", default=[])
    a = ap.parse_args()

    manifest = a.set_dir / "manifest.csv"
    with open(manifest, newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = list(reader)
    for need in ("path", "modality", "tumor", "split", "background"):
        if need not in (fields or []):
            sys.exit(f"{manifest}: no '{need}' column (not a real-background synth set?)")

    strongest = {}
    if a.min_ct_tumour_contrast is not None:
        with open(a.set_dir / "lesions.csv", newline="") as f:
            for r in csv.DictReader(f):
                if r["finding"] == "tumor":
                    c = abs(float(r["contrast"]))
                    strongest[r["path"]] = max(strongest.get(r["path"], 0.0), c)
    known = {r["background"] for r in rows}
    films = {r["background"] for r in rows if r["modality"] in ("CR", "DX")}
    for b in a.drop_background:
        if b not in known:
            sys.exit(f"{manifest}: no image from background '{b}'")
    for b in a.drop_films_of:
        if b not in films:
            sys.exit(f"{manifest}: no film from background '{b}'")

    kept, dropped = [], Counter()
    for r in rows:
        why = None
        if r["split"] == "train":
            if r["background"] in a.drop_background:
                why = f"background {r['background']}"
            elif r["background"] in a.drop_films_of and r["modality"] in ("CR", "DX"):
                why = f"films of {r['background']}"
            elif (a.min_ct_tumour_contrast is not None and r["modality"] == "CT"
                  and r["tumor"] == "1"):
                c = strongest.get(r["path"])
                if c is None:
                    sys.exit(f"{manifest}: {r['path']} has a tumour but no lesions.csv record")
                if c < a.min_ct_tumour_contrast:
                    why = f"CT tumour under {a.min_ct_tumour_contrast:g} HU"
        if why:
            dropped[why] += 1
        else:
            kept.append(r)

    with open(a.out_csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    for why, n in sorted(dropped.items()):
        print(f"dropped {n}: {why}")
    print(f"kept {len(kept)} of {len(rows)} rows: {a.out_csv}")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, KeyError) as e:  # a missing file, bad JSON/CSV, a missing column
        sys.exit(f"{Path(sys.argv[0]).name}: {type(e).__name__}: {e}")
