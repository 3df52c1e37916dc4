//! End-to-end: generate, read back with radscreen-dicom, same seed same bytes, bad options.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use radscreen_dicom::DicomImage;
use radscreen_synth::{Modality, Subgroup, Syntax, SynthOptions, generate};

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn same_seed_same_bytes_and_readable() {
    let opts = SynthOptions::new()
        .with_count(30)
        .with_seed(11)
        .with_size(64)
        .with_syntax(Syntax::Mixed);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let s = generate(a.path(), &opts).unwrap();
    assert_eq!(s.images, 30);
    generate(b.path(), &opts).unwrap();
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa.len(), 32, "30 images + 2 CSVs");
    assert_eq!(fa, fb);
    let other = tempfile::tempdir().unwrap();
    generate(other.path(), &opts.clone().with_seed(12)).unwrap();
    assert_ne!(files(other.path()), fa);
    let manifest = fs::read_to_string(a.path().join("manifest.csv")).unwrap();
    assert!(manifest.starts_with("path,frame,modality,tumor,fracture,sex,age,manufacturer,split"));
    for line in manifest.lines().skip(1) {
        let path = line.split(',').next().unwrap();
        let img = DicomImage::open(a.path().join(path)).unwrap();
        let st = img.stored(0).unwrap();
        let _ = st;
        let m = img.modality(0).unwrap();
        assert_eq!(m.shape(), &[64, 64, 1]);
        if line.contains(",CT,") {
            let lo = m.iter().cloned().fold(f32::MAX, f32::min);
            let hi = m.iter().cloned().fold(f32::MIN, f32::max);
            assert!(lo >= -1024.0 && hi > 200.0, "{path}: HU {lo}..{hi}");
        }
    }
}

#[test]
fn splits_are_per_patient() {
    let d = tempfile::tempdir().unwrap();
    generate(
        d.path(),
        &SynthOptions::new()
            .with_count(80)
            .with_seed(3)
            .with_size(32),
    )
    .unwrap();
    let manifest = fs::read_to_string(d.path().join("manifest.csv")).unwrap();
    let mut split: BTreeMap<String, String> = BTreeMap::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let patient = cols[0].split('/').next().unwrap().to_string();
        let s = cols[8].to_string();
        assert_eq!(split.entry(patient).or_insert_with(|| s.clone()), &s);
    }
    assert!(split.len() > 10);
}

#[test]
fn harder_subgroup_is_noisier() {
    let d = tempfile::tempdir().unwrap();
    let o = SynthOptions::new()
        .with_count(60)
        .with_seed(5)
        .with_size(32)
        .with_modalities(vec![Modality::Ct])
        .with_harder(Some(Subgroup::Sex("F".into())))
        .with_harder_noise(3.0);
    generate(d.path(), &o).unwrap();
    let manifest = fs::read_to_string(d.path().join("manifest.csv")).unwrap();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let noise: f32 = cols[13].parse().unwrap();
        if cols[5] == "F" {
            assert!(noise >= 25.0, "{line}");
        } else {
            assert!(noise < 15.0, "{line}");
        }
    }
}

#[test]
fn bad_options_are_errors_not_panics() {
    let d = tempfile::tempdir().unwrap();
    let bad = [
        SynthOptions::new().with_size(0),
        SynthOptions::new().with_size(100_000),
        SynthOptions::new().with_modalities(vec![]),
        SynthOptions::new().with_dose(f32::NAN),
        SynthOptions::new().with_dose(0.0),
        SynthOptions::new().with_tumor_rate(2.0),
        SynthOptions::new().with_lesion_size_mm((40.0, 3.0)),
        SynthOptions::new().with_lesion_contrast_hu((f32::INFINITY, 1.0)),
        SynthOptions::new().with_slices((0, 0)),
        SynthOptions::new().with_age_range((90, 18)),
        SynthOptions::new().with_split((0.9, 0.9)),
        SynthOptions::new().with_uid_root(Some("1.02.x".into())),
        SynthOptions::new().with_scanners(vec![]),
        SynthOptions::new().with_count(usize::MAX),
    ];
    for o in bad {
        assert!(generate(d.path(), &o).is_err(), "{o:?}");
    }
    assert!(Modality::parse_list("ct,pet").is_err());
    assert!("mpeg2".parse::<Syntax>().is_err());
    assert!("weight=3".parse::<Subgroup>().is_err());
    // zero images is fine: empty CSVs
    generate(d.path(), &SynthOptions::new().with_count(0)).unwrap();
}

/// The committed sample-data/ is exactly what its README's command produces.
#[test]
fn sample_data_regenerates_byte_for_byte() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data");
    if !committed.join("manifest.csv").exists() {
        eprintln!("sample-data/ not present; skipping");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    generate(d.path(), &radscreen_synth::sample_data_options()).unwrap();
    let fresh = files(d.path());
    let mut old = files(&committed);
    old.retain(|p, _| {
        !p.starts_with("broken") && p.extension().is_some_and(|e| e == "dcm" || e == "csv")
    });
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (p, bytes) in &fresh {
        assert!(
            old[p] == *bytes,
            "{} differs from the committed file",
            p.display()
        );
    }
}

/// `--ground-glass 0` draws lung nodules as soft tissue replacing the lung; 1 (the default) as
/// density added to it, as every earlier set has them; nothing else in the sets differs.
#[test]
fn lung_nodules_are_solid_or_ground_glass() {
    use radscreen_synth::{plan, render};
    let base = SynthOptions::new()
        .with_count(240)
        .with_seed(21)
        .with_size(256)
        .with_modalities(vec![Modality::Ct])
        .with_tumor_rate(1.0)
        .with_lesion_size_mm((12.0, 30.0));
    let (mut solid, mut glass, mut glass_in_lung) = (0, 0, 0);
    for rate in [0.0f32, 0.5, 1.0] {
        let o = base.clone().with_ground_glass_rate(rate);
        let p = plan(&o).unwrap();
        let p1 = plan(&base).unwrap();
        let mut kinds = BTreeMap::new();
        for (s, s1) in p.series.iter().zip(&p1.series) {
            for k in 0..s.images {
                let ((img, lesions), (img1, _)) = (render(&o, s, k), render(&base, s1, k));
                let Some(l) = lesions.iter().find(|l| l.detail.starts_with("lung;")) else {
                    // every image without a lung nodule is the default's, byte for byte
                    assert_eq!(img.px, img1.px, "series {} image {k}", s.index);
                    continue;
                };
                if l.radius_px < 4.0 {
                    // a section near the sphere's pole: all soft edge and blur
                    continue;
                }
                let (r, c) = (l.row.round() as usize, l.col.round() as usize);
                let mut centre = 0.0;
                for (dr, dc) in [(0, 0), (0, 1), (1, 0), (0, usize::MAX), (usize::MAX, 0)] {
                    centre += img.get(r.wrapping_add(dr), c.wrapping_add(dc)) / 5.0;
                }
                let kind = l.detail.rsplit(';').next().unwrap().to_string();
                match kind.as_str() {
                    "solid" => {
                        solid += 1;
                        assert!(
                            (-80.0..160.0).contains(&centre),
                            "{}: {centre} HU",
                            l.detail
                        );
                        assert!(l.contrast > 700.0, "{}", l.contrast);
                        // in the lung, not on the heart: most of a ring round it is aerated
                        let around = (0..16)
                            .filter(|i| {
                                let a = *i as f32 * std::f32::consts::TAU / 16.0;
                                let rr = 1.4 * l.radius_px + 2.0;
                                let (y, x) = (l.row + rr * a.sin(), l.col + rr * a.cos());
                                (0.0..255.0).contains(&y)
                                    && (0.0..255.0).contains(&x)
                                    && img.get(y as usize, x as usize) < -500.0
                            })
                            .count();
                        // (on the heart, before 2026-12-07: 2 to 5 of 16; a lung edge or a
                        // vessel takes a few)
                        assert!(
                            around >= 6,
                            "{}: {around} of 16 around it aerated",
                            l.detail
                        );
                    }
                    "hyper" => {
                        // lung plus at most 200 HU, unless it overlies a vessel or the wall
                        glass += 1;
                        glass_in_lung += usize::from(centre < -500.0);
                    }
                    other => panic!("lung nodule drawn as {other}"),
                }
                *kinds.entry(kind).or_insert(0) += 1;
            }
        }
        let (s, g) = (kinds.get("solid"), kinds.get("hyper"));
        match rate {
            0.0 => assert!(s.is_some() && g.is_none(), "{kinds:?}"),
            1.0 => assert!(s.is_none() && g.is_some(), "{kinds:?}"),
            _ => assert!(s.is_some() && g.is_some(), "{kinds:?}"),
        }
    }
    assert!(
        solid > 10 && glass > 10,
        "{solid} solid, {glass} ground glass"
    );
    assert!(
        4 * glass_in_lung >= 3 * glass,
        "{glass_in_lung} of {glass} read as lung"
    );
    assert!(generate(Path::new("/nonexistent"), &base.with_ground_glass_rate(1.5)).is_err());
}

/// A rib fracture leaves a gap in the image even when nothing is displaced: the tissue under the
/// rib shows at the break, where the unbroken rib has bone (cortex 800 HU, marrow 260 HU).
#[test]
fn an_undisplaced_rib_fracture_shows_its_gap() {
    use radscreen_synth::{plan, render};
    let o = SynthOptions::new()
        .with_count(160)
        .with_seed(23)
        .with_size(512)
        .with_modalities(vec![Modality::Ct])
        .with_tumor_rate(0.0)
        .with_fracture_rate(1.0)
        .with_slices((1, 1));
    let p = plan(&o).unwrap();
    let o128 = o.clone().with_size(128);
    let p128 = plan(&o128).unwrap();
    let (mut seen, mut open128) = (0, 0);
    for s in &p.series {
        let (img, lesions) = render(&o, s, 0);
        let (small, _) = render(&o128, &p128.series[s.index], 0);
        for l in lesions.iter().filter(|l| l.detail.starts_with("rib;")) {
            if !l.detail.ends_with("displaced 0.0mm") {
                continue;
            }
            // the lowest value in the 3 x 3 pixels round the break's centre
            let (r, c) = (l.row.round() as usize, l.col.round() as usize);
            let at512 = (0..9)
                .map(|i| img.get(r + i / 3 - 1, c + i % 3 - 1))
                .fold(f32::MAX, f32::min);
            assert!(at512 < 150.0, "{}: {at512} HU at the break", l.detail);
            // the same break on a 128-pixel image (2-3 mm pixels, as sample-data's): a gap of
            // 0.8 mm is a third of a pixel there, so it is drawn at least 1.2 pixels wide; open
            // = under anything an intact rib reads (its marrow, 260 HU), the chest wall's muscle
            // (50 HU) blurred with the cortex either side
            let (r, c) = ((l.row / 4.0).round(), (l.col / 4.0).round());
            open128 += usize::from(small.get(r as usize, c as usize) < 250.0);
            seen += 1;
        }
    }
    assert!(seen >= 10, "only {seen} undisplaced rib fractures");
    // (without the 1.2-pixel floor about half; the rest sit off the rounded centre)
    assert!(
        100 * open128 >= 85 * seen,
        "{open128} of {seen} breaks open at 128 px"
    );
}

/// The ribs lie in the chest wall round the lungs: along every ray from the body's centre that
/// meets both, rib bone comes after the last aerated lung. (Until 2026-12-07 the lungs were
/// drawn from the body's size alone and the ribs on an ellipse inside them, so rib segments lay
/// in the lung fields, where a solid nodule is drawn, and the lungs reached into the fat.)
#[test]
fn the_ribs_enclose_the_lungs() {
    use radscreen_synth::{Phantom, Region, plan, render};
    let o = SynthOptions::new()
        .with_count(120)
        .with_seed(31)
        .with_size(256)
        .with_modalities(vec![Modality::Ct])
        .with_tumor_rate(0.0)
        .with_fracture_rate(0.0)
        .with_slices((1, 3));
    let p = plan(&o).unwrap();
    let mut chests = 0;
    for s in &p.series {
        let Phantom::Ct(ct) = &s.phantom else {
            continue;
        };
        if ct.region != Region::Chest {
            continue;
        }
        chests += 1;
        for k in [0, s.images - 1] {
            let (img, _) = render(&o, s, k);
            let n = img.rows;
            // aerated lung: all of the 3 x 3 pixels round (r, c) in its range, so that neither
            // noise in the air nor the blurred edge between fat and air reads as lung
            let lung = |r: usize, c: usize| {
                (0..9).all(|i| (-950.0..-750.0).contains(&img.get(r + i / 3 - 1, c + i % 3 - 1)))
            };
            for step in 0..720 {
                let a = step as f32 * std::f32::consts::PI / 360.0;
                let (mut last_lung, mut first_bone) = (None, None);
                let mut t = 0.0f32;
                while t < n as f32 / 2.0 - 2.0 {
                    let r = (n as f32 / 2.0 + t * a.sin()).round() as usize;
                    let c = (n as f32 / 2.0 + t * a.cos()).round() as usize;
                    if lung(r, c) {
                        last_lung = Some(t);
                    }
                    if img.get(r, c) > 400.0 && first_bone.is_none() {
                        first_bone = Some(t);
                    }
                    t += 0.5;
                }
                if let (Some(lung), Some(bone)) = (last_lung, first_bone) {
                    assert!(
                        bone > lung,
                        "series {} slice {k}: bone at {bone} px before lung at {lung} px (ray {step})",
                        s.index
                    );
                }
            }
        }
    }
    assert!(chests >= 10, "only {chests} chest series");
}
