#!/usr/bin/env python3
"""Paired AUROC difference of two models on one set, with bootstrap p-values that resample
images and, apart, whole series (the manifest's `series`), per finding and modality group.
DeLong's test (`radscreen eval --baseline`) treats every image as independent; adjacent slices
of one series are not, and resampling series shows how much that matters.

  scripts/cluster_bootstrap.py MANIFEST_CSV BASELINE_FINDINGS CANDIDATE_FINDINGS [ROUNDS]

ROUNDS defaults to 2000; seed 0. p: two-sided, twice the smaller share of resampled differences
on either side of zero (floor 1/ROUNDS). Standard library only.
"""
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

GROUPS = {"CT": "CT", "MR": "MR"}  # everything else: radiographs


def auroc(pairs):
    """Mann-Whitney AUROC of (score, label) pairs; ties count half. None without both classes."""
    pos = sum(label for _, label in pairs)
    neg = len(pairs) - pos
    if pos == 0 or neg == 0:
        return None
    pairs = sorted(pairs)
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # mean 1-based rank of the tie block
        rank_sum += mid * sum(label for _, label in pairs[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def scores(path, finding):
    out = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] == "ok":
                out[(r["path"], r["frame"])] = float(r[f"score_{finding}"])
    return out


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n\n")[1])
    manifest, base_csv, cand_csv = (Path(a) for a in sys.argv[1:4])
    rounds = int(sys.argv[4]) if len(sys.argv) == 5 else 2000
    with open(manifest, newline="") as f:
        rows = list(csv.DictReader(f))
    print("finding   group        n (pos) series  baseline candidate   diff  p(images) p(series)")
    for finding in ("tumor", "fracture"):
        b, c = scores(base_csv, finding), scores(cand_csv, finding)
        by_group = defaultdict(list)
        for r in rows:
            key = (r["path"], r["frame"])
            if key in b and key in c:
                group = GROUPS.get(r["modality"], "radiographs")
                by_group[group].append((r["series"], int(r[finding]), b[key], c[key]))
        for group, items in sorted(by_group.items()):
            pos = sum(i[1] for i in items)
            if pos < 10 or len(items) - pos < 10:
                continue
            diff = lambda sample: (
                auroc([(i[3], i[1]) for i in sample]),
                auroc([(i[2], i[1]) for i in sample]),
            )
            cand, base = diff(items)
            series = defaultdict(list)
            for i in items:
                series[i[0]].append(i)
            keys = sorted(series)
            rng = random.Random(0)
            p = []
            for clustered in (False, True):
                below = above = valid = 0
                for _ in range(rounds):
                    if clustered:
                        sample = [i for k in rng.choices(keys, k=len(keys)) for i in series[k]]
                    else:
                        sample = rng.choices(items, k=len(items))
                    cs, bs = diff(sample)
                    if cs is None or bs is None:
                        continue
                    valid += 1
                    below += cs - bs <= 0
                    above += cs - bs >= 0
                p.append(max(1 / rounds, min(1.0, 2 * min(below, above) / max(valid, 1))))
            print(f"{finding:<9} {group:<12} {len(items):>4} ({pos:>3}) {len(keys):>6}  {base:>8.3f} "
                  f"{cand:>9.3f} {cand - base:>+6.3f}  {p[0]:>9.4f} {p[1]:>9.4f}")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, KeyError) as e:  # a missing file, a bad value, a missing column
        sys.exit(f"{Path(sys.argv[0]).name}: {type(e).__name__}: {e}")
