//! radscreen: screen X-ray, CT and MR DICOM images for tumours and fractures.
//!
//! A facade over the workspace's crates, as the `burn` crate is over its parts: each is
//! re-exported under a short name, and [`prelude`] brings in what a screening program needs.
//!
//! - [`dicom`]: DICOM files to decoded frames and PHI-safe metadata (no burn);
//! - [`imaging`]: windows, normalisation, resampling, PNG/NPY (no burn);
//! - [`eval`]: sensitivity, precision, intervals, ROC/PR, lesion matching (no burn);
//! - [`synth`]: seeded synthetic studies with ground truth;
//! - [`node`]: the DICOM node (`radscreen serve`): Storage SCP, spool, results sent back;
//! - [`results`]: findings as DICOM SR (TID 1500) and SEG, for PACS and viewers (no burn);
//! - [`model`]: the network, device choice, training, weight files;
//! - [`screen`]: the screening pipeline, its report, preprocessing ([`prepare`]) and training
//!   data ([`dataset`]).
//!
//! ```no_run
//! use radscreen::prelude::*;
//! let screener = Screener::new(ScreenOptions::new())?;
//! let (files, _) = walk("scans".as_ref(), None)?;
//! screener.screen_files("scans".as_ref(), &files, &mut |result| {
//!     for row in &result.rows {
//!         println!("{} {:?} {:?}", row.path, row.status, row.scores);
//!     }
//!     std::ops::ControlFlow::Continue(())
//! })?;
//! # Ok::<(), radscreen::Error>(())
//! ```

pub use radscreen_dicom as dicom;
pub use radscreen_eval as eval;
pub use radscreen_imaging as imaging;
pub use radscreen_model as model;
pub use radscreen_node as node;
pub use radscreen_results as results;
pub use radscreen_screen as screen;
pub use radscreen_synth as synth;

pub use radscreen_screen::{Error, Result, dataset, prepare};

/// What a program that screens files needs, in one `use`.
pub mod prelude {
    pub use radscreen_dicom::{DicomImage, ReadOptions};
    pub use radscreen_model::{DeviceOptions, DevicePreference};
    pub use radscreen_screen::{
        Error, ModelSource, Row, ScreenOptions, Screener, Status, screen_to_report, walk,
    };
}
