//! The network: a small residual CNN whose last layer is a per-finding 1×1 convolution, so its
//! output is a class activation map (CAM) per finding; the image-level logit is a
//! log-sum-exp pooling of that map (a smooth maximum: one small lesion is enough to flag an
//! image, which plain average pooling would dilute).

use crate::rng::Rng;
use burn::module::Param;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

/// Architecture hyper-parameters (saved in config.json beside the weights).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NetConfig {
    /// Input channels (radscreen-imaging's `CHANNELS`).
    pub in_channels: usize,
    /// Channels of the stem convolution (full resolution).
    pub stem_channels: usize,
    /// (output channels, stride) of each residual block.
    pub blocks: Vec<(usize, usize)>,
    /// Number of findings (outputs).
    pub findings: usize,
    /// Sharpness of the log-sum-exp pooling (large: max pooling; small: average pooling).
    pub pool_sharpness: f32,
    /// Output heads: 1, or one per modality group (`InputKind::GROUPS`), each image read from
    /// its group's maps. The trunk is shared; only the 1×1 head is per group, so that one
    /// group's findings need not share a linear read-out with another's. A config.json
    /// without the field (models before it) has one head.
    #[serde(default = "one_head")]
    pub heads: usize,
}

fn one_head() -> usize {
    1
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            in_channels: 3,
            stem_channels: 16,
            blocks: vec![(24, 2), (48, 2), (64, 2), (64, 1)],
            findings: 2,
            pool_sharpness: 4.0,
            heads: 1,
        }
    }
}

impl NetConfig {
    /// Total stride from the input to the activation map.
    pub fn stride(&self) -> usize {
        self.blocks.iter().map(|b| b.1).product()
    }

    /// With `heads` output heads (1, or one per modality group).
    pub fn with_heads(mut self, heads: usize) -> Self {
        self.heads = heads;
        self
    }

    /// Channels of the head's output: `findings` per head, head by head.
    pub fn outputs(&self) -> usize {
        self.findings * self.heads.max(1)
    }

    /// The head that scores images of modality group `group` (`InputKind::group`): the last
    /// head serves the groups past it, as per-group thresholds do.
    pub fn head_of(&self, group: usize) -> usize {
        group.min(self.heads.max(1) - 1)
    }

    /// Builds the network on `device` with weights drawn from `seed`.
    ///
    /// The weights come from radscreen's own generator rather than burn's: burn's CPU backends
    /// keep one process-wide seeded generator, so two models initialised at the same time in one
    /// process (tests, a library user training in threads) would interleave their draws and a
    /// seed would not reproduce a run.
    pub fn init(&self, device: &Device, seed: u64) -> Net {
        let mut rng = Rng::new(seed, 0x1A17, 0);
        let mut blocks = Vec::with_capacity(self.blocks.len());
        let mut channels = self.stem_channels;
        let stem = ConvBn::new(self.in_channels, self.stem_channels, 3, 1, &mut rng, device);
        for &(out, stride) in &self.blocks {
            blocks.push(Block::new(channels, out, stride, &mut rng, device));
            channels = out;
        }
        let outputs = self.outputs();
        let mut head = Conv2dConfig::new([channels, outputs], [1, 1]).init(device);
        head.weight = kaiming_uniform([outputs, channels, 1, 1], &mut rng, device);
        let bound = (1.0 / channels as f32).sqrt();
        let bias: Vec<f32> = (0..outputs).map(|_| rng.range(-bound, bound)).collect();
        head.bias = Some(Param::from_tensor(Tensor::from_data(
            TensorData::new(bias, [outputs]),
            device,
        )));
        Net { stem, blocks, head }
    }
}

/// burn's default convolution initialiser (Kaiming uniform with gain 1/sqrt(3): bound
/// sqrt(1 / fan_in)), drawn from radscreen's generator.
fn kaiming_uniform(shape: [usize; 4], rng: &mut Rng, device: &Device) -> Param<Tensor<4>> {
    let fan_in = (shape[1] * shape[2] * shape[3]) as f32;
    let bound = (1.0 / fan_in).sqrt();
    let values: Vec<f32> = (0..shape.iter().product::<usize>())
        .map(|_| rng.range(-bound, bound))
        .collect();
    Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), device))
}

#[derive(Module, Debug)]
pub(crate) struct ConvBn {
    conv: Conv2d,
    bn: BatchNorm,
}

impl ConvBn {
    fn new(
        cin: usize,
        cout: usize,
        kernel: usize,
        stride: usize,
        rng: &mut Rng,
        device: &Device,
    ) -> Self {
        let pad = kernel / 2;
        let mut conv = Conv2dConfig::new([cin, cout], [kernel, kernel])
            .with_stride([stride, stride])
            .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
            // BatchNorm follows: a bias would be cancelled by its mean.
            .with_bias(false)
            .init(device);
        conv.weight = kaiming_uniform([cout, cin, kernel, kernel], rng, device);
        ConvBn {
            conv,
            bn: BatchNormConfig::new(cout).init(device),
        }
    }

    pub(crate) fn parts(&self) -> (&Conv2d, &BatchNorm) {
        (&self.conv, &self.bn)
    }

    /// # Shapes
    /// `[batch, cin, h, w]` -> `[batch, cout, h / stride, w / stride]`
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.bn.forward(self.conv.forward(x))
    }
}

/// A basic residual block (two 3×3 convolutions) with a 1×1 projection when the shape changes.
#[derive(Module, Debug)]
pub(crate) struct Block {
    a: ConvBn,
    b: ConvBn,
    skip: Option<ConvBn>,
}

impl Block {
    fn new(cin: usize, cout: usize, stride: usize, rng: &mut Rng, device: &Device) -> Self {
        let a = ConvBn::new(cin, cout, 3, stride, rng, device);
        let b = ConvBn::new(cout, cout, 3, 1, rng, device);
        let skip =
            (cin != cout || stride != 1).then(|| ConvBn::new(cin, cout, 1, stride, rng, device));
        Block { a, b, skip }
    }

    pub(crate) fn parts(&self) -> (&ConvBn, &ConvBn, Option<&ConvBn>) {
        (&self.a, &self.b, self.skip.as_ref())
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let y = self.b.forward(relu(self.a.forward(x.clone())));
        let s = match &self.skip {
            Some(p) => p.forward(x),
            None => x,
        };
        relu(y + s)
    }
}

/// The detection network.
#[derive(Module, Debug)]
pub struct Net {
    stem: ConvBn,
    blocks: Vec<Block>,
    head: Conv2d,
}

/// What the network computes for a batch.
#[derive(Debug, Clone)]
pub struct NetOutput {
    /// `[batch, findings]` image-level logits.
    pub logits: Tensor<2>,
    /// `[batch, findings, h / stride, w / stride]` activation-map logits.
    pub cam: Tensor<4>,
}

impl Net {
    pub(crate) fn parts(&self) -> (&ConvBn, &[Block], &Conv2d) {
        (&self.stem, &self.blocks, &self.head)
    }

    /// A one-head network (`config`) with `heads` output heads, each a copy of its head: it
    /// starts a group-heads run where it stands (`radscreen train --init`), every group first
    /// reading the maps the one head read. Any other network is returned as it is (the
    /// caller refuses a many-head network of another count).
    pub(crate) fn with_heads(mut self, config: &NetConfig, heads: usize) -> Net {
        if config.heads != 1 || heads <= 1 {
            return self;
        }
        // detached: a parameter must be a leaf of the autodiff graph, and a copy is not
        let weight = self.head.weight.val().repeat_dim(0, heads).detach();
        self.head.weight = Param::from_tensor(weight);
        if let Some(bias) = self.head.bias.take() {
            let bias = bias.val().repeat_dim(0, heads).detach();
            self.head.bias = Some(Param::from_tensor(bias));
        }
        self
    }

    /// Runs the network.
    ///
    /// # Shapes
    /// `input`: `[batch, in_channels, h, w]` (h and w multiples of the stride).
    pub fn forward(&self, input: Tensor<4>, pool_sharpness: f32) -> NetOutput {
        let cam = self.cam(input);
        NetOutput {
            logits: pool(cam.clone(), pool_sharpness),
            cam,
        }
    }

    /// [`Net::forward`] for a network with several heads: image i keeps the maps of modality
    /// group `groups[i]`'s head (see [`NetConfig::head_of`]; 0 where `groups` is short), so
    /// outputs are `findings` wide whatever the number of heads.
    pub fn forward_heads(
        &self,
        input: Tensor<4>,
        groups: &[usize],
        config: &NetConfig,
    ) -> NetOutput {
        let cam = self.cam(input);
        let cam = select_heads(cam, groups, config);
        NetOutput {
            logits: pool(cam.clone(), config.pool_sharpness),
            cam,
        }
    }
}

/// Keeps image i's `findings` maps of group `groups[i]`'s head from a
/// `[b, findings * heads, h, w]` map (a one-head map is returned as it is).
fn select_heads(cam: Tensor<4>, groups: &[usize], config: &NetConfig) -> Tensor<4> {
    let [b, c, h, w] = cam.dims();
    let findings = config.findings;
    if c == findings {
        return cam;
    }
    let per = c / findings;
    let rows: Vec<i64> = (0..b)
        .map(|i| (i * per + config.head_of(groups.get(i).copied().unwrap_or(0))) as i64)
        .collect();
    let index = Tensor::<1, Int>::from_data(TensorData::new(rows, [b]), &cam.device());
    cam.reshape([b * per, findings, h, w]).select(0, index)
}

impl Net {
    /// The activation-map logits `[batch, findings, h', w']` alone (inference pools them on
    /// the host).
    pub(crate) fn cam(&self, input: Tensor<4>) -> Tensor<4> {
        let mut x = relu(self.stem.forward(input));
        for block in &self.blocks {
            x = block.forward(x);
        }
        self.head.forward(x)
    }
}

/// Image-level logits `[batch, findings]` from activation-map logits: log-mean-exp with the
/// maximum factored out (no overflow), `m + log(mean(exp(r (x - m)))) / r`.
fn pool(cam: Tensor<4>, pool_sharpness: f32) -> Tensor<2> {
    let [b, f, h, w] = cam.dims();
    let flat = cam.reshape([b, f, h * w]);
    let m = flat.clone().max_dim(2).detach(); // [b, f, 1]
    let lse = (flat - m.clone())
        .mul_scalar(pool_sharpness)
        .exp()
        .mean_dim(2)
        .log()
        .div_scalar(pool_sharpness)
        + m;
    lse.reshape([b, f])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-head network widened to one head per group scores every group exactly as it did.
    #[test]
    fn widened_heads_start_as_copies_of_the_one_head() {
        let device = Device::flex();
        let one = NetConfig::default();
        let three = one.clone().with_heads(3);
        let net = one.init(&device, 9);
        let x = Tensor::<4>::from_data(
            TensorData::new(
                crate::model::random_batch(3, 64, 4)
                    .iter()
                    .copied()
                    .collect::<Vec<f32>>(),
                [3, 3, 64, 64],
            ),
            &device,
        );
        let want = crate::io::read_f32(net.forward(x.clone(), one.pool_sharpness).cam).unwrap();
        let wide = net.with_heads(&one, 3);
        assert_eq!(wide.head.weight.dims(), [6, 64, 1, 1]);
        let got = wide.forward_heads(x, &[0, 1, 2], &three).cam;
        let got = crate::io::read_f32(got).unwrap();
        assert_eq!(want.len(), got.len());
        let worst = want
            .iter()
            .zip(&got)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-6, "widened heads differ by {worst}");
    }
}
