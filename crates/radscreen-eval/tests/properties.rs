//! Property tests of invariants. Positive class: label `true` = finding present.

use proptest::prelude::*;
use radscreen_eval as ev;

/// Labels with at least one of each class, and scores (with ties: a coarse grid).
fn labelled_scores() -> impl Strategy<Value = (Vec<bool>, Vec<f64>)> {
    (2usize..120)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(any::<bool>(), n),
                proptest::collection::vec(0u32..=20, n),
            )
        })
        .prop_filter("both classes", |(y, _)| {
            y.iter().any(|&b| b) && y.iter().any(|&b| !b)
        })
        .prop_map(|(y, s)| (y, s.into_iter().map(|v| f64::from(v) / 20.0).collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn reversing_scores_gives_one_minus_auroc((y, s) in labelled_scores()) {
        let a = ev::roc_auc(&y, &s).unwrap().unwrap();
        let reversed: Vec<f64> = s.iter().map(|v| 1.0 - v).collect();
        let b = ev::roc_auc(&y, &reversed).unwrap().unwrap();
        prop_assert!((a + b - 1.0).abs() < 1e-12, "{a} + {b}");
        let negated: Vec<f64> = s.iter().map(|v| -v).collect();
        let c = ev::roc_auc(&y, &negated).unwrap().unwrap();
        prop_assert!((a + c - 1.0).abs() < 1e-12);
    }

    #[test]
    fn perfect_ranker_has_auroc_and_ap_one((y, s) in labelled_scores()) {
        // every positive above every negative; ties within a class are fine
        let perfect: Vec<f64> = y.iter().zip(&s).map(|(&l, &v)| if l { 0.6 + 0.4 * v } else { 0.5 * v }).collect();
        prop_assert_eq!(ev::roc_auc(&y, &perfect).unwrap(), Some(1.0));
        prop_assert_eq!(ev::average_precision(&y, &perfect).unwrap(), Some(1.0));
    }

    #[test]
    fn auroc_equals_the_mann_whitney_probability((y, s) in labelled_scores()) {
        let a = ev::roc_auc(&y, &s).unwrap().unwrap();
        let (mut wins, mut pairs) = (0.0, 0.0);
        for (i, &yi) in y.iter().enumerate() {
            for (j, &yj) in y.iter().enumerate() {
                if yi && !yj {
                    pairs += 1.0;
                    wins += if s[i] > s[j] { 1.0 } else if s[i] == s[j] { 0.5 } else { 0.0 };
                }
            }
        }
        prop_assert!((a - wins / pairs).abs() < 1e-12);
        if let Some(d) = ev::delong(&y, &s).unwrap() {
            prop_assert!((d.auroc - a).abs() < 1e-12);
            prop_assert!(d.variance >= 0.0);
        }
        let ap = ev::average_precision(&y, &s).unwrap().unwrap();
        prop_assert!((0.0..=1.0).contains(&ap));
    }

    #[test]
    fn sensitivity_plus_miss_rate_is_one(tp in 0u64..10_000, fn_ in 0u64..10_000, fp in 0u64..100, tn in 0u64..100) {
        let c = ev::Confusion { tp, fp, tn, fn_ };
        match (c.sensitivity(), c.miss_rate()) {
            (Some(s), Some(m)) => prop_assert!((s + m - 1.0).abs() < 1e-12),
            (None, None) => prop_assert_eq!(tp + fn_, 0),
            other => prop_assert!(false, "{:?}", other),
        }
        match (c.specificity(), c.fpr()) {
            (Some(s), Some(f)) => prop_assert!((s + f - 1.0).abs() < 1e-12),
            (None, None) => prop_assert_eq!(tn + fp, 0),
            other => prop_assert!(false, "{:?}", other),
        }
        for v in [c.f1(), c.accuracy(), c.precision(), c.npv(), c.balanced_accuracy()].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&v));
        }
        if let Some(m) = c.mcc() {
            prop_assert!((-1.0 - 1e-12..=1.0 + 1e-12).contains(&m));
        }
    }

    #[test]
    fn wilson_contains_the_estimate_within_unit_interval(n in 1u64..100_000, frac in 0.0f64..=1.0, z in 0.05f64..6.0) {
        let k = ((n as f64) * frac).floor() as u64;
        let i = ev::wilson(k, n, z).unwrap();
        let p = k as f64 / n as f64;
        prop_assert!(0.0 <= i.lo && i.lo <= p && p <= i.hi && i.hi <= 1.0, "{:?} vs {}", i, p);
    }

    #[test]
    fn target_sensitivity_is_met((y, s) in labelled_scores(), target in 0.0f64..=1.0) {
        let p = ev::operating_point(&y, &s, ev::OperatingRule::TargetSensitivity(target), 1.0).unwrap().unwrap();
        prop_assert!(p.metrics.sensitivity.unwrap() >= target);
        prop_assert_eq!(p.confusion, ev::Confusion::at_threshold(&y, &s, p.threshold).unwrap());
    }

    #[test]
    fn csv_readers_never_panic(text in "[a-z0-9,.\\n\"_ -]{0,300}") {
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("prop_csv");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("f{}.csv", std::process::id()));
        for header in ["path,frame,status,score_tumor,flag_tumor\n", "path,frame,tumor,age\n", "path,frame,finding,row,col,radius_px,score\n", ""] {
            std::fs::write(&file, format!("{header}{text}")).unwrap();
            let _ = ev::io::read_predictions(&file, &["tumor".to_string()]);
            let _ = ev::io::read_manifest(&file, &["tumor".to_string()], &[]);
            let _ = ev::io::read_truth_lesions(&file);
            let _ = ev::io::read_predicted_lesions(&file);
        }
    }
}
