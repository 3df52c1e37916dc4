//! `compare_files` (`radscreen eval --baseline`): two screeners on the same images, AUROC by
//! counting pairs here, DeLong's paired p-value as `delong_paired` gives it on the rows the
//! test joins itself.

use std::path::{Path, PathBuf};

use radscreen_eval as ev;

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("radscreen-eval-compare")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A small deterministic score in [0, 1) from two integers.
fn noise(i: u32, k: u32) -> f64 {
    let h = (i.wrapping_mul(2_654_435_761) ^ k.wrapping_mul(40_503)).wrapping_mul(2_246_822_519);
    f64::from(h >> 8) / f64::from(1u32 << 24)
}

const MODALITIES: [&str; 4] = ["CT", "MR", "CR", "DX"];

struct Case {
    path: String,
    tumor: bool,
    modality: &'static str,
    split: &'static str,
    a: Option<f64>,
    b: Option<f64>,
}

/// 80 images; the candidate separates tumours better than the baseline. Image 7 is missing from
/// the candidate's findings.csv and image 11 failed in the baseline's.
fn cases() -> Vec<Case> {
    (0..80u32)
        .map(|i| {
            let tumor = i % 3 == 0;
            let t = f64::from(u8::from(tumor));
            Case {
                path: format!("img{i:03}.dcm"),
                tumor,
                modality: MODALITIES[(i % 4) as usize],
                split: if i % 5 == 0 { "val" } else { "test" },
                a: (i != 11).then(|| 0.2 * t + 0.8 * noise(i, 1)),
                b: (i != 7).then(|| 0.5 * t + 0.5 * noise(i, 2)),
            }
        })
        .collect()
}

fn write(d: &Path, cases: &[Case]) -> (PathBuf, PathBuf, PathBuf) {
    let mut manifest = String::from("path,frame,modality,tumor,fracture,split\n");
    let head = "path,frame,status,error_kind,score_tumor,score_fracture,flag_tumor,flag_fracture\n";
    let (mut a, mut b) = (String::from(head), String::from(head));
    for (i, c) in cases.iter().enumerate() {
        let fracture = u8::from(i % 4 == 1);
        manifest += &format!(
            "{},0,{},{},{fracture},{}\n",
            c.path,
            c.modality,
            u8::from(c.tumor),
            c.split
        );
        let line = |s: Option<f64>| match s {
            Some(s) => format!("{},0,ok,,{s},{},0,0\n", c.path, noise(i as u32, 9)),
            None => format!("{},0,error,decode,,,,\n", c.path),
        };
        a += &line(c.a);
        if c.b.is_some() {
            b += &line(c.b);
        }
    }
    let paths = (d.join("manifest.csv"), d.join("a.csv"), d.join("b.csv"));
    std::fs::write(&paths.0, manifest).unwrap();
    std::fs::write(&paths.1, a).unwrap();
    std::fs::write(&paths.2, b).unwrap();
    paths
}

/// AUROC by counting every positive-negative pair (ties count a half).
fn auroc_by_pairs(labels: &[bool], scores: &[f64]) -> f64 {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (i, &li) in labels.iter().enumerate() {
        for (j, &lj) in labels.iter().enumerate() {
            if li && !lj {
                pairs += 1.0;
                wins += match scores[i].partial_cmp(&scores[j]).unwrap() {
                    std::cmp::Ordering::Greater => 1.0,
                    std::cmp::Ordering::Equal => 0.5,
                    std::cmp::Ordering::Less => 0.0,
                };
            }
        }
    }
    wins / pairs
}

fn row<'a>(c: &'a ev::Comparison, finding: &str, column: &str, value: &str) -> &'a ev::PairedAuroc {
    c.rows
        .iter()
        .find(|r| r.finding == finding && r.column == column && r.value == value)
        .unwrap_or_else(|| panic!("no row {finding} {column} {value}: {:?}", c.rows))
}

#[test]
fn paired_aurocs_over_images_both_scored_per_subgroup() {
    let d = dir("paired");
    let cases = cases();
    let (manifest, a, b) = write(&d, &cases);
    let opts = ev::EvalOptions::new().with_subgroup_columns(["modality"]);
    let c = ev::compare_files(&a, &b, &manifest, &opts).unwrap();
    assert_eq!((c.compared, c.left_out), (78, 2));
    let both: Vec<&Case> = cases
        .iter()
        .filter(|c| c.a.is_some() && c.b.is_some())
        .collect();
    let check = |r: &ev::PairedAuroc, sel: &dyn Fn(&Case) -> bool| {
        let picked: Vec<&&Case> = both.iter().filter(|c| sel(c)).collect();
        let labels: Vec<bool> = picked.iter().map(|c| c.tumor).collect();
        let sa: Vec<f64> = picked.iter().map(|c| c.a.unwrap()).collect();
        let sb: Vec<f64> = picked.iter().map(|c| c.b.unwrap()).collect();
        assert_eq!(r.n, labels.len(), "{r:?}");
        assert_eq!(r.positives, labels.iter().filter(|&&l| l).count());
        let close = |x: Option<f64>, y: f64| (x.unwrap() - y).abs() < 1e-12;
        assert!(
            close(r.auroc_baseline, auroc_by_pairs(&labels, &sa)),
            "{r:?}"
        );
        assert!(
            close(r.auroc_candidate, auroc_by_pairs(&labels, &sb)),
            "{r:?}"
        );
        let d = ev::delong_paired(&labels, &sa, &sb).unwrap().unwrap();
        assert_eq!(r.p_value, d.p_value, "{r:?}");
        // z is candidate minus baseline
        assert_eq!(r.z, d.z.map(|z| -z), "{r:?}");
    };
    let all = row(&c, "tumor", "all", "all");
    check(all, &|_| true);
    assert!(all.auroc_candidate > all.auroc_baseline && all.z.unwrap() > 0.0);
    assert!(all.p_value.unwrap() < 0.05, "{all:?}");
    for m in MODALITIES {
        check(row(&c, "tumor", "modality", m), &|c| c.modality == m);
    }
    // CR and DX pooled as radiographs, as the screener's thresholds are
    check(row(&c, "tumor", ev::MODALITY_GROUP, "radiographs"), &|c| {
        matches!(c.modality, "CR" | "DX")
    });
    check(row(&c, "tumor", ev::MODALITY_GROUP, "CT"), &|c| {
        c.modality == "CT"
    });
    // swapped, the same p and the opposite z
    let s = ev::compare_files(&b, &a, &manifest, &opts).unwrap();
    let sw = row(&s, "tumor", "all", "all");
    assert_eq!(sw.p_value, all.p_value);
    assert_eq!(sw.z.map(|z| -z), all.z);
    // the split filter
    let v = ev::compare_files(&a, &b, &manifest, &opts.clone().with_split("val")).unwrap();
    check(row(&v, "tumor", "all", "all"), &|c| c.split == "val");
    // written files
    let out = d.join("out");
    let (_, written) = ev::compare_and_write(&a, &b, &manifest, &out, &opts).unwrap();
    assert_eq!(
        written,
        vec![out.join("compare.json"), out.join("compare.md")]
    );
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    assert!(
        md.contains("| tumor | modality group radiographs |"),
        "{md}"
    );
}

/// With findings.csv's `series_key`, each row also carries the series count and the p-value
/// of the bootstrap that resamples series; without the column, neither.
#[test]
fn series_keys_give_a_series_resampled_p_value() {
    let d = dir("series");
    let cases = cases();
    let (manifest, a, b) = write(&d, &cases);
    let opts = ev::EvalOptions::new().with_subgroup_columns(["modality"]);
    let plain = ev::compare_files(&a, &b, &manifest, &opts).unwrap();
    let r = row(&plain, "tumor", "all", "all");
    assert_eq!((r.series, r.p_value_series), (None, None));
    // four consecutive images per series, as slices of one scan
    for f in [&a, &b] {
        let text = std::fs::read_to_string(f).unwrap();
        let mut lines = text.lines();
        let mut out = format!("{},series_key\n", lines.next().unwrap());
        for l in lines {
            let i: u32 = l[3..6].parse().unwrap();
            out += &format!("{l},s{}\n", i / 4);
        }
        std::fs::write(f, out).unwrap();
    }
    let c = ev::compare_files(&a, &b, &manifest, &opts).unwrap();
    let r = row(&c, "tumor", "all", "all");
    assert_eq!(r.series, Some(20), "{r:?}");
    let both: Vec<&Case> = cases
        .iter()
        .filter(|c| c.a.is_some() && c.b.is_some())
        .collect();
    let labels: Vec<bool> = both.iter().map(|c| c.tumor).collect();
    let sa: Vec<f64> = both.iter().map(|c| c.a.unwrap()).collect();
    let sb: Vec<f64> = both.iter().map(|c| c.b.unwrap()).collect();
    let mut ids: Vec<u32> = both
        .iter()
        .map(|c| c.path[3..6].parse::<u32>().unwrap() / 4)
        .collect();
    // series indices in order of first appearance, as compare numbers them
    let mut seen = Vec::new();
    for id in &mut ids {
        let k = seen.iter().position(|s| s == id).unwrap_or_else(|| {
            seen.push(*id);
            seen.len() - 1
        });
        *id = k as u32;
    }
    let clusters: Vec<usize> = ids.iter().map(|&k| k as usize).collect();
    let bo = ev::BootstrapOptions::new()
        .with_resamples(2000)
        .with_seed(0);
    let want = ev::cluster_bootstrap_p(&labels, &sa, &sb, &clusters, &bo).unwrap();
    assert_eq!(r.p_value_series, want, "{r:?}");
    assert!(want.unwrap() > 0.0 && want.unwrap() <= 1.0);
    let md = ev::render_comparison(&c);
    assert!(md.contains("| p (series) |"), "{md}");
}

#[test]
fn a_finding_missing_from_an_input_is_an_error_naming_it() {
    let d = dir("missing");
    let (manifest, a, b) = write(&d, &cases());
    let opts = ev::EvalOptions::new()
        .with_findings(["tumor", "nodule"])
        .with_subgroup_columns(["modality"]);
    let e = ev::compare_files(&a, &b, &manifest, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("score_nodule") && e.contains("a.csv"), "{e}");
}
