//! Compares radscreen-eval with scikit-learn / SciPy / NumPy / mpmath values computed by
//! `tests/sklearn_reference.py` (versions in the JSON's "generator"), to 1e-12.
//!
//! Positive class: label 1 = finding present.

use radscreen_eval as ev;
use serde_json::Value;

const TOL: f64 = 1e-12;

fn data() -> Value {
    let text = include_str!("data/sklearn_expected.json");
    serde_json::from_str(text).expect("sklearn_expected.json parses")
}

fn f(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::String(s) if s == "inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-inf" => Some(f64::NEG_INFINITY),
        v => Some(v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))),
    }
}

fn fv(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| f(x).expect("number"))
        .collect()
}

fn labels(v: &Value) -> Vec<bool> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_i64() == Some(1))
        .collect()
}

#[track_caller]
fn close(ctx: &str, got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) if g == w => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= TOL,
            "{ctx}: got {g:e}, want {w:e}, diff {:e}",
            (g - w).abs()
        ),
        _ => panic!("{ctx}: got {got:?}, want {want:?}"),
    }
}

#[track_caller]
fn close_vec(ctx: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{ctx}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(&format!("{ctx}[{i}]"), Some(*g), Some(*w));
    }
}

#[test]
fn generator_is_recorded() {
    let d = data();
    assert_eq!(d["generator"]["sklearn"], "1.9.1");
}

#[test]
fn classification_cases_match_sklearn() {
    let d = data();
    let cases = d["classification"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let y = labels(&case["labels"]);
        let s = fv(&case["scores"]);
        let t = f(&case["threshold"]).unwrap();
        let e = &case["expected"];
        let ctx = |m: &str| format!("{name}: {m}");

        for (drop, key) in [(true, "roc_drop_true"), (false, "roc_drop_false")] {
            let roc = ev::roc_curve(&y, &s, drop).unwrap();
            match (&roc, e[key].is_null()) {
                (None, true) => {}
                (Some(r), false) => {
                    close_vec(&ctx(&format!("{key}.fpr")), &r.fpr, &fv(&e[key]["fpr"]));
                    close_vec(&ctx(&format!("{key}.tpr")), &r.tpr, &fv(&e[key]["tpr"]));
                    close_vec(
                        &ctx(&format!("{key}.thresholds")),
                        &r.thresholds,
                        &fv(&e[key]["thresholds"]),
                    );
                }
                _ => panic!(
                    "{}: defined {:?} vs expected {}",
                    ctx(key),
                    roc.is_some(),
                    e[key]
                ),
            }
        }
        close(&ctx("auroc"), ev::roc_auc(&y, &s).unwrap(), f(&e["auroc"]));
        let pr = ev::precision_recall_curve(&y, &s).unwrap();
        match (&pr, e["pr"].is_null()) {
            (None, true) => {}
            (Some(p), false) => {
                close_vec(
                    &ctx("pr.precision"),
                    &p.precision,
                    &fv(&e["pr"]["precision"]),
                );
                close_vec(&ctx("pr.recall"), &p.recall, &fv(&e["pr"]["recall"]));
                close_vec(
                    &ctx("pr.thresholds"),
                    &p.thresholds,
                    &fv(&e["pr"]["thresholds"]),
                );
            }
            _ => panic!("{}: PR defined {:?}", ctx("pr"), pr.is_some()),
        }
        close(
            &ctx("average_precision"),
            ev::average_precision(&y, &s).unwrap(),
            f(&e["average_precision"]),
        );

        let flags: Vec<bool> = s.iter().map(|&v| v >= t).collect();
        let c = ev::Confusion::from_decisions(&y, &flags).unwrap();
        assert_eq!(c, ev::Confusion::at_threshold(&y, &s, t).unwrap());
        let ec = &e["confusion"];
        assert_eq!(
            (c.tp, c.fp, c.tn, c.fn_),
            (
                ec["tp"].as_u64().unwrap(),
                ec["fp"].as_u64().unwrap(),
                ec["tn"].as_u64().unwrap(),
                ec["fn"].as_u64().unwrap()
            ),
            "{name}: confusion"
        );
        close(&ctx("sensitivity"), c.sensitivity(), f(&e["sensitivity"]));
        close(&ctx("specificity"), c.specificity(), f(&e["specificity"]));
        close(&ctx("precision"), c.precision(), f(&e["precision"]));
        close(&ctx("npv"), c.npv(), f(&e["npv"]));
        close(&ctx("f1"), c.f1(), f(&e["f1"]));
        close(&ctx("f2"), c.f_beta(2.0), f(&e["f2"]));
        close(&ctx("f0.5"), c.f_beta(0.5), f(&e["f0_5"]));
        close(&ctx("accuracy"), c.accuracy(), f(&e["accuracy"]));
        close(
            &ctx("balanced_accuracy"),
            c.balanced_accuracy(),
            f(&e["balanced_accuracy"]),
        );
        close(&ctx("mcc"), c.mcc(), f(&e["mcc"]));
        close(&ctx("youden_j"), c.youden_j(), f(&e["youden_j"]));
        close(&ctx("prevalence"), c.prevalence(), f(&e["prevalence"]));
        close(&ctx("fpr"), c.fpr(), f(&e["fpr"]));
        close(&ctx("fdr"), c.fdr(), f(&e["fdr"]));
        close(&ctx("miss_rate"), c.miss_rate(), f(&e["miss_rate"]));

        let ops = &e["operating_points"];
        let at = |rule| {
            ev::operating_point(&y, &s, rule, 1.0)
                .unwrap()
                .map(|p| p.threshold)
        };
        for target in ["0.5", "0.8", "0.9", "1.0"] {
            let tv: f64 = target.parse().unwrap();
            close(
                &ctx(&format!("op sensitivity {target}")),
                at(ev::OperatingRule::TargetSensitivity(tv)),
                f(&ops[format!("sensitivity_{target}")]),
            );
            close(
                &ctx(&format!("op precision {target}")),
                at(ev::OperatingRule::TargetPrecision(tv)),
                f(&ops[format!("precision_{target}")]),
            );
        }
        close(
            &ctx("op youden"),
            at(ev::OperatingRule::Youden),
            f(&ops["youden"]),
        );
        close(&ctx("op f1"), at(ev::OperatingRule::F1), f(&ops["f1"]));

        close(
            &ctx("brier"),
            ev::brier_score(&y, &s).unwrap(),
            f(&e["brier"]),
        );
        let cal = ev::calibration(&y, &s, 10).unwrap();
        check_calibration(&ctx("calibration"), &cal, &e["calibration_10"]);

        let dl = ev::delong(&y, &s).unwrap();
        match (dl, e["delong"].is_null()) {
            (None, true) => {}
            (Some(d), false) => {
                close(
                    &ctx("delong auroc"),
                    Some(d.auroc),
                    f(&e["delong"]["auroc"]),
                );
                close(
                    &ctx("delong variance"),
                    Some(d.variance),
                    f(&e["delong"]["variance"]),
                );
            }
            (d, _) => panic!("{}: {d:?}", ctx("delong")),
        }
    }
}

fn check_calibration(ctx: &str, cal: &ev::Calibration, e: &Value) {
    let counts: Vec<usize> = cal.bins.iter().map(|b| b.n).collect();
    let want: Vec<usize> = e["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(counts, want, "{ctx}: bin counts");
    let true_: Vec<f64> = cal
        .bins
        .iter()
        .filter_map(|b| b.fraction_positive)
        .collect();
    let pred: Vec<f64> = cal.bins.iter().filter_map(|b| b.mean_predicted).collect();
    close_vec(&format!("{ctx}.prob_true"), &true_, &fv(&e["prob_true"]));
    close_vec(&format!("{ctx}.prob_pred"), &pred, &fv(&e["prob_pred"]));
    close(&format!("{ctx}.ece"), cal.ece, f(&e["ece"]));
}

#[test]
fn sklearn_divergences_are_the_documented_ones() {
    // where scikit-learn returns a number for an undefined value, we return None
    let d = data();
    for case in d["classification"].as_array().unwrap() {
        for (k, _) in case["sklearn_divergent"].as_object().unwrap() {
            assert!(
                ["auroc", "average_precision", "mcc", "balanced_accuracy"].contains(&k.as_str()),
                "{k}"
            );
            assert!(case["expected"][k].is_null());
        }
    }
}

#[test]
fn calibration_cases_match_sklearn() {
    let d = data();
    for case in d["calibration"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y = labels(&case["labels"]);
        let s = fv(&case["scores"]);
        let bins = case["bins"].as_u64().unwrap() as usize;
        let cal = ev::calibration(&y, &s, bins).unwrap();
        close(
            &format!("{name}: brier"),
            cal.brier,
            f(&case["expected"]["brier"]),
        );
        check_calibration(name, &cal, &case["expected"]);
    }
}

#[test]
fn paired_delong_matches_bruteforce() {
    let d = data();
    for case in d["paired_delong"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y = labels(&case["labels"]);
        let r = ev::delong_paired(&y, &fv(&case["scores_a"]), &fv(&case["scores_b"]))
            .unwrap()
            .unwrap();
        let e = &case["expected"];
        close(
            &format!("{name}: auroc_a"),
            Some(r.auroc_a),
            f(&e["auroc_a"]),
        );
        close(
            &format!("{name}: auroc_b"),
            Some(r.auroc_b),
            f(&e["auroc_b"]),
        );
        close(
            &format!("{name}: variance_a"),
            Some(r.variance_a),
            f(&e["variance_a"]),
        );
        close(
            &format!("{name}: variance_b"),
            Some(r.variance_b),
            f(&e["variance_b"]),
        );
        close(
            &format!("{name}: covariance"),
            Some(r.covariance),
            f(&e["covariance"]),
        );
        close(
            &format!("{name}: var diff"),
            Some(r.variance_difference),
            f(&e["variance_difference"]),
        );
        close(&format!("{name}: z"), r.z, f(&e["z"]));
        close(&format!("{name}: p"), r.p_value, f(&e["p_value"]));
    }
}

#[test]
fn wilson_matches_scipy() {
    let d = data();
    for case in d["wilson"].as_array().unwrap() {
        let (k, n) = (
            case["successes"].as_u64().unwrap(),
            case["trials"].as_u64().unwrap(),
        );
        let conf = f(&case["confidence"]).unwrap();
        let z = ev::CiOptions::new().with_confidence(conf).z;
        close(&format!("z for {conf}"), Some(z), f(&case["z"]));
        let i = ev::wilson(k, n, z).unwrap();
        close(
            &format!("wilson {k}/{n} @{conf} lo"),
            Some(i.lo),
            f(&case["lo"]),
        );
        close(
            &format!("wilson {k}/{n} @{conf} hi"),
            Some(i.hi),
            f(&case["hi"]),
        );
    }
}

#[test]
fn special_functions_match_scipy() {
    let d = data();
    // references from mpmath (40 digits) rounded to float64; a few ulp of error allowed
    let rel = |ctx: String, got: f64, want: f64, tol: f64| {
        let err = if want == 0.0 {
            got.abs()
        } else {
            ((got - want) / want).abs()
        };
        assert!(
            err <= tol,
            "{ctx}: got {got:e}, want {want:e}, rel err {err:e}"
        );
    };
    for v in d["special"]["erfc"].as_array().unwrap() {
        let x = f(&v["x"]).unwrap();
        rel(
            format!("erfc({x})"),
            ev::special::erfc(x),
            f(&v["erfc"]).unwrap(),
            1e-15,
        );
    }
    for v in d["special"]["erf"].as_array().unwrap() {
        let x = f(&v["x"]).unwrap();
        rel(
            format!("erf({x})"),
            ev::special::erf(x),
            f(&v["erf"]).unwrap(),
            1e-15,
        );
    }
    for v in d["special"]["ndtr"].as_array().unwrap() {
        let x = f(&v["x"]).unwrap();
        rel(
            format!("cdf({x})"),
            ev::special::norm_cdf(x),
            f(&v["cdf"]).unwrap(),
            1e-15,
        );
        rel(
            format!("sf({x})"),
            ev::special::norm_sf(x),
            f(&v["sf"]).unwrap(),
            1e-15,
        );
    }
    for v in d["special"]["ndtri"].as_array().unwrap() {
        let p = f(&v["p"]).unwrap();
        rel(
            format!("ppf({p})"),
            ev::special::norm_ppf(p),
            f(&v["x"]).unwrap(),
            1e-15,
        );
    }
}

#[test]
fn percentile_matches_numpy() {
    let d = data();
    for case in d["percentile"].as_array().unwrap() {
        let data = fv(&case["data"]);
        for (q, want) in fv(&case["q"]).iter().zip(fv(&case["values"])) {
            close(
                &format!("percentile {q} of {} values", data.len()),
                ev::percentile(&data, *q),
                Some(want),
            );
        }
    }
}

#[test]
fn regression_matches_sklearn() {
    let d = data();
    for case in d["regression"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (yt, yp) = (fv(&case["y_true"]), fv(&case["y_pred"]));
        let e = &case["expected"];
        close(
            &format!("{name}: mse"),
            ev::regression::mean_squared_error(&yt, &yp).unwrap(),
            f(&e["mse"]),
        );
        close(
            &format!("{name}: mae"),
            ev::regression::mean_absolute_error(&yt, &yp).unwrap(),
            f(&e["mae"]),
        );
        close(
            &format!("{name}: r2"),
            ev::regression::r2_score(&yt, &yp).unwrap(),
            f(&e["r2"]),
        );
    }
}

#[test]
fn subgroups_match_sklearn_including_an_empty_one() {
    let d = data();
    let c = &d["subgroup"];
    let ok: Vec<bool> = c["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_bool().unwrap())
        .collect();
    let groups: Vec<String> = c["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let (y, s) = (labels(&c["labels"]), fv(&c["scores"]));
    let t = f(&c["threshold"]).unwrap();
    // only ok rows are scored; every group value of the manifest is reported
    let idx: Vec<usize> = (0..y.len()).filter(|&i| ok[i]).collect();
    let keys: Vec<String> = idx.iter().map(|&i| groups[i].clone()).collect();
    let ys: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
    let ss: Vec<f64> = idx.iter().map(|&i| s[i]).collect();
    let flags: Vec<bool> = ss.iter().map(|&v| v >= t).collect();
    let mut all = groups.clone();
    all.sort();
    all.dedup();
    let opts =
        ev::BinaryOptions::new().with_bootstrap(ev::BootstrapOptions::new().with_resamples(200));
    let r = ev::evaluate_subgroups(
        &keys,
        &all,
        ev::Cases::new(&ys, &ss, &flags).unwrap(),
        ev::ScreenerThreshold::given(t),
        Some(0.9),
        &opts,
    )
    .unwrap();
    let e = c["expected"].as_object().unwrap();
    assert_eq!(r.len(), e.len());
    assert_eq!(e["O"]["n"], 0, "the fixture has an empty subgroup");
    for (g, want) in e {
        let got = &r[g];
        assert_eq!(got.n as u64, want["n"].as_u64().unwrap(), "{g}: n");
        for (k, est) in [
            ("sensitivity", &got.sensitivity),
            ("specificity", &got.specificity),
            ("precision", &got.precision),
            ("npv", &got.npv),
            ("f1", &got.f1),
            ("accuracy", &got.accuracy),
            ("auroc", &got.auroc),
            ("average_precision", &got.average_precision),
        ] {
            close(&format!("subgroup {g}: {k}"), est.value, f(&want[k]));
            if let (Some(v), Some(ci)) = (est.value, est.ci) {
                assert!(
                    ci.lo <= v && v <= ci.hi,
                    "subgroup {g}: {k} interval {ci:?} excludes {v}"
                );
            }
        }
    }
}

#[test]
fn froc_interpolation_matches_numpy_interp() {
    let d = data();
    for case in d["froc"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let n_images = case["n_images"].as_u64().unwrap() as usize;
        let n_truth = case["n_truth"].as_u64().unwrap() as usize;
        let cands = case["candidates"].as_array().unwrap();
        let scores: Vec<f64> = cands.iter().map(|c| f(&c["score"]).unwrap()).collect();
        let tp: Vec<Option<bool>> = cands.iter().map(|c| c["true_positive"].as_bool()).collect();
        let froc = ev::Froc::from_outcomes(&scores, &tp, n_images, n_truth)
            .unwrap()
            .unwrap();
        let e = &case["expected"];
        let xs: Vec<f64> = froc.points.iter().map(|p| p.fp_per_image).collect();
        let ys: Vec<f64> = froc.points.iter().map(|p| p.sensitivity).collect();
        close_vec(
            &format!("{name}: fp_per_image"),
            &xs,
            &fv(&e["fp_per_image"]),
        );
        close_vec(&format!("{name}: sensitivity"), &ys, &fv(&e["sensitivity"]));
        let rates = fv(&e["rates"]);
        let at: Vec<f64> = rates.iter().map(|&r| froc.sensitivity_at(r)).collect();
        close_vec(&format!("{name}: at rates"), &at, &fv(&e["at_rates"]));
        close(
            &format!("{name}: mean"),
            froc.mean_sensitivity(&rates),
            f(&e["mean_sensitivity"]),
        );
    }
}
