//! The size of a pixel at the patient, in mm, and which attributes said so.
//!
//! Cross-sectional images (CT, MR, …) give it in Pixel Spacing. A projection radiograph is
//! measured at the detector (Imager Pixel Spacing); the anatomy, nearer the source, is
//! magnified onto it, so its size at the patient is the detector's spacing divided by the
//! Estimated Radiographic Magnification Factor, unless the file states a calibrated Pixel
//! Spacing (Pixel Spacing Calibration Type GEOMETRY or FIDUCIAL). PS3.3 C.8.11.7 (DX),
//! 10.7.1.1 and CP 586. Detection at a fixed physical spacing (issue 20) starts from this.

use serde::Serialize;

/// Where [`PhysicalSpacing`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SpacingSource {
    /// Pixel Spacing of a cross-sectional image (or the enhanced Pixel Measures group): at the
    /// patient by definition.
    PixelSpacing,
    /// A projection image's Pixel Spacing with a Pixel Spacing Calibration Type: calibrated at
    /// the patient (or at a fiducial) by the modality.
    Calibrated,
    /// Imager Pixel Spacing divided by the Estimated Radiographic Magnification Factor.
    MagnificationCorrected,
    /// Imager Pixel Spacing as it is, the file giving no magnification factor: at the
    /// detector, so anatomy measures larger than it is by the magnification (often 1.05–1.2).
    Detector,
    /// A projection image's Pixel Spacing without a calibration type or Imager Pixel Spacing:
    /// taken as given (older CR files put the plate's spacing here).
    Uncalibrated,
}

impl SpacingSource {
    /// The name reports use (as serialised).
    pub fn name(self) -> &'static str {
        match self {
            Self::PixelSpacing => "pixel-spacing",
            Self::Calibrated => "calibrated",
            Self::MagnificationCorrected => "magnification-corrected",
            Self::Detector => "detector",
            Self::Uncalibrated => "uncalibrated",
        }
    }
}

/// Row and column spacing in mm, and their source.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PhysicalSpacing {
    /// Distance between rows, then between columns, in mm.
    pub mm: [f64; 2],
    /// Which attributes gave it.
    pub source: SpacingSource,
}

/// The spacing attributes of one image, as read (`None` when absent).
#[derive(Debug, Clone, Default)]
pub(crate) struct SpacingAttrs<'a> {
    pub modality: Option<&'a str>,
    /// Pixel Spacing (0028,0030), top level.
    pub pixel: Option<[f64; 2]>,
    /// Pixel Spacing from the enhanced Pixel Measures functional group.
    pub pixel_measures: Option<[f64; 2]>,
    /// Pixel Spacing Calibration Type (0028,0A02).
    pub calibration: Option<&'a str>,
    /// Imager Pixel Spacing (0018,1164).
    pub imager: Option<[f64; 2]>,
    /// Estimated Radiographic Magnification Factor (0018,1114).
    pub magnification: Option<f64>,
}

/// Modalities whose images are projections through the patient onto a detector.
fn projection(modality: &str) -> bool {
    matches!(
        modality,
        "DX" | "CR" | "MG" | "RG" | "XA" | "RF" | "IO" | "PX" | "DF" | "DS"
    )
}

/// A spacing that can measure something: both values finite and positive (files with `0\0`
/// exist, e.g. pydicom-data's RG1 chest CR).
fn usable(s: Option<[f64; 2]>) -> Option<[f64; 2]> {
    s.filter(|s| s.iter().all(|v| v.is_finite() && *v > 0.0))
}

/// The pixel size at the patient, or `None` when the file gives no usable spacing.
pub(crate) fn physical_spacing(a: &SpacingAttrs) -> Option<PhysicalSpacing> {
    let at = |mm, source| Some(PhysicalSpacing { mm, source });
    let pixel = usable(a.pixel);
    let imager = usable(a.imager);
    let is_projection = a.modality.is_some_and(projection) || imager.is_some();
    if !is_projection {
        return usable(pixel.or(a.pixel_measures))
            .and_then(|mm| at(mm, SpacingSource::PixelSpacing));
    }
    let calibrated = a
        .calibration
        .is_some_and(|c| matches!(c.trim(), "GEOMETRY" | "FIDUCIAL"));
    match (pixel, imager) {
        (Some(mm), _) if calibrated => at(mm, SpacingSource::Calibrated),
        (_, Some(d)) => match a.magnification.filter(|m| m.is_finite() && *m > 0.0) {
            Some(m) => at([d[0] / m, d[1] / m], SpacingSource::MagnificationCorrected),
            None => at(d, SpacingSource::Detector),
        },
        (Some(mm), None) => at(mm, SpacingSource::Uncalibrated),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs<'a>(modality: &'a str) -> SpacingAttrs<'a> {
        SpacingAttrs {
            modality: Some(modality),
            ..SpacingAttrs::default()
        }
    }

    #[test]
    fn cross_sectional_images_use_pixel_spacing() {
        let mut a = attrs("CT");
        a.pixel = Some([0.7, 0.8]);
        let s = physical_spacing(&a).unwrap();
        assert_eq!((s.mm, s.source), ([0.7, 0.8], SpacingSource::PixelSpacing));
        a.pixel = None;
        a.pixel_measures = Some([0.5, 0.5]);
        assert_eq!(physical_spacing(&a).unwrap().mm, [0.5, 0.5]);
        a.pixel_measures = None;
        assert_eq!(physical_spacing(&a), None);
    }

    #[test]
    fn radiographs_correct_the_detector_spacing_for_magnification() {
        let mut a = attrs("DX");
        a.imager = Some([0.15, 0.15]);
        assert_eq!(
            physical_spacing(&a).unwrap().source,
            SpacingSource::Detector
        );
        a.magnification = Some(1.2);
        let s = physical_spacing(&a).unwrap();
        assert_eq!(s.source, SpacingSource::MagnificationCorrected);
        assert!((s.mm[0] - 0.125).abs() < 1e-12 && (s.mm[1] - 0.125).abs() < 1e-12);
        // a calibrated Pixel Spacing wins over the detector's
        a.pixel = Some([0.13, 0.13]);
        a.calibration = Some("GEOMETRY ");
        let s = physical_spacing(&a).unwrap();
        assert_eq!((s.mm, s.source), ([0.13, 0.13], SpacingSource::Calibrated));
        // without a calibration type Pixel Spacing does not override Imager Pixel Spacing
        a.calibration = None;
        assert_eq!(
            physical_spacing(&a).unwrap().source,
            SpacingSource::MagnificationCorrected
        );
        // a magnification factor that cannot be one is ignored
        a.magnification = Some(0.0);
        assert_eq!(
            physical_spacing(&a).unwrap().source,
            SpacingSource::Detector
        );
    }

    #[test]
    fn names_are_the_serialised_names() {
        for s in [
            SpacingSource::PixelSpacing,
            SpacingSource::Calibrated,
            SpacingSource::MagnificationCorrected,
            SpacingSource::Detector,
            SpacingSource::Uncalibrated,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.name());
        }
    }

    #[test]
    fn zero_or_missing_spacing_is_no_spacing() {
        let mut a = attrs("CR");
        a.pixel = Some([0.0, 0.0]);
        assert_eq!(physical_spacing(&a), None);
        a.pixel = Some([0.2, 0.2]);
        assert_eq!(
            physical_spacing(&a).unwrap().source,
            SpacingSource::Uncalibrated
        );
        a.pixel = Some([f64::NAN, 0.2]);
        assert_eq!(physical_spacing(&a), None);
        // Imager Pixel Spacing alone marks a projection whatever the modality says
        let mut b = attrs("OT");
        b.imager = Some([0.1, 0.1]);
        assert_eq!(
            physical_spacing(&b).unwrap().source,
            SpacingSource::Detector
        );
    }
}
