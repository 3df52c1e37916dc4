//! Writing a real-background case: DICOM headers for the case's modality and geometry, and
//! manifest.csv and lesions.csv with the `background` and `appearance` columns.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::dcm::{self, Header, MrParams};
use crate::error::{Error, Result};
use crate::generate::{Summary, percentile_window};
use crate::lesion::Finding;
use crate::options::{Modality, Syntax};
use crate::phi::{Patient, UidKind};
use crate::real::make::{Case, Image, Kind, Written};
use crate::real::place::Loaded;

#[derive(Serialize)]
struct ManifestRow<'a> {
    path: &'a str,
    frame: u32,
    modality: &'static str,
    tumor: u8,
    fracture: u8,
    sex: &'static str,
    age: u32,
    manufacturer: &'a str,
    split: &'static str,
    model: &'a str,
    body_part: &'a str,
    series: usize,
    syntax: &'static str,
    noise: String,
    background: &'a str,
    appearance: String,
}

#[derive(Serialize)]
struct LesionRow<'a> {
    path: &'a str,
    frame: u32,
    finding: &'static str,
    row: String,
    col: String,
    radius_px: String,
    size_mm: String,
    contrast: String,
    detail: &'a str,
    background: &'a str,
}

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub(super) fn modality_of(bg: &Loaded, c: &Case) -> Modality {
    if c.kind == Kind::Drr {
        Modality::Dx
    } else {
        bg.modality
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn encode(
    bg: &Loaded,
    c: &Case,
    modality: Modality,
    p: &Patient,
    img: &Image,
    k: usize,
    uids: &dyn Fn(UidKind, usize, usize) -> String,
    path: &Path,
    syntax: Syntax,
) -> Result<Vec<u8>> {
    let body_part = if c.kind == Kind::Drr && bg.entry.body_part.eq_ignore_ascii_case("HEAD") {
        "SKULL"
    } else {
        bg.entry.body_part.as_str()
    };
    let window = match modality {
        Modality::Ct if body_part.eq_ignore_ascii_case("HEAD") => (40.0, 80.0),
        Modality::Ct if c.index.is_multiple_of(2) => (-600.0, 1500.0),
        Modality::Ct => (40.0, 400.0),
        _ => {
            let (cw, w, ..) = percentile_window(&img.pixels, 4095);
            (cw, w.max(1.0))
        }
    };
    let mr = (modality == Modality::Mr).then_some(MrParams {
        tr_ms: 550.0,
        te_ms: 12.0,
        field_t: 1.5,
        t1: true,
    });
    let desc = match c.kind {
        Kind::Drr => format!("DRR {body_part} PA (from {})", bg.entry.id),
        _ => format!("{} {body_part} ({})", modality.code(), bg.entry.id),
    };
    let h = Header {
        modality,
        patient: p,
        study_uid: uids(UidKind::Study, c.index, 0),
        series_uid: uids(UidKind::Series, c.index, 0),
        instance_uid: uids(UidKind::Instance, c.index, k),
        frame_of_reference_uid: uids(UidKind::FrameOfReference, c.index, 0),
        series_number: 1 + (c.index as u32 % 1000),
        instance_number: k as u32 + 1,
        manufacturer: "radscreen-synth",
        model: "real background",
        body_part,
        series_description: desc,
        rows: img.rows,
        cols: img.cols,
        spacing_mm: img.spacing,
        slice: img.position,
        bits_stored: 12,
        monochrome1: false,
        slope: 1.0,
        intercept: if modality == Modality::Ct {
            -1024.0
        } else {
            0.0
        },
        window,
        voi_lut: None,
        mr,
        kvp: match modality {
            Modality::Ct => 120.0,
            Modality::Dx | Modality::Cr => 110.0,
            Modality::Mr => 0.0,
        },
        laterality: matches!(modality, Modality::Dx | Modality::Cr).then_some("U"),
    };
    dcm::encode(&h, &img.pixels, syntax, path)
}

pub(super) fn write_truth(
    out: &Path,
    loaded: &[Arc<Loaded>],
    cases: &[Case],
    patients: &[Patient],
    written: Vec<Result<Written>>,
) -> Result<Summary> {
    let mpath = out.join("manifest.csv");
    let lpath = out.join("lesions.csv");
    let csv_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Csv {
            path: p.clone(),
            source,
        }
    };
    let mut mw = csv::Writer::from_path(&mpath).map_err(csv_err(&mpath))?;
    let mut lw = csv::Writer::from_path(&lpath).map_err(csv_err(&lpath))?;
    let mut sum = Summary {
        series: cases.len(),
        patients: patients.len(),
        ..Summary::default()
    };
    let f2 = |v: f32| format!("{v:.2}");
    for (c, res) in cases.iter().zip(written) {
        let bg = &loaded[c.background];
        let p = &patients[c.background];
        let modality = modality_of(bg, c);
        for (path, lesions) in res? {
            let has = |f: Finding| u8::from(lesions.iter().any(|l| l.finding == f));
            sum.images += 1;
            sum.tumor_images += usize::from(has(Finding::Tumor));
            sum.fracture_images += usize::from(has(Finding::Fracture));
            let appearance = lesions
                .iter()
                .map(|l| format!("{}:{}", l.finding.name(), l.detail))
                .collect::<Vec<_>>()
                .join("|");
            mw.serialize(ManifestRow {
                path: &path,
                frame: 0,
                modality: modality.code(),
                tumor: has(Finding::Tumor),
                fracture: has(Finding::Fracture),
                sex: p.sex,
                age: p.age,
                manufacturer: "radscreen-synth",
                split: p.split,
                model: "real background",
                body_part: &bg.entry.body_part,
                series: c.index,
                syntax: c.syntax.uid(),
                noise: f2(bg.noise),
                background: &bg.entry.id,
                appearance,
            })
            .map_err(csv_err(&mpath))?;
            for l in &lesions {
                lw.serialize(LesionRow {
                    path: &path,
                    frame: 0,
                    finding: l.finding.name(),
                    row: f2(l.row),
                    col: f2(l.col),
                    radius_px: f2(l.radius_px),
                    size_mm: f2(l.size_mm),
                    contrast: f2(l.contrast),
                    detail: &l.detail,
                    background: &bg.entry.id,
                })
                .map_err(csv_err(&lpath))?;
            }
        }
    }
    mw.flush().map_err(io(&mpath))?;
    lw.flush().map_err(io(&lpath))?;
    Ok(sum)
}
