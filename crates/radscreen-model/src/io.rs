//! Reading tensors back to the host, and writing files whole.

use std::path::Path;

use burn::tensor::Tensor;

use crate::error::{Error, Result};

/// Reads a float tensor back as f32 (whatever the device's float type).
pub(crate) fn read_f32<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>> {
    Ok(t.try_into_data_as::<f32>()?.try_to_vec::<f32>()?)
}

/// Writes a file whole ([`radscreen_imaging::write_atomic`]), the error naming the file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    radscreen_imaging::write_atomic(path, bytes).map_err(|e| Error::io(path, e))
}
