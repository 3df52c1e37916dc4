//! Screening with a spacing model (config.json's `preprocess.spacing`): each image is resampled
//! to the model's pixel size, scored whole (tiled), and its results map back onto the file's
//! pixels. The shipped weights stand in for a trained spacing model: what is checked here is the
//! pipeline, not the model's accuracy.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use radscreen::dicom::{DicomImage, ReadOptions};
use radscreen::imaging::preprocess::SpacingPlan;
use radscreen::model::{DeviceOptions, DevicePreference, Model, select_device};
use radscreen::prepare::prepare_frame;
use radscreen::screen::{ModelSource, PseudonymKey, ScreenOptions, Screener, Status, walk};

/// The shipped weights saved with a spacing plan of `tile`-pixel tiles and `thresholds` added.
fn spacing_model_dir(name: &str, tile: usize, thresholds: serde_json::Value) -> PathBuf {
    let d = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "radscreen-spacing-screen-{}-{name}",
        std::process::id()
    ));
    Model::shipped(&d.device).unwrap().save_dir(&dir).unwrap();
    let path = dir.join("config.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let plan = SpacingPlan::new().with_tile(tile, 48);
    cfg["preprocess"]["spacing"] = serde_json::to_value(&plan).unwrap();
    for (k, v) in thresholds.as_object().unwrap() {
        cfg["thresholds"][k] = v.clone();
    }
    std::fs::write(&path, cfg.to_string()).unwrap();
    dir
}

#[test]
fn a_spacing_model_screens_whole_images_and_maps_back_to_source_pixels() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let (files, _) = walk(&root, None).unwrap();
    // one series of each modality is enough for the pipeline (and quick in a debug build)
    let mut chosen = Vec::new();
    for m in ["_ct/", "_mr/", "_dx/", "_cr/"] {
        if let Some(f) = files.iter().find(|f| f.contains(m)) {
            chosen.push(f.clone());
        }
    }
    assert!(chosen.len() >= 3, "sample-data has CT, MR and radiographs");
    let dir = spacing_model_dir("whole", 256, serde_json::json!({}));
    let screener = Screener::new(
        ScreenOptions::new()
            .with_model(ModelSource::Dir(dir.clone()))
            .with_device(DeviceOptions::new(DevicePreference::Flex))
            .with_key(PseudonymKey::generate().unwrap()),
    )
    .expect("spacing model loads");
    let pre = screener.model().config().preprocess.clone();
    assert!(pre.spacing.is_some());
    let mut seen = 0;
    screener
        .screen_files(&root, &chosen, &mut |res| {
            for r in &res.rows {
                assert_eq!(r.status, Status::Ok, "{}: {}", r.path, r.error);
                // every sample-data file states its pixel size
                assert!(
                    [
                        "pixel-spacing",
                        "detector",
                        "calibrated",
                        "magnification-corrected"
                    ]
                    .contains(&r.spacing.as_str()),
                    "{}: spacing {:?}",
                    r.path,
                    r.spacing
                );
                // the row's scores are the model's on the file's own prepared input
                let image =
                    DicomImage::open_with(root.join(&r.path), &ReadOptions::default()).unwrap();
                let p = prepare_frame(&image, r.frame, &pre).unwrap();
                let (_, h, w) = p.input.dim();
                assert!(h % 8 == 0 && w % 8 == 0 && h > 128, "{}: {h}×{w}", r.path);
                let direct = screener.model().predict_images(&[p.input.view()]).unwrap();
                for (s, q) in r.scores.iter().zip(&direct[0].probabilities) {
                    assert!((s.unwrap() - q).abs() < 1e-5, "{}", r.path);
                }
                let (rows, cols) = (p.transform.src_rows as f64, p.transform.src_cols as f64);
                for l in res.lesions.iter().filter(|l| l.frame == r.frame) {
                    assert!(
                        (-0.5..rows).contains(&l.row) && (-0.5..cols).contains(&l.col),
                        "{}: lesion at ({}, {}) outside {rows}×{cols}",
                        r.path,
                        l.row,
                        l.col
                    );
                }
                for m in res.maps.iter().filter(|m| m.frame == r.frame) {
                    assert_eq!(m.image.dim(), (p.transform.rows, p.transform.cols));
                    assert_eq!(m.maps.dim().1, p.transform.rows);
                }
                seen += 1;
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(seen >= chosen.len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A model's per-group thresholds (`finding@GROUP`) decide the flags of that group's images;
/// a user's threshold for the finding overrides them all; an unknown group is refused.
#[test]
fn modality_group_thresholds_flag_their_group() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let (files, _) = walk(&root, None).unwrap();
    let chosen: Vec<String> = ["_ct/", "_mr/", "_dx/"]
        .iter()
        .filter_map(|m| files.iter().find(|f| f.contains(m)).cloned())
        .collect();
    let dir = spacing_model_dir(
        "groups",
        512,
        // every group named: the shipped config.json may carry group thresholds of its own
        serde_json::json!({"tumor@CT": 0.0, "tumor@MR": 1.0, "tumor@radiograph": 0.0, "tumor": 0.0}),
    );
    let flags = |opts: ScreenOptions| {
        let screener = Screener::new(
            opts.with_model(ModelSource::Dir(dir.clone()))
                .with_device(DeviceOptions::new(DevicePreference::Cpu))
                .with_key(PseudonymKey::generate().unwrap()),
        )
        .unwrap();
        let mut out = Vec::new();
        screener
            .screen_files(&root, &chosen, &mut |res| {
                for r in res.rows {
                    out.push((r.modality.clone(), r.flags[0].unwrap()));
                }
                ControlFlow::Continue(())
            })
            .unwrap();
        (screener.thresholds(), out)
    };
    let (t, out) = flags(ScreenOptions::new());
    assert_eq!(t.get("tumor@MR"), Some(&1.0));
    assert_eq!(t.get("tumor@CT"), None, "CT's equals the finding's");
    assert_eq!(t.get("tumor@radiograph"), None);
    for (modality, flagged) in &out {
        // MR needs a probability of 1; CT and radiographs flag everything
        assert_eq!(*flagged, modality != "MR", "{modality}");
    }
    let (t, out) = flags(ScreenOptions::new().with_threshold("tumor", 0.0));
    assert_eq!(t.get("tumor@MR"), None);
    assert!(out.iter().all(|(_, f)| *f));
    let _ = std::fs::remove_dir_all(&dir);

    let bad = spacing_model_dir("bad", 512, serde_json::json!({"tumor@PET": 0.5}));
    let d = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    let err = Model::load_dir(&bad, &d.device).unwrap_err().to_string();
    assert!(err.contains("tumor@PET"), "{err}");
    let _ = std::fs::remove_dir_all(&bad);
}
