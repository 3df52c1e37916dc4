//! The same weights and input give the same probabilities on every backend this build has
//! (flex, ndarray with its feature, wgpu where an adapter exists — Mesa's lavapipe in CI), and
//! device selection falls back to the CPU instead of panicking where there is no GPU.

use ndarray::Array4;
use radscreen_model::{
    Backend, ContextPlan, DeviceOptions, DevicePreference, Model, ModelConfig, NetConfig,
    Prediction, Preprocess, select_device,
};

/// A deterministic batch with bright blobs and lines on a textured background.
fn batch(n: usize, size: usize) -> Array4<f32> {
    Array4::from_shape_fn((n, 3, size, size), |(b, c, r, col)| {
        let (y, x) = (r as f32, col as f32);
        let bg = 0.3 + 0.1 * ((x * 0.37 + y * 0.11 + b as f32).sin() * (y * 0.23).cos());
        let (cy, cx) = (20.0 + 17.0 * b as f32 % 80.0, 30.0 + 23.0 * b as f32 % 70.0);
        let blob = if (y - cy).hypot(x - cx) < 6.0 {
            0.4
        } else {
            0.0
        };
        let line = if (x - 0.5 * y - 10.0 * b as f32).abs() < 1.0 {
            0.3
        } else {
            0.0
        };
        (bg + blob + line) * (1.0 - 0.1 * c as f32)
    })
}

fn max_diff(a: &[Prediction], b: &[Prediction]) -> f32 {
    let mut d = 0.0f32;
    for (p, q) in a.iter().zip(b) {
        for (x, y) in p.probabilities.iter().zip(&q.probabilities) {
            d = d.max((x - y).abs());
        }
        for (x, y) in p.cam.iter().zip(&q.cam) {
            d = d.max((x - y).abs());
        }
    }
    d
}

fn run(pref: DevicePreference, allow_software: bool) -> Option<(Backend, Vec<Prediction>)> {
    let d = select_device(&DeviceOptions::new(pref).with_allow_software(allow_software)).ok()?;
    let model = Model::shipped(&d.device).expect("shipped weights load");
    let size = model.config().preprocess.size;
    Some((
        d.backend,
        model.predict(batch(4, size).view()).expect("predict"),
    ))
}

#[test]
fn backends_agree_to_1e4() {
    let (_, flex) = run(DevicePreference::Flex, false).unwrap();
    assert_eq!(flex.len(), 4);
    assert!(
        flex.iter()
            .all(|p| p.probabilities.iter().all(|v| (0.0..=1.0).contains(v)))
    );

    // radscreen's own CPU path (BatchNorm folded, direct and Winograd kernels), one image and a
    // batch (at 128² a batch of 4 runs one image per thread on a machine with up to 4)
    {
        let d = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
        let mut model = Model::shipped(&d.device).unwrap();
        model.use_native_cpu(true).unwrap();
        assert_eq!(model.inference_path(), "radscreen-native-cpu");
        let size = model.config().preprocess.size;
        let native = model.predict(batch(4, size).view()).unwrap();
        let d = max_diff(&flex, &native);
        eprintln!("flex vs native CPU: max abs difference {d:e}");
        assert!(d <= 1e-4, "flex vs native CPU differ by {d}");
        let single = model.predict(batch(1, size).view()).unwrap();
        let d1 = max_diff(&flex[..1], &single);
        assert!(d1 <= 1e-4, "flex vs native CPU (batch 1) differ by {d1}");
        assert_eq!(native[0].cam.dim(), flex[0].cam.dim());
    }

    #[cfg(feature = "ndarray")]
    {
        let (b, nd) = run(DevicePreference::Ndarray, false).expect("ndarray backend");
        assert_eq!(b, Backend::Ndarray);
        let d = max_diff(&flex, &nd);
        eprintln!("flex vs ndarray: max abs difference {d:e}");
        assert!(d <= 1e-4, "flex vs ndarray differ by {d}");
    }

    match run(DevicePreference::Wgpu, true) {
        Some((b, gpu)) => {
            assert_eq!(b, Backend::Wgpu);
            let d = max_diff(&flex, &gpu);
            eprintln!("flex vs wgpu: max abs difference {d:e}");
            assert!(d <= 1e-4, "flex vs wgpu differ by {d}");
        }
        None => {
            // CI installs Mesa's lavapipe and sets this: there, no adapter is a failure.
            assert!(
                std::env::var_os("RADSCREEN_REQUIRE_WGPU").is_none(),
                "RADSCREEN_REQUIRE_WGPU is set but no wgpu adapter was found"
            );
            // No Vulkan at all: auto must fall back to the CPU and say why.
            let auto = select_device(&DeviceOptions::new(DevicePreference::Auto)).unwrap();
            assert_eq!(auto.backend, Backend::Flex);
            assert!(auto.fallback_reason.is_some());
            let gpu = select_device(&DeviceOptions::new(DevicePreference::Gpu));
            assert!(gpu.is_err());
        }
    }
}

#[test]
fn auto_rejects_a_software_adapter_and_reports_why() {
    let auto = select_device(&DeviceOptions::new(DevicePreference::Auto)).unwrap();
    let report = auto.report();
    eprintln!("auto: {report:?}");
    if auto.backend.is_cpu() {
        assert!(
            report.fallback_reason.is_some(),
            "a CPU fallback must say why"
        );
    } else {
        let name = report.adapter.to_ascii_lowercase();
        assert!(
            !name.contains("llvmpipe") && !name.contains("lavapipe"),
            "auto took a software adapter"
        );
    }
    // explicit CPU choices never fall back
    let flex = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    assert!(flex.fallback_reason.is_none());
}

#[test]
fn wrong_input_shapes_are_errors_not_panics() {
    let d = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
    let model = Model::shipped(&d.device).unwrap();
    assert!(
        model
            .predict(Array4::<f32>::zeros((1, 3, 17, 17)).view())
            .is_err()
    );
    assert!(
        model
            .predict(Array4::<f32>::zeros((1, 1, 128, 128)).view())
            .is_err()
    );
    let mut nan = Array4::<f32>::zeros((1, 3, 128, 128));
    nan[[0, 0, 0, 0]] = f32::NAN;
    assert!(model.predict(nan.view()).is_err());
    assert!(
        model
            .predict(Array4::<f32>::zeros((0, 3, 128, 128)).view())
            .unwrap()
            .is_empty()
    );
}

/// A spacing model (config.json's `preprocess.spacing`) with `tile`-pixel tiles, loaded on
/// `pref`'s device: the shipped weights, or (`context`) an untrained 2.5-D network of nine
/// input channels (three slices), the same weights on every device.
fn spacing_model(pref: DevicePreference, tile: usize, context: bool) -> Option<(Backend, Model)> {
    let d = select_device(&DeviceOptions::new(pref).with_allow_software(true)).ok()?;
    let dir = std::env::temp_dir().join(format!(
        "radscreen-parity-spacing-{}-{}-{tile}-{context}",
        std::process::id(),
        d.backend.name()
    ));
    if context {
        let pre = Preprocess::new()
            .with_size(128)
            .with_context(Some(ContextPlan::new(1)));
        let mut net = NetConfig::default();
        net.in_channels = pre.input_channels();
        let flex = select_device(&DeviceOptions::new(DevicePreference::Flex)).unwrap();
        Model::untrained(ModelConfig::new("parity-2.5d", net, pre), 5, &flex.device)
            .unwrap()
            .save_dir(&dir)
            .unwrap();
    } else {
        Model::shipped(&d.device).unwrap().save_dir(&dir).unwrap();
    }
    let path = dir.join("config.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    cfg["preprocess"]["spacing"] = serde_json::json!({
        "ct_mm": 0.8, "mr_mm": 0.8, "display_mm": 0.5,
        "assumed_ct_mm": 0.7, "assumed_mr_mm": 1.0, "assumed_display_mm": 0.2,
        "multiple": 8, "max_side": 2048, "tile": tile, "margin": 48
    });
    std::fs::write(&path, cfg.to_string()).unwrap();
    let model = Model::load_dir(&dir, &d.device).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Some((d.backend, model))
}

/// Whole images of mixed sizes, scored in 128-pixel tiles, give the same maps and scores on
/// every backend as on flex without tiles (and on radscreen's native CPU path).
#[test]
fn tiled_whole_images_agree_across_backends_to_1e4() {
    let a = batch(2, 320);
    let big = a.slice(ndarray::s![0, .., ..296, ..]).to_owned();
    let small = a.slice(ndarray::s![1, .., ..72, ..136]).to_owned();
    tiled_agree(&[big, small], false);
}

/// The same for 2.5-D inputs: three slices' channels (nine), tiled.
#[test]
fn tiled_context_inputs_agree_across_backends_to_1e4() {
    // three different "slices" of each image
    let slices: Vec<Array4<f32>> = (0..3).map(|k| batch(2 + k, 320)).collect();
    let views: Vec<_> = slices
        .iter()
        .enumerate()
        .map(|(k, b)| b.slice(ndarray::s![k..k + 2, .., .., ..]))
        .collect();
    let nine = ndarray::concatenate(ndarray::Axis(1), &views).unwrap();
    assert_eq!(nine.dim(), (2, 9, 320, 320));
    let big = nine.slice(ndarray::s![0, .., ..296, ..]).to_owned();
    let small = nine.slice(ndarray::s![1, .., ..72, ..136]).to_owned();
    tiled_agree(&[big, small], true);
}

fn tiled_agree(images: &[ndarray::Array3<f32>], context: bool) {
    let inputs: Vec<_> = images.iter().map(|a| a.view()).collect();
    let (_, whole) = spacing_model(DevicePreference::Flex, 1024, context).unwrap();
    let reference = whole.predict_images(&inputs).unwrap();
    assert_eq!(reference[0].cam.dim(), (2, 37, 40));
    assert_eq!(reference[1].cam.dim(), (2, 9, 17));
    let (_, flex) = spacing_model(DevicePreference::Flex, 128, context).unwrap();
    let d = max_diff(&reference, &flex.predict_images(&inputs).unwrap());
    eprintln!("flex whole vs tiled: {d:e}");
    assert!(d <= 1e-4, "flex tiled differs from whole by {d}");
    let mut native = flex.clone();
    native.use_native_cpu(true).unwrap();
    let d = max_diff(&reference, &native.predict_images(&inputs).unwrap());
    eprintln!("flex whole vs native tiled: {d:e}");
    assert!(d <= 1e-4, "native tiled differs by {d}");
    #[cfg(feature = "ndarray")]
    {
        let (_, nd) =
            spacing_model(DevicePreference::Ndarray, 128, context).expect("ndarray backend");
        let d = max_diff(&reference, &nd.predict_images(&inputs).unwrap());
        eprintln!("flex whole vs ndarray tiled: {d:e}");
        assert!(d <= 1e-4, "ndarray tiled differs by {d}");
    }
    match spacing_model(DevicePreference::Wgpu, 128, context) {
        Some((_, gpu)) => {
            let d = max_diff(&reference, &gpu.predict_images(&inputs).unwrap());
            eprintln!("flex whole vs wgpu tiled: {d:e}");
            assert!(d <= 1e-4, "wgpu tiled differs by {d}");
        }
        None => assert!(
            std::env::var_os("RADSCREEN_REQUIRE_WGPU").is_none(),
            "RADSCREEN_REQUIRE_WGPU is set but no wgpu adapter was found"
        ),
    }
}
