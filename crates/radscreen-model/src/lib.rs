//! radscreen's detection network, written with burn 0.22: a small residual CNN scoring each
//! image for tumour and fracture, with per-finding class activation maps (where it looked),
//! device selection with a CPU fallback, inference, training and weight files.
//!
//! The model takes plain arrays from radscreen-imaging's preprocessing and knows nothing of
//! DICOM: `[3, h, w]` images of any size at the model's pixel size for a spacing model
//! ([`Model::predict_images`], scored whole and tiled), `[n, 3, size, size]` batches for a
//! square-input one ([`Model::predict`]). Backend choice lives in [`device`] only.
//!
//! ```no_run
//! use radscreen_model::{DeviceOptions, DevicePreference, Model, select_device};
//! let device = select_device(&DeviceOptions::new(DevicePreference::Auto))?;
//! let model = Model::shipped(&device.device)?;
//! // an image already resampled to the model's pixel size (radscreen-imaging's `apply_at`)
//! let image = ndarray::Array3::<f32>::zeros((3, 448, 448));
//! let predictions = model.predict_images(&[image.view()])?;
//! println!("{:?} on {}", predictions[0].probabilities, device.backend.name());
//! # Ok::<(), radscreen_model::Error>(())
//! ```

pub mod augment;
pub mod device;
mod error;
mod folded;
mod io;
pub mod model;
// The native CPU path; its SIMD kernels (native/kernels.rs) are its only unsafe code.
mod native;
pub mod net;
mod patches;
pub mod precision;
mod rng;
mod sample;
mod tiled;
pub mod train;
// Loads the Vulkan loader and asks it for physical devices (FFI); each unsafe call states its
// contract. See hardware_adapter_exists in device.rs for why wgpu is not asked instead.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod vulkan_probe;

pub use augment::Augment;
pub use device::{
    Backend, DeviceOptions, DevicePreference, DeviceReport, SelectedDevice, select_device,
};
pub use error::{Error, Result};
pub use model::{FINDINGS, Model, ModelConfig, Prediction, random_batch, random_input};
pub use net::{Net, NetConfig, NetOutput};
pub use precision::Precision;
pub use radscreen_imaging::preprocess::{ContextPlan, Preprocess, SpacingPlan};
pub use train::{
    EpochLog, Selection, TrainEvent, TrainLesion, TrainOptions, TrainSample, TrainSummary, train,
};

/// The native CPU path's convolution kernels on this machine: the instruction set
/// (`"avx512"`, `"avx2"` or `"portable"`, chosen at run time from the CPU's features and capped
/// by the environment variable `RADSCREEN_CPU_KERNEL`, to run a slower path on a fast CPU),
/// followed by `" + winograd"` when the 3×3 stride-1 layers run by Winograd F(4×4, 3×3) (the
/// default; `RADSCREEN_CPU_WINOGRAD=off` runs every layer as a direct convolution, `=f2` by
/// F(2×2, 3×3), reported as `" + winograd f2"`).
pub fn native_cpu_kernel() -> &'static str {
    native::cpu_kernel()
}
