//! f16 against f32 on an eighth of sample-data, on a wgpu adapter that runs f16 shaders (Mesa's
//! lavapipe in CI; all of sample-data on an H200 in docs/benchmarks.md): the same flags, and
//! probabilities within 3e-3.
//!
//! The bound is for the default build's WGSL kernels, which keep activations in f16 between
//! layers and accumulate in f16: the largest difference measured was 2.35e-3 on lavapipe and
//! 2.66e-3 on an H200, on one MR image scored 0.47 (where a sigmoid is steepest), with the stem
//! and the head already kept in f32. That is over the 2e-3 issue 18 asks for, so `auto` does not
//! pick f16 on WGSL kernels (`auto_is_f32_on_wgsl_kernels`). The `--features vulkan` build's
//! SPIR-V kernels accumulate in f32 on the matrix units and met 2e-3 on the H200 (2.9e-4), but
//! lavapipe crashes compiling SPIR-V, so that bound is measured on the device, not here. The
//! typical difference is far smaller: the mean is held to 5e-4 (measured about 1e-4).

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::Path;

use radscreen::model::{DeviceOptions, DevicePreference, Precision, select_device};
use radscreen::screen::{PseudonymKey, ScreenOptions, Screener, Status, walk};

type Scores = HashMap<(String, u32), (Vec<f32>, Vec<bool>)>;

/// Scores and flags per image, or why the screener could not be made.
fn screen(precision: Precision) -> Result<Scores, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let device = DeviceOptions::new(DevicePreference::Wgpu)
        .with_allow_software(true)
        .with_precision(precision);
    let screener = Screener::new(
        ScreenOptions::new()
            .with_device(device)
            .with_key(PseudonymKey::generate().unwrap()),
    )
    .map_err(|e| e.to_string())?;
    assert_eq!(screener.device().precision, precision);
    assert_eq!(screener.model().precision(), precision);
    let (files, _) = walk(&root, None).unwrap();
    // every eighth file (all modalities): the shipped model scores whole images at its pixel
    // size, tens of seconds an image on lavapipe on a 2-core AVX2 machine (every fourth file
    // took 26 minutes there, over a quarter of CI's time)
    let files: Vec<String> = files.into_iter().step_by(8).collect();
    let mut scored = Scores::new();
    screener
        .screen_files(&root, &files, &mut |res| {
            for r in res.rows.into_iter().filter(|r| r.status == Status::Ok) {
                let s = r.scores.iter().map(|s| s.unwrap()).collect();
                let f = r.flags.iter().map(|f| f.unwrap()).collect();
                scored.insert((r.path, r.frame), (s, f));
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    Ok(scored)
}

#[test]
fn f16_scores_sample_data_as_f32_does() {
    let required = std::env::var_os("RADSCREEN_REQUIRE_WGPU").is_some();
    let full = match screen(Precision::F32) {
        Ok(s) => s,
        Err(e) => {
            assert!(
                !required,
                "RADSCREEN_REQUIRE_WGPU is set but wgpu failed: {e}"
            );
            eprintln!("skipped: no wgpu adapter ({e})");
            return;
        }
    };
    let half = match screen(Precision::F16) {
        Ok(s) => s,
        Err(e) => {
            // an adapter without f16 shaders: the error must say so, and f32 stays available
            assert!(e.contains("f16"), "{e}");
            eprintln!("skipped: this adapter runs no f16 shaders ({e})");
            return;
        }
    };
    assert!(full.len() >= 10, "{} images scored", full.len());
    assert_eq!(half.len(), full.len());
    let (mut max, mut sum, mut n) = (0.0f32, 0.0f64, 0usize);
    for (key, (s32, f32_flags)) in &full {
        let (s16, f16_flags) = &half[key];
        assert_eq!(
            f32_flags, f16_flags,
            "{key:?}: flags differ ({s32:?} vs {s16:?})"
        );
        for (a, b) in s32.iter().zip(s16) {
            max = max.max((a - b).abs());
            sum += f64::from((a - b).abs());
            n += 1;
        }
    }
    let mean = sum / n as f64;
    eprintln!("f16 vs f32 on sample-data: max {max:e}, mean {mean:e} over {n} probabilities");
    assert!(max <= 3e-3, "f16 and f32 differ by {max}");
    assert!(mean <= 5e-4, "f16 and f32 differ by {mean} on average");
}

/// `auto` keeps the default build's WGSL kernels in f32 (their f16 misses the 2e-3 bound).
#[cfg(not(feature = "vulkan"))]
#[test]
fn auto_is_f32_on_wgsl_kernels() {
    let options = DeviceOptions::new(DevicePreference::Wgpu)
        .with_allow_software(true)
        .with_precision(Precision::Auto);
    match select_device(&options) {
        Ok(d) => assert_eq!(d.precision, Precision::F32, "{}", d.adapter),
        Err(e) => {
            assert!(
                std::env::var_os("RADSCREEN_REQUIRE_WGPU").is_none(),
                "RADSCREEN_REQUIRE_WGPU is set but wgpu failed: {e}"
            );
            eprintln!("skipped: no wgpu adapter ({e})");
        }
    }
}
