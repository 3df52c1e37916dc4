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
    /// im2col block (in a buffer its thread keeps) and multiplies it straight into the output,
    /// then adds the bias (and ReLU) to those columns while they are still in cache; tiles run
    /// on `threads` threads.
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
        let n = ho * wo;
        // Zeroed once (fresh pages from the allocator); every element is then overwritten.
        let mut out = vec![0.0f32; cout * n];
        let dst = Shared(out.as_mut_ptr(), out.len());
        let tile = |&(r0, r1): &(usize, usize)| {
            let (c0, t) = (r0 * wo, (r1 - r0) * wo);
            if pointwise {
                // the planes themselves are the columns: rows of length h*w, this tile's slice
                dst.gemm(c0, n, cout, t, kk, w, &src[c0..], x.h * x.w);
            } else {
                COLS.with(|cols| {
                    let mut cols = cols.borrow_mut();
                    im2col_rows(&mut cols, src, x.h, x.w, self.cin, k, s, p, wo, r0, r1);
                    dst.gemm(c0, n, cout, t, kk, w, &cols, t);
                });
            }
            for (o, &b) in self.bias.iter().enumerate().take(cout) {
                // SAFETY: columns c0..c0 + t of each output row belong to this tile alone
                for v in unsafe { dst.columns(o * n + c0, t) } {
                    *v = if relu { (*v + b).max(0.0) } else { *v + b };
                }
            }
        };
        if threads > 1 && tiles.len() > 1 {
            tiles.par_iter().for_each(tile);
        } else {
            tiles.iter().for_each(tile);
        }
        Planes {
            data: Array2::from_shape_vec((cout, n), out).unwrap_or_default(),
            h: ho,
            w: wo,
        }
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
    /// `t` elements from `at` (inside the buffer: checked).
    ///
    /// # Safety
    /// No other live reference may cover these elements: the caller's tile owns them.
    #[allow(clippy::mut_from_ref)]
    unsafe fn columns(&self, at: usize, t: usize) -> &mut [f32] {
        if at.checked_add(t).is_none_or(|end| end > self.1) {
            return &mut [];
        }
        // SAFETY: in bounds (checked); exclusive by the caller's contract.
        unsafe { std::slice::from_raw_parts_mut(self.0.add(at), t) }
    }

    /// `self[row r, columns c0..c0 + n] = lhs[m×k] · rhs[k×n]` for rows of `dst_rs` elements,
    /// on one thread; `rhs` rows are `rhs_rs` apart.
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
    ) {
        let fits = |len: usize, rows: usize, stride: usize, from: usize, cols: usize| {
            rows.checked_sub(1)
                .and_then(|r| r.checked_mul(stride))
                .and_then(|x| x.checked_add(from))
                .and_then(|x| x.checked_add(cols))
                .is_some_and(|end| end <= len)
        };
        if m == 0
            || n == 0
            || c0 + n > dst_rs
            || rhs_rs < n
            || !fits(self.1, m, dst_rs, c0, n)
            || !fits(lhs.len(), m, k, 0, k)
            || (k > 0 && !fits(rhs.len(), k, rhs_rs, 0, n))
        {
            return; // unreachable by construction; never hand gemm buffers it would overrun
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
    let planes = cin.min(src.len() / (h * w).max(1));
    cols[planes * k * k * t..].fill(0.0); // channels the input lacks (never, by construction)
    for c in 0..planes {
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
