//! Inference on the CPU without burn's tensor machinery: the same network with each BatchNorm
//! folded into the convolution before it, every convolution as im2col + one SGEMM (the `gemm`
//! crate burn-flex also uses), bias and ReLU applied in place, images of a batch in parallel
//! (and, when the batch has fewer images than threads, each product on several threads).
//!
//! Why: burn-flex runs this small network about 10× slower than ONNX Runtime on the same CPU
//! (docs/benchmarks.md) — per-operation allocation, layout conversion and the unfused
//! BatchNorm/ReLU passes cost more than the convolutions themselves at these sizes. burn stays
//! the reference: tests/parity.rs checks this path against flex on the shipped weights.

use burn::module::Param;
use burn::nn::BatchNorm;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use ndarray::{Array2, ArrayView4, Axis};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::io::read_f32;
use crate::net::Net;

/// A convolution with its BatchNorm folded in: `y = W · im2col(x) + b`.
#[derive(Debug, Clone)]
pub(crate) struct Conv {
    pub(crate) cin: usize,
    pub(crate) kernel: usize,
    pub(crate) stride: usize,
    pub(crate) pad: usize,
    /// `[cout, cin * kernel * kernel]`
    pub(crate) weight: Array2<f32>,
    pub(crate) bias: Vec<f32>,
}

#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) a: Conv,
    pub(crate) b: Conv,
    pub(crate) skip: Option<Conv>,
}

/// The network ready for CPU inference.
#[derive(Debug, Clone)]
pub(crate) struct NativeNet {
    pub(crate) stem: Conv,
    pub(crate) blocks: Vec<Block>,
    pub(crate) head: Conv,
}

/// Activation-map logits per image (`[findings, h' * w']`) and the maps' (h', w').
pub(crate) type Maps = (Vec<Array2<f32>>, (usize, usize));

/// One image's planes: `[channels, h * w]` plus its side lengths.
struct Planes {
    data: Array2<f32>,
    h: usize,
    w: usize,
}

fn tensor1(p: &Param<Tensor<1>>) -> Result<Vec<f32>> {
    read_f32(p.val())
}

fn conv_of(conv: &Conv2d, bn: Option<&BatchNorm>) -> Result<Conv> {
    let w = conv.weight.val();
    let [cout, cin, kh, kw] = w.dims();
    if kh != kw || conv.groups != 1 || conv.dilation != [1, 1] || conv.stride[0] != conv.stride[1] {
        return Err(Error::InvalidInput(
            "native CPU path: unsupported convolution".into(),
        ));
    }
    let k = cin * kh * kw;
    let mut weight = Array2::from_shape_vec((cout, k), read_f32(w)?)
        .map_err(|e| Error::InvalidInput(e.to_string()))?;
    let mut bias = match &conv.bias {
        Some(b) => tensor1(b)?,
        None => vec![0.0; cout],
    };
    if let Some(bn) = bn {
        let gamma = tensor1(&bn.gamma)?;
        let beta = tensor1(&bn.beta)?;
        let mean = read_f32(bn.running_mean.value())?;
        let var = read_f32(bn.running_var.value())?;
        for o in 0..cout {
            // BatchNorm(y) = (y - mean) / sqrt(var + eps) * gamma + beta, folded into W and b
            let scale = gamma[o] / (var[o] + bn.epsilon as f32).sqrt();
            weight.row_mut(o).mapv_inplace(|v| v * scale);
            bias[o] = (bias[o] - mean[o]) * scale + beta[o];
        }
    }
    let pad = match conv.padding {
        burn::nn::PaddingConfig2d::Explicit(t, l, b, r) if t == l && l == b && b == r => t,
        burn::nn::PaddingConfig2d::Valid => 0,
        _ => {
            return Err(Error::InvalidInput(
                "native CPU path: unsupported padding".into(),
            ));
        }
    };
    Ok(Conv {
        cin,
        kernel: kh,
        stride: conv.stride[0],
        pad,
        weight,
        bias,
    })
}

impl NativeNet {
    /// Copies (and folds) the weights of a trained network.
    pub(crate) fn from_net(net: &Net) -> Result<Self> {
        let (stem, blocks, head) = net.parts();
        let cb = |c: &crate::net::ConvBn| {
            let (conv, bn) = c.parts();
            conv_of(conv, Some(bn))
        };
        Ok(NativeNet {
            stem: cb(stem)?,
            blocks: blocks
                .iter()
                .map(|b| {
                    let (a, bb, skip) = b.parts();
                    Ok(Block {
                        a: cb(a)?,
                        b: cb(bb)?,
                        skip: skip.map(cb).transpose()?,
                    })
                })
                .collect::<Result<_>>()?,
            head: conv_of(head, None)?,
        })
    }

    /// Activation-map logits per image (`[findings, h' * w']`) and the map's side.
    pub(crate) fn forward(&self, batch: ArrayView4<f32>) -> Result<Maps> {
        let (n, c, h, w) = batch.dim();
        let threads = rayon::current_num_threads().max(1);
        // fewer images than threads: each image's products share the spare threads
        let per_image = (threads / n.max(1)).max(1);
        let one = |i: usize| -> Result<Planes> {
            // iter() walks the logical order whatever the array's memory layout
            let values: Vec<f32> = batch.index_axis(Axis(0), i).iter().copied().collect();
            let data = Array2::from_shape_vec((c, h * w), values)
                .map_err(|e| Error::InvalidInput(e.to_string()))?;
            self.run(Planes { data, h, w }, per_image)
        };
        let out: Vec<Planes> = (0..n).into_par_iter().map(one).collect::<Result<_>>()?;
        let side = out.first().map_or((0, 0), |p| (p.h, p.w));
        Ok((out.into_iter().map(|p| p.data).collect(), side))
    }

    fn run(&self, x: Planes, threads: usize) -> Result<Planes> {
        let mut x = self.stem.apply(&x, threads, true)?;
        for b in &self.blocks {
            let y = b.a.apply(&x, threads, true)?;
            let mut y = b.b.apply(&y, threads, false)?;
            let skip = match &b.skip {
                Some(s) => s.apply(&x, threads, false)?,
                None => x,
            };
            if skip.data.dim() != y.data.dim() {
                return Err(Error::Internal(format!(
                    "native path: a residual block adds {:?} to {:?}",
                    skip.data.dim(),
                    y.data.dim()
                )));
            }
            y.data += &skip.data;
            y.data.mapv_inplace(|v| v.max(0.0));
            x = y;
        }
        self.head.apply(&x, threads, false)
    }
}

/// Floats in one tile's column block (256 KiB): small enough to stay in a core's L2 cache
/// between im2col writing it and the product reading it.
const TILE_FLOATS: usize = 64 * 1024;

impl Conv {
    /// The convolution (+ bias, + ReLU) in tiles of whole output rows: each tile builds its own
    /// im2col block (in a buffer its thread keeps) and multiplies it straight into the output,
    /// then adds the bias (and ReLU) to those columns while they are still in cache; tiles run
    /// on `threads` threads.
    ///
    /// # Errors
    /// [`Error::Internal`] when the planes, the weights and the geometry disagree, or a tile's
    /// buffers would not hold its product: a wrong answer is refused, never zero-filled.
    fn apply(&self, x: &Planes, threads: usize, relu: bool) -> Result<Planes> {
        let (k, s, p) = (self.kernel, self.stride, self.pad);
        let cout = self.weight.nrows();
        let kk = self.cin * k * k;
        let internal = |what: String| Err(Error::Internal(format!("native convolution: {what}")));
        if k == 0 || s == 0 || x.h + 2 * p < k || x.w + 2 * p < k {
            return internal(format!(
                "kernel {k}, stride {s}, padding {p} on a {}×{} plane",
                x.h, x.w
            ));
        }
        if x.data.dim() != (self.cin, x.h * x.w)
            || self.weight.ncols() != kk
            || self.bias.len() != cout
        {
            return internal(format!(
                "planes {:?} for {} channels of {}×{}, weights {:?}, {} biases",
                x.data.dim(),
                self.cin,
                x.h,
                x.w,
                self.weight.dim(),
                self.bias.len()
            ));
        }
        let ho = (x.h + 2 * p - k) / s + 1;
        let wo = (x.w + 2 * p - k) / s + 1;
        let xs = x.data.as_standard_layout(); // no copy: the planes are built row-major
        let w = self.weight.as_standard_layout();
        let (Some(src), Some(w)) = (xs.as_slice(), w.as_slice()) else {
            return internal("a standard-layout array without a slice".into());
        };
        let pointwise = k == 1 && s == 1 && p == 0;
        let rows = (TILE_FLOATS / (kk * wo).max(1)).clamp(1, ho.max(1));
        let tiles: Vec<(usize, usize)> = (0..ho)
            .step_by(rows)
            .map(|r0| (r0, (r0 + rows).min(ho)))
            .collect();
        let n = ho * wo;
        // Zeroed once (fresh pages from the allocator); every element is then overwritten.
        let mut out = vec![0.0f32; cout * n];
        let dst = Shared(out.as_mut_ptr(), out.len());
        // a tile whose buffers failed a check leaves its columns unwritten: the layer then
        // fails as a whole rather than returning zeros (a silent false negative)
        let failed = AtomicBool::new(false);
        let tile = |&(r0, r1): &(usize, usize)| {
            let (c0, t) = (r0 * wo, (r1 - r0) * wo);
            let done = if pointwise {
                // the planes themselves are the columns: rows of length h*w, this tile's slice
                dst.gemm(c0, n, cout, t, kk, w, &src[c0..], x.h * x.w)
            } else {
                COLS.with(|cols| {
                    let mut cols = cols.borrow_mut();
                    im2col_rows(&mut cols, src, x.h, x.w, self.cin, k, s, p, wo, r0, r1);
                    dst.gemm(c0, n, cout, t, kk, w, &cols, t)
                })
            };
            if !done {
                failed.store(true, Ordering::Relaxed);
                return;
            }
            for (o, &b) in self.bias.iter().enumerate() {
                // SAFETY: columns c0..c0 + t of each output row belong to this tile alone
                let Some(cols) = (unsafe { dst.columns(o * n + c0, t) }) else {
                    failed.store(true, Ordering::Relaxed);
                    return;
                };
                for v in cols {
                    *v = if relu { (*v + b).max(0.0) } else { *v + b };
                }
            }
        };
        if threads > 1 && tiles.len() > 1 {
            tiles.par_iter().for_each(tile);
        } else {
            tiles.iter().for_each(tile);
        }
        if failed.load(Ordering::Relaxed) {
            return internal(format!(
                "a tile's buffers did not hold its product ({cout}×{kk} by {kk}×{n})"
            ));
        }
        let data = Array2::from_shape_vec((cout, n), out)
            .map_err(|e| Error::Internal(format!("native convolution: {e}")))?;
        Ok(Planes { data, h: ho, w: wo })
    }
}

thread_local! {
    /// Each thread's im2col block, reused across tiles and layers (allocating and zeroing a
    /// fresh 256 KiB block per tile cost about a tenth of the inference time).
    static COLS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The output buffer of one convolution, shared by its tiles: each tile writes only its own
/// output columns (`c0..c0 + t` of every output row), so their writes never overlap.
#[derive(Clone, Copy)]
struct Shared(*mut f32, usize);
// SAFETY: tiles write disjoint element ranges (above) and the buffer outlives the tiles, which
// all finish before `apply` returns.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

impl Shared {
    /// `t` elements from `at`, or `None` when they are not all inside the buffer.
    ///
    /// # Safety
    /// No other live reference may cover these elements: the caller's tile owns them.
    #[allow(clippy::mut_from_ref)]
    unsafe fn columns(&self, at: usize, t: usize) -> Option<&mut [f32]> {
        if at.checked_add(t).is_none_or(|end| end > self.1) {
            return None;
        }
        // SAFETY: in bounds (checked); exclusive by the caller's contract.
        Some(unsafe { std::slice::from_raw_parts_mut(self.0.add(at), t) })
    }

    /// `self[row r, columns c0..c0 + n] = lhs[m×k] · rhs[k×n]` for rows of `dst_rs` elements,
    /// on one thread; `rhs` rows are `rhs_rs` apart. `false` (nothing written) when the
    /// buffers would not hold the product.
    #[allow(clippy::too_many_arguments)]
    fn gemm(
        &self,
        c0: usize,
        dst_rs: usize,
        m: usize,
        n: usize,
        k: usize,
        lhs: &[f32],
        rhs: &[f32],
        rhs_rs: usize,
    ) -> bool {
        let fits = |len: usize, rows: usize, stride: usize, from: usize, cols: usize| {
            rows.checked_sub(1)
                .and_then(|r| r.checked_mul(stride))
                .and_then(|x| x.checked_add(from))
                .and_then(|x| x.checked_add(cols))
                .is_some_and(|end| end <= len)
        };
        if m == 0 || n == 0 {
            return true; // an empty product: nothing to write
        }
        if c0 + n > dst_rs
            || rhs_rs < n
            || !fits(self.1, m, dst_rs, c0, n)
            || !fits(lhs.len(), m, k, 0, k)
            || (k > 0 && !fits(rhs.len(), k, rhs_rs, 0, n))
        {
            return false; // never hand gemm buffers it would overrun
        }
        // SAFETY: the destination rows (m of them, dst_rs apart, n columns from c0) lie inside
        // the buffer (checked above) and belong to this tile alone (see `Shared`); lhs holds
        // m×k floats with row stride k and rhs k rows of n floats rhs_rs apart (checked). gemm
        // reads lhs and rhs and writes only dst; with read_dst = false it does not read dst.
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                self.0.add(c0),
                1,
                dst_rs as isize,
                false,
                lhs.as_ptr(),
                1,
                k as isize,
                rhs.as_ptr(),
                1,
                rhs_rs as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
        true
    }
}

/// im2col for output rows `r0..r1` into `cols`: `[cin * k * k, (r1 - r0) * wo]`, row (c, dy, dx)
/// holding the input samples each of those output positions sees (zero outside the image).
/// `cols` is reused and only grown: every element of the block is written, padding with zeros.
#[allow(clippy::too_many_arguments)]
fn im2col_rows(
    cols: &mut Vec<f32>,
    src: &[f32],
    h: usize,
    w: usize,
    cin: usize,
    k: usize,
    s: usize,
    p: usize,
    wo: usize,
    r0: usize,
    r1: usize,
) {
    let t = (r1 - r0) * wo;
    let len = cin * k * k * t;
    if cols.len() < len {
        cols.resize(len, 0.0);
    }
    let cols = &mut cols[..len];
    // `src` holds `cin` planes of h × w: `Conv::apply` checked it before any tile ran
    for c in 0..cin {
        let plane = &src[c * h * w..(c + 1) * h * w];
        for dy in 0..k {
            for dx in 0..k {
                let row = (c * k + dy) * k + dx;
                let dst = &mut cols[row * t..(row + 1) * t];
                // output columns whose input column ox*s + dx - p lies inside the image;
                // the others read the zero padding
                let lo = p.saturating_sub(dx).div_ceil(s).min(wo);
                let hi = (w + p).saturating_sub(dx).div_ceil(s).min(wo);
                for oy in r0..r1 {
                    let d = &mut dst[(oy - r0) * wo..(oy - r0 + 1) * wo];
                    let iy = (oy * s + dy).checked_sub(p).filter(|&iy| iy < h);
                    let Some(iy) = iy.filter(|_| lo < hi) else {
                        d.fill(0.0); // a padding row
                        continue;
                    };
                    let ix0 = lo * s + dx - p;
                    let line = &plane[iy * w..(iy + 1) * w];
                    d[..lo].fill(0.0);
                    d[hi..].fill(0.0);
                    let d = &mut d[lo..hi];
                    if s == 1 {
                        d.copy_from_slice(&line[ix0..ix0 + (hi - lo)]);
                    } else {
                        for (v, &x) in d.iter_mut().zip(line[ix0..].iter().step_by(s)) {
                            *v = x;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::module::conv2d;
    use burn::tensor::ops::ConvOptions;
    use burn::tensor::{Device, Tensor, TensorData};
    use proptest::prelude::*;

    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut r = crate::rng::Rng::new(seed, 0xC0, 0);
        (0..n).map(|_| r.range(-1.0, 1.0)).collect()
    }

    fn conv(cin: usize, cout: usize, kernel: usize, stride: usize, pad: usize, seed: u64) -> Conv {
        let kk = cin * kernel * kernel;
        Conv {
            cin,
            kernel,
            stride,
            pad,
            weight: Array2::from_shape_vec((cout, kk), values(cout * kk, seed)).unwrap(),
            bias: values(cout, seed ^ 1),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// One folded convolution (+ bias, ± ReLU) against burn-flex's conv2d on random
        /// shapes, including planes large enough to be cut into several tiles on several
        /// threads.
        #[test]
        fn convolution_matches_burn(
            cin in 1usize..12,
            cout in 1usize..9,
            kernel in prop::sample::select(vec![1usize, 3, 5]),
            stride in 1usize..4,
            pad in 0usize..3,
            h in 1usize..48,
            w in 1usize..48,
            relu in any::<bool>(),
            seed in any::<u64>(),
        ) {
            prop_assume!(h + 2 * pad >= kernel && w + 2 * pad >= kernel);
            let c = conv(cin, cout, kernel, stride, pad, seed);
            let x = values(cin * h * w, seed ^ 2);
            let planes = Planes {
                data: Array2::from_shape_vec((cin, h * w), x.clone()).unwrap(),
                h,
                w,
            };
            let got = c.apply(&planes, 1 + (seed % 3) as usize, relu).unwrap();
            let device = Device::flex();
            let weight: Vec<f32> = c.weight.iter().copied().collect();
            let y = conv2d(
                Tensor::<4>::from_data(TensorData::new(x, [1, cin, h, w]), &device),
                Tensor::<4>::from_data(TensorData::new(weight, [cout, cin, kernel, kernel]), &device),
                Some(Tensor::<1>::from_data(TensorData::new(c.bias.clone(), [cout]), &device)),
                ConvOptions::new([stride, stride], [pad, pad], [1, 1], 1),
            );
            let y = if relu { burn::tensor::activation::relu(y) } else { y };
            let [_, yc, yh, yw] = y.dims();
            prop_assert_eq!((yc, yh, yw), (cout, got.h, got.w));
            let want = read_f32(y).unwrap();
            prop_assert_eq!(want.len(), got.data.len());
            for (i, (a, b)) in got.data.iter().zip(&want).enumerate() {
                prop_assert!((a - b).abs() <= 1e-4 * (1.0 + b.abs()), "element {}: {} vs {}", i, a, b);
            }
        }
    }

    /// Planes that do not match the layer are an error, not a map of zeros.
    #[test]
    fn mismatched_planes_are_an_error_not_zeros() {
        let c = conv(3, 4, 3, 1, 1, 5);
        let planes = Planes {
            data: Array2::zeros((2, 16)),
            h: 4,
            w: 4,
        };
        let e = c.apply(&planes, 1, false).err().expect("an error");
        assert!(matches!(e, Error::Internal(_)), "{e}");
        let small = Planes {
            data: Array2::zeros((3, 1)),
            h: 1,
            w: 1,
        };
        assert!(conv(3, 4, 5, 1, 0, 5).apply(&small, 1, false).is_err());
    }
}
