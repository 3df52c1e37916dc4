//! Binary Segmentations of the flagged regions: one segment per finding of the model, one frame
//! per segment and source frame where that finding was flagged and located (a disk of the
//! region's radius around each located peak), on the source images' grid.
//!
//! A Segmentation's frames share one grid and, to be placed, one frame of reference, so a study
//! gets one SEG per series (and image size) whose images carry patient geometry, and one per
//! image otherwise (radiographs). A study with nothing flagged still gets one SEG, with empty
//! frames on its first image, so that every study screened has an SR and a SEG.

use std::collections::BTreeMap;

use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::{tags, uids};

use crate::codes::{self, dcm, sct};
use crate::common::{Kind, disclaimer_lo, finish, shared};
use crate::ds::Ds;
use crate::error::Result;
use crate::sr::instance_ref;
use crate::{DicomFile, ImageResult, Options, Producer, Region, SourceImage, uid};

/// Series Number of radscreen's SEG series.
pub const SEG_SERIES_NUMBER: u32 = 9902;

/// One output frame: the image it lies on, its segment (from 1) and mask.
struct Frame<'a> {
    image: &'a ImageResult,
    segment: u16,
    regions: &'a [Region],
}

/// The key that decides which images share a SEG.
fn grid_key(s: &SourceImage) -> (String, u16, u16, String) {
    let place = if s.has_geometry() {
        s.frame_of_reference_uid.clone().unwrap_or_default()
    } else {
        s.sop_instance_uid.clone()
    };
    (s.series_instance_uid.clone(), s.rows, s.columns, place)
}

/// The study's Segmentations (see the module docs for how many).
///
/// # Errors
/// `images` empty, from more than one study, or with different findings.
pub fn study_segs(
    images: &[ImageResult],
    producer: &Producer,
    options: &Options,
) -> Result<Vec<DicomFile>> {
    crate::common::one_study(images)?;
    let mut groups: BTreeMap<(String, u16, u16, String), Vec<Frame<'_>>> = BTreeMap::new();
    for im in images {
        for (k, f) in im.findings.iter().enumerate() {
            if f.flagged && !f.regions.is_empty() {
                groups.entry(grid_key(&im.source)).or_default().push(Frame {
                    image: im,
                    segment: k as u16 + 1,
                    regions: &f.regions,
                });
            }
        }
    }
    if groups.is_empty() {
        let first = &images[0];
        let frames = (1..=first.findings.len() as u16)
            .map(|segment| Frame {
                image: first,
                segment,
                regions: &[],
            })
            .collect();
        groups.insert(grid_key(&first.source), frames);
    }
    groups
        .into_values()
        .map(|frames| one_seg(images, frames, producer, options))
        .collect()
}

fn segment(k: usize, name: &str, producer: &Producer) -> Ds {
    let mut s = Ds::new();
    s.code(
        tags::SEGMENTED_PROPERTY_CATEGORY_CODE_SEQUENCE,
        &sct("49755003", "Morphologically Abnormal Structure"),
    );
    s.us(tags::SEGMENT_NUMBER, k as u16 + 1)
        .s(tags::SEGMENT_LABEL, VR::LO, name);
    let mut alg = Ds::new();
    alg.code(
        tags::ALGORITHM_FAMILY_CODE_SEQUENCE,
        &dcm("123110", "Artificial Intelligence"),
    )
    .s(
        tags::ALGORITHM_VERSION,
        VR::LO,
        short(&producer.model_sha256, 64),
    )
    .s(
        tags::ALGORITHM_NAME,
        VR::LO,
        short(&format!("radscreen {}", producer.model_id), 64),
    );
    s.seq(
        tags::SEGMENTATION_ALGORITHM_IDENTIFICATION_SEQUENCE,
        vec![alg],
    )
    .s(tags::SEGMENT_ALGORITHM_TYPE, VR::CS, "AUTOMATIC")
    .s(
        tags::SEGMENT_ALGORITHM_NAME,
        VR::LO,
        short(&format!("radscreen {}", producer.model_id), 64),
    );
    s.code(
        tags::SEGMENTED_PROPERTY_TYPE_CODE_SEQUENCE,
        &codes::finding(name),
    );
    s
}

fn short(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The source reference of a derived frame (or of the whole SEG).
fn source_ref(src: &SourceImage, frame: u32, purpose: bool) -> Ds {
    let mut r = crate::sr::sop_ref(src, frame);
    if purpose {
        r.s(tags::SPATIAL_LOCATIONS_PRESERVED, VR::CS, "YES").code(
            tags::PURPOSE_OF_REFERENCE_CODE_SEQUENCE,
            &dcm("121322", "Source image for image processing operation"),
        );
    }
    r
}

/// Position of a frame along the series normal, for ordering.
fn along_normal(s: &SourceImage) -> f64 {
    match (s.image_orientation, s.image_position) {
        (Some(o), Some(p)) => {
            let n = [
                o[1] * o[5] - o[2] * o[4],
                o[2] * o[3] - o[0] * o[5],
                o[0] * o[4] - o[1] * o[3],
            ];
            n[0] * p[0] + n[1] * p[1] + n[2] * p[2]
        }
        _ => 0.0,
    }
}

fn one_seg(
    study: &[ImageResult],
    mut frames: Vec<Frame<'_>>,
    producer: &Producer,
    options: &Options,
) -> Result<DicomFile> {
    let kind = Kind {
        sop_class: uids::SEGMENTATION_STORAGE,
        modality: "SEG",
        series_number: SEG_SERIES_NUMBER,
        series_description: "radscreen flagged regions (SEG) - not for clinical use",
    };
    let (mut d, sop_uid) = shared(study, &kind, producer, options)?;
    let first = &frames[0].image.source;
    let geometry = first.has_geometry();
    let (rows, cols) = (first.rows, first.columns);
    // Frames ordered by segment, then along the normal (geometry) or frame number.
    frames.sort_by(|a, b| {
        a.segment
            .cmp(&b.segment)
            .then(along_normal(&a.image.source).total_cmp(&along_normal(&b.image.source)))
            .then(a.image.frame.cmp(&b.image.frame))
    });
    // Distinct source frames, along the normal then in frame order: the second dimension's
    // index, and the SEG's source image list.
    let same = |a: &ImageResult, b: &ImageResult| {
        a.source.sop_instance_uid == b.source.sop_instance_uid && a.frame == b.frame
    };
    let mut distinct: Vec<&ImageResult> = Vec::new();
    for f in &frames {
        if !distinct.iter().any(|d| same(d, f.image)) {
            distinct.push(f.image);
        }
    }
    distinct.sort_by(|a, b| {
        along_normal(&a.source)
            .total_cmp(&along_normal(&b.source))
            .then(a.frame.cmp(&b.frame))
    });

    // Common Instance Reference and the source list: every image this SEG derives from.
    let mut sources: Vec<&SourceImage> = Vec::new();
    for f in &frames {
        if !sources
            .iter()
            .any(|s| s.sop_instance_uid == f.image.source.sop_instance_uid)
        {
            sources.push(&f.image.source);
        }
    }
    let inst: Vec<Ds> = sources.iter().map(|s| instance_ref(s)).collect();
    let mut series = Ds::new();
    series.seq(tags::REFERENCED_INSTANCE_SEQUENCE, inst).s(
        tags::SERIES_INSTANCE_UID,
        VR::UI,
        first.series_instance_uid.as_str(),
    );
    let source_list: Vec<Ds> = distinct
        .iter()
        .map(|im| source_ref(&im.source, im.frame, false))
        .collect();
    d.s(tags::IMAGE_TYPE, VR::CS, "DERIVED\\PRIMARY")
        .seq(tags::REFERENCED_SERIES_SEQUENCE, vec![series])
        .seq(tags::SOURCE_IMAGE_SEQUENCE, source_list);
    if geometry {
        d.s(
            tags::FRAME_OF_REFERENCE_UID,
            VR::UI,
            first.frame_of_reference_uid.clone().unwrap_or_default(),
        )
        .empty(tags::POSITION_REFERENCE_INDICATOR, VR::LO);
    } else {
        d.opt(
            tags::PATIENT_ORIENTATION,
            VR::CS,
            first.patient_orientation.as_deref(),
        );
    }

    // Dimensions: segment, then (geometry) position in patient space.
    let dim_uid = uid::new_uid();
    let mut org = Ds::new();
    org.s(tags::DIMENSION_ORGANIZATION_UID, VR::UI, dim_uid.as_str());
    let dim = |ptr: Tag, group: Tag, label: &str| {
        let mut x = Ds::new();
        x.s(tags::DIMENSION_ORGANIZATION_UID, VR::UI, dim_uid.as_str())
            .at(tags::DIMENSION_INDEX_POINTER, ptr)
            .at(tags::FUNCTIONAL_GROUP_POINTER, group)
            .s(tags::DIMENSION_DESCRIPTION_LABEL, VR::LO, label);
        x
    };
    let mut dims = vec![dim(
        tags::REFERENCED_SEGMENT_NUMBER,
        tags::SEGMENT_IDENTIFICATION_SEQUENCE,
        "Referenced Segment Number",
    )];
    if geometry {
        dims.push(dim(
            tags::IMAGE_POSITION_PATIENT,
            tags::PLANE_POSITION_SEQUENCE,
            "Image Position Patient",
        ));
    }
    d.seq(tags::DIMENSION_ORGANIZATION_SEQUENCE, vec![org])
        .seq(tags::DIMENSION_INDEX_SEQUENCE, dims);

    let names: Vec<&str> = study[0]
        .findings
        .iter()
        .map(|f| f.finding.as_str())
        .collect();
    d.us(tags::SAMPLES_PER_PIXEL, 1)
        .s(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2")
        .s(tags::NUMBER_OF_FRAMES, VR::IS, frames.len().to_string())
        .us(tags::ROWS, rows)
        .us(tags::COLUMNS, cols)
        .us(tags::BITS_ALLOCATED, 1)
        .us(tags::BITS_STORED, 1)
        .us(tags::HIGH_BIT, 0)
        .us(tags::PIXEL_REPRESENTATION, 0)
        .s(tags::LOSSY_IMAGE_COMPRESSION, VR::CS, "00")
        .s(tags::SEGMENTATION_TYPE, VR::CS, "BINARY")
        .seq(
            tags::SEGMENT_SEQUENCE,
            names
                .iter()
                .enumerate()
                .map(|(k, n)| segment(k, n, producer))
                .collect(),
        )
        .s(tags::SEGMENTS_OVERLAP, VR::CS, "UNDEFINED")
        .s(tags::CONTENT_LABEL, VR::CS, "RADSCREEN")
        .s(tags::CONTENT_DESCRIPTION, VR::LO, disclaimer_lo())
        .empty(tags::CONTENT_CREATOR_NAME, VR::PN);

    // Shared functional groups: the grid's geometry.
    let mut shared_fg = Ds::new();
    if geometry {
        let mut po = Ds::new();
        po.ds(
            tags::IMAGE_ORIENTATION_PATIENT,
            &first.image_orientation.unwrap_or_default(),
        );
        let mut pm = Ds::new();
        pm.ds(
            tags::PIXEL_SPACING,
            &first.pixel_spacing.unwrap_or_default(),
        );
        // has_geometry() guarantees a thickness: highdicom cannot read pixel measures without one
        pm.ds(
            tags::SLICE_THICKNESS,
            &[first.slice_thickness.unwrap_or(1.0)],
        );
        shared_fg
            .seq(tags::PLANE_ORIENTATION_SEQUENCE, vec![po])
            .seq(tags::PIXEL_MEASURES_SEQUENCE, vec![pm]);
    }
    d.seq(tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE, vec![shared_fg]);

    let mut per_frame = Vec::with_capacity(frames.len());
    let npix = usize::from(rows) * usize::from(cols);
    let mut bits = vec![0u8; (frames.len() * npix).div_ceil(8).next_multiple_of(2)];
    for (i, f) in frames.iter().enumerate() {
        let src = &f.image.source;
        let pos = distinct.iter().position(|d| same(d, f.image)).unwrap_or(0) as u32 + 1;
        let mut deriv = Ds::new();
        deriv
            .seq(
                tags::SOURCE_IMAGE_SEQUENCE,
                vec![source_ref(src, f.image.frame, true)],
            )
            .code(
                tags::DERIVATION_CODE_SEQUENCE,
                &dcm("113076", "Segmentation"),
            );
        let mut content = Ds::new();
        let index: Vec<u32> = if geometry {
            vec![u32::from(f.segment), pos]
        } else {
            vec![u32::from(f.segment)]
        };
        content.ul(tags::DIMENSION_INDEX_VALUES, &index);
        let mut ident = Ds::new();
        ident.us(tags::REFERENCED_SEGMENT_NUMBER, f.segment);
        let mut fg = Ds::new();
        fg.seq(tags::DERIVATION_IMAGE_SEQUENCE, vec![deriv])
            .seq(tags::FRAME_CONTENT_SEQUENCE, vec![content]);
        if geometry {
            let mut pp = Ds::new();
            pp.ds(
                tags::IMAGE_POSITION_PATIENT,
                &src.image_position.unwrap_or_default(),
            );
            fg.seq(tags::PLANE_POSITION_SEQUENCE, vec![pp]);
        }
        fg.seq(tags::SEGMENT_IDENTIFICATION_SEQUENCE, vec![ident]);
        per_frame.push(fg);
        paint(&mut bits, i * npix, rows, cols, f.regions);
    }
    d.seq(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, per_frame);
    d.0.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        PrimitiveValue::U8(bits.into()),
    ));
    finish(d, uids::SEGMENTATION_STORAGE, &sop_uid)
}

/// Sets the bits of the disks around `regions` in the frame starting at pixel `start` (bit
/// `i` of the packed data is pixel `i`, least significant bit first, frames contiguous).
/// A radius under half a pixel still marks the centre's pixel.
fn paint(bits: &mut [u8], start: usize, rows: u16, cols: u16, regions: &[Region]) {
    for r in regions {
        let rad = r.radius.max(0.5);
        let (r0, r1) = ((r.row - rad).floor().max(0.0), (r.row + rad).ceil());
        let (c0, c1) = ((r.col - rad).floor().max(0.0), (r.col + rad).ceil());
        let (r1, c1) = (r1.min(f64::from(rows) - 1.0), c1.min(f64::from(cols) - 1.0));
        if !(r0 <= r1 && c0 <= c1) {
            continue;
        }
        for y in r0 as usize..=r1 as usize {
            for x in c0 as usize..=c1 as usize {
                let (dy, dx) = (y as f64 - r.row, x as f64 - r.col);
                if dy * dy + dx * dx <= rad * rad {
                    let i = start + y * usize::from(cols) + x;
                    bits[i / 8] |= 1 << (i % 8);
                }
            }
        }
    }
}

/// The mask [`study_segs`] draws for `regions` on a `rows` × `cols` grid, row-major (for
/// callers and tests that compare a SEG's frames with the regions).
pub fn region_mask(rows: u16, cols: u16, regions: &[Region]) -> Vec<bool> {
    let n = usize::from(rows) * usize::from(cols);
    let mut bits = vec![0u8; n.div_ceil(8)];
    paint(&mut bits, 0, rows, cols, regions);
    (0..n).map(|i| bits[i / 8] >> (i % 8) & 1 == 1).collect()
}
