//! A trained model: architecture, weights, preprocessing parameters and thresholds, loaded from
//! a model directory (or the copy shipped inside the crate) and run on a device.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use burn::module::Module;
use burn::store::{ModuleSnapshot, SafetensorsStore};
use burn::tensor::{DType, Device, Tensor, TensorData};
use ndarray::{Array2, Array3, Array4, ArrayView4};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use radscreen_imaging::preprocess::{InputKind, Preprocess};

use crate::error::{Error, Result};
use crate::folded::FoldedNet;
use crate::io::{read_f32, write_atomic};
use crate::native::NativeNet;
use crate::net::{Net, NetConfig};
use crate::precision::Precision;

/// File names inside a model directory.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// The model's configuration, [`ModelConfig`] as JSON.
pub const CONFIG_FILE: &str = "config.json";

/// The findings the default network scores, in output order.
pub const FINDINGS: [&str; 2] = ["tumor", "fracture"];

/// config.json: everything but the weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModelConfig {
    /// Bumped when the file's meaning changes.
    pub format: u32,
    /// A human-readable model name.
    pub id: String,
    /// Output names in order.
    pub findings: Vec<String>,
    /// The network's architecture.
    pub net: NetConfig,
    /// How images are prepared for this model (radscreen-imaging's preprocessing).
    pub preprocess: Preprocess,
    /// Decision thresholds on the probability (chosen on the validation split): per finding,
    /// and where the model has them per finding and modality group (`tumor@CT`; see
    /// [`ModelConfig::threshold`]).
    pub thresholds: BTreeMap<String, f64>,
    /// Free-form training provenance (data, seed, epochs, validation metrics).
    #[serde(default)]
    pub training: serde_json::Value,
}

impl ModelConfig {
    /// The decision threshold of `finding` for images of modality group `group`
    /// ([`InputKind::group`]): the group's own (`finding@GROUP`) where the model has one, else
    /// the finding's; 0.5 for a finding it does not know.
    pub fn threshold(&self, finding: &str, group: usize) -> f64 {
        InputKind::GROUPS
            .get(group)
            .and_then(|g| self.thresholds.get(&format!("{finding}@{g}")))
            .or(self.thresholds.get(finding))
            .copied()
            .unwrap_or(0.5)
    }

    /// A new configuration for an untrained network.
    pub fn new(id: impl Into<String>, net: NetConfig, preprocess: Preprocess) -> Self {
        let findings: Vec<String> = FINDINGS.iter().map(|s| s.to_string()).collect();
        ModelConfig {
            format: 1,
            id: id.into(),
            thresholds: findings.iter().map(|f| (f.clone(), 0.5)).collect(),
            findings,
            net,
            preprocess,
            training: serde_json::Value::Null,
        }
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |r: String| Err(Error::invalid_model(path, r));
        if self.format != 1 {
            return bad(format!("unsupported config format {}", self.format));
        }
        if self.findings.len() != self.net.findings || self.findings.is_empty() {
            return bad("findings do not match the network's outputs".into());
        }
        if self.net.heads == 0 || self.net.heads > InputKind::GROUPS.len() {
            return bad(format!(
                "heads {} must be 1 or one per modality group ({})",
                self.net.heads,
                InputKind::GROUPS.len()
            ));
        }
        let stride = self.net.stride();
        if self.preprocess.size == 0 || stride == 0 || !self.preprocess.size.is_multiple_of(stride)
        {
            return bad(format!(
                "input size {} is not a multiple of the network stride {stride}",
                self.preprocess.size
            ));
        }
        if let Some(plan) = &self.preprocess.spacing {
            if let Some(p) = plan.problem() {
                return bad(format!("preprocess.spacing: {p}"));
            }
            if !(plan.multiple.is_multiple_of(stride) && plan.margin.is_multiple_of(stride)) {
                return bad(format!(
                    "preprocess.spacing: multiple {} and margin {} must be multiples of the network stride {stride}",
                    plan.multiple, plan.margin
                ));
            }
        }
        if let Some(p) = self.preprocess.context.as_ref().and_then(|c| c.problem()) {
            return bad(format!("preprocess.context: {p}"));
        }
        if self.net.in_channels != self.preprocess.input_channels() {
            return bad(format!(
                "the network takes {} input channels, preprocessing makes {}",
                self.net.in_channels,
                self.preprocess.input_channels()
            ));
        }
        let r = self.net.pool_sharpness;
        if !(r.is_finite() && r > 0.0) {
            return bad(format!("pool_sharpness {r} must be a positive number"));
        }
        for f in &self.findings {
            match self.thresholds.get(f) {
                Some(t) if (0.0..=1.0).contains(t) => {}
                _ => return bad(format!("threshold for '{f}' missing or outside 0..1")),
            }
        }
        // per modality group: `finding@GROUP`
        for (k, t) in &self.thresholds {
            let known = match k.split_once('@') {
                Some((f, g)) => {
                    self.findings.iter().any(|x| x == f) && InputKind::GROUPS.contains(&g)
                }
                None => self.findings.contains(k),
            };
            if !known || !(0.0..=1.0).contains(t) {
                return bad(format!(
                    "threshold '{k}' {t}: keys are a finding or FINDING@GROUP ({}), values in 0..1",
                    InputKind::GROUPS.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// What the model says about one image.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Prediction {
    /// Probability per finding (order of [`ModelConfig::findings`]).
    pub probabilities: Vec<f32>,
    /// Image-level anomaly score: the largest finding probability.
    pub anomaly: f32,
    /// `[findings, h / stride, w / stride]` activation maps as probabilities (0..1) over the
    /// model input (`size` square for a square-input model, the whole resampled image for a
    /// spacing model); upsample and map back with the preprocessing transform.
    pub cam: Array3<f32>,
}

/// A network with its configuration, ready to run on one device.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) net: Net,
    config: ModelConfig,
    sha256: String,
    /// Size of the weight file it was loaded from (0 for a model still in training).
    weight_bytes: usize,
    device: Device,
    /// Set by [`Model::use_native_cpu`]: inference runs on radscreen's own CPU path.
    native: Option<NativeNet>,
    /// The network with BatchNorm folded in, on the device in [`Model::precision`]. A loaded
    /// model uploads it in f32 the first time burn scores (not at load: the native CPU path
    /// and an f16 screener never use the f32 copy); empty for a model in training, which
    /// scores with the network as it trains, unless [`Model::set_precision`] filled it.
    folded: OnceLock<FoldedNet>,
    /// A loaded model's folded weights on the host, made once at load: the native CPU path and
    /// every precision of `folded` are built from them without folding again or reading the
    /// weights back from a GPU. `None` for a model in training (its weights still change).
    host: Option<NativeNet>,
}

/// The shipped default model (trained by `radscreen train` on `radscreen synth` data).
static SHIPPED_WEIGHTS: &[u8] = include_bytes!("../weights/default/model.safetensors");
static SHIPPED_CONFIG: &str = include_str!("../weights/default/config.json");

impl Model {
    /// Wraps a network (used by training).
    pub(crate) fn from_parts(net: Net, config: ModelConfig, device: Device) -> Self {
        Model {
            net,
            config,
            sha256: String::new(),
            weight_bytes: 0,
            device,
            native: None,
            folded: OnceLock::new(),
            host: None,
        }
    }

    /// An untrained model: `config`'s network with weights drawn from `seed`. Its scores mean
    /// nothing; it lets a pipeline be built and tested before a model is trained.
    ///
    /// # Errors
    /// A configuration that does not hold together (as [`Model::load_dir`] checks it).
    pub fn untrained(config: ModelConfig, seed: u64, device: &Device) -> Result<Self> {
        config.validate(Path::new(CONFIG_FILE))?;
        let net = config.net.init(device, seed);
        Ok(Self::from_parts(net, config, device.clone()))
    }

    /// Loads `DIR/config.json` and `DIR/model.safetensors` onto `device`.
    ///
    /// # Errors
    /// Missing or unreadable files, a config that does not match the weights.
    pub fn load_dir(dir: &Path, device: &Device) -> Result<Self> {
        let f = read_model_dir(dir)?;
        Self::from_parsed(f.config, f.weights, &f.wpath, device)
    }

    /// The default model shipped inside the crate.
    ///
    /// # Errors
    /// Only if the shipped files were damaged at build time.
    pub fn shipped(device: &Device) -> Result<Self> {
        let p = PathBuf::from("<shipped>");
        Self::from_bytes(
            SHIPPED_CONFIG,
            SHIPPED_WEIGHTS.to_vec(),
            &p.join(CONFIG_FILE),
            &p.join(WEIGHTS_FILE),
            device,
        )
    }

    fn from_bytes(
        config: &str,
        weights: Vec<u8>,
        cpath: &Path,
        wpath: &Path,
        device: &Device,
    ) -> Result<Self> {
        let config = parse_config(config, cpath)?;
        Self::from_parsed(config, weights, wpath, device)
    }

    fn from_parsed(
        config: ModelConfig,
        weights: Vec<u8>,
        wpath: &Path,
        device: &Device,
    ) -> Result<Self> {
        let sha256 = hex::encode(Sha256::digest(&weights));
        let weight_bytes = weights.len();
        let net = load_net(&config.net, weights, wpath, device)?.valid();
        let host = NativeNet::from_net(&net)?;
        Ok(Model {
            net,
            config,
            sha256,
            weight_bytes,
            device: device.clone(),
            native: None,
            folded: OnceLock::new(),
            host: Some(host),
        })
    }

    /// Writes `DIR/config.json` and `DIR/model.safetensors` (creating DIR).
    ///
    /// # Errors
    /// File system errors.
    pub fn save_dir(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let wpath = dir.join(WEIGHTS_FILE);
        let mut store = SafetensorsStore::from_bytes(None);
        self.net
            .save_into(&mut store)
            .map_err(|e| Error::weights(&wpath, e))?;
        let bytes = store.get_bytes().map_err(|e| Error::weights(&wpath, e))?;
        let bytes = canonical_safetensors(bytes).map_err(|e| Error::invalid_model(&wpath, e))?;
        write_atomic(&wpath, &bytes)?;
        let cpath = dir.join(CONFIG_FILE);
        let json =
            serde_json::to_string_pretty(&self.config).map_err(|e| Error::json(&cpath, e))?;
        write_atomic(&cpath, json.as_bytes())
    }

    /// The model's configuration (config.json).
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }
    pub(crate) fn config_mut(&mut self) -> &mut ModelConfig {
        &mut self.config
    }
    /// SHA-256 of the weight file (hex); empty for a model still in training.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
    /// Size in bytes of the weight file (0 for a model still in training).
    pub fn weight_bytes(&self) -> usize {
        self.weight_bytes
    }
    /// The device the model's tensors live on.
    pub fn device(&self) -> &Device {
        &self.device
    }
    /// Number of parameters.
    pub fn num_params(&self) -> usize {
        self.net.num_params()
    }

    /// Runs inference on radscreen's own CPU path (BatchNorm folded into the convolutions,
    /// im2col + SGEMM; `native.rs`) instead of burn's kernels, or back on burn with `false`.
    /// Training and the device the model lives on are unchanged.
    ///
    /// # Errors
    /// A network the native path cannot express.
    pub fn use_native_cpu(&mut self, on: bool) -> Result<()> {
        self.native = if on { Some(self.host_net()?) } else { None };
        Ok(())
    }

    /// The folded weights on the host: the copy made at load, or folded now (training).
    fn host_net(&self) -> Result<NativeNet> {
        match &self.host {
            Some(h) => Ok(h.clone()),
            None => NativeNet::from_net(&self.net),
        }
    }

    /// Which code scores images: `"radscreen-native-cpu"`, `"burn-folded"` (a loaded model:
    /// BatchNorm folded into the convolutions) or `"burn"` (a model in training).
    pub fn inference_path(&self) -> &'static str {
        if self.native.is_some() {
            "radscreen-native-cpu"
        } else if self.folded.get().is_some() || self.host.is_some() {
            "burn-folded"
        } else {
            "burn"
        }
    }

    /// The precision burn's kernels score in (`F32` or `F16`); the native CPU path is f32.
    pub fn precision(&self) -> Precision {
        match self.folded.get() {
            Some(f) if self.native.is_none() && f.dtype() == DType::F16 => Precision::F16,
            _ => Precision::F32,
        }
    }

    /// The folded network burn scores with: the one [`Model::set_precision`] made, else (a
    /// loaded model) the f32 one, uploaded now; `None` for a model in training.
    fn folded(&self) -> Option<&FoldedNet> {
        if let Some(f) = self.folded.get() {
            return Some(f);
        }
        let host = self.host.as_ref()?;
        Some(
            self.folded
                .get_or_init(|| FoldedNet::new(host, &self.device, Precision::F32)),
        )
    }

    /// Scores in `precision` from now on: the f32 weights are folded and converted once, here
    /// (nothing to do when the model already scores in it). `Auto` means f32 (resolve it with
    /// [`crate::select_device`] first).
    ///
    /// # Errors
    /// A network the folding cannot express.
    pub fn set_precision(&mut self, precision: Precision) -> Result<()> {
        let folded_already = self.folded.get().is_some() || self.host.is_some();
        if folded_already && self.precision().dtype() == precision.dtype() {
            return Ok(());
        }
        let folded = FoldedNet::new(&self.host_net()?, &self.device, precision);
        self.folded = OnceLock::from(folded);
        Ok(())
    }

    /// The same network and weights for inputs of side `size` instead of the trained one (the
    /// network is fully convolutional; its activation maps grow with the input). For
    /// benchmarks at full resolution: the thresholds were chosen at the trained size.
    ///
    /// # Errors
    /// A size that is zero or not a multiple of the network's stride.
    pub fn with_input_size(mut self, size: usize) -> Result<Self> {
        let stride = self.config.net.stride();
        if size == 0 || !size.is_multiple_of(stride) {
            return Err(Error::InvalidInput(format!(
                "input size {size} is not a positive multiple of the network stride {stride}"
            )));
        }
        self.config.preprocess.size = size;
        Ok(self)
    }

    /// Scores a batch of preprocessed images.
    ///
    /// # Shapes
    /// `batch`: `[n, in_channels, size, size]`, values as radscreen-imaging's preprocessing
    /// produces them.
    ///
    /// # Errors
    /// A wrongly shaped or non-finite input, or a backend failure.
    pub fn predict(&self, batch: ArrayView4<f32>) -> Result<Vec<Prediction>> {
        self.check_input(batch)?;
        self.one_head()?;
        let maps = self.logit_maps_view(batch)?;
        self.predictions(maps, &[])
    }

    /// [`Model::predict`] on a batch the caller hands over: on a GPU its memory is uploaded as
    /// it is, without the copy `predict` makes (a 128-image batch at 128² is 34 MB, and host
    /// copies of it were most of a GPU batch's time).
    ///
    /// # Errors
    /// As [`Model::predict`].
    pub fn predict_owned(&self, batch: Array4<f32>) -> Result<Vec<Prediction>> {
        self.one_head()?;
        self.predict_owned_in_groups(batch, &[])
    }

    /// [`Model::predict_owned`] with each image's modality group (`InputKind::group`), which
    /// a model with one head per group needs (0 where `groups` is short); a one-head model
    /// ignores it.
    ///
    /// # Errors
    /// As [`Model::predict`].
    pub fn predict_owned_in_groups(
        &self,
        batch: Array4<f32>,
        groups: &[usize],
    ) -> Result<Vec<Prediction>> {
        self.check_input(batch.view())?;
        let maps = self.logit_maps(batch)?;
        self.predictions(maps, groups)
    }

    /// A model with one head per modality group cannot score an image without its group.
    pub(crate) fn one_head(&self) -> Result<()> {
        if self.config.net.heads > 1 {
            return Err(Error::InvalidInput(
                "this model has one output head per modality group: score with \
                 Model::predict_images_in_groups"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The rows of modality group `group`'s head in a `[findings * heads, cells]` map.
    pub(crate) fn head_rows(&self, group: usize) -> std::ops::Range<usize> {
        let f = self.config.net.findings;
        let h = self.config.net.head_of(group);
        h * f..(h + 1) * f
    }

    fn predictions(&self, (maps, side): LogitMaps, groups: &[usize]) -> Result<Vec<Prediction>> {
        maps.into_iter()
            .enumerate()
            .map(|(i, m)| {
                let rows = self.head_rows(groups.get(i).copied().unwrap_or(0));
                if m.nrows() < rows.end {
                    return Err(Error::Internal(format!(
                        "an activation map of {} rows has no head rows {rows:?}",
                        m.nrows()
                    )));
                }
                // a one-head map is all its head's rows: no copy on the hot path
                let m = if rows == (0..m.nrows()) {
                    m
                } else {
                    m.slice(ndarray::s![rows, ..]).to_owned()
                };
                Ok(map_prediction(m, side, self.pooling()))
            })
            .collect()
    }

    /// How an activation map becomes an image's logit: log-sum-exp for a square-input model
    /// (as it trained), the maximum for a spacing model, whose maps differ in size from image
    /// to image (the log-sum-exp's mean would make one lesion's score depend on the area).
    pub(crate) fn pooling(&self) -> Option<f32> {
        match self.config.preprocess.spacing {
            Some(_) => None,
            None => Some(self.config.net.pool_sharpness),
        }
    }

    fn check_input(&self, batch: ArrayView4<f32>) -> Result<()> {
        let (n, c, h, w) = batch.dim();
        let size = self.config.preprocess.size;
        if c != self.config.net.in_channels || h != size || w != size {
            return Err(Error::InvalidInput(format!(
                "expected [n, {}, {size}, {size}], got [{n}, {c}, {h}, {w}]",
                self.config.net.in_channels
            )));
        }
        check_finite(batch)
    }

    /// Activation-map logits of a batch of equally sized inputs, on whichever path scores
    /// (the caller checked the shape): `[findings, h' * w']` per input, and (h', w').
    pub(crate) fn logit_maps_view(&self, batch: ArrayView4<f32>) -> Result<LogitMaps> {
        if let Some(native) = &self.native {
            return native_maps(native, batch);
        }
        let dims = batch.dim();
        let data = match batch.as_slice() {
            Some(s) => s.to_vec(),
            None => batch.iter().copied().collect(),
        };
        self.device_maps(data, dims)
    }

    /// [`Model::logit_maps_view`] on an owned batch: a GPU uploads its memory without a copy.
    pub(crate) fn logit_maps(&self, batch: Array4<f32>) -> Result<LogitMaps> {
        if self.native.is_some() || !batch.is_standard_layout() {
            return self.logit_maps_view(batch.view());
        }
        let dims = batch.dim();
        let total = batch.len();
        let (mut data, offset) = batch.into_raw_vec_and_offset();
        let offset = offset.unwrap_or(0);
        // an owned array may be a window on a longer buffer: keep only its own elements
        if offset != 0 || data.len() != total {
            data = data[offset..offset + total].to_vec();
        }
        self.device_maps(data, dims)
    }

    /// Scores on burn's device: one upload and one read-back of the activation maps (logits);
    /// the pooling and sigmoids run on the host as the native path does them (a second
    /// read-back would be a second wait on the GPU).
    fn device_maps(
        &self,
        data: Vec<f32>,
        (n, c, h, w): (usize, usize, usize, usize),
    ) -> Result<LogitMaps> {
        if n == 0 {
            return Ok((Vec::new(), (0, 0)));
        }
        let data = TensorData::new(data, [n, c, h, w]);
        let cam = match self.folded() {
            // uploaded once as f32 and converted on the device (a GPU kernel, not a host loop)
            Some(folded) => {
                folded.forward(Tensor::<4>::from_data(data, (&self.device, DType::F32)))
            }
            None => self.net.cam(Tensor::<4>::from_data(data, &self.device)),
        };
        let [_, f, ch, cw] = cam.dims();
        let cam = read_f32(cam)?;
        let per = f * ch * cw;
        if cam.len() != n * per {
            return Err(Error::Internal(format!(
                "the device returned {} activation values for {n} images of {per}",
                cam.len()
            )));
        }
        let maps = cam
            .chunks(per)
            .map(|m| {
                Array2::from_shape_vec((f, ch * cw), m.to_vec())
                    .map_err(|e| Error::Internal(e.to_string()))
            })
            .collect::<Result<_>>()?;
        Ok((maps, (ch, cw)))
    }
}

/// Activation-map logits per input (`[findings, h' * w']`) and the maps' (h', w').
pub(crate) type LogitMaps = (Vec<Array2<f32>>, (usize, usize));

fn native_maps(native: &NativeNet, batch: ArrayView4<f32>) -> Result<LogitMaps> {
    if batch.dim().0 == 0 {
        return Ok((Vec::new(), (0, 0)));
    }
    native.forward(batch)
}

/// Every value finite (a NaN would spread through the convolutions to whole maps).
pub(crate) fn check_finite(batch: ArrayView4<f32>) -> Result<()> {
    // without early exit in the inner loop, so that it vectorises: 3× faster than `any`
    let finite = |s: &[f32]| {
        s.chunks(4096)
            .all(|c| c.iter().fold(true, |ok, v| ok & v.is_finite()))
    };
    let ok = match batch.as_slice() {
        Some(s) => finite(s),
        None => batch.iter().all(|v| v.is_finite()),
    };
    if !ok {
        return Err(Error::InvalidInput("non-finite input value".into()));
    }
    Ok(())
}

/// A batch of random inputs in [0, 1) (xorshift, seeded) shaped for a model of input side
/// `size`: benchmarks score a fresh one per iteration, since an identical repeated input can be
/// served from a lazy or fused graph and time nothing.
pub fn random_batch(n: usize, size: usize, seed: u64) -> ndarray::Array4<f32> {
    random_input(n, 3, size, seed)
}

/// As [`random_batch`] with `channels` input channels (a 2.5-D model takes several slices').
pub fn random_input(n: usize, channels: usize, size: usize, seed: u64) -> ndarray::Array4<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    ndarray::Array4::from_shape_fn((n, channels, size, size), |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 40) as f32 / (1u64 << 24) as f32
    })
}

/// Probabilities from activation-map logits `[findings, h * w]`: log-sum-exp pooling of the
/// given sharpness as in `Net::forward` (`None`: the maximum), then sigmoids.
pub(crate) fn map_prediction(
    map: ndarray::Array2<f32>,
    (h, w): (usize, usize),
    sharpness: Option<f32>,
) -> Prediction {
    let sigmoid = |v: f32| 1.0 / (1.0 + (-v).exp());
    let probabilities: Vec<f32> = map
        .rows()
        .into_iter()
        .map(|row| {
            let m = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let Some(sharpness) = sharpness else {
                return sigmoid(m);
            };
            let mean = row
                .iter()
                .map(|&v| ((v - m) * sharpness).exp())
                .sum::<f32>()
                / row.len() as f32;
            sigmoid(m + mean.ln() / sharpness)
        })
        .collect();
    let anomaly = probabilities.iter().copied().fold(0.0f32, f32::max);
    let f = map.nrows();
    let cam = map
        .mapv(sigmoid)
        .into_shape_with_order((f, h, w))
        .unwrap_or_else(|_| Array3::zeros((f, 0, 0)));
    Prediction {
        probabilities,
        anomaly,
        cam,
    }
}

/// config.json's text, parsed and checked (`cpath` names it in errors).
fn parse_config(text: &str, cpath: &Path) -> Result<ModelConfig> {
    let config: ModelConfig = serde_json::from_str(text).map_err(|e| Error::json(cpath, e))?;
    config.validate(cpath)?;
    Ok(config)
}

/// A model folder's files: its checked config.json and its weights' bytes.
pub(crate) struct ModelFiles {
    pub(crate) config: ModelConfig,
    pub(crate) weights: Vec<u8>,
    pub(crate) cpath: PathBuf,
    pub(crate) wpath: PathBuf,
}

/// Reads `DIR/config.json` (parsed and checked) and `DIR/model.safetensors`.
pub(crate) fn read_model_dir(dir: &Path) -> Result<ModelFiles> {
    let cpath = dir.join(CONFIG_FILE);
    let wpath = dir.join(WEIGHTS_FILE);
    let text = std::fs::read_to_string(&cpath).map_err(|e| Error::io(&cpath, e))?;
    let config = parse_config(&text, &cpath)?;
    let weights = std::fs::read(&wpath).map_err(|e| Error::io(&wpath, e))?;
    Ok(ModelFiles {
        config,
        weights,
        cpath,
        wpath,
    })
}

/// `config`'s network on `device` with the weights of a safetensors file (`wpath` names it in
/// errors); every parameter must be there and fit.
pub(crate) fn load_net(
    config: &NetConfig,
    weights: Vec<u8>,
    wpath: &Path,
    device: &Device,
) -> Result<Net> {
    let mut net = config.init(device, 0);
    let mut store = SafetensorsStore::from_bytes(Some(weights));
    let applied = net
        .load_from(&mut store)
        .map_err(|e| Error::weights(wpath, e))?;
    if !applied.errors.is_empty() || !applied.missing.is_empty() {
        return Err(Error::invalid_model(
            wpath,
            format!(
                "weights do not fit the architecture in config.json: {} missing, {} errors{}",
                applied.missing.len(),
                applied.errors.len(),
                applied
                    .errors
                    .first()
                    .map(|e| format!(" (first: {e:?})"))
                    .unwrap_or_default()
            ),
        ));
    }
    Ok(net)
}

/// Rewrites a safetensors header with its keys sorted: burn writes the `__metadata__` map in
/// hash order, so identical weights would give files (and SHA-256s) that differ run to run.
fn canonical_safetensors(bytes: Vec<u8>) -> std::result::Result<Vec<u8>, String> {
    let len = bytes
        .get(..8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map(u64::from_le_bytes)
        .ok_or("no safetensors header")?;
    let end = usize::try_from(len)
        .ok()
        .and_then(|l| l.checked_add(8))
        .filter(|&e| e <= bytes.len())
        .ok_or("safetensors header longer than the file")?;
    let mut header: serde_json::Value =
        serde_json::from_slice(&bytes[8..end]).map_err(|e| e.to_string())?;
    header.sort_all_objects();
    let mut text = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
    // the data section stays 8-byte aligned, as the format asks
    while text.len() % 8 != 0 {
        text.push(b' ');
    }
    let mut out = Vec::with_capacity(8 + text.len() + bytes.len() - end);
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(&text);
    out.extend_from_slice(&bytes[end..]);
    Ok(out)
}
