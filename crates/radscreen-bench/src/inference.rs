//! Inference speed per input size, precision and batch size: every iteration scores a fresh
//! batch made outside the clock and reads its results back (which synchronises a GPU).

use std::time::Instant;

use radscreen_model::{Model, Precision, SelectedDevice, random_input};
use serde::Serialize;

use radscreen_screen::{Error, Result};

/// Inference speed at one input size, precision and batch size.
#[derive(Debug, Clone, Serialize)]
pub struct InferenceRow {
    /// Side of the square input, in pixels.
    pub size: usize,
    /// `f32` or `f16`.
    pub precision: String,
    /// Images per batch.
    pub batch: usize,
    /// Timed batches scored.
    pub iterations: u64,
    /// Mean time per batch, in milliseconds.
    pub ms_per_batch: f64,
    /// Images scored per second.
    pub images_per_s: f64,
}

/// The input side a model's rows default to: its square input, or for a spacing model (whose
/// inputs vary with each image's field of view) its tile side, the largest input it scores in
/// one piece.
pub fn own_size(model: &Model) -> usize {
    let pre = &model.config().preprocess;
    pre.spacing.as_ref().map_or(pre.size, |p| p.tile)
}

/// One row per (size, precision, batch). Empty `sizes` or `precisions` mean the model's own
/// size and the precision it was loaded in.
///
/// # Errors
/// A size the network cannot take, f16 on a device that cannot run it, a backend failure.
pub fn inference_rows(
    model: &Model,
    device: &SelectedDevice,
    batches: &[usize],
    sizes: &[usize],
    precisions: &[Precision],
    seconds: f64,
) -> Result<Vec<InferenceRow>> {
    let own_size = [own_size(model)];
    let own_precision = [model.precision()];
    let sizes = if sizes.is_empty() { &own_size } else { sizes };
    let precisions = if precisions.is_empty() {
        &own_precision[..]
    } else {
        precisions
    };
    let mut rows = Vec::new();
    for &p in precisions {
        let p = device
            .resolve_precision(p)
            .map_err(|e| Error::option("--precisions", e))?;
        let mut variant = model.clone();
        // a no-op at the precision the model already has (the native CPU path stays for f32)
        variant.set_precision(p)?;
        for &size in sizes {
            let at_size = variant
                .clone()
                .with_input_size(size)
                .map_err(|e| Error::option("--sizes", e.to_string()))?;
            for &b in batches {
                rows.push(time_inference(&at_size, b, size, seconds)?);
            }
        }
    }
    Ok(rows)
}

/// One row for the model as loaded (the end-to-end run's batch size).
pub(crate) fn time_inference(
    model: &Model,
    batch: usize,
    size: usize,
    seconds: f64,
) -> Result<InferenceRow> {
    // square batches of `size`: a spacing model's own input size is its patch side
    let resized;
    let model = if model.config().preprocess.size == size {
        model
    } else {
        resized = model.clone().with_input_size(size)?;
        &resized
    };
    let channels = model.config().net.in_channels;
    // warm-up outside the clock: kernel compilation and autotuning on GPUs
    for seed in 0..2 {
        model.predict_owned_in_groups(random_input(batch, channels, size, seed), &[])?;
    }
    let (mut busy, mut iterations, mut seed) = (0.0f64, 0u64, 2u64);
    while busy < seconds || iterations < 3 {
        let x = random_input(batch, channels, size, seed);
        seed += 1;
        let t = Instant::now();
        // every head costs the same: a many-head model reads group 0's (the default); reading
        // the results back synchronises the device
        model.predict_owned_in_groups(x, &[])?;
        busy += t.elapsed().as_secs_f64();
        iterations += 1;
    }
    Ok(InferenceRow {
        size,
        precision: model.precision().to_string(),
        batch,
        iterations,
        ms_per_batch: busy * 1e3 / iterations as f64,
        images_per_s: (iterations as usize * batch) as f64 / busy,
    })
}
