#!/usr/bin/env python3
"""Radiograph AUROC per finding, pooled and within each body part, with a bootstrap interval.
Tumours are drawn only on chest films, so a pooled radiograph AUROC mostly says whether a model
scores chest films above hand and arm films (docs/model-card.md, summary); within a body part it
says whether the model finds the lesion.

  scripts/by_body_part.py FINDINGS_CSV MANIFEST_CSV [ROUNDS]

ROUNDS (default 2000, seed 0) resamples positives and negatives apart; the interval is the
2.5th to 97.5th percentile. Standard library only.
"""
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster_bootstrap import auroc, scores  # noqa: E402


def interval(pos, neg, rounds):
    rng, values = random.Random(0), []
    for _ in range(rounds):
        p = rng.choices(pos, k=len(pos))
        n = rng.choices(neg, k=len(neg))
        values.append(auroc([(s, 1) for s in p] + [(s, 0) for s in n]))
    values.sort()
    return values[int(0.025 * rounds)], values[int(0.975 * rounds) - 1]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.split("\n\n")[1])
    findings, manifest = Path(sys.argv[1]), Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) == 4 else 2000
    with open(manifest, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["modality"] not in ("CT", "MR")]
    print("finding   body part    n (pos)  AUROC  95% interval")
    for finding in ("tumor", "fracture"):
        s = scores(findings, finding)
        scored = [(r.get("body_part", ""), int(r[finding]), s[(r["path"], r["frame"])])
                  for r in rows if (r["path"], r["frame"]) in s]
        parts = ["all"] + sorted({p for p, _, _ in scored})
        for part in parts:
            items = [i for i in scored if part == "all" or i[0] == part]
            pos = [i[2] for i in items if i[1] == 1]
            neg = [i[2] for i in items if i[1] == 0]
            if not pos or not neg:
                continue
            a = auroc([(v, 1) for v in pos] + [(v, 0) for v in neg])
            lo, hi = interval(pos, neg, rounds)
            print(f"{finding:<9} {part:<11} {len(items):>4} ({len(pos):>3})  {a:.3f}  {lo:.3f}-{hi:.3f}")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, KeyError) as e:  # a missing file or column, a bad value
        sys.exit(f"{Path(sys.argv[0]).name}: {type(e).__name__}: {e}")
