//! Inference on burn's backends with each BatchNorm folded into the convolution before it (the
//! same folding as the native CPU path, `native.rs`): one convolution kernel with its bias per
//! layer instead of a convolution and a BatchNorm pass, and on GPUs the weights and activations
//! in the precision chosen at load (f16 takes NVIDIA GPUs onto their matrix units). ReLU and the
//! residual adds are element-wise: burn's fusion merges them into neighbouring kernels.

use burn::tensor::activation::relu;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{DType, Device, FloatDType, Tensor, TensorData};

use crate::native::{Conv, NativeNet};
use crate::precision::Precision;

#[derive(Debug, Clone)]
struct FoldedConv {
    /// `[cout, cin, k, k]`
    weight: Tensor<4>,
    bias: Tensor<1>,
    options: ConvOptions<2>,
}

impl FoldedConv {
    fn new(c: &Conv, device: &Device, dtype: DType) -> Self {
        let cout = c.weight.nrows();
        let weight = TensorData::new(
            c.weight.iter().copied().collect::<Vec<f32>>(),
            [cout, c.cin, c.kernel, c.kernel],
        );
        FoldedConv {
            weight: Tensor::from_data(weight, (device, dtype)),
            bias: Tensor::from_data(TensorData::new(c.bias.clone(), [cout]), (device, dtype)),
            options: ConvOptions::new([c.stride, c.stride], [c.pad, c.pad], [1, 1], 1),
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        conv2d(
            x,
            self.weight.clone(),
            Some(self.bias.clone()),
            self.options.clone(),
        )
    }
}

#[derive(Debug, Clone)]
struct FoldedBlock {
    a: FoldedConv,
    b: FoldedConv,
    skip: Option<FoldedConv>,
}

/// The network with BatchNorm folded in, on one device in one precision.
#[derive(Debug, Clone)]
pub(crate) struct FoldedNet {
    stem: FoldedConv,
    blocks: Vec<FoldedBlock>,
    head: FoldedConv,
    dtype: DType,
}

impl FoldedNet {
    /// Uploads `native`'s folded weights to `device` in `precision` (`Auto` counts as f32).
    pub(crate) fn new(native: &NativeNet, device: &Device, precision: Precision) -> Self {
        let dtype = precision.dtype();
        let conv = |c: &Conv| FoldedConv::new(c, device, dtype);
        FoldedNet {
            // the stem in f32: it reads the image itself (3 channels, too few to occupy matrix
            // units anyway); f16 from its output on
            stem: FoldedConv::new(&native.stem, device, DType::F32),
            blocks: native
                .blocks
                .iter()
                .map(|b| FoldedBlock {
                    a: conv(&b.a),
                    b: conv(&b.b),
                    skip: b.skip.as_ref().map(conv),
                })
                .collect(),
            // the 1×1 head in f32: its logits feed thresholds directly, and f16's spacing at
            // |logit| ≈ 4 (0.004) alone would move probabilities by about 1e-3
            head: FoldedConv::new(&native.head, device, DType::F32),
            dtype,
        }
    }

    /// The tensor type inputs are uploaded in.
    pub(crate) fn dtype(&self) -> DType {
        self.dtype
    }

    /// Activation-map logits `[batch, findings, h / stride, w / stride]`, in f32 whatever the
    /// network's precision: the head, the pooling and the sigmoids run in f32.
    ///
    /// # Shapes
    /// `input`: `[batch, in_channels, h, w]` in f32.
    pub(crate) fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        let mut x = relu(self.stem.forward(input));
        if self.dtype != DType::F32 {
            x = x.cast(FloatDType::F16);
        }
        for block in &self.blocks {
            let y = block.b.forward(relu(block.a.forward(x.clone())));
            let s = match &block.skip {
                Some(p) => p.forward(x),
                None => x,
            };
            x = relu(y + s);
        }
        if self.dtype != DType::F32 {
            x = x.cast(FloatDType::F32);
        }
        self.head.forward(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folded network scores what the network with its BatchNorm layers scores: on the
    /// shipped weights, whose running statistics are far from the identity.
    #[test]
    fn folding_matches_the_batchnorm_network() {
        let device = Device::flex();
        let model = crate::Model::shipped(&device).unwrap();
        let size = model.config().preprocess.size;
        let x = crate::random_batch(3, size, 7);
        let input = || {
            let data = TensorData::new(x.iter().copied().collect::<Vec<f32>>(), [3, 3, size, size]);
            Tensor::<4>::from_data(data, &device)
        };
        let plain = model.net.forward(input(), 4.0).cam;
        let native = NativeNet::from_net(&model.net).unwrap();
        let folded = FoldedNet::new(&native, &device, Precision::F32).forward(input());
        assert_eq!(plain.dims(), folded.dims());
        let a = crate::io::read_f32(plain).unwrap();
        let b = crate::io::read_f32(folded).unwrap();
        let d = a
            .iter()
            .zip(&b)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0f32, f32::max);
        let scale = a.iter().map(|v| v.abs()).fold(0.0f32, f32::max);
        assert!(scale > 0.1, "activation maps too flat to compare: {scale}");
        assert!(d <= 1e-4, "folded and BatchNorm networks differ by {d}");
    }
}
