//! What training takes: preprocessed images with their labels and lesion positions.

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
    /// `[channels, h, w]`.
    pub input: Array3<f32>,
    /// Per finding: present.
    pub labels: Vec<bool>,
    /// Lesion positions, where known (`None`: only image labels are known).
    pub lesions: Option<Vec<TrainLesion>>,
    /// The modality group (radscreen-imaging's `InputKind::group`: 0 CT, 1 MR, 2 radiographs
    /// and the rest): a spacing model's training draws each group's label combinations
    /// equally often, and thresholds are chosen per group where validation allows.
    pub group: usize,
}
