//! Real backgrounds in memory: a voxel grid in patient coordinates (LPS: columns run to the
//! patient's left, rows to posterior, slices to superior), read from NIfTI with the `nifti`
//! crate, from raw arrays, from PNG and from DICOM.

use std::path::Path;

use nifti::{NiftiObject, NiftiType, NiftiVolume, ReaderOptions};

use crate::error::{Error, Result};

/// A scalar volume `[z][y][x]` with its voxel spacing in mm (x, y, z).
#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    /// Voxels along x (columns, towards the patient's left), y (rows, posterior), z (superior).
    pub dims: [usize; 3],
    /// Voxel size in mm along x, y, z.
    pub spacing: [f32; 3],
    /// Values, x fastest; CT in HU, MR and radiographs in their stored units.
    pub data: Vec<f32>,
}

impl Volume {
    /// A volume of `dims` filled with `value`.
    pub fn filled(dims: [usize; 3], spacing: [f32; 3], value: f32) -> Self {
        Self {
            dims,
            spacing,
            data: vec![value; dims[0] * dims[1] * dims[2]],
        }
    }

    /// Linear index of voxel (x, y, z).
    #[inline]
    pub fn idx(&self, x: usize, y: usize, z: usize) -> usize {
        (z * self.dims[1] + y) * self.dims[0] + x
    }

    /// Voxel coordinates (x, y, z) of linear index `i` ([`Volume::idx`]'s inverse).
    #[inline]
    pub fn coords(&self, i: usize) -> [usize; 3] {
        let [nx, ny, _] = self.dims;
        [i % nx, (i / nx) % ny, i / (nx * ny)]
    }

    /// The value at (x, y, z), or `None` outside the grid.
    #[inline]
    pub fn get(&self, x: isize, y: isize, z: isize) -> Option<f32> {
        let [nx, ny, nz] = self.dims;
        if x < 0 || y < 0 || z < 0 || x as usize >= nx || y as usize >= ny || z as usize >= nz {
            return None;
        }
        Some(self.data[self.idx(x as usize, y as usize, z as usize)])
    }

    /// Trilinear interpolation at a fractional voxel position, clamped to the grid.
    pub fn sample(&self, x: f32, y: f32, z: f32) -> f32 {
        let [nx, ny, nz] = self.dims;
        let c = |v: f32, n: usize| v.clamp(0.0, (n.max(1) - 1) as f32);
        let (x, y, z) = (c(x, nx), c(y, ny), c(z, nz));
        let (x0, y0, z0) = (x.floor() as usize, y.floor() as usize, z.floor() as usize);
        let (x1, y1, z1) = (
            (x0 + 1).min(nx - 1),
            (y0 + 1).min(ny - 1),
            (z0 + 1).min(nz - 1),
        );
        let (fx, fy, fz) = (x - x0 as f32, y - y0 as f32, z - z0 as f32);
        let v = |x, y, z| self.data[self.idx(x, y, z)];
        let lerp = |a: f32, b: f32, t: f32| a + (b - a) * t;
        let a = lerp(
            lerp(v(x0, y0, z0), v(x1, y0, z0), fx),
            lerp(v(x0, y1, z0), v(x1, y1, z0), fx),
            fy,
        );
        let b = lerp(
            lerp(v(x0, y0, z1), v(x1, y0, z1), fx),
            lerp(v(x0, y1, z1), v(x1, y1, z1), fx),
            fy,
        );
        lerp(a, b, fz)
    }

    /// Axial slice `z` as a row-major `[y][x]` image.
    pub fn slice(&self, z: usize) -> &[f32] {
        let n = self.dims[0] * self.dims[1];
        &self.data[z * n..(z + 1) * n]
    }
}

fn corrupt(path: &Path, reason: impl Into<String>) -> Error {
    Error::Background {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Voxel-to-world matrix (3×3 part, RAS as NIfTI defines it) from the sform when set, else the
/// qform (quaternion), else the pixel sizes alone.
fn nifti_axes(h: &nifti::NiftiHeader) -> [[f32; 3]; 3] {
    // a zero or missing pixel size (2-D files leave pixdim[3] at 0) counts as 1 mm
    let pd = |v: f32| if v.is_finite() && v > 0.0 { v } else { 1.0 };
    let p = [pd(h.pixdim[1]), pd(h.pixdim[2]), pd(h.pixdim[3])];
    if h.sform_code > 0 {
        return [
            [h.srow_x[0], h.srow_x[1], h.srow_x[2]],
            [h.srow_y[0], h.srow_y[1], h.srow_y[2]],
            [h.srow_z[0], h.srow_z[1], h.srow_z[2]],
        ];
    }
    if h.qform_code > 0 {
        let (b, c, d) = (h.quatern_b, h.quatern_c, h.quatern_d);
        let a = (1.0 - (b * b + c * c + d * d)).max(0.0).sqrt();
        // qfac (pixdim[0]) flips the third axis (NIfTI-1 header, method 2)
        let qfac = if h.pixdim[0] < 0.0 { -1.0 } else { 1.0 };
        let r = [
            [
                a * a + b * b - c * c - d * d,
                2.0 * (b * c - a * d),
                2.0 * (b * d + a * c),
            ],
            [
                2.0 * (b * c + a * d),
                a * a + c * c - b * b - d * d,
                2.0 * (c * d - a * b),
            ],
            [
                2.0 * (b * d - a * c),
                2.0 * (c * d + a * b),
                a * a + d * d - c * c - b * b,
            ],
        ];
        let s = [p[0], p[1], p[2] * qfac];
        let mut m = [[0.0; 3]; 3];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = r[i][j] * s[j];
            }
        }
        return m;
    }
    [[p[0], 0.0, 0.0], [0.0, p[1], 0.0], [0.0, 0.0, p[2]]]
}

/// For each LPS axis: which voxel axis runs along it, whether it runs backwards, its spacing.
fn lps_permutation(m: [[f32; 3]; 3]) -> Result<[(usize, bool, f32); 3], String> {
    // RAS → LPS: the first two world axes change sign
    let world = |a: usize, j: usize| if a < 2 { -m[a][j] } else { m[a][j] };
    let mut out: [Option<(usize, bool, f32)>; 3] = [None; 3];
    #[allow(clippy::needless_range_loop)] // j indexes the matrix's columns, not a slice
    for j in 0..3 {
        let a = (0..3)
            .max_by(|&a, &b| world(a, j).abs().total_cmp(&world(b, j).abs()))
            .unwrap_or(j);
        let len = (0..3).map(|r| m[r][j] * m[r][j]).sum::<f32>().sqrt();
        if out[a].is_some() || !(len.is_finite() && len > 0.0) {
            return Err("the voxel axes are not a rotation of the patient axes".into());
        }
        out[a] = Some((j, world(a, j) < 0.0, len));
    }
    Ok([
        out[0].unwrap_or((0, false, 1.0)),
        out[1].unwrap_or((1, false, 1.0)),
        out[2].unwrap_or((2, false, 1.0)),
    ])
}

/// Reorders a voxel array `[k][j][i]` (i fastest) into LPS order with the permutation.
fn to_lps<T: Copy>(
    src: &[T],
    dims: [usize; 3],
    perm: [(usize, bool, f32); 3],
) -> (Vec<T>, [usize; 3]) {
    let out_dims = [dims[perm[0].0], dims[perm[1].0], dims[perm[2].0]];
    let mut out = Vec::with_capacity(src.len());
    let stride = [1, dims[0], dims[0] * dims[1]];
    for z in 0..out_dims[2] {
        for y in 0..out_dims[1] {
            for x in 0..out_dims[0] {
                let mut at = 0;
                for (axis, &o) in [x, y, z].iter().enumerate() {
                    let (j, flip, _) = perm[axis];
                    let v = if flip { out_dims[axis] - 1 - o } else { o };
                    at += v * stride[j];
                }
                out.push(src[at]);
            }
        }
    }
    (out, out_dims)
}

/// Reads a 3-D (or 2-D) NIfTI-1 file, `.nii` or `.nii.gz`, into LPS order with the scaling
/// (scl_slope, scl_inter) applied.
pub fn read_nifti(path: &Path) -> Result<Volume> {
    let obj = ReaderOptions::new()
        .read_file(path)
        .map_err(|e| corrupt(path, format!("not a readable NIfTI-1 file: {e}")))?;
    let h = obj.header().clone();
    let vol = obj.into_volume();
    let d = vol.dim().to_vec();
    if d.is_empty() || d.len() > 3 && d[3..].iter().any(|&n| n > 1) {
        return Err(corrupt(
            path,
            format!("expected a 2-D or 3-D volume, dims are {d:?}"),
        ));
    }
    let dims = [
        usize::from(d[0]),
        d.get(1).map_or(1, |&n| usize::from(n)),
        d.get(2).map_or(1, |&n| usize::from(n)),
    ];
    let ty = vol.data_type();
    let bad = |e: nifti::NiftiError| corrupt(path, format!("voxel data: {e}"));
    let raw: Vec<f32> = match ty {
        NiftiType::Uint8 => vol
            .into_nifti_typed_data::<u8>()
            .map_err(bad)?
            .into_iter()
            .map(f32::from)
            .collect(),
        NiftiType::Int8 => vol
            .into_nifti_typed_data::<i8>()
            .map_err(bad)?
            .into_iter()
            .map(f32::from)
            .collect(),
        NiftiType::Int16 => vol
            .into_nifti_typed_data::<i16>()
            .map_err(bad)?
            .into_iter()
            .map(f32::from)
            .collect(),
        NiftiType::Uint16 => vol
            .into_nifti_typed_data::<u16>()
            .map_err(bad)?
            .into_iter()
            .map(f32::from)
            .collect(),
        NiftiType::Int32 => vol
            .into_nifti_typed_data::<i32>()
            .map_err(bad)?
            .into_iter()
            .map(|v| v as f32)
            .collect(),
        NiftiType::Float32 => vol.into_nifti_typed_data::<f32>().map_err(bad)?,
        NiftiType::Float64 => vol
            .into_nifti_typed_data::<f64>()
            .map_err(bad)?
            .into_iter()
            .map(|v| v as f32)
            .collect(),
        other => {
            return Err(corrupt(
                path,
                format!("voxel type {other:?} is not supported"),
            ));
        }
    };
    if raw.len() < dims.iter().product() {
        return Err(corrupt(path, "fewer voxels than the header's dimensions"));
    }
    // scl_slope 0 means "no scaling" (NIfTI-1)
    let (slope, inter) = if h.scl_slope != 0.0 && h.scl_slope.is_finite() {
        (
            h.scl_slope,
            if h.scl_inter.is_finite() {
                h.scl_inter
            } else {
                0.0
            },
        )
    } else {
        (1.0, 0.0)
    };
    let perm = lps_permutation(nifti_axes(&h)).map_err(|r| corrupt(path, r))?;
    let (mut data, out_dims) = to_lps(&raw[..dims.iter().product()], dims, perm);
    if slope != 1.0 || inter != 0.0 {
        data.iter_mut().for_each(|v| *v = *v * slope + inter);
    }
    Ok(Volume {
        dims: out_dims,
        spacing: [perm[0].2, perm[1].2, perm[2].2],
        data,
    })
}

/// Element type of a raw array file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawType {
    /// Unsigned 8-bit.
    U8,
    /// Signed 16-bit.
    I16,
    /// Unsigned 16-bit.
    U16,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
}

/// Reads a raw array `[z][y][x]` (x fastest, already in LPS display order) of `ty`.
pub fn read_raw(
    path: &Path,
    dims: [usize; 3],
    spacing: [f32; 3],
    ty: RawType,
    big_endian: bool,
) -> Result<Volume> {
    let bytes = std::fs::read(path).map_err(|e| corrupt(path, e.to_string()))?;
    let n: usize = dims.iter().product();
    let size = match ty {
        RawType::U8 => 1,
        RawType::I16 | RawType::U16 => 2,
        RawType::F32 => 4,
        RawType::F64 => 8,
    };
    if bytes.len() != n * size {
        return Err(corrupt(
            path,
            format!(
                "{} bytes, but {dims:?} of {ty:?} needs {}",
                bytes.len(),
                n * size
            ),
        ));
    }
    let word = |c: &[u8]| -> u64 {
        let mut v = 0u64;
        let it: Box<dyn Iterator<Item = &u8>> = if big_endian {
            Box::new(c.iter())
        } else {
            Box::new(c.iter().rev())
        };
        for &b in it {
            v = (v << 8) | u64::from(b);
        }
        v
    };
    let data = bytes
        .chunks_exact(size)
        .map(|c| {
            let w = word(c);
            match ty {
                RawType::U8 => w as f32,
                RawType::I16 => f32::from(w as u16 as i16),
                RawType::U16 => f32::from(w as u16),
                RawType::F32 => f32::from_bits(w as u32),
                RawType::F64 => f64::from_bits(w) as f32,
            }
        })
        .collect();
    Ok(Volume {
        dims,
        spacing,
        data,
    })
}

/// Reads a grey-scale PNG (8 or 16 bits) as a one-slice volume.
pub fn read_png(path: &Path, spacing: f32) -> Result<Volume> {
    let img = image::ImageReader::open(path)
        .map_err(|e| corrupt(path, e.to_string()))?
        .with_guessed_format()
        .map_err(|e| corrupt(path, e.to_string()))?
        .decode()
        .map_err(|e| corrupt(path, format!("not a readable PNG: {e}")))?
        .into_luma16();
    let (w, h) = img.dimensions();
    let data = img.into_raw().into_iter().map(f32::from).collect();
    Ok(Volume {
        dims: [w as usize, h as usize, 1],
        spacing: [spacing, spacing, spacing],
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ras_identity_becomes_lps_with_x_and_y_reversed() {
        let m = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]];
        let p = lps_permutation(m).unwrap();
        assert_eq!(p, [(0, true, 1.0), (1, true, 2.0), (2, false, 3.0)]);
        // a 2×2×1 array: voxel (i, j) = 10 j + i
        let src = [0, 1, 10, 11];
        let (out, dims) = to_lps(&src, [2, 2, 1], p);
        assert_eq!(dims, [2, 2, 1]);
        assert_eq!(out, vec![11, 10, 1, 0]);
    }

    #[test]
    fn swapped_axes_are_permuted() {
        // voxel i runs along world y (anterior), voxel j along world -x (left in LPS terms)
        let m = [[0.0, -1.0, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 1.0]];
        let p = lps_permutation(m).unwrap();
        assert_eq!(p[0], (1, false, 1.0));
        assert_eq!(p[1], (0, true, 0.5));
        let src: Vec<u16> = (0..6).collect(); // i in 0..3, j in 0..2
        let (out, dims) = to_lps(&src, [3, 2, 1], p);
        assert_eq!(dims, [2, 3, 1]);
        // out(x, y) = src(i = 2 - y, j = x)
        assert_eq!(out, vec![2, 5, 1, 4, 0, 3]);
    }

    #[test]
    fn a_degenerate_matrix_is_an_error() {
        let m = [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
        assert!(lps_permutation(m).is_err());
    }

    #[test]
    fn trilinear_sample_interpolates_and_clamps() {
        let mut v = Volume::filled([2, 1, 1], [1.0; 3], 0.0);
        v.data[1] = 10.0;
        assert_eq!(v.sample(0.25, 0.0, 0.0), 2.5);
        assert_eq!(v.sample(-3.0, 0.0, 0.0), 0.0);
        assert_eq!(v.sample(9.0, 0.0, 0.0), 10.0);
    }
}
