#!/usr/bin/env python3
"""Image-level sensitivity of a screening report by lesion size and contrast (for the model card).

Usage: size_contrast.py DATA_DIR REPORT_DIR
DATA_DIR holds manifest.csv and lesions.csv (radscreen synth); REPORT_DIR holds findings.csv
(radscreen screen). A positive image counts as detected for a finding when its flag is 1.
Each positive image is binned by its largest lesion of that finding. Wilson 95% intervals.
Then CT tumour AUROC by contrast band, the positives of a band against every CT image without
a tumour, each image by its strongest tumour's |contrast| (threshold-free: on real
backgrounds the flags are mostly 0; the criterion's floor is 30 HU). Last, the best tumour sensitivity at precision >= 0.85 (any threshold) on subsets:
all images, without lung-nodule positives, and radiographs and MR only (CT images left out).
"""
import csv
import math
import sys
from collections import defaultdict

from eval_summary import auroc  # the scripts folder is on sys.path when run as a script


def wilson(k, n, z=1.959963984540054):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def table(title, keys, counts):
    """A markdown table of detected / positives per key (in the order given), with Wilson
    intervals; nothing when there are no rows."""
    if not counts:
        return
    print(f"\n### {title}\n")
    print("| " + " | ".join(keys) + " | detected / positives | sensitivity | 95% CI |")
    print("|" + "---|" * (len(keys) + 3))
    for key, (k, n) in counts:
        a, b = wilson(k, n)
        print("| " + " | ".join(key) + f" | {k} / {n} | {k / n:.3f} | {a:.3f}–{b:.3f} |")


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
        hu_rows = [((f"{lo:g}–{'∞' if hi > 1e8 else f'{hi:g}'}",), kn)
                   for (lo, hi), kn in sorted(by_hu.items())]
        table(f"{finding} (CT): sensitivity by contrast (|HU|)", ["contrast (HU)"], hu_rows)
        table(f"{finding} (CT): sensitivity by site and appearance", ["site", "appearance"],
              sorted(by_site.items()))

    auroc_by_contrast(flags, lesions, modality)
    best_operating_points(flags, lesions, modality)


def auroc_ci(pos, neg):
    """eval_summary.py's Mann-Whitney AUROC with Hanley & McNeil's 95% interval."""
    a = auroc([1] * len(pos) + [0] * len(neg), pos + neg)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (len(pos) - 1) * (q1 - a * a) + (len(neg) - 1) * (q2 - a * a)) / (
        len(pos) * len(neg))
    h = 1.959963984540054 * math.sqrt(max(var, 0.0))
    return a, max(0.0, a - h), min(1.0, a + h)


def auroc_by_contrast(flags, lesions, modality):
    contrast = {}
    for (path, frame, fnd), ls in lesions.items():
        if fnd == "tumor" and modality.get((path, frame)) == "CT":
            contrast[(path, frame)] = max(abs(float(l["contrast"])) for l in ls)
    neg = [float(r["score_tumor"]) for k, r in flags.items()
           if modality.get(k) == "CT" and k not in contrast]
    if not neg or not contrast:
        return
    print("\n### tumor (CT): AUROC by contrast (|HU|), each band against all CT negatives\n")
    print("| contrast (HU) | positives | negatives | AUROC | 95% CI |")
    print("|---|---|---|---|---|")
    for lo, hi in [(0, 30), (30, 1e9), (0, 1e9)]:
        pos = [float(flags[k]["score_tumor"]) for k, c in contrast.items()
               if lo <= c < hi and k in flags]
        if pos:
            a, l, h = auroc_ci(pos, neg)
            hi_s = "∞" if hi > 1e8 else f"{hi:g}"
            print(f"| {lo:g}–{hi_s} | {len(pos)} | {len(neg)} | {a:.3f} | {l:.3f}–{h:.3f} |")


def best_sensitivity(pos, neg, min_precision=0.85):
    """Highest sensitivity over thresholds (flag = score >= t) with precision >= min_precision."""
    pts = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg], reverse=True)
    tp = fp = 0
    best = 0.0
    i = 0
    while i < len(pts):
        s = pts[i][0]
        while i < len(pts) and pts[i][0] == s:  # ties share a threshold
            tp += pts[i][1]
            fp += 1 - pts[i][1]
            i += 1
        if tp / (tp + fp) >= min_precision:
            best = max(best, tp / len(pos))
    return best


def best_operating_points(flags, lesions, modality):
    lung = {(p, f) for (p, f, fnd), ls in lesions.items()
            if fnd == "tumor" and any(l["detail"].startswith("lung") for l in ls)}
    positive = {(p, f) for (p, f, fnd) in lesions if fnd == "tumor"}
    subsets = [
        ("all images", lambda k: True, lambda k: True),
        ("without lung-nodule positives", lambda k: k not in lung, lambda k: True),
        ("radiographs and MR (no CT)", lambda k: modality[k] != "CT", lambda k: modality[k] != "CT"),
    ]
    print("\n### tumor: best sensitivity at precision >= 0.85, by subset\n")
    print("| subset | positives | negatives | best sensitivity |")
    print("|---|---|---|---|")
    for name, keep_pos, keep_neg in subsets:
        pos = [float(r["score_tumor"]) for k, r in flags.items() if k in positive and keep_pos(k)]
        neg = [float(r["score_tumor"]) for k, r in flags.items()
               if k not in positive and keep_neg(k)]
        print(f"| {name} | {len(pos)} | {len(neg)} | {best_sensitivity(pos, neg):.3f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
