//! radscreen-dicom: DICOM files to decoded frames and PHI-safe metadata, without burn.
//!
//! The pixel pipeline follows the standard's order (PS3.3 C.7.6.3, C.11; PS3.4 N.2), each
//! stage reachable on its own:
//!
//! - [`DicomImage::stored`]: decoded stored values (Bits Stored masked, sign-extended);
//! - [`DicomImage::modality`]: Modality LUT or Rescale Slope/Intercept (HU for CT), `f32`;
//! - [`DicomImage::display`]: VOI then Presentation LUT / MONOCHROME1, `f32` in 0..1.
//!
//! ```no_run
//! let img = radscreen_dicom::DicomImage::open("CT_small.dcm")?;
//! let hu = img.modality(0)?; // [rows, columns, 1]
//! println!("{:?} {}", img.meta().modality, hu[(24, 36, 0)]);
//! # Ok::<(), radscreen_dicom::Error>(())
//! ```

mod attrs;
mod color;
pub mod date;
mod error;
mod image;
#[cfg(feature = "jpeg")]
mod jpeg;
#[cfg(feature = "jpegls")]
mod jpegls;
mod lut;
mod meta;
mod open;
mod options;
mod pixel;
mod rle;
mod scan;
mod series;
mod spacing;
mod stages;
mod syntax;

pub use color::ybr_full_to_rgb;
pub use error::{CodecError, Error, Result};
pub use image::{DicomImage, is_dicom, read_header, read_metadata};
pub use lut::{DisplayOptions, Lut, ModalityTransform, Voi, VoiFunction, window};
pub use meta::{ImageMeta, Phi, parse_age_years};
pub use open::FileObj;
pub use options::{Limits, ReadOptions};
pub use pixel::{PixelInfo, StoredFrame};
pub use series::{Series, SeriesOrder, Volume, group_series, load_volume};
pub use spacing::{PhysicalSpacing, SpacingSource};
pub use syntax::{SYNTAXES, SyntaxInfo, syntax_info, syntax_name};

/// Encodes one frame as JPEG-LS lossless (transfer syntax `1.2.840.10008.1.2.4.80`) with
/// radscreen's own encoder: `samples` pixel-interleaved, `rows x columns x components` of them,
/// each below `2^bits` (signed data: the stored bit patterns masked to Bits Stored). One scan
/// per component, default coding parameters, as CharLS writes them.
///
/// # Errors
/// Sizes JPEG-LS cannot hold (0 or over 65535 rows or columns, over 4 components), a sample
/// count that does not match, or a sample at or above `2^bits`.
#[cfg(feature = "jpegls")]
pub fn encode_jpegls_lossless(
    samples: &[u16],
    rows: usize,
    columns: usize,
    components: usize,
    bits: u8,
) -> std::result::Result<Vec<u8>, CodecError> {
    jpegls::encode_lossless(samples, rows, columns, components, bits)
}
