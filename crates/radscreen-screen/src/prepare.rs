//! From a decoded DICOM frame to the model's input: the stage the modality needs (Hounsfield
//! units for CT, modality values for MR, the display stage for radiographs), then
//! radscreen-imaging's preprocessing with the parameters saved with the model (`Preprocess`,
//! one type from config.json to the pixels).

use radscreen_dicom::DicomImage;
use radscreen_imaging::preprocess::{InputKind, Prepared, Preprocess};

/// Prepares one frame of an open image (at the model's pixel size when it has a spacing plan,
/// from the file's physical spacing).
///
/// # Errors
/// Decoding errors from radscreen-dicom.
pub fn prepare_frame(
    image: &DicomImage,
    frame: u32,
    pre: &Preprocess,
) -> radscreen_dicom::Result<Prepared> {
    let (kind, plane) = frame_plane(image, frame)?;
    let spacing = image.meta().physical_spacing.map(|s| s.mm);
    Ok(pre.apply_at(kind, plane.view(), spacing))
}

/// The decoded plane the preprocessing starts from, and how to read it: modality values (HU
/// for CT) for greyscale CT/MR, the display stage otherwise.
///
/// # Errors
/// Decoding errors from radscreen-dicom.
pub fn frame_plane(
    image: &DicomImage,
    frame: u32,
) -> radscreen_dicom::Result<(InputKind, ndarray::Array2<f32>)> {
    let kind = InputKind::for_modality(image.meta().modality.as_deref());
    let monochrome = image.pixel_info()?.is_monochrome();
    let plane = match kind {
        InputKind::Ct | InputKind::Mr if monochrome => {
            image.modality(frame)?.index_axis_move(ndarray::Axis(2), 0)
        }
        _ => image.luminance(frame)?,
    };
    // A colour CT/MR (rare: secondary captures) is screened as luminance on the display scale.
    let kind = if monochrome { kind } else { InputKind::Display };
    Ok((kind, plane))
}

/// The findings.csv `spacing` value of a prepared frame: empty for a square-input model, else
/// `assumed` or the attribute that gave the pixel size.
pub fn spacing_note(image: &DicomImage, pre: &Preprocess, prepared: &Prepared) -> String {
    if pre.spacing.is_none() {
        return String::new();
    }
    match image.meta().physical_spacing {
        Some(s) if !prepared.assumed_spacing => s.source.name().to_string(),
        _ => "assumed".to_string(),
    }
}
