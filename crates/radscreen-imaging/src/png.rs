//! 8-bit PNG output of 0..1 images.

use std::path::Path;

use ndarray::ArrayView3;

use crate::{Error, Result};

/// Writes a `[rows, columns, 1|3]` image with values in 0..1 as an 8-bit grey or RGB PNG
/// (values outside 0..1 are clamped; NaN writes as 0).
pub fn write_unit(path: &Path, img: ArrayView3<f32>) -> Result<()> {
    let (rows, cols, ch) = img.dim();
    let to8 = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let bytes: Vec<u8> = img.iter().map(|&v| to8(v)).collect();
    let (w, h) = (cols as u32, rows as u32);
    let res = match ch {
        1 => image::GrayImage::from_raw(w, h, bytes).map(|i| i.save(path)),
        3 => image::RgbImage::from_raw(w, h, bytes).map(|i| i.save(path)),
        n => {
            return Err(Error::Shape {
                path: path.to_path_buf(),
                reason: format!("{n} channels (PNG output takes 1 or 3)"),
            });
        }
    };
    res.expect("buffer length matches the shape")
        .map_err(|source| Error::Image {
            path: path.to_path_buf(),
            source,
        })
}
