//! The shipped model loads and scores sample-data as docs/model-card.md says, on burn's CPU
//! backend (flex) and on radscreen's native CPU path (the card's sample-data table, `CARD`).
//! Counts may move by one where a score sits within float noise of a threshold.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;

use radscreen::model::{DeviceOptions, DevicePreference, Precision};
use radscreen::screen::{PseudonymKey, ScreenOptions, Screener, Status, walk};

/// The shipped model's config.json id.
const SHIPPED_ID: &str = "radscreen-v3.1";

/// The card's sample-data counts (TP, FP, TN, FN) and AUROC per finding.
const CARD: [(&str, [u32; 4], f64); 2] = [
    ("tumor", [14, 43, 35, 4], 0.650),
    ("fracture", [4, 2, 74, 16], 0.564),
];

/// On flex (burn's CPU kernels) and on radscreen's native CPU path (what `--device cpu` and
/// `auto` without a GPU run): the card's numbers on both.
#[test]
fn shipped_model_scores_sample_data_as_the_card_says() {
    for pref in [DevicePreference::Cpu, DevicePreference::Flex] {
        card_numbers_hold(pref);
    }
}

fn card_numbers_hold(pref: DevicePreference) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let screener = Screener::new(
        ScreenOptions::new()
            .with_device(DeviceOptions::new(pref))
            .with_key(PseudonymKey::generate().unwrap()),
    )
    .expect("shipped model loads");
    let path = screener.model().inference_path();
    let native = pref == DevicePreference::Cpu;
    assert_eq!(
        path == "radscreen-native-cpu",
        native,
        "{pref:?} ran {path}"
    );
    assert_eq!(screener.model().config().id, SHIPPED_ID);
    let (files, _) = walk(&root, None).unwrap();
    let mut scored: HashMap<(String, u32), (Vec<f32>, Vec<bool>)> = HashMap::new();
    screener
        .screen_files(&root, &files, &mut |res| {
            for r in res.rows {
                if r.status == Status::Ok {
                    let s = r.scores.iter().map(|s| s.unwrap()).collect();
                    let f = r.flags.iter().map(|f| f.unwrap()).collect();
                    scored.insert((r.path.clone(), r.frame), (s, f));
                }
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(scored.len(), 96);
    let mut truth = csv::Reader::from_path(root.join("manifest.csv")).unwrap();
    let head = truth.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (cp, cf) = (col("path"), col("frame"));
    let findings = screener.findings().to_vec();
    let mut labels: Vec<Vec<bool>> = vec![vec![]; findings.len()];
    let mut scores: Vec<Vec<f64>> = vec![vec![]; findings.len()];
    let mut counts = vec![[0u32; 4]; findings.len()]; // tp fp tn fn
    for rec in truth.records() {
        let rec = rec.unwrap();
        let key = (rec[cp].to_string(), rec[cf].parse().unwrap());
        let (s, f) = &scored[&key];
        for (i, name) in findings.iter().enumerate() {
            let y = &rec[col(name)] == "1";
            labels[i].push(y);
            scores[i].push(s[i] as f64);
            let k = match (y, f[i]) {
                (true, true) => 0,
                (false, true) => 1,
                (false, false) => 2,
                (true, false) => 3,
            };
            counts[i][k] += 1;
        }
    }
    for (i, name) in findings.iter().enumerate() {
        let (_, want, auroc) = CARD.iter().find(|c| c.0 == name).unwrap();
        let got = radscreen::eval::roc_auc(&labels[i], &scores[i])
            .unwrap()
            .unwrap();
        eprintln!(
            "{pref:?} {name}: tp/fp/tn/fn {:?}, AUROC {got:.3}",
            counts[i]
        );
        assert!(
            (got - auroc).abs() < 0.01,
            "{pref:?} {name}: AUROC {got} vs the card's {auroc}"
        );
        for (got, want_k) in counts[i].iter().zip(want) {
            assert!(
                got.abs_diff(*want_k) <= 1,
                "{pref:?} {name}: {:?} vs the card's {want:?}",
                counts[i]
            );
        }
    }
}

/// Scores per (path, frame).
type Scores = HashMap<(String, u32), Vec<f32>>;

/// The backend used and the scores from screening `files` on `pref` (software adapters allowed).
fn screen_scores(
    pref: DevicePreference,
    root: &Path,
    files: &[String],
) -> Option<(String, Scores)> {
    let opts = ScreenOptions::new()
        // f32 throughout: f16 has a test of its own (tests/precision.rs)
        .with_device(
            DeviceOptions::new(pref)
                .with_allow_software(true)
                .with_precision(Precision::F32),
        )
        .with_batch_size(4)
        .with_key(PseudonymKey::generate().ok()?);
    let screener = Screener::new(opts).ok()?;
    let backend = format!("{:?}", screener.device().backend);
    let mut out = HashMap::new();
    screener
        .screen_files(root, files, &mut |res| {
            for r in res.rows.into_iter().filter(|r| r.status == Status::Ok) {
                let s = r.scores.iter().map(|s| s.unwrap()).collect();
                out.insert((r.path, r.frame), s);
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    Some((backend, out))
}

/// Screening keeps two batches in flight on two threads; on a GPU backend (lavapipe in CI) that
/// must give the CPU backend's scores. Without any wgpu adapter, `auto` must fall back to the CPU.
#[test]
fn screening_on_wgpu_matches_flex() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let (files, _) = walk(&root, None).unwrap();
    let files = &files[..files.len().min(24)];
    let (_, cpu) = screen_scores(DevicePreference::Flex, &root, files).expect("flex");
    let Some((backend, gpu)) = screen_scores(DevicePreference::Wgpu, &root, files) else {
        assert!(
            std::env::var_os("RADSCREEN_REQUIRE_WGPU").is_none(),
            "RADSCREEN_REQUIRE_WGPU is set but no wgpu adapter was found"
        );
        let (backend, _) = screen_scores(DevicePreference::Auto, &root, &files[..1]).unwrap();
        assert!(
            backend.to_lowercase().contains("flex"),
            "auto fell back to {backend}"
        );
        return;
    };
    eprintln!("screened {} images on {backend}", gpu.len());
    assert!(
        gpu.len() >= 16,
        "too few images to exercise two batches in flight"
    );
    assert_eq!(cpu.len(), gpu.len());
    let mut worst = 0.0f32;
    for (k, s) in &cpu {
        for (a, b) in s.iter().zip(&gpu[k]) {
            worst = worst.max((a - b).abs());
        }
    }
    eprintln!("flex vs {backend} in screening: max abs difference {worst:e}");
    assert!(worst <= 1e-4, "flex vs {backend} differ by {worst}");
}
