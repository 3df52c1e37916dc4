#!/usr/bin/env python3
"""Reference values for radscreen-eval's tests, computed with scikit-learn, SciPy, NumPy and mpmath.

Writes tests/data/sklearn_expected.json (committed), which tests/sklearn_reference.rs compares
against to 1e-12. Re-run after changing a case with scripts/sklearn_reference.sh, or by hand:

    python3 -m venv /tmp/skvenv
    /tmp/skvenv/bin/pip install scikit-learn==1.9.1 numpy==2.4.6 scipy==1.17.1 mpmath==1.4.1
    /tmp/skvenv/bin/python crates/radscreen-eval/tests/sklearn_reference.py

The versions used are recorded in the output's "generator" object.

Conventions (the positive class is label 1, "finding present"):

* Every value that radscreen-eval reports as `None` (undefined: a zero denominator) is written as
  JSON null. Where scikit-learn returns a number for an undefined quantity, the case records
  scikit-learn's own number under "sklearn_divergent" so that the divergence is visible:
    - roc_auc_score with one class present: sklearn warns and returns NaN          -> null
    - average_precision_score without positives: sklearn returns 0.0 (warning)     -> null
    - matthews_corrcoef with a zero covariance product: sklearn returns 0.0        -> null
    - balanced_accuracy_score with one class absent from y_true: sklearn averages the
      recall of the classes present                                                 -> null
* Confusion ratios use zero_division=np.nan, which sklearn reports as NaN -> null.
* Operating points are chosen by brute force over every distinct score, with sklearn's
  precision/recall/f1 at `score >= t`, under the rules documented in src/threshold.rs.
* DeLong's variance is computed here by the O(m*n) definition (structural components from the
  full comparison matrix), independently of the midrank algorithm in src/delong.rs.
* FROC interpolation uses np.interp on the curve (origin included), as LUNA16's evaluation
  script interpolates its FROC curve.
"""

import json
import math
import platform
import sys
from pathlib import Path

import mpmath
import numpy as np
import scipy
import scipy.special
import scipy.stats
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_curve,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
import warnings

warnings.simplefilter("ignore")

OUT = Path(__file__).resolve().parent / "data" / "sklearn_expected.json"


def clean(x):
    """NaN -> None, numpy scalars/arrays -> plain Python, +inf -> the string "inf"."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return [clean(v) for v in x.tolist()]
    if isinstance(x, (np.floating, float)):
        x = float(x)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


def ratio(num, den):
    return None if den == 0 else num / den


# ---------------------------------------------------------------- classification cases

rng = np.random.default_rng(20240611)


def case_random(n, decimals, prevalence, seed):
    r = np.random.default_rng(seed)
    y = (r.random(n) < prevalence).astype(int)
    # scores informative but noisy; rounding creates ties across classes
    s = np.clip(0.5 + 0.25 * (2 * y - 1) + r.normal(0, 0.25, n), 0, 1)
    return y.tolist(), np.round(s, decimals).tolist()


CLASSIFICATION = [
    ("basic", [0, 0, 1, 1, 0, 1, 0, 1, 1, 0],
     [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.65, 0.55, 0.7, 0.3], 0.5),
    ("ties", [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0],
     [0.4, 0.4, 0.4, 0.8, 0.1, 0.1, 0.6, 0.6, 0.6, 0.6, 0.9, 0.2], 0.6),
    ("sklearn_doc", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.4),
    ("all_positive", [1, 1, 1, 1, 1], [0.2, 0.9, 0.5, 0.5, 0.7], 0.5),
    ("all_negative", [0, 0, 0, 0], [0.2, 0.9, 0.5, 0.1], 0.5),
    ("perfect", [0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9], 0.5),
    ("inverted", [1, 1, 1, 0, 0, 0], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9], 0.5),
    ("constant_scores", [0, 1, 0, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5], 0.5),
    ("no_flags", [0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], 0.95),
    ("single_positive", [1], [0.3], 0.5),
    ("two_each_ties", [1, 0, 1, 0], [0.5, 0.5, 0.7, 0.2], 0.5),
    ("random_200_2dp", *case_random(200, 2, 0.3, 7), 0.5),
    ("random_1000_1dp", *case_random(1000, 1, 0.1, 11), 0.6),
    ("random_500_exact", *case_random(500, 17, 0.5, 13), 0.45),
]


def operating_points(y, s):
    """Brute force over distinct scores; rules as documented in src/threshold.rs."""
    y = np.asarray(y)
    s = np.asarray(s)
    cands = sorted(set(s.tolist()), reverse=True)  # descending thresholds
    rows = []
    for t in cands:
        pred = (s >= t).astype(int)
        tp = int(((pred == 1) & (y == 1)).sum())
        fp = int(((pred == 1) & (y == 0)).sum())
        fn = int(((pred == 0) & (y == 1)).sum())
        tn = int(((pred == 0) & (y == 0)).sum())
        sens = recall_score(y, pred, zero_division=np.nan) if (tp + fn) else float("nan")
        spec = recall_score(y, pred, pos_label=0, zero_division=np.nan) if (tn + fp) else float("nan")
        prec = precision_score(y, pred, zero_division=np.nan)
        f1 = f1_score(y, pred, zero_division=np.nan)
        rows.append(dict(t=t, tp=tp, fp=fp, fn=fn, tn=tn, sens=sens, spec=spec, prec=prec, f1=f1))

    def first(pred_fn):
        for r in rows:  # rows are in descending threshold order: the first hit is the highest
            if pred_fn(r):
                return r["t"]
        return None

    def argmax(key):
        best, best_t = None, None
        for r in rows:
            v = r[key]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            if best is None or v > best:  # strict: ties keep the higher threshold
                best, best_t = v, r["t"]
        return best_t

    out = {}
    for target in (0.5, 0.8, 0.9, 1.0):
        out[f"sensitivity_{target}"] = first(lambda r: not math.isnan(r["sens"]) and r["sens"] >= target)
    for target in (0.5, 0.8, 0.9, 1.0):
        # highest sensitivity among thresholds with precision >= target; ties -> higher threshold
        best, best_t = None, None
        for r in rows:
            if math.isnan(r["prec"]) or r["prec"] < target or math.isnan(r["sens"]):
                continue
            if best is None or r["sens"] > best:
                best, best_t = r["sens"], r["t"]
        out[f"precision_{target}"] = best_t
    for r in rows:
        r["youden"] = (r["sens"] + r["spec"] - 1) if not (math.isnan(r["sens"]) or math.isnan(r["spec"])) else float("nan")
    out["youden"] = argmax("youden")
    out["f1"] = argmax("f1")
    return out


def delong_bruteforce(y, scores_list):
    y = np.asarray(y)
    pos = [np.asarray(s)[y == 1] for s in scores_list]
    neg = [np.asarray(s)[y == 0] for s in scores_list]
    m, n = len(pos[0]), len(neg[0])
    if m < 2 or n < 2:
        return None
    v10, v01, aucs = [], [], []
    for p, q in zip(pos, neg):
        psi = (p[:, None] > q[None, :]).astype(float) + 0.5 * (p[:, None] == q[None, :])
        aucs.append(psi.mean())
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
    k = len(scores_list)
    s10 = np.cov(np.vstack(v10)) if k > 1 else np.array([[np.var(v10[0], ddof=1)]])
    s01 = np.cov(np.vstack(v01)) if k > 1 else np.array([[np.var(v01[0], ddof=1)]])
    S = s10 / m + s01 / n
    return np.array(aucs), S


def classification_case(name, y, s, threshold):
    y = [int(v) for v in y]
    s = [float(v) for v in s]
    ya = np.asarray(y)
    sa = np.asarray(s)
    pred = (sa >= threshold).astype(int)
    exp = {}
    div = {}
    both = len(set(y)) == 2
    has_pos = 1 in y

    for drop in (True, False):
        fpr, tpr, thr = roc_curve(ya, sa, drop_intermediate=drop)
        exp[f"roc_drop_{str(drop).lower()}"] = (
            {"fpr": fpr, "tpr": tpr, "thresholds": thr} if both else None
        )
    auroc = roc_auc_score(ya, sa) if both else float("nan")
    if not both:
        div["auroc"] = clean(roc_auc_score(ya, sa))
    exp["auroc"] = auroc

    p, r, t = precision_recall_curve(ya, sa)
    exp["pr"] = {"precision": p, "recall": r, "thresholds": t} if has_pos else None
    ap = average_precision_score(ya, sa)
    if has_pos:
        exp["average_precision"] = ap
    else:
        exp["average_precision"] = None
        div["average_precision"] = ap

    cm = confusion_matrix(ya, pred, labels=[0, 1])
    tn, fp, fn, tp = (int(v) for v in cm.ravel())
    exp["confusion"] = {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
    zd = np.nan
    exp["sensitivity"] = recall_score(ya, pred, zero_division=zd) if tp + fn else None
    exp["specificity"] = recall_score(ya, pred, pos_label=0, zero_division=zd) if tn + fp else None
    exp["precision"] = precision_score(ya, pred, zero_division=zd)
    exp["npv"] = precision_score(ya, pred, pos_label=0, zero_division=zd)
    exp["f1"] = f1_score(ya, pred, zero_division=zd)
    exp["f2"] = fbeta_score(ya, pred, beta=2.0, zero_division=zd)
    exp["f0_5"] = fbeta_score(ya, pred, beta=0.5, zero_division=zd)
    exp["accuracy"] = accuracy_score(ya, pred)
    if tp + fn and tn + fp:
        exp["balanced_accuracy"] = balanced_accuracy_score(ya, pred)
    else:
        exp["balanced_accuracy"] = None
        div["balanced_accuracy"] = balanced_accuracy_score(ya, pred)
    cov_prod = ((tp + fn) * (tn + fp)) * ((tp + fp) * (tn + fn))
    if cov_prod:
        exp["mcc"] = matthews_corrcoef(ya, pred)
    else:
        exp["mcc"] = None
        div["mcc"] = matthews_corrcoef(ya, pred)
    sens, spec = exp["sensitivity"], exp["specificity"]
    exp["youden_j"] = None if sens is None or spec is None or np.isnan(sens) or np.isnan(spec) else sens + spec - 1
    exp["prevalence"] = ratio(tp + fn, len(y))
    exp["fpr"] = ratio(fp, fp + tn)
    exp["fdr"] = ratio(fp, fp + tp)
    exp["miss_rate"] = ratio(fn, fn + tp)

    exp["operating_points"] = operating_points(y, s)

    exp["brier"] = brier_score_loss(ya, sa, pos_label=1)
    prob_true, prob_pred = calibration_curve(ya, sa, n_bins=10, strategy="uniform")
    bins = np.linspace(0.0, 1.0, 11)
    binids = np.searchsorted(bins[1:-1], sa)
    counts = np.bincount(binids, minlength=10)
    nz = counts[counts != 0]
    exp["calibration_10"] = {
        "counts": counts,
        "prob_true": prob_true,
        "prob_pred": prob_pred,
        "ece": float(np.sum(nz / len(y) * np.abs(prob_true - prob_pred))),
    }

    dl = delong_bruteforce(y, [s])
    if dl is None:
        exp["delong"] = None
    else:
        aucs, S = dl
        assert abs(aucs[0] - auroc) < 1e-12, (name, aucs[0], auroc)
        exp["delong"] = {"auroc": aucs[0], "variance": S[0, 0]}

    return {"name": name, "labels": y, "scores": s, "threshold": threshold,
            "expected": clean(exp), "sklearn_divergent": clean(div)}


# ---------------------------------------------------------------- paired DeLong

def paired_case(name, y, a, b):
    res = delong_bruteforce(y, [a, b])
    if res is None:
        return {"name": name, "labels": y, "scores_a": a, "scores_b": b, "expected": None}
    aucs, S = res
    var = S[0, 0] + S[1, 1] - 2 * S[0, 1]
    if var > 0:
        z = (aucs[0] - aucs[1]) / math.sqrt(var)
        p = 2 * scipy.stats.norm.sf(abs(z))
    else:
        z, p = None, None
    return {"name": name, "labels": y, "scores_a": a, "scores_b": b, "expected": clean({
        "auroc_a": aucs[0], "auroc_b": aucs[1], "variance_a": S[0, 0], "variance_b": S[1, 1],
        "covariance": S[0, 1], "variance_difference": var, "z": z, "p_value": p})}


def paired_cases():
    out = []
    y, a = case_random(150, 2, 0.4, 21)
    r = np.random.default_rng(22)
    b = np.round(np.clip(np.asarray(a) + r.normal(0, 0.2, len(a)), 0, 1), 2).tolist()
    out.append(paired_case("correlated_150", y, a, b))
    y2, a2 = case_random(60, 1, 0.5, 31)
    _, b2 = case_random(60, 1, 0.5, 32)
    out.append(paired_case("independent_ties_60", y2, a2, b2))
    out.append(paired_case("identical", [0, 1, 0, 1, 1], [0.1, 0.4, 0.3, 0.9, 0.6], [0.1, 0.4, 0.3, 0.9, 0.6]))
    out.append(paired_case("strong_vs_weak", [0, 0, 0, 1, 1, 1, 0, 1],
                           [0.1, 0.2, 0.3, 0.7, 0.8, 0.9, 0.4, 0.6],
                           [0.5, 0.2, 0.9, 0.7, 0.1, 0.9, 0.4, 0.3]))
    return out


# ---------------------------------------------------------------- Wilson, normal quantiles, erfc

def wilson_cases():
    out = []
    for conf in (0.95, 0.90, 0.99):
        for k, n in [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (5, 10), (1, 200), (199, 200),
                     (57, 123), (0, 5000), (4999, 5000), (1, 3)]:
            ci = scipy.stats.binomtest(k, n).proportion_ci(confidence_level=conf, method="wilson")
            out.append({"successes": k, "trials": n, "confidence": conf,
                        "z": float(scipy.special.ndtri(0.5 + 0.5 * conf)),
                        "lo": float(ci.low), "hi": float(ci.high)})
    return out


def special_values():
    """erf, erfc, the normal CDF/SF and quantile to 40 digits with mpmath, rounded to float64.

    (SciPy's own ndtr loses about 1e-14 relative accuracy in the far tail, which is why these
    references come from mpmath rather than SciPy.)"""
    mpmath.mp.dps = 40
    xs = np.concatenate([np.linspace(-6, 6, 241), [0.0, 1e-300, 1e-10, 0.4999, 0.5, 0.5001,
                                                   0.75, 1.5, 2.5, 3.5, 4.5,
                                                   7.5, 10.0, 15.0, 20.0, 26.0, 27.2, -27.0]])
    ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5,
          0.6, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-10]
    sqrt1_2 = 0.7071067811865476  # the float64 constant both implementations multiply by

    def ndtri(p):
        p = mpmath.mpf(p)
        return mpmath.findroot(lambda z: mpmath.ncdf(z) - p, float(scipy.special.ndtri(float(p))))

    return {
        "erfc": [{"x": float(x), "erfc": float(mpmath.erfc(mpmath.mpf(float(x))))} for x in xs],
        "erf": [{"x": float(x), "erf": float(mpmath.erf(mpmath.mpf(float(x))))} for x in xs],
        # Φ(x) = erfc(-x·fl(1/√2))/2 with the product rounded to float64, as computed in Rust
        "ndtr": [{"x": float(x),
                  "cdf": float(mpmath.erfc(mpmath.mpf(float(-x * sqrt1_2))) / 2),
                  "sf": float(mpmath.erfc(mpmath.mpf(float(x * sqrt1_2))) / 2)} for x in xs],
        "ndtri": [{"p": p, "x": float(ndtri(p))} for p in ps],
    }


def percentile_cases():
    out = []
    r = np.random.default_rng(5)
    for data in ([0.3], [1.0, 2.0], [5.0, 1.0, 3.0, 2.0, 4.0], r.random(37).tolist(),
                 np.round(r.random(101), 1).tolist()):
        qs = [0.0, 2.5, 5.0, 25.0, 50.0, 97.5, 99.9, 100.0]
        out.append({"data": data, "q": qs,
                    "values": [float(np.percentile(data, q)) for q in qs]})
    return out


# ---------------------------------------------------------------- regression

def regression_cases():
    cases = [
        ("basic", [3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]),
        ("constant_y_perfect", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]),
        ("constant_y_imperfect", [2.0, 2.0, 2.0], [2.0, 2.5, 1.0]),
        ("single", [1.5], [1.0]),
        ("random_300", np.round(np.random.default_rng(3).normal(10, 3, 300), 3).tolist(),
         np.round(np.random.default_rng(4).normal(10, 3, 300), 3).tolist()),
    ]
    out = []
    for name, yt, yp in cases:
        r2 = r2_score(yt, yp)
        out.append({"name": name, "y_true": yt, "y_pred": yp, "expected": clean({
            "mse": mean_squared_error(yt, yp), "mae": mean_absolute_error(yt, yp), "r2": r2})})
    return out


# ---------------------------------------------------------------- calibration with other bin counts

def calibration_cases():
    out = []
    for name, y, s, nb in [
        ("edges", [0, 1, 1, 0, 1, 0, 1, 1], [0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0], 10),
        ("five_bins", *case_random(80, 3, 0.4, 41), 5),
        ("fifteen_bins", *case_random(300, 2, 0.3, 42), 15),
    ]:
        ya, sa = np.asarray(y), np.asarray(s)
        prob_true, prob_pred = calibration_curve(ya, sa, n_bins=nb, strategy="uniform")
        bins = np.linspace(0.0, 1.0, nb + 1)
        binids = np.searchsorted(bins[1:-1], sa)
        counts = np.bincount(binids, minlength=nb)
        nz = counts[counts != 0]
        out.append({"name": name, "labels": y, "scores": s, "bins": nb, "expected": clean({
            "brier": brier_score_loss(ya, sa, pos_label=1), "counts": counts,
            "prob_true": prob_true, "prob_pred": prob_pred,
            "ece": float(np.sum(nz / len(y) * np.abs(prob_true - prob_pred)))})})
    return out


# ---------------------------------------------------------------- subgroups (one empty)

def subgroup_case():
    y, s = case_random(120, 2, 0.35, 51)
    r = np.random.default_rng(52)
    groups = r.choice(["F", "M", "O"], size=len(y), p=[0.5, 0.45, 0.05]).tolist()
    status_ok = (r.random(len(y)) > 0.05).tolist()
    # "O" rows are all non-ok: the subgroup exists in the manifest but has nothing scored
    status_ok = [ok and g != "O" for ok, g in zip(status_ok, groups)]
    threshold = 0.5
    exp = {}
    for g in ["F", "M", "O"]:
        idx = [i for i in range(len(y)) if groups[i] == g and status_ok[i]]
        if not idx:
            exp[g] = {"n": 0, "sensitivity": None, "specificity": None, "precision": None,
                      "npv": None, "f1": None, "accuracy": None, "auroc": None,
                      "average_precision": None}
            continue
        ya = np.asarray([y[i] for i in idx])
        sa = np.asarray([s[i] for i in idx])
        pred = (sa >= threshold).astype(int)
        both = len(set(ya.tolist())) == 2
        exp[g] = {
            "n": len(idx),
            "sensitivity": recall_score(ya, pred, zero_division=np.nan),
            "specificity": recall_score(ya, pred, pos_label=0, zero_division=np.nan),
            "precision": precision_score(ya, pred, zero_division=np.nan),
            "npv": precision_score(ya, pred, pos_label=0, zero_division=np.nan),
            "f1": f1_score(ya, pred, zero_division=np.nan),
            "accuracy": accuracy_score(ya, pred),
            "auroc": roc_auc_score(ya, sa) if both else None,
            "average_precision": average_precision_score(ya, sa) if 1 in ya else None,
        }
    return {"labels": y, "scores": s, "groups": groups, "ok": status_ok,
            "threshold": threshold, "expected": clean(exp)}


# ---------------------------------------------------------------- FROC interpolation

def froc_cases():
    """FROC points from per-candidate outcomes, then np.interp at 1/8 .. 8 FP per image."""
    out = []
    rates = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0]
    r = np.random.default_rng(61)
    for name, n_images, n_truth, cand in [
        ("small", 4, 5, [(0.9, True), (0.8, False), (0.8, True), (0.7, False), (0.6, False),
                         (0.5, True), (0.4, False), (0.3, False), (0.2, False)]),
        ("dense", 10, 30, [(float(round(v, 2)), bool(r.random() < 0.3)) for v in r.random(150)]),
        ("few_fps", 20, 10, [(0.9, True), (0.8, True), (0.7, False), (0.6, True)]),
    ]:
        cand = sorted(cand, key=lambda c: -c[0])
        scores = np.array([c[0] for c in cand])
        is_tp = np.array([c[1] for c in cand], dtype=int)
        # thresholds: each distinct score; counts of candidates with score >= t
        thr = sorted(set(scores.tolist()), reverse=True)
        fps = [0.0] + [float(((scores >= t) & (is_tp == 0)).sum()) / n_images for t in thr]
        sens = [0.0] + [float(((scores >= t) & (is_tp == 1)).sum()) / n_truth for t in thr]
        at = np.interp(rates, fps, sens)
        out.append({"name": name, "n_images": n_images, "n_truth": n_truth,
                    "candidates": [{"score": c[0], "true_positive": c[1]} for c in cand],
                    "expected": clean({"fp_per_image": fps, "sensitivity": sens,
                                       "rates": rates, "at_rates": at,
                                       "mean_sensitivity": float(np.mean(at))})})
    return out


def main():
    data = {
        "generator": {
            "script": "crates/radscreen-eval/tests/sklearn_reference.py",
            "python": platform.python_version(),
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "mpmath": mpmath.__version__,
        },
        "classification": [classification_case(*c) for c in CLASSIFICATION],
        "paired_delong": paired_cases(),
        "wilson": wilson_cases(),
        "special": special_values(),
        "percentile": percentile_cases(),
        "regression": regression_cases(),
        "calibration": calibration_cases(),
        "subgroup": subgroup_case(),
        "froc": froc_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n")
    print(f"wrote {OUT} with scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, mpmath {mpmath.__version__}, Python {platform.python_version()}", file=sys.stderr)


if __name__ == "__main__":
    main()
