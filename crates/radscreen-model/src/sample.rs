//! What training takes: preprocessed images with their labels and lesion positions.

use std::borrow::Cow;
use std::sync::Arc;

use ndarray::Array3;

/// A lesion's position in model-input pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainLesion {
    /// Index into the model's findings.
    pub finding: usize,
    /// Centre row, in model-input pixels.
    pub row: f32,
    /// Centre column, in model-input pixels.
    pub col: f32,
    /// Radius, in model-input pixels.
    pub radius: f32,
}

/// One preprocessed training image: `[channels, size, size]` for a square-input model; any
/// size (multiples of the network's stride) at the model's pixel size for a spacing model.
#[derive(Debug, Clone)]
pub struct TrainSample {
    /// `[channels, h, w]`: the model's input, or for a 2.5-D model this slice's own channels
    /// (shared with the neighbours that see it in their `context`).
    pub input: Arc<Array3<f32>>,
    /// A 2.5-D model's input as slices in channel order (offsets `-k..=k`, this slice among
    /// them), shared rather than copied: a series' slices are each other's neighbours. Empty:
    /// `input` is the whole model input.
    pub context: Vec<Arc<Array3<f32>>>,
    /// Per finding: present.
    pub labels: Vec<bool>,
    /// Lesion positions, where known (`None`: only image labels are known).
    pub lesions: Option<Vec<TrainLesion>>,
    /// The modality group (radscreen-imaging's `InputKind::group`: 0 CT, 1 MR, 2 radiographs
    /// and the rest): a spacing model's training draws each group's label combinations
    /// equally often, and thresholds are chosen per group where validation allows.
    pub group: usize,
    /// Which training set the image came from (`radscreen train`'s `--manifest` index: 0
    /// for the first); `--balance-sources` draws each set equally often within a group.
    pub source: usize,
}

impl TrainSample {
    /// The parts of the model input, in channel order (one unless the model is 2.5-D).
    pub fn parts(&self) -> Vec<&Array3<f32>> {
        if self.context.is_empty() {
            vec![&*self.input]
        } else {
            self.context.iter().map(|a| &**a).collect()
        }
    }

    /// `(channels, h, w)` of the model input (the parts' shapes must agree in h and w: the
    /// training checks say which sample does not).
    pub fn dim(&self) -> (usize, usize, usize) {
        let parts = self.parts();
        let (_, h, w) = parts[0].dim();
        let c = parts.iter().map(|p| p.dim().0).sum();
        let same = parts.iter().all(|p| (p.dim().1, p.dim().2) == (h, w));
        if same { (c, h, w) } else { (c, 0, 0) }
    }

    /// The whole model input, `[channels, h, w]` (borrowed unless 2.5-D parts are stacked).
    pub fn model_input(&self) -> Cow<'_, Array3<f32>> {
        if self.context.is_empty() {
            return Cow::Borrowed(&*self.input);
        }
        let views: Vec<_> = self.context.iter().map(|a| a.view()).collect();
        match ndarray::concatenate(ndarray::Axis(0), &views) {
            Ok(a) => Cow::Owned(a),
            // shapes differ (dim() reports it and training refuses the sample first)
            Err(_) => Cow::Borrowed(&*self.input),
        }
    }
}
