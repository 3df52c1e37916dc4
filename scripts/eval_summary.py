#!/usr/bin/env python3
"""One table per evaluation: sensitivity, specificity, precision (Wilson 95% intervals), AUROC and
lesion-level CPM per finding, overall and per modality group (CT, MR, radiographs = CR+DX), at
the model's shipped thresholds. Reads `radscreen eval` output and findings.csv + manifest.csv.

  scripts/eval_summary.py NAME EVAL_DIR FINDINGS_CSV MANIFEST_CSV [NAME EVAL_DIR ...]
"""
import csv
import json
import math
import sys


def wilson(k, n):
    if n == 0:
        return None
    z = 1.959963984540054
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return p, max(0.0, c - h), min(1.0, c + h)


def fmt(w):
    return "—" if w is None else f"{w[0]:.3f} ({w[1]:.2f}–{w[2]:.2f})"


def auroc(ys, ss):
    pos = [s for y, s in zip(ys, ss) if y]
    neg = [s for y, s in zip(ys, ss) if not y]
    if not pos or not neg:
        return None
    wins = 0.0
    for p in pos:
        for q in neg:
            wins += 1.0 if p > q else 0.5 if p == q else 0.0
    return wins / (len(pos) * len(neg))


GROUP = {"CT": "CT", "MR": "MR", "CR": "radiographs", "DX": "radiographs"}


def summary(name, eval_dir, findings_csv, manifest_csv):
    ev = json.load(open(f"{eval_dir}/eval.json"))
    truth = {(r["path"], r["frame"]): r for r in csv.DictReader(open(manifest_csv))}
    rows = [r for r in csv.DictReader(open(findings_csv)) if r["status"] == "ok"]
    print(f"\n#### {name}\n")
    print("| finding | group | n (pos) | sensitivity | specificity | precision | AUROC | CPM |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for f, fe in ev["findings"].items():
        cpm = ev.get("lesions", {}).get("findings", {}).get(f, {}).get("mean_sensitivity")
        for group in ["all", "CT", "MR", "radiographs"]:
            ys, ss, fl = [], [], []
            for r in rows:
                t = truth.get((r["path"], r["frame"]))
                if t is None or (group != "all" and GROUP.get(t["modality"]) != group):
                    continue
                ys.append(t[f] == "1")
                ss.append(float(r[f"score_{f}"]))
                fl.append(r[f"flag_{f}"] == "1")
            if not ys:
                continue
            tp = sum(y and g for y, g in zip(ys, fl))
            fp = sum((not y) and g for y, g in zip(ys, fl))
            tn = sum((not y) and (not g) for y, g in zip(ys, fl))
            fn = sum(y and (not g) for y, g in zip(ys, fl))
            a = auroc(ys, ss)
            print(
                f"| {f} | {group} | {len(ys)} ({sum(ys)}) | {fmt(wilson(tp, tp + fn))} | "
                f"{fmt(wilson(tn, tn + fp))} | {fmt(wilson(tp, tp + fp))} | "
                f"{'—' if a is None else f'{a:.3f}'} | "
                f"{'' if group != 'all' or cpm is None else f'{cpm:.3f}'} |"
            )


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) % 4 != 0 or not args:
        sys.exit(__doc__)
    for i in range(0, len(args), 4):
        summary(*args[i : i + 4])
