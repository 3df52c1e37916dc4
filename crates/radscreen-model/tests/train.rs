//! Training on tiny in-memory data: it learns, it is reproducible with a seed on the CPU, and a
//! run resumed from its checkpoint finishes with a valid model, and one started from a trained
//! model (`--init`) starts where that model stands.

use ndarray::Array3;
use radscreen_model::{
    Augment, DeviceOptions, DevicePreference, Model, NetConfig, Preprocess, SpacingPlan,
    TrainEvent, TrainLesion, TrainOptions, TrainSample, select_device, train,
};

const SIZE: usize = 32;

fn params() -> Preprocess {
    let mut p = Preprocess::new().with_size(SIZE);
    p.ct_windows = [(40.0, 400.0), (500.0, 2000.0), (-600.0, 1500.0)].map(Into::into);
    p.mr_percentiles = (1.0, 99.0);
    p
}

/// The lesions of an image: a disc (finding 0) and a bar (finding 1) centred where given.
fn lesions(disc: Option<(f32, f32)>, bar: Option<(f32, f32)>) -> Vec<TrainLesion> {
    [(0, disc), (1, bar)]
        .into_iter()
        .filter_map(|(finding, at)| {
            at.map(|(row, col)| TrainLesion {
                finding,
                row,
                col,
                radius: 3.0,
            })
        })
        .collect()
}

/// Positive images carry a bright disc (finding 0) or a bright bar (finding 1).
fn samples(n: usize, offset: usize) -> Vec<TrainSample> {
    (0..n)
        .map(|i| {
            let k = i + offset;
            let (tumor, fracture) = (k.is_multiple_of(2), k.is_multiple_of(3));
            let (cy, cx) = (8.0 + (k * 7 % 16) as f32, 8.0 + (k * 5 % 16) as f32);
            let input = Array3::from_shape_fn((3, SIZE, SIZE), |(_, r, c)| {
                let (y, x) = (r as f32, c as f32);
                let mut v = 0.2 + 0.05 * ((x + k as f32) * 0.7).sin();
                if tumor && (y - cy).hypot(x - cx) < 3.0 {
                    v += 0.6;
                }
                if fracture && (x - 24.0).abs() < 1.0 && (4.0..28.0).contains(&y) {
                    v += 0.6;
                }
                v
            });
            let lesions = lesions(tumor.then_some((cy, cx)), fracture.then_some((16.0, 24.0)));
            TrainSample {
                input: std::sync::Arc::new(input),
                context: Vec::new(),
                labels: vec![tumor, fracture],
                lesions: Some(lesions),
                group: 0,
                source: 0,
            }
        })
        .collect()
}

fn opts(epochs: usize) -> TrainOptions {
    TrainOptions::new()
        .with_epochs(epochs)
        .with_batch_size(8)
        .with_seed(11)
        .with_patience(10)
        .with_augment(Augment::none())
}

fn out_dir_keep(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("radscreen-train-{}-{name}", std::process::id()))
}

fn out_dir(name: &str) -> std::path::PathBuf {
    let d = out_dir_keep(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Trains and collects the run's notes (`TrainEvent::Note`).
fn train_noting(
    tr: &[TrainSample],
    va: &[TrainSample],
    pre: Preprocess,
    dir: &std::path::Path,
    o: &TrainOptions,
    device: &radscreen_model::SelectedDevice,
) -> (
    radscreen_model::Result<radscreen_model::TrainSummary>,
    Vec<String>,
) {
    let mut notes = Vec::new();
    let r = train(
        tr,
        va,
        pre,
        serde_json::json!({}),
        dir,
        o,
        device,
        &mut |e| {
            if let TrainEvent::Note(n) = e {
                notes.push(n.clone())
            }
        },
    );
    (r, notes)
}

#[test]
fn learns_reproducibly_and_resumes() {
    let device = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    let (tr, va) = (samples(48, 0), samples(24, 100));
    let mut events = 0;
    let a = train(
        &tr,
        &va,
        params(),
        serde_json::json!({}),
        &out_dir("a"),
        &opts(6),
        &device,
        &mut |_| events += 1,
    )
    .unwrap();
    assert!(events > 6);
    let last = a.log.last().unwrap();
    assert!(
        last.train_loss < a.log[0].train_loss,
        "loss did not fall: {:?}",
        a.log
    );
    assert!(
        last.auroc.iter().all(|v| v.unwrap() > 0.9),
        "did not learn: {last:?}"
    );

    // The same seed gives the same weights, byte for byte, even while other tests train
    // concurrently in this process (weights are drawn from radscreen's own generator).
    let b = train(
        &tr,
        &va,
        params(),
        serde_json::json!({}),
        &out_dir("b"),
        &opts(6),
        &device,
        &mut |_| {},
    )
    .unwrap();
    let weights = |d: &str| std::fs::read(out_dir_keep(d).join("model.safetensors")).unwrap();
    assert!(weights("a") == weights("b"), "same seed, different weights");
    assert_eq!(
        a.log.iter().map(|l| l.train_loss).collect::<Vec<_>>(),
        b.log.iter().map(|l| l.train_loss).collect::<Vec<_>>()
    );

    // a run stopped after 3 epochs and resumed reaches the full epoch count
    let dir = out_dir("c");
    train(
        &tr,
        &va,
        params(),
        serde_json::json!({}),
        &dir,
        &opts(3),
        &device,
        &mut |_| {},
    )
    .unwrap();
    let (c, notes) = train_noting(
        &tr,
        &va,
        params(),
        &dir,
        &opts(6).with_resume(true),
        &device,
    );
    let c = c.unwrap();
    assert!(
        notes.iter().any(|n| n.contains("resumed after epoch 3")),
        "{notes:?}"
    );
    assert_eq!(c.log.len(), 6);
    assert_eq!(
        c.log.iter().map(|l| l.epoch).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5, 6]
    );
    let loaded = Model::load_dir(&dir, &device.device).unwrap();
    assert_eq!(loaded.config().findings, vec!["tumor", "fracture"]);
    assert!(
        loaded
            .config()
            .thresholds
            .values()
            .all(|t| (0.0..=1.0).contains(t))
    );
}

/// Whole images of several sizes (multiples of 8) with a bright disc (finding 0) or bar
/// (finding 1) somewhere: what a spacing model trains on.
fn whole_images(n: usize, offset: usize) -> Vec<TrainSample> {
    (0..n)
        .map(|i| {
            let k = i + offset;
            let (h, w) = [(48, 64), (64, 40), (72, 72), (40, 88)][k % 4];
            let (tumor, fracture) = (k.is_multiple_of(2), k.is_multiple_of(3));
            let (cy, cx) = (
                6.0 + (k * 7 % (h - 12)) as f32,
                6.0 + (k * 5 % (w - 12)) as f32,
            );
            let (by, bx) = ((h / 2) as f32, (w - 10) as f32);
            let input = Array3::from_shape_fn((3, h, w), |(_, r, c)| {
                let (y, x) = (r as f32, c as f32);
                let mut v = 0.2 + 0.05 * ((x + k as f32) * 0.7).sin();
                if tumor && (y - cy).hypot(x - cx) < 3.0 {
                    v += 0.6;
                }
                if fracture && (x - bx).abs() < 1.0 && (y - by).abs() < 10.0 {
                    v += 0.6;
                }
                v
            });
            let lesions = lesions(tumor.then_some((cy, cx)), fracture.then_some((by, bx)));
            TrainSample {
                input: std::sync::Arc::new(input),
                context: Vec::new(),
                labels: vec![tumor, fracture],
                lesions: Some(lesions),
                group: k % 3,
                source: 0,
            }
        })
        .collect()
}

#[test]
fn a_spacing_model_learns_from_patches_and_validates_on_whole_images() {
    let device = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    let (tr, va) = (whole_images(48, 0), whole_images(24, 100));
    let pre = params().with_spacing(Some(SpacingPlan::new().with_tile(64, 16)));
    let o = opts(8).with_patches_per_epoch(64).with_mine_images(16);
    let run_with = |name: &str, o: &TrainOptions| {
        train(
            &tr,
            &va,
            pre.clone(),
            serde_json::json!({}),
            &out_dir(name),
            o,
            &device,
            &mut |_| {},
        )
        .unwrap()
    };
    let run = |name: &str| run_with(name, &o);
    let a = run("spacing-a");
    let last = a.log.last().unwrap();
    assert!(
        last.auroc.iter().all(|v| v.unwrap() > 0.85),
        "did not learn: {last:?}"
    );
    // the saved model resamples and tiles as it trained
    let m = Model::load_dir(&out_dir_keep("spacing-a"), &device.device).unwrap();
    assert_eq!(m.config().preprocess.spacing, pre.spacing);
    let views: Vec<_> = va.iter().map(|s| s.input.view()).collect();
    let p = m.predict_images(&views).unwrap();
    assert_eq!(p[2].cam.dim(), (2, 9, 9));
    // hard-negative mining included, the same seed gives the same weights
    let b = run("spacing-b");
    let weights = |d: &str| std::fs::read(out_dir_keep(d).join("model.safetensors")).unwrap();
    assert!(weights("spacing-a") == weights("spacing-b"));
    assert_eq!(a.log.len(), b.log.len());
    // a group-heads run started from the one-head model (--init) begins where it stands: at a
    // learning rate too small to learn anything in one epoch, its first epoch validates as well
    // as the model it started from, where a random start is at chance
    let tiny = o.clone().with_epochs(1).with_learning_rate(1e-7);
    let from = out_dir_keep("spacing-a");
    let heads = tiny
        .clone()
        .with_net(NetConfig::default().with_heads(3))
        .with_init(Some(from.clone()));
    let (tuned, notes) = train_noting(
        &tr,
        &va,
        pre.clone(),
        &out_dir("spacing-init"),
        &heads,
        &device,
    );
    let tuned = tuned.unwrap();
    assert!(
        notes.iter().any(|n| n.contains("started from")),
        "{notes:?}"
    );
    let first = &tuned.log[0];
    assert!(
        first.auroc.iter().all(|v| v.unwrap() > 0.85),
        "did not start from the trained model: {first:?}"
    );
    let c = tuned.model.config();
    assert_eq!(c.net.heads, 3);
    assert_eq!(c.training["init"]["sha256"], m.sha256());
    let scratch = run_with("spacing-scratch", &tiny);
    assert!(
        scratch.log[0].auroc.iter().any(|v| v.unwrap() < 0.8),
        "a random start learned in one epoch at lr 1e-7: the check above proves nothing"
    );
    // a model of another architecture cannot start a run
    let mut other = NetConfig::default();
    other.stem_channels = 8;
    let bad = tiny.clone().with_net(other).with_init(Some(from));
    let (r, _) = train_noting(
        &tr,
        &va,
        pre.clone(),
        &out_dir("spacing-init-bad"),
        &bad,
        &device,
    );
    assert!(
        matches!(
            &r,
            Err(radscreen_model::Error::InvalidOption { option: "init", reason })
                if reason.contains("stem_channels")
        ),
        "{:?}",
        r.err()
    );
    // a square input is refused by name for a square-input model, any size accepted here
    assert!(
        train(
            &tr,
            &va,
            params(),
            serde_json::json!({}),
            &out_dir("sq"),
            &o,
            &device,
            &mut |_| {}
        )
        .is_err()
    );
}

#[test]
fn invalid_options_fail_before_training() {
    let device = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    let tr = samples(4, 0);
    let r = train(
        &tr,
        &tr,
        params(),
        serde_json::Value::Null,
        &out_dir("bad"),
        &opts(0),
        &device,
        &mut |_| {},
    );
    assert!(r.is_err());
    let r = train(
        &tr,
        &[],
        params(),
        serde_json::Value::Null,
        &out_dir("bad2"),
        &opts(1),
        &device,
        &mut |_| {},
    );
    assert!(r.is_err());
    let mut p = params();
    p.size = 30; // not a multiple of the stride
    assert!(
        train(
            &tr,
            &tr,
            p,
            serde_json::Value::Null,
            &out_dir("bad3"),
            &opts(1),
            &device,
            &mut |_| {}
        )
        .is_err()
    );
    // a lesion cell weighed below a background cell would teach the map to miss lesions
    let r = train(
        &tr,
        &tr,
        params(),
        serde_json::Value::Null,
        &out_dir("bad4"),
        &opts(1).with_lesion_cell_weight(0.5),
        &device,
        &mut |_| {},
    );
    assert!(
        matches!(
            &r,
            Err(radscreen_model::Error::InvalidOption {
                option: "lesion_cell_weight",
                ..
            })
        ),
        "{:?}",
        r.err()
    );
}
