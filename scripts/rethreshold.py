#!/usr/bin/env python3
"""Re-choose a trained model's thresholds from its screening scores on the validation split,
by the rule `radscreen train` applies at the end of training (crates/radscreen-model/src/train/
score.rs: F1-optimal among thresholds with validation specificity >= FLOOR, per finding, and per
modality group with at least 10 positive and 10 negative validation images). For a model trained
before the rule changed, without its checkpoint: screen the validation images, then

  scripts/rethreshold.py FLOOR CONFIG_JSON OUT_JSON FINDINGS_CSV:MANIFEST_CSV [...]

FINDINGS_CSV is `radscreen screen`'s output; MANIFEST_CSV gives the truth and the split (only
`val` rows count). With FLOOR 0 the rule is plain F1, the rule before 2026-12-05: it reproduces
the shipped v3's thresholds from its screening scores (docs/model-card.md). Stdlib only.
"""
import csv
import json
import os
import sys

MIN_GROUP = 10
GROUPS = {"CT": "CT", "MR": "MR"}  # everything else: radiograph (InputKind::GROUPS)


def choose(labels, scores, floor):
    """The threshold of maximal F1 among those with specificity >= floor; ties keep the higher."""
    pos = sum(labels)
    neg = len(labels) - pos
    pairs = sorted(zip(scores, labels), key=lambda p: -p[0])
    best, best_f1, tp, fp, i = None, None, 0, 0, 0
    while i < len(pairs):
        t = pairs[i][0]
        while i < len(pairs) and pairs[i][0] == t:  # every case scoring >= t is flagged
            tp += pairs[i][1]
            fp += not pairs[i][1]
            i += 1
        if neg and (neg - fp) / neg < floor:
            continue
        denom = 2 * tp + fp + (pos - tp)
        if denom == 0:
            continue
        f1 = 2 * tp / denom
        if best_f1 is None or f1 > best_f1:
            best, best_f1 = t, f1
    return 0.5 if best is None else min(max(best, 0.0), 1.0)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    floor, config_in, config_out = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    config = json.load(open(config_in))
    findings = config["findings"]
    rows = []  # (group, labels, scores)
    for pair in sys.argv[4:]:
        pred_csv, man_csv = pair.split(":")
        truth = {}
        with open(man_csv, newline="") as f:
            for r in csv.DictReader(f):
                if r["split"] == "val":
                    truth[(r["path"], r["frame"])] = r
        base = os.path.dirname(os.path.abspath(man_csv))
        seen = 0
        with open(pred_csv, newline="") as f:
            for r in csv.DictReader(f):
                if r["status"] != "ok":
                    continue
                t = truth.get((r["path"], r["frame"]))
                if t is None:
                    continue
                seen += 1
                group = GROUPS.get(t["modality"], "radiograph")
                rows.append((group, [t[n] == "1" for n in findings],
                             [float(r[f"score_{n}"]) for n in findings]))
        if seen != len(truth):
            sys.exit(f"{pred_csv}: {seen} of the {len(truth)} val rows of {man_csv} ({base}) screened")
    thresholds = {}
    for k, name in enumerate(findings):
        labels = [r[1][k] for r in rows]
        scores = [r[2][k] for r in rows]
        thresholds[name] = choose(labels, scores, floor)
        for g in ("CT", "MR", "radiograph"):
            gl = [r[1][k] for r in rows if r[0] == g]
            gs = [r[2][k] for r in rows if r[0] == g]
            p = sum(gl)
            if p >= MIN_GROUP and len(gl) - p >= MIN_GROUP:
                thresholds[f"{name}@{g}"] = choose(gl, gs, floor)
    for key in sorted(thresholds):
        old = config["thresholds"].get(key)
        print(f"{key}: {old if old is None else round(old, 4)} -> {thresholds[key]:.4f}")
    config["thresholds"] = thresholds
    config.setdefault("training", {})["threshold_rule"] = (
        f"F1-optimal among thresholds with specificity >= {floor}, per finding and per modality "
        "group with at least 10 positive and 10 negative images, on the screening scores of "
        f"{len(rows)} validation-split images from {len(sys.argv) - 4} manifest(s) "
        "(scripts/rethreshold.py)")
    with open(config_out, "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
