#!/usr/bin/env python3
"""Image-level sensitivity of a screening report by lesion size and contrast (for the model card).

Usage: size_contrast.py DATA_DIR REPORT_DIR
DATA_DIR holds manifest.csv and lesions.csv (radscreen synth); REPORT_DIR holds findings.csv
(radscreen screen). A positive image counts as detected for a finding when its flag is 1.
Each positive image is binned by its largest lesion of that finding. Wilson 95% intervals.
"""
import csv
import math
import sys
from collections import defaultdict


def wilson(k, n, z=1.959963984540054):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def main(data, report):
    flags = {}
    with open(f"{report}/findings.csv") as f:
        for r in csv.DictReader(f):
            if r["status"] == "ok":
                flags[(r["path"], r["frame"])] = r
    lesions = defaultdict(list)
    with open(f"{data}/lesions.csv") as f:
        for r in csv.DictReader(f):
            lesions[(r["path"], r["frame"], r["finding"])].append(r)
    modality = {}
    with open(f"{data}/manifest.csv") as f:
        for r in csv.DictReader(f):
            modality[(r["path"], r["frame"])] = r["modality"]
    size_bins = [(0, 5), (5, 10), (10, 20), (20, 1e9)]
    hu_bins = [(0, 30), (30, 60), (60, 100), (100, 1e9)]
    for finding in ["tumor", "fracture"]:
        by_size = defaultdict(lambda: [0, 0])
        by_hu = defaultdict(lambda: [0, 0])
        by_site = defaultdict(lambda: [0, 0])
        for (path, frame, fnd), ls in lesions.items():
            if fnd != finding or (path, frame) not in flags:
                continue
            hit = flags[(path, frame)][f"flag_{finding}"] == "1"
            big = max(ls, key=lambda l: float(l["size_mm"]))
            s = float(big["size_mm"])
            for lo, hi in size_bins:
                if lo <= s < hi:
                    key = (modality[(path, frame)], lo, hi)
                    by_size[key][0] += hit
                    by_size[key][1] += 1
            if finding == "tumor" and modality[(path, frame)] == "CT":
                # detail is "site;margin;kind" (lung/liver/brain; hyper/hypo/ring)
                parts = big["detail"].split(";")
                site = (parts[0], parts[-1])
                by_site[site][0] += hit
                by_site[site][1] += 1
                c = abs(float(big["contrast"]))
                for lo, hi in hu_bins:
                    if lo <= c < hi:
                        by_hu[(lo, hi)][0] += hit
                        by_hu[(lo, hi)][1] += 1
        print(f"\n### {finding}: sensitivity by lesion size (largest lesion of the image)\n")
        print("| modality | size (mm) | detected / positives | sensitivity | 95% CI |")
        print("|---|---|---|---|---|")
        for (m, lo, hi), (k, n) in sorted(by_size.items()):
            a, b = wilson(k, n)
            hi_s = "∞" if hi > 1e8 else f"{hi:g}"
            print(f"| {m} | {lo:g}–{hi_s} | {k} / {n} | {k / n:.3f} | {a:.3f}–{b:.3f} |")
        if by_hu:
            print(f"\n### {finding} (CT): sensitivity by contrast (|HU|)\n")
            print("| contrast (HU) | detected / positives | sensitivity | 95% CI |")
            print("|---|---|---|---|")
            for (lo, hi), (k, n) in sorted(by_hu.items()):
                a, b = wilson(k, n)
                hi_s = "∞" if hi > 1e8 else f"{hi:g}"
                print(f"| {lo:g}–{hi_s} | {k} / {n} | {k / n:.3f} | {a:.3f}–{b:.3f} |")
        if by_site:
            print(f"\n### {finding} (CT): sensitivity by site and appearance\n")
            print("| site | appearance | detected / positives | sensitivity | 95% CI |")
            print("|---|---|---|---|---|")
            for (site, kind), (k, n) in sorted(by_site.items()):
                a, b = wilson(k, n)
                print(f"| {site} | {kind} | {k} / {n} | {k / n:.3f} | {a:.3f}–{b:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
