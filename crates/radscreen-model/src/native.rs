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

use crate::error::{Error, Result};
use crate::model::read_f32;
use crate::net::Net;

/// A convolution with its BatchNorm folded in: `y = W · im2col(x) + b`.
#[derive(Debug, Clone)]
struct Conv {
    cin: usize,
    kernel: usize,
    stride: usize,
    pad: usize,
    /// `[cout, cin * kernel * kernel]`
    weight: Array2<f32>,
    bias: Vec<f32>,
}

#[derive(Debug, Clone)]
struct Block {
    a: Conv,
    b: Conv,
    skip: Option<Conv>,
}

/// The network ready for CPU inference.
#[derive(Debug, Clone)]
pub(crate) struct NativeNet {
    stem: Conv,
    blocks: Vec<Block>,
    head: Conv,
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
            Ok(self.run(Planes { data, h, w }, per_image))
        };
        let out: Vec<Planes> = (0..n).into_par_iter().map(one).collect::<Result<_>>()?;
        let side = out.first().map_or((0, 0), |p| (p.h, p.w));
        Ok((out.into_iter().map(|p| p.data).collect(), side))
    }

    fn run(&self, x: Planes, threads: usize) -> Planes {
        let mut x = self.stem.apply(&x, threads, true);
        for b in &self.blocks {
            let y = b.a.apply(&x, threads, true);
            let mut y = b.b.apply(&y, threads, false);
            match &b.skip {
                Some(s) => y.data += &s.apply(&x, threads, false).data,
                None => y.data += &x.data,
            }
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
    /// im2col block and multiplies it, so the block never leaves the cache; tiles run on
    /// `threads` threads.
    fn apply(&self, x: &Planes, threads: usize, relu: bool) -> Planes {
        let (k, s, p) = (self.kernel, self.stride, self.pad);
        let ho = (x.h + 2 * p).saturating_sub(k) / s + 1;
        let wo = (x.w + 2 * p).saturating_sub(k) / s + 1;
        let cout = self.weight.nrows();
        let kk = self.cin * k * k;
        let xs = x.data.as_standard_layout(); // no copy: the planes are built row-major
        let src = xs.as_slice().unwrap_or_default();
        let w = self.weight.as_standard_layout();
        let w = w.as_slice().unwrap_or_default();
        let pointwise = k == 1 && s == 1 && p == 0;
        let rows = (TILE_FLOATS / (kk * wo).max(1)).clamp(1, ho.max(1));
        let tiles: Vec<(usize, usize)> = (0..ho)
            .step_by(rows)
            .map(|r0| (r0, (r0 + rows).min(ho)))
            .collect();
        let tile = |&(r0, r1): &(usize, usize)| -> Vec<f32> {
            let t = (r1 - r0) * wo;
            let mut dst = vec![0.0f32; cout * t];
            if pointwise {
                // the planes themselves are the columns: rows of length h*w, this tile's slice
                gemm_into(&mut dst, cout, t, kk, w, &src[r0 * wo..], x.h * x.w);
            } else {
                let cols = im2col_rows(src, x.h, x.w, self.cin, k, s, p, wo, r0, r1);
                gemm_into(&mut dst, cout, t, kk, w, &cols, t);
            }
            dst
        };
        let blocks: Vec<Vec<f32>> = if threads > 1 && tiles.len() > 1 {
            tiles.par_iter().map(tile).collect()
        } else {
            tiles.iter().map(tile).collect()
        };
        // scatter the tiles into [cout, ho * wo], adding the bias (and ReLU) on the way
        let n = ho * wo;
        let mut out = vec![0.0f32; cout * n];
        for (&(r0, r1), block) in tiles.iter().zip(&blocks) {
            let t = (r1 - r0) * wo;
            for (o, &b) in self.bias.iter().enumerate().take(cout) {
                let d = &mut out[o * n + r0 * wo..o * n + r0 * wo + t];
                for (v, &y) in d.iter_mut().zip(&block[o * t..(o + 1) * t]) {
                    *v = if relu { (y + b).max(0.0) } else { y + b };
                }
            }
        }
        Planes {
            data: Array2::from_shape_vec((cout, n), out).unwrap_or_default(),
            h: ho,
            w: wo,
        }
    }
}

/// im2col for output rows `r0..r1`: `[cin * k * k, (r1 - r0) * wo]`, row (c, dy, dx) holding
/// the input samples each of those output positions sees (zero outside the image).
#[allow(clippy::too_many_arguments)]
fn im2col_rows(
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
) -> Vec<f32> {
    let t = (r1 - r0) * wo;
    let mut cols = vec![0.0f32; cin * k * k * t];
    for c in 0..cin.min(src.len() / (h * w).max(1)) {
        let plane = &src[c * h * w..(c + 1) * h * w];
        for dy in 0..k {
            for dx in 0..k {
                let row = (c * k + dy) * k + dx;
                let dst = &mut cols[row * t..(row + 1) * t];
                // output columns whose input column ox*s + dx - p lies inside the image;
                // the others read the zero padding and stay zero
                let lo = p.saturating_sub(dx).div_ceil(s);
                let hi = (w + p).saturating_sub(dx).div_ceil(s).min(wo);
                if lo >= hi {
                    continue;
                }
                let ix0 = lo * s + dx - p;
                for oy in r0..r1 {
                    let Some(iy) = (oy * s + dy).checked_sub(p).filter(|&iy| iy < h) else {
                        continue; // a padding row: stays zero
                    };
                    let line = &plane[iy * w..(iy + 1) * w];
                    let d = &mut dst[(oy - r0) * wo + lo..(oy - r0) * wo + hi];
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
    cols
}

/// `dst[m×n] = lhs[m×k] · rhs[k×n]`, row-major, `rhs` rows `rhs_rs` apart, on one thread.
fn gemm_into(
    dst: &mut [f32],
    m: usize,
    n: usize,
    k: usize,
    lhs: &[f32],
    rhs: &[f32],
    rhs_rs: usize,
) {
    let rhs_needed = if k == 0 { 0 } else { (k - 1) * rhs_rs + n };
    if m == 0
        || n == 0
        || dst.len() < m * n
        || lhs.len() < m * k
        || rhs.len() < rhs_needed
        || rhs_rs < n
    {
        return; // unreachable by construction; never hand gemm buffers it would overrun
    }
    // SAFETY: dst holds m×n floats with row stride n, lhs m×k with row stride k, and rhs k rows
    // of n floats each starting rhs_rs apart: all inside the slices (checked above). gemm
    // reads lhs and rhs and writes only dst; with read_dst = false it does not read dst.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
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
}
