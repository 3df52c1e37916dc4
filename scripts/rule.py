#!/usr/bin/env python3
"""The model card's rule for replacing the shipped model ("Choosing the next model", version 3),
applied to a folder that scripts/compare-models.sh filled:

  WORK/criterion-like/manifest.csv, WORK/criterion-like-{baseline,candidate}/findings.csv,
  WORK/criterion-like-eval/compare.json, and the same for WORK/criterion-xr and WORK/val-real.

  scripts/rule.py WORK

Groups: finding x modality group (CT, MR, radiographs) with at least 10 positive and 10
negative images in a set. CT and MR phantoms: criterion-like, over all the group's images.
Phantom radiographs: criterion-xr, the mean of the AUROCs within each body part that has at
least 10 positive and 10 negative images (tumours are drawn on chest films only, so pooling
body parts mostly measured which part scores higher: on the chest films before their
recalibration, v3.1's pooled criterion 0.851 was 0.379 within chest films). Real set (val-real): the mean of the AUROCs within each background that has at
least 5 positive and 5 negative images of the group (every image from one background is that
background with or without an inserted finding).
The candidate is better when its mean AUROC over all groups is higher and no phantom group,
or body part of a radiograph group, is worse at p (series) < 0.01 (the paired bootstrap over
whole series in compare.json). Real groups count in the mean but cannot veto: each rests on
one to three backgrounds. Standard library only.
"""
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster_bootstrap import GROUPS, auroc, scores  # noqa: E402

MIN_GROUP, MIN_BACKGROUND = 10, 5


def rows_of(manifest):
    with open(manifest, newline="") as f:
        return list(csv.DictReader(f))


def compare_rows(work, name, column):
    """compare.json rows of one subgroup column with enough positives and negatives."""
    for r in json.load(open(work / f"{name}-eval" / "compare.json"))["rows"]:
        if r["column"] != column or r["auroc_baseline"] is None:
            continue
        if r["positives"] >= MIN_GROUP and r["n"] - r["positives"] >= MIN_GROUP:
            yield r


def phantom_groups(work):
    out, parts = [], []
    for r in compare_rows(work, "criterion-like", "modality group"):
        if r["value"] in ("CT", "MR"):
            out.append(dict(set="criterion-like", finding=r["finding"], group=r["value"],
                            n=r["n"], pos=r["positives"], backgrounds="-",
                            base=r["auroc_baseline"], cand=r["auroc_candidate"],
                            p=r.get("p_value_series")))
    for finding in ("tumor", "fracture"):
        rows = [r for r in compare_rows(work, "criterion-xr", "body_part")
                if r["finding"] == finding]
        if not rows:
            continue
        for r in rows:
            parts.append(dict(set="criterion-xr", finding=finding, group=r["value"].lower(),
                              n=r["n"], pos=r["positives"], backgrounds="-",
                              base=r["auroc_baseline"], cand=r["auroc_candidate"],
                              p=r.get("p_value_series")))
        out.append(dict(set="criterion-xr", finding=finding, group="radiographs",
                        n=sum(r["n"] for r in rows), pos=sum(r["positives"] for r in rows),
                        backgrounds=f"{len(rows)}p",
                        base=sum(r["auroc_baseline"] for r in rows) / len(rows),
                        cand=sum(r["auroc_candidate"] for r in rows) / len(rows), p=None))
    return out, parts


def real_groups(work):
    rows = rows_of(work / "val-real" / "manifest.csv")
    out = []
    for finding in ("tumor", "fracture"):
        b = scores(work / "val-real-baseline" / "findings.csv", finding)
        c = scores(work / "val-real-candidate" / "findings.csv", finding)
        by = defaultdict(lambda: defaultdict(list))
        for r in rows:
            key = (r["path"], r["frame"])
            if key in b and key in c:
                group = GROUPS.get(r["modality"], "radiographs")
                by[group][r["background"]].append((int(r[finding]), b[key], c[key]))
        for group, bgs in sorted(by.items()):
            items = [i for v in bgs.values() for i in v]
            pos = sum(i[0] for i in items)
            if pos < MIN_GROUP or len(items) - pos < MIN_GROUP:
                continue
            base, cand = [], []
            for v in bgs.values():
                p = sum(i[0] for i in v)
                if p >= MIN_BACKGROUND and len(v) - p >= MIN_BACKGROUND:
                    base.append(auroc([(i[1], i[0]) for i in v]))
                    cand.append(auroc([(i[2], i[0]) for i in v]))
            if not base:
                continue
            out.append(dict(set="val-real", finding=finding, group=group, n=len(items), pos=pos,
                            backgrounds=str(len(base)), base=sum(base) / len(base),
                            cand=sum(cand) / len(cand), p=None))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    work = Path(sys.argv[1])
    phantom, parts = phantom_groups(work)
    groups = phantom + real_groups(work)
    if not groups:
        sys.exit("no finding x modality group with 10 positive and 10 negative images")
    fmt = lambda p: "-" if p is None else f"{p:.2g}"
    print(f"{'set':<15} {'finding':<9} {'group':<12} {'n (pos)':>10} {'bgs':>4} "
          f"{'baseline':>9} {'candidate':>9} {'p series':>9}")
    def line(g, label):
        print(f"{g['set']:<15} {g['finding']:<9} {label:<12} {g['n']:>5} ({g['pos']:>3}) "
              f"{g['backgrounds']:>4} {g['base']:>9.3f} {g['cand']:>9.3f} {fmt(g['p']):>9}")

    for g in groups:
        line(g, g["group"])
        if g["set"] == "criterion-xr":
            for part in (x for x in parts if x["finding"] == g["finding"]):
                line(part, "  " + part["group"])
    mean = lambda k: sum(g[k] for g in groups) / len(groups)
    worse = [g for g in groups + parts
             if g["p"] is not None and g["cand"] < g["base"] and g["p"] < 0.01]
    print(f"mean AUROC over {len(groups)} groups: baseline {mean('base'):.3f}, "
          f"candidate {mean('cand'):.3f} (indented rows: body parts of the radiograph groups)")
    print("phantom groups worse at p (series) < 0.01: "
          + (", ".join(f"{g['finding']} {g['group']}" for g in worse) or "none"))
    better = mean("cand") > mean("base") and not worse
    print("rule: " + ("the candidate is better" if better else "the baseline stays"))


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, KeyError) as e:  # a missing file or column, a bad value
        sys.exit(f"{Path(sys.argv[0]).name}: {type(e).__name__}: {e}")
