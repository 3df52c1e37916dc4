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
use ndarray::{Array2, ArrayView2, ArrayView4, Axis};
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

impl Conv {
    fn apply(&self, x: &Planes, threads: usize, relu: bool) -> Planes {
        let (k, s, p) = (self.kernel, self.stride, self.pad);
        let ho = (x.h + 2 * p).saturating_sub(k) / s + 1;
        let wo = (x.w + 2 * p).saturating_sub(k) / s + 1;
        let cols = if k == 1 && s == 1 && p == 0 {
            None // a pointwise convolution multiplies the planes as they are
        } else {
            Some(im2col(x, self.cin, k, s, p, ho, wo))
        };
        let rhs = cols.as_ref().map_or(x.data.view(), |c| c.view());
        let mut out = Array2::<f32>::zeros((self.weight.nrows(), ho * wo));
        matmul(self.weight.view(), rhs, &mut out, threads);
        for (mut row, &b) in out.axis_iter_mut(Axis(0)).zip(&self.bias) {
            if relu {
                row.mapv_inplace(|v| (v + b).max(0.0));
            } else {
                row.mapv_inplace(|v| v + b);
            }
        }
        Planes {
            data: out,
            h: ho,
            w: wo,
        }
    }
}

/// `[cin * k * k, ho * wo]`: row (c, dy, dx) holds the input samples each output position sees.
fn im2col(
    x: &Planes,
    cin: usize,
    k: usize,
    s: usize,
    p: usize,
    ho: usize,
    wo: usize,
) -> Array2<f32> {
    let (h, w) = (x.h, x.w);
    let xs = x.data.as_standard_layout(); // no copy: the planes are built row-major
    let src_all = xs.as_slice().unwrap_or_default();
    let mut dst_all = vec![0.0f32; cin * k * k * ho * wo];
    for c in 0..cin.min(src_all.len() / (h * w).max(1)) {
        let plane = &src_all[c * h * w..(c + 1) * h * w];
        for dy in 0..k {
            for dx in 0..k {
                let row = (c * k + dy) * k + dx;
                let dst = &mut dst_all[row * ho * wo..(row + 1) * ho * wo];
                for oy in 0..ho {
                    let Some(iy) = (oy * s + dy).checked_sub(p).filter(|&iy| iy < h) else {
                        continue; // zero padding: the row stays zero
                    };
                    let src = &plane[iy * w..(iy + 1) * w];
                    for (ox, v) in dst[oy * wo..(oy + 1) * wo].iter_mut().enumerate() {
                        if let Some(&x) = (ox * s + dx).checked_sub(p).and_then(|ix| src.get(ix)) {
                            *v = x;
                        }
                    }
                }
            }
        }
    }
    Array2::from_shape_vec((cin * k * k, ho * wo), dst_all).unwrap_or_default()
}

/// `out = lhs · rhs` (all row-major), on `threads` of rayon's threads.
fn matmul(lhs: ArrayView2<f32>, rhs: ArrayView2<f32>, out: &mut Array2<f32>, threads: usize) {
    let (m, k) = lhs.dim();
    let n = rhs.ncols();
    let (Some(a), Some(b)) = (lhs.as_slice(), rhs.as_slice()) else {
        // not contiguous (never, as built here): ndarray's safe, slower product
        return ndarray::linalg::general_mat_mul(1.0, &lhs, &rhs, 0.0, out);
    };
    let Some(c) = out.as_slice_mut() else {
        return ndarray::linalg::general_mat_mul(1.0, &lhs, &rhs, 0.0, out);
    };
    if rhs.nrows() != k || c.len() != m * n || a.len() != m * k || b.len() != k * n {
        // never hand gemm mismatched buffers; ndarray's product checks shapes itself
        return ndarray::linalg::general_mat_mul(1.0, &lhs, &rhs, 0.0, out);
    }
    let parallelism = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: the three buffers are contiguous row-major matrices of exactly m×k, k×n and m×n
    // elements (checked above); gemm reads lhs/rhs and writes dst within those bounds, and
    // with read_dst = false it never reads dst.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            false,
            a.as_ptr(),
            1,
            k as isize,
            b.as_ptr(),
            1,
            n as isize,
            0.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}
