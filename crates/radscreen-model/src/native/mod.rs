//! Inference on the CPU without burn's tensor machinery: the same network with each BatchNorm
//! folded into the convolution before it, every convolution a direct or Winograd convolution on
//! a blocked channel layout (`kernels/`: AVX-512, AVX2 or portable kernels chosen at run time)
//! with the bias, the residual add and ReLU applied as each tile is written. Output rows are
//! spread over the threads; a batch of small images goes one image per thread instead.
//!
//! Why: burn-flex runs this small network about 10× slower than ONNX Runtime on the same CPU
//! (docs/benchmarks.md) — per-operation allocation, layout conversion and the unfused
//! BatchNorm/ReLU passes cost more than the convolutions themselves at these sizes; an earlier
//! im2col + SGEMM version of this path reached about half of ONNX Runtime, whose MLAS runs
//! direct convolutions on the same kind of layout. burn stays the reference: tests/parity.rs
//! checks this path against flex on the shipped weights.

use burn::module::Param;
use burn::nn::BatchNorm;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use ndarray::{Array2, ArrayView4, Axis};

use crate::error::{Error, Result};
use crate::io::read_f32;
use crate::net::Net;

// The kernels are the path's only unsafe code; the module states their contracts.
#[allow(unsafe_code)]
mod kernels;

use kernels::winograd::WinoPacked;
use kernels::{Act, Isa, Packed};
use rayon::prelude::*;

/// The instruction set the native CPU path's kernels use on this machine (`avx512`, `avx2`
/// or `portable`; `RADSCREEN_CPU_KERNEL` caps it), and `+ winograd` unless
/// `RADSCREEN_CPU_WINOGRAD=off` turned it off (`+ winograd f2` with
/// `RADSCREEN_CPU_WINOGRAD=f2`).
pub(crate) fn cpu_kernel() -> &'static str {
    let f2 = wino_tile() == 2;
    match (Isa::current(), Algo::current()) {
        (Isa::Avx512, Algo::Fastest) if f2 => "avx512 + winograd f2",
        (Isa::Avx2, Algo::Fastest) if f2 => "avx2 + winograd f2",
        (Isa::Portable, Algo::Fastest) if f2 => "portable + winograd f2",
        (Isa::Avx512, Algo::Fastest) => "avx512 + winograd",
        (Isa::Avx2, Algo::Fastest) => "avx2 + winograd",
        (Isa::Portable, Algo::Fastest) => "portable + winograd",
        (isa, Algo::Direct) => isa.name(),
    }
}

/// A convolution with its BatchNorm folded in: `y = W · x + b`.
#[derive(Debug, Clone)]
pub(crate) struct Conv {
    pub(crate) cin: usize,
    pub(crate) kernel: usize,
    pub(crate) stride: usize,
    pub(crate) pad: usize,
    /// `[cout, cin * kernel * kernel]`
    pub(crate) weight: Array2<f32>,
    pub(crate) bias: Vec<f32>,
    /// The same weights in the kernels' layout.
    packed: Packed,
    /// Winograd-transformed weights, for the 3×3 stride-1 layers wide enough to gain.
    wino: Option<WinoPacked>,
}

/// Input channels from which a 3×3 stride-1 layer runs by Winograd: below them the transforms
/// cost more than the multiplies they save (the 3-channel stem).
const WINOGRAD_MIN_CIN: usize = 16;

/// The Winograd output tile's side: 4, F(4×4, 3×3) (a quarter of direct's multiplies, where
/// F(2×2, 3×3) does 4/9; per layer 8–23 % faster than F(2×2) on AVX2, docs/benchmarks.md), or
/// 2 when `RADSCREEN_CPU_WINOGRAD=f2` (to measure one against the other in one binary, and to
/// test F(2×2) end to end). Read once per process.
fn wino_tile() -> usize {
    static TILE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *TILE.get_or_init(
        || match std::env::var("RADSCREEN_CPU_WINOGRAD").as_deref() {
            Ok("f2") => 2,
            _ => 4,
        },
    )
}

/// How a convolution is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algo {
    Direct,
    /// Winograd ([`wino_tile`]) where the layer has its weights, direct elsewhere.
    Fastest,
}

impl Algo {
    /// `Fastest`, or `Direct` when `RADSCREEN_CPU_WINOGRAD=off` (to measure one against the
    /// other in one binary, and to test the direct kernels end to end). Read once per process.
    fn current() -> Algo {
        static ALGO: std::sync::OnceLock<Algo> = std::sync::OnceLock::new();
        *ALGO.get_or_init(
            || match std::env::var("RADSCREEN_CPU_WINOGRAD").as_deref() {
                Ok("off" | "0") => Algo::Direct,
                _ => Algo::Fastest,
            },
        )
    }
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
    buffers: Buffers,
}

/// Input pixels run through the network together: images smaller than this are grouped.
const GROUP_PIXELS: usize = 128 * 128;

/// Activation buffers kept between calls, so that scoring batch after batch allocates nothing.
#[derive(Debug, Default)]
struct Buffers(std::sync::Mutex<Vec<Vec<f32>>>);

impl Clone for Buffers {
    fn clone(&self) -> Self {
        Buffers::default()
    }
}

impl Buffers {
    /// The most buffers kept: the activations alive at once in one forward pass (input, the
    /// block's input, its first convolution, its skip, its output) and spares, so that every
    /// layer of the next pass finds one large enough; as many for each thread, which may run
    /// a pass of its own (`forward`'s small images).
    fn kept() -> usize {
        8 * rayon::current_num_threads().max(1)
    }

    /// The smallest kept buffer that holds `len` floats, else the largest (which then grows):
    /// handing the largest to every layer left the big early layers to reallocate and clear
    /// megabytes on every pass at full resolution.
    fn take(&self, len: usize) -> Vec<f32> {
        let mut v = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let fits = (0..v.len())
            .filter(|&i| v[i].capacity() >= len)
            .min_by_key(|&i| v[i].capacity());
        let at = fits.or_else(|| (0..v.len()).max_by_key(|&i| v[i].capacity()));
        at.map(|i| v.swap_remove(i)).unwrap_or_default()
    }

    /// Keeps `a`'s buffer; past [`Self::kept`] buffers the smallest one goes.
    fn give(&self, a: Act) {
        let mut v = self.0.lock().unwrap_or_else(|p| p.into_inner());
        v.push(a.into_buffer());
        if v.len() > Self::kept()
            && let Some(i) = (0..v.len()).min_by_key(|&i| v[i].capacity())
        {
            v.swap_remove(i);
        }
    }
}

/// Activation-map logits per image (`[findings, h' * w']`) and the maps' (h', w').
pub(crate) type Maps = (Vec<Array2<f32>>, (usize, usize));

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
    Conv::new(cin, kh, conv.stride[0], pad, weight, bias)
}

impl Conv {
    fn new(
        cin: usize,
        kernel: usize,
        stride: usize,
        pad: usize,
        weight: Array2<f32>,
        bias: Vec<f32>,
    ) -> Result<Conv> {
        let w = weight.as_standard_layout();
        let packed = w
            .as_slice()
            .and_then(|w| Packed::new((cin, bias.len(), kernel, stride, pad), w, &bias))
            .filter(|_| pad <= 1) // the activations carry a border of one pixel
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "native CPU path: unsupported convolution ({cin} channels, kernel {kernel}, \
                     stride {stride}, padding {pad}, weights {:?})",
                    weight.dim()
                ))
            })?;
        let wino = (kernel == 3 && stride == 1 && pad == 1 && cin >= WINOGRAD_MIN_CIN)
            .then(|| {
                w.as_slice()
                    .and_then(|w| WinoPacked::new(cin, bias.len(), w, &bias, wino_tile()))
            })
            .flatten();
        Ok(Conv {
            cin,
            kernel,
            stride,
            pad,
            weight,
            bias,
            packed,
            wino,
        })
    }

    /// The floats of this convolution's output on `x` with a border of `border` (0 when it
    /// does not fit: the convolution itself reports that).
    fn out_len(&self, x: &Act, border: usize) -> usize {
        self.packed.out_dims(x.h, x.w).map_or(0, |(h, w)| {
            Act::layer_floats((x.n, self.bias.len(), h, w), border)
        })
    }

    /// Whether `algo` runs this convolution with the direct kernels.
    fn direct(&self, algo: Algo) -> bool {
        self.wino.is_none() || algo == Algo::Direct
    }

    /// `relu?(self(x) + residual?)` with a border of `border` around the output, written in
    /// `buffer`.
    fn apply(
        &self,
        isa: Isa,
        x: &Act,
        residual: Option<&Act>,
        relu: bool,
        out: (usize, Vec<f32>),
    ) -> Result<Act> {
        self.apply_by(Algo::current(), isa, x, residual, relu, out)
    }

    fn apply_by(
        &self,
        algo: Algo,
        isa: Isa,
        x: &Act,
        residual: Option<&Act>,
        relu: bool,
        out: (usize, Vec<f32>),
    ) -> Result<Act> {
        match &self.wino {
            Some(w) if algo == Algo::Fastest => {
                kernels::winograd::conv(isa, w, x, residual, relu, out)
            }
            _ => kernels::conv(isa, &self.packed, x, residual, relu, out),
        }
        .map_err(internal)
    }
}

/// A kernel's refusal (a geometry or buffer check failed): an error, never zeros.
fn internal(e: String) -> Error {
    Error::Internal(format!("native convolution: {e}"))
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
            buffers: Buffers::default(),
        })
    }

    /// Activation-map logits per image (`[findings, h' * w']`) and the map's side.
    pub(crate) fn forward(&self, batch: ArrayView4<f32>) -> Result<Maps> {
        let n = batch.dim().0;
        // A few images at a time through the whole network, their rows on all threads: the
        // activations of a 32-image batch, layer by layer, would not stay in cache (measured:
        // 350 images/s at batch 32 against 448 at batch 1 on 128² inputs).
        let per = (GROUP_PIXELS / (batch.dim().2 * batch.dim().3).max(1)).clamp(1, n.max(1));
        let groups: Vec<usize> = (0..n).step_by(per).collect();
        let run = |&i: &usize| {
            let part = batch.slice_axis(Axis(0), ndarray::Slice::from(i..(i + per).min(n)));
            self.forward_on(Isa::current(), part)
        };
        // Small images with a group for every thread: one group per thread at a time, each
        // through the whole network (its rows split further only when a thread is idle).
        // Per layer the rows of one 128² image are too few to share well, and each core then
        // keeps its own image's activations in its cache: 1.2× at 128², batches of 8 and 32,
        // measured in alternating runs. Large images keep their rows on all threads (the same
        // speed at 512² and one image's activations in memory, not one per thread).
        let small = batch.dim().2 * batch.dim().3 <= GROUP_PIXELS;
        let parts: Vec<Maps> = if small && groups.len() >= rayon::current_num_threads() {
            groups.par_iter().map(run).collect::<Result<_>>()?
        } else {
            groups.iter().map(run).collect::<Result<_>>()?
        };
        let mut maps = Vec::with_capacity(n);
        let mut side = (0, 0);
        for (m, s) in parts {
            maps.extend(m);
            side = s;
        }
        Ok((maps, side))
    }

    fn forward_on(&self, isa: Isa, batch: ArrayView4<f32>) -> Result<Maps> {
        let (n, c, h, w) = batch.dim();
        // an output buffer sized for `conv` on `x` with a border of `b`
        let buf = |conv: &Conv, x: &Act, b: usize| (b, self.buffers.take(conv.out_len(x, b)));
        let dims = (n, c, h, w);
        let mut input = Act::input(self.buffers.take(Act::input_floats(dims, 1)), dims, 1);
        input
            .fill(batch)
            .map_err(|e| Error::Internal(format!("native input: {e}")))?;
        let mut x = self
            .stem
            .apply(isa, &input, None, true, buf(&self.stem, &input, 1))?;
        self.buffers.give(input);
        for b in &self.blocks {
            let (y, skip) = match &b.skip {
                // the strided first convolution and its 1×1 skip in the same row tasks
                Some(s) if b.a.direct(Algo::current()) => {
                    let (y, s) = kernels::conv_pair(
                        isa,
                        (&b.a.packed, true, buf(&b.a, &x, 1)),
                        (&s.packed, buf(s, &x, 0)),
                        &x,
                    )
                    .map_err(internal)?;
                    (y, Some(s))
                }
                Some(s) => (
                    b.a.apply(isa, &x, None, true, buf(&b.a, &x, 1))?,
                    Some(s.apply(isa, &x, None, false, buf(s, &x, 0))?),
                ),
                None => (b.a.apply(isa, &x, None, true, buf(&b.a, &x, 1))?, None),
            };
            // the block's output: relu(b(y) + skip), added and clamped as b writes it
            let out = b.b.apply(
                isa,
                &y,
                Some(skip.as_ref().unwrap_or(&x)),
                true,
                buf(&b.b, &y, 1),
            )?;
            self.buffers.give(y);
            if let Some(s) = skip {
                self.buffers.give(s);
            }
            self.buffers.give(std::mem::replace(&mut x, out));
        }
        let out = self
            .head
            .apply(isa, &x, None, false, buf(&self.head, &x, 0))?;
        self.buffers.give(x);
        let maps = (0..n)
            .map(|i| {
                Array2::from_shape_fn((out.c, out.h * out.w), |(f, p)| {
                    out.values()[out.index(i, f, p / out.w, p % out.w)]
                })
            })
            .collect();
        let side = (out.h, out.w);
        self.buffers.give(out);
        Ok((maps, side))
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
        let weight = Array2::from_shape_vec((cout, kk), values(cout * kk, seed)).unwrap();
        Conv::new(cin, kernel, stride, pad, weight, values(cout, seed ^ 1)).unwrap()
    }

    /// `[n, c, h, w]` values into an activation with the given border.
    fn act(x: &[f32], (n, c, h, w): (usize, usize, usize, usize), border: usize) -> Act {
        let mut a = Act::zeros(n, c, h, w, border);
        for (i, &v) in x.iter().enumerate() {
            let (q, xx) = (i / w, i % w);
            let (q, y) = (q / h, q % h);
            let at = a.index(q / c, q % c, y, xx);
            a.values_mut()[at] = v;
        }
        a
    }

    /// `[n, c, h, w]` values as the network's input is made: [`Act::input`] (compact lanes for
    /// at most 4 channels) in a stale buffer of NaN, filled by [`Act::fill`].
    fn input_act(x: &[f32], dims: (usize, usize, usize, usize), border: usize) -> Act {
        let stale = vec![f32::NAN; Act::input_floats(dims, border)];
        let mut a = Act::input(stale, dims, border);
        let batch = ndarray::ArrayView4::from_shape(dims, x).unwrap();
        a.fill(batch).unwrap();
        a
    }

    /// An activation back to `[n, c, h, w]` values.
    fn plain(a: &Act) -> Vec<f32> {
        let mut v = Vec::with_capacity(a.n * a.c * a.h * a.w);
        for i in 0..a.n {
            for c in 0..a.c {
                for y in 0..a.h {
                    for x in 0..a.w {
                        v.push(a.values()[a.index(i, c, y, x)]);
                    }
                }
            }
        }
        v
    }

    /// Every (image, channel, y, x) of an activation's inside.
    fn inside(
        n: usize,
        c: usize,
        h: usize,
        w: usize,
    ) -> impl Iterator<Item = (usize, usize, usize, usize)> {
        (0..n * c * h * w).map(move |q| (q / (c * h * w), q / (h * w) % c, q / w % h, q % w))
    }

    /// burn-flex's conv2d (+ residual, ± ReLU): the reference.
    fn burn_conv(
        c: &Conv,
        x: Vec<f32>,
        dims: [usize; 4],
        residual: Option<Vec<f32>>,
        relu: bool,
    ) -> (Vec<f32>, [usize; 4]) {
        let device = Device::flex();
        let cout = c.bias.len();
        let weight: Vec<f32> = c.weight.iter().copied().collect();
        let mut y = conv2d(
            Tensor::<4>::from_data(TensorData::new(x, dims), &device),
            Tensor::<4>::from_data(
                TensorData::new(weight, [cout, c.cin, c.kernel, c.kernel]),
                &device,
            ),
            Some(Tensor::<1>::from_data(
                TensorData::new(c.bias.clone(), [cout]),
                &device,
            )),
            ConvOptions::new([c.stride, c.stride], [c.pad, c.pad], [1, 1], 1),
        );
        if let Some(r) = residual {
            y = y.clone() + Tensor::<4>::from_data(TensorData::new(r, y.dims()), &device);
        }
        let y = if relu {
            burn::tensor::activation::relu(y)
        } else {
            y
        };
        let d = y.dims();
        (read_f32(y).unwrap(), d)
    }

    fn available() -> Vec<Isa> {
        Isa::ALL.into_iter().filter(|i| i.available()).collect()
    }

    fn close(got: &[f32], want: &[f32]) -> std::result::Result<(), String> {
        if got.len() != want.len() {
            return Err(format!("{} values against {}", got.len(), want.len()));
        }
        for (i, (a, b)) in got.iter().zip(want).enumerate() {
            if (a - b).abs() > 1e-4 * (1.0 + b.abs()) {
                return Err(format!("element {i}: {a} vs {b}"));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// One folded convolution (+ bias, + residual, ± ReLU) on every instruction set this
        /// CPU has against burn-flex's conv2d on random shapes: channels across several
        /// blocks, 1×1 and 3×3 kernels, strides 1–3, padding 0–1, planes of 1–40 pixels a side
        /// (tails of every tile width), borders wider than the padding, batches of 1–3, output
        /// buffers reused with stale contents.
        #[test]
        fn convolution_matches_burn(
            n in 1usize..4,
            cin in 1usize..40,
            cout in 1usize..40,
            kernel in prop::sample::select(vec![1usize, 3]),
            stride in 1usize..4,
            pad in 0usize..2,
            extra_border in 0usize..2,
            h in 1usize..40,
            w in 1usize..40,
            relu in any::<bool>(),
            with_residual in any::<bool>(),
            stale_len in 0usize..200_000,
            seed in any::<u64>(),
        ) {
            prop_assume!(h + 2 * pad >= kernel && w + 2 * pad >= kernel);
            let c = conv(cin, cout, kernel, stride, pad, seed);
            let x = values(n * cin * h * w, seed ^ 2);
            let (ho, wo) = c.packed.out_dims(h, w).unwrap();
            let residual = with_residual.then(|| values(n * cout * ho * wo, seed ^ 3));
            let (want, d) = burn_conv(&c, x.clone(), [n, cin, h, w], residual.clone(), relu);
            prop_assert_eq!(d, [n, cout, ho, wo]);
            // the layout between layers, and the network input's (compact for cin ≤ 4)
            let inputs = [
                act(&x, (n, cin, h, w), pad + extra_border),
                input_act(&x, (n, cin, h, w), pad + extra_border),
            ];
            let res = residual.map(|r| act(&r, (n, cout, ho, wo), extra_border));
            // a reused buffer full of NaN: every output element must be written or zeroed
            let stale = vec![f32::NAN; stale_len];
            for (input, isa) in inputs.iter().flat_map(|i| available().into_iter().map(move |a| (i, a))) {
                let got = c.apply_by(Algo::Direct, isa, input, res.as_ref(), relu, (extra_border, stale.clone())).unwrap();
                let r = check(&got, &want, (n, cout, ho, wo));
                prop_assert!(r.is_ok(), "{}: {}", isa.name(), r.unwrap_err());
            }
        }

        /// Winograd F(2×2, 3×3) and F(4×4, 3×3) (+ bias, + residual, ± ReLU) on every
        /// instruction set against burn-flex: any number of input channels (the layer
        /// threshold is a speed choice), sides of every remainder (the last tile reads past
        /// the buffer), borders wider than the padding, stale output buffers.
        #[test]
        fn winograd_matches_burn(
            tile in prop::sample::select(vec![2usize, 4]),
            n in 1usize..4,
            cin in 1usize..70,
            cout in 1usize..70,
            extra_border in 0usize..2,
            h in 1usize..40,
            w in 1usize..40,
            relu in any::<bool>(),
            with_residual in any::<bool>(),
            stale_len in 0usize..200_000,
            seed in any::<u64>(),
        ) {
            let mut c = conv(cin, cout, 3, 1, 1, seed);
            let weight: Vec<f32> = c.weight.iter().copied().collect();
            c.wino = WinoPacked::new(cin, cout, &weight, &c.bias, tile);
            let x = values(n * cin * h * w, seed ^ 2);
            let residual = with_residual.then(|| values(n * cout * h * w, seed ^ 3));
            let (want, _) = burn_conv(&c, x.clone(), [n, cin, h, w], residual.clone(), relu);
            let input = act(&x, (n, cin, h, w), 1 + extra_border);
            let res = residual.map(|r| act(&r, (n, cout, h, w), extra_border));
            let stale = vec![f32::NAN; stale_len];
            for isa in available() {
                let got = c.apply_by(Algo::Fastest, isa, &input, res.as_ref(), relu, (extra_border, stale.clone())).unwrap();
                let r = check(&got, &want, (n, cout, h, w));
                prop_assert!(r.is_ok(), "{}: {}", isa.name(), r.unwrap_err());
            }
        }
    }

    /// The activation's shape, its values against `want`, and zeros in its borders and in
    /// the lanes past its channels (the next layer reads them).
    fn check(
        got: &Act,
        want: &[f32],
        dims: (usize, usize, usize, usize),
    ) -> std::result::Result<(), String> {
        if (got.n, got.c, got.h, got.w) != dims {
            return Err(format!("shape {:?}", (got.n, got.c, got.h, got.w)));
        }
        close(&plain(got), want)?;
        let mut outside = got.values().to_vec();
        for (i, c, y, x) in inside(dims.0, dims.1, dims.2, dims.3) {
            outside[got.index(i, c, y, x)] = 0.0;
        }
        if outside.iter().all(|&v| v == 0.0) {
            Ok(())
        } else {
            Err("a border is not zero".into())
        }
    }

    /// The v3 input's shapes (a 512-pixel tile, and the wide late layers) on every instruction
    /// set, against flex.
    #[test]
    fn v3_tile_shapes_match_burn() {
        for (cin, cout, k, s, h) in [
            (3, 16, 3, 1, 512),
            (48, 64, 3, 2, 64),
            (64, 64, 3, 1, 64),
            (24, 24, 3, 1, 256),
        ] {
            let c = conv(cin, cout, k, s, 1, 7);
            let x = values(cin * h * h, 8);
            let (want, _) = burn_conv(&c, x.clone(), [1, cin, h, h], None, true);
            let input = input_act(&x, (1, cin, h, h), 1);
            for isa in available() {
                for algo in [Algo::Direct, Algo::Fastest] {
                    let got = c
                        .apply_by(algo, isa, &input, None, true, (1, Vec::new()))
                        .unwrap();
                    if let Err(e) = close(&plain(&got), &want) {
                        panic!("{} {algo:?} on {cin}→{cout} at {h}²: {e}", isa.name());
                    }
                }
            }
        }
    }

    /// A block's strided convolution and its skip computed in the same row tasks give what
    /// each gives alone (and burn, for the first), on every instruction set; outputs of
    /// different sizes are refused.
    #[test]
    fn paired_convolutions_match_each_alone() {
        for (n, cin, cout, h, w) in [(1, 16, 24, 17, 32), (3, 24, 48, 8, 9), (2, 5, 20, 1, 2)] {
            let (a, skip) = (conv(cin, cout, 3, 2, 1, 3), conv(cin, cout, 1, 2, 0, 4));
            let x = values(n * cin * h * w, 5);
            let (want, _) = burn_conv(&a, x.clone(), [n, cin, h, w], None, true);
            let input = act(&x, (n, cin, h, w), 1);
            for isa in available() {
                let stale = || (1, vec![f32::NAN; 5000]);
                let (ya, ys) = kernels::conv_pair(
                    isa,
                    (&a.packed, true, stale()),
                    (&skip.packed, (0, vec![f32::NAN; 3000])),
                    &input,
                )
                .unwrap();
                check(&ya, &want, (ya.n, cout, ya.h, ya.w)).unwrap();
                let alone = skip.apply_by(Algo::Direct, isa, &input, None, false, (0, Vec::new()));
                assert_eq!(ys.values(), alone.unwrap().values(), "{}", isa.name());
            }
        }
        let (a, b) = (conv(4, 4, 3, 1, 1, 1), conv(4, 4, 1, 2, 0, 2));
        let x = Act::zeros(1, 4, 6, 6, 1);
        let r = kernels::conv_pair(
            Isa::Portable,
            (&a.packed, true, (1, Vec::new())),
            (&b.packed, (0, Vec::new())),
            &x,
        );
        assert!(r.is_err());
    }

    /// Inputs that do not match the layer are an error, not a map of zeros.
    #[test]
    fn mismatched_input_is_an_error_not_zeros() {
        let c = conv(3, 4, 3, 1, 1, 5);
        let e = c
            .apply(
                Isa::Portable,
                &Act::zeros(1, 2, 4, 4, 1),
                None,
                false,
                (1, Vec::new()),
            )
            .expect_err("an error");
        assert!(matches!(e, Error::Internal(_)), "{e}");
        // padding wider than the input's border
        assert!(
            c.apply(
                Isa::Portable,
                &Act::zeros(1, 3, 4, 4, 0),
                None,
                false,
                (1, Vec::new())
            )
            .is_err()
        );
        // a kernel larger than the padded plane
        let big = conv(3, 4, 3, 1, 0, 5);
        assert!(
            big.apply(
                Isa::Portable,
                &Act::zeros(1, 3, 1, 1, 1),
                None,
                false,
                (1, Vec::new())
            )
            .is_err()
        );
        // a compact network input where Winograd needs 16 lanes
        let mut w = conv(3, 4, 3, 1, 1, 5);
        let weight: Vec<f32> = w.weight.iter().copied().collect();
        w.wino = WinoPacked::new(3, 4, &weight, &w.bias, 2);
        let x = input_act(&values(3 * 16, 1), (1, 3, 4, 4), 1);
        assert!(
            w.apply_by(
                Algo::Fastest,
                Isa::Portable,
                &x,
                None,
                false,
                (1, Vec::new())
            )
            .is_err()
        );
        assert!(
            w.apply_by(
                Algo::Direct,
                Isa::Portable,
                &x,
                None,
                false,
                (1, Vec::new())
            )
            .is_ok()
        );
        // a residual of another shape
        let r = Act::zeros(1, 4, 3, 3, 0);
        assert!(
            c.apply(
                Isa::Portable,
                &Act::zeros(1, 3, 4, 4, 1),
                Some(&r),
                true,
                (1, Vec::new())
            )
            .is_err()
        );
    }

    /// A convolution the activations cannot pad is refused at load, not computed wrong.
    #[test]
    fn padding_over_the_border_is_refused_at_load() {
        let w = Array2::zeros((2, 3 * 25));
        assert!(Conv::new(3, 5, 1, 2, w, vec![0.0; 2]).is_err());
    }
}
