//! Screening and training data with a 2.5-D model (config.json's `preprocess.context`): each
//! CT/MR slice's input is its own channels stacked with the slices above and below it in its
//! series, ordered by Image Position along the slice normal. An untrained network stands in
//! for a trained 2.5-D model: what is checked is which pixels reach it, not its accuracy.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use ndarray::Array3;
use radscreen::dicom::{DicomImage, ReadOptions, read_metadata};
use radscreen::imaging::preprocess::{ContextPlan, Preprocess, SpacingPlan, alone, stack};
use radscreen::model::{DeviceOptions, DevicePreference, Model, ModelConfig, NetConfig};
use radscreen::prepare::prepare_frame;
use radscreen::screen::{ModelSource, PseudonymKey, Row, ScreenOptions, Screener, Status, walk};

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// An untrained 2.5-D spacing model (one slice on each side) saved to a temporary folder.
fn context_model_dir(name: &str) -> PathBuf {
    let pre = Preprocess::new()
        .with_size(128)
        .with_spacing(Some(SpacingPlan::new().with_tile(256, 48)))
        .with_context(Some(ContextPlan::new(1)));
    let mut net = NetConfig::default();
    net.in_channels = pre.input_channels();
    let d = radscreen::model::select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    let model =
        Model::untrained(ModelConfig::new("context-test", net, pre), 11, &d.device).unwrap();
    let dir = std::env::temp_dir().join(format!("radscreen-context-{}-{name}", std::process::id()));
    model.save_dir(&dir).unwrap();
    dir
}

fn screener(dir: &Path) -> Screener {
    Screener::new(
        ScreenOptions::new()
            .with_model(ModelSource::Dir(dir.to_path_buf()))
            .with_device(DeviceOptions::new(DevicePreference::Cpu))
            .with_key(PseudonymKey::generate().unwrap()),
    )
    .expect("2.5-D model loads")
}

fn screen(s: &Screener, root: &Path, files: &[String], universe: &[String]) -> Vec<Row> {
    let mut rows = Vec::new();
    s.screen_files_within(root, files, universe, &mut |res| {
        rows.extend(res.rows);
        ControlFlow::Continue(())
    })
    .unwrap();
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    rows
}

/// The files of sample-data's first CT series (five axial slices).
fn first_ct_series(root: &Path) -> Vec<String> {
    let (files, _) = walk(root, None).unwrap();
    files
        .into_iter()
        .filter(|f| f.starts_with("p0001/s0001_ct/"))
        .collect()
}

/// The slice's own prepared input (3 channels).
fn own(root: &Path, rel: &str, pre: &Preprocess) -> Array3<f32> {
    let image = DicomImage::open_with(root.join(rel), &ReadOptions::default()).unwrap();
    prepare_frame(&image, 0, pre).unwrap().input
}

/// A series' files sorted by position along z (sample-data's CT/MR are axial), independently
/// of radscreen's series grouping.
fn by_z(root: &Path, files: &[String]) -> Vec<String> {
    let mut z: Vec<(f64, String)> = files
        .iter()
        .map(|f| {
            let m = read_metadata(root.join(f), &ReadOptions::default()).unwrap();
            (m.image_position.unwrap()[2], f.clone())
        })
        .collect();
    z.sort_by(|a, b| a.0.total_cmp(&b.0));
    z.into_iter().map(|x| x.1).collect()
}

/// The row's scores are the model's on `input`. Both run the same path on the same pixels, so
/// they agree exactly (measured: 0); an untrained network moves little with its input (a
/// neighbour swapped for another moved a score by 1.7e-5), hence the tight bound.
fn assert_scores(row: &Row, s: &Screener, input: &Array3<f32>) {
    let direct = s.model().predict_images(&[input.view()]).unwrap();
    for (a, b) in row.scores.iter().zip(&direct[0].probabilities) {
        let a = a.unwrap_or_else(|| panic!("{}: not scored", row.path));
        assert!((a - b).abs() < 1e-6, "{}: {a} against {b}", row.path);
    }
}

#[test]
fn each_slice_is_stacked_with_its_neighbours_along_the_normal() {
    let root = sample_data();
    let series = first_ct_series(&root);
    assert!(
        series.len() >= 3,
        "sample-data's first CT series has slices"
    );
    let (files, _) = walk(&root, None).unwrap();
    let radiograph = files.iter().find(|f| f.contains("_dx/")).unwrap().clone();
    // given in reverse name order, with a radiograph among them: order comes from geometry
    let mut chosen: Vec<String> = series.iter().rev().cloned().collect();
    chosen.insert(1, radiograph.clone());
    let dir = context_model_dir("stack");
    let s = screener(&dir);
    let pre = s.model().config().preprocess.clone();
    assert_eq!(s.model().config().net.in_channels, 9);
    let rows = screen(&s, &root, &chosen, &chosen);
    assert_eq!(rows.len(), chosen.len(), "one row per file");
    let ordered = by_z(&root, &series);
    let inputs: BTreeMap<&str, Array3<f32>> = ordered
        .iter()
        .map(|f| (f.as_str(), own(&root, f, &pre)))
        .collect();
    for row in &rows {
        assert_eq!(row.status, Status::Ok, "{}: {}", row.path, row.error);
        if row.path == radiograph {
            assert_eq!(row.context, "single");
            assert_scores(
                row,
                &s,
                &alone(&own(&root, &row.path, &pre), &ContextPlan::new(1)),
            );
            continue;
        }
        let i = ordered.iter().position(|f| *f == row.path).unwrap();
        let below = &ordered[i.saturating_sub(1)];
        let above = &ordered[(i + 1).min(ordered.len() - 1)];
        let expected = if i == 0 || i + 1 == ordered.len() {
            "edge"
        } else {
            "full"
        };
        assert_eq!(row.context, expected, "{}", row.path);
        let stacked = stack(&[
            &inputs[below.as_str()],
            &inputs[row.path.as_str()],
            &inputs[above.as_str()],
        ]);
        assert_scores(row, &s, &stacked);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A shard (or a resumed run) reports only its own files, and their neighbours come from the
/// rest of the folder: the middle slice alone scores as it does in the whole series.
#[test]
fn neighbours_come_from_files_not_reported() {
    let root = sample_data();
    let series = first_ct_series(&root);
    let middle = by_z(&root, &series)[series.len() / 2].clone();
    let dir = context_model_dir("universe");
    let s = screener(&dir);
    let whole = screen(&s, &root, &series, &series);
    let one = screen(&s, &root, std::slice::from_ref(&middle), &series);
    assert_eq!(one.len(), 1);
    let w = whole.iter().find(|r| r.path == middle).unwrap();
    assert_eq!(one[0].context, "full");
    assert_eq!(one[0].scores, w.scores);
    // without the folder around it, the same slice stands alone
    let alone_row = screen(
        &s,
        &root,
        std::slice::from_ref(&middle),
        std::slice::from_ref(&middle),
    );
    assert_eq!(alone_row[0].context, "single");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A missing slice is a gap: the slices beside it repeat themselves on that side and say so;
/// a file that is not DICOM in the series' folder changes nothing.
#[test]
fn a_missing_slice_is_a_gap() {
    let root = sample_data();
    let series = first_ct_series(&root);
    let ordered = by_z(&root, &series);
    assert!(
        ordered.len() >= 5,
        "sample-data's first CT series has 5 slices"
    );
    let tmp = std::env::temp_dir().join(format!("radscreen-context-gap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    // slices 0, 1, 3, 4 along z: 2 is missing
    let kept: Vec<String> = ordered
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(i, f)| {
            let name = format!("z{i}.dcm");
            std::fs::copy(root.join(f), tmp.join(&name)).unwrap();
            name
        })
        .collect();
    std::fs::write(tmp.join("notes.txt"), "not an image").unwrap();
    let dir = context_model_dir("gap");
    let s = screener(&dir);
    let (all, _) = walk(&tmp, None).unwrap();
    let rows = screen(&s, &tmp, &all, &all);
    let note = |name: &str| {
        rows.iter()
            .find(|r| r.path == name)
            .unwrap()
            .context
            .clone()
    };
    assert_eq!(note(&kept[0]), "edge");
    assert_eq!(note(&kept[1]), "gap");
    assert_eq!(note(&kept[2]), "gap");
    assert_eq!(note(&kept[3]), "edge");
    let skipped = rows.iter().find(|r| r.path == "notes.txt").unwrap();
    assert_eq!(skipped.status, Status::Skipped);
    assert_eq!(skipped.context, "");
    // the slice after the gap stacks as [itself, itself, next]
    let pre = s.model().config().preprocess.clone();
    let (a, b) = (own(&tmp, &kept[2], &pre), own(&tmp, &kept[3], &pre));
    let r = rows.iter().find(|r| r.path == kept[2]).unwrap();
    assert_scores(r, &s, &stack(&[&a, &a, &b]));
    let _ = std::fs::remove_dir_all(&tmp);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Training data for a 2.5-D model: each manifest row's sample holds its neighbours' slices,
/// shared with the rows they belong to, in the same order as screening stacks them.
#[test]
fn training_samples_share_their_neighbours() {
    let root = sample_data();
    let pre = Preprocess::new()
        .with_size(128)
        .with_spacing(Some(SpacingPlan::new()))
        .with_context(Some(ContextPlan::new(1)));
    let ds = radscreen::dataset::load_dataset(&root.join("manifest.csv"), None, &pre, &|_, _| {})
        .unwrap();
    let all: Vec<_> = ds.train.iter().chain(&ds.val).chain(&ds.test).collect();
    assert!(all.iter().all(|s| s.context.len() == 3));
    assert!(all.iter().all(|s| s.dim().0 == 9));
    // CT and MR slices in a series of several have a neighbour that is another sample's slice
    let shared = all
        .iter()
        .filter(|s| s.group < 2)
        .filter(|s| {
            s.context
                .iter()
                .any(|c| !std::sync::Arc::ptr_eq(c, &s.input))
        })
        .count();
    assert!(shared > 0, "no CT/MR sample took a neighbour");
    // radiographs stand alone
    for s in all.iter().filter(|s| s.group == 2) {
        assert!(
            s.context
                .iter()
                .all(|c| std::sync::Arc::ptr_eq(c, &s.input))
        );
    }
}
