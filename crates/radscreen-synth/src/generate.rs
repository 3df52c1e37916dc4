//! The run: plan patients, studies and series from the seed, render and encode every image in
//! parallel (each from its own keyed random stream, so the bytes do not depend on threads), and
//! write the ground truth.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::ct::{CtSeries, Region};
use crate::dcm::{self, Header, MrParams, VoiLut};
use crate::error::{Error, Result};
use crate::lesion::PhantomSpec;
use crate::lesion::{Finding, Lesion};
use crate::mr::{MrSeries, Weighting};
use crate::options::{Modality, Subgroup, Syntax, SynthOptions};
use crate::phi::{Patient, UidKind, uid};
use crate::raster::Canvas;
use crate::rng::Rng;
use crate::xr::XrImage;

const K_PATIENT: u64 = 1;
const K_SERIES: u64 = 2;
const K_IMAGE: u64 = 3;

/// The phantom behind one series.
#[derive(Clone, Debug)]
pub enum Phantom {
    /// A CT series.
    Ct(CtSeries),
    /// An MR series.
    Mr(MrSeries),
    /// A radiograph (DX or CR).
    Xr(XrImage),
}

/// One planned series.
#[derive(Clone, Debug)]
pub struct SeriesPlan {
    /// The series' number in the plan, from 0.
    pub index: usize,
    /// Index of its patient in [`Plan::patients`].
    pub patient: usize,
    /// The series' modality.
    pub modality: Modality,
    /// Index of its scanner in [`SynthOptions::scanners`].
    pub scanner: usize,
    /// Images (slices) in the series.
    pub images: usize,
    /// Noise standard deviation, in the phantom's units (HU for CT).
    pub noise: f32,
    /// Transfer syntax of its files (never `Mixed`).
    pub syntax: Syntax,
    /// What its images show.
    pub phantom: Phantom,
    /// Radiographs only: written as MONOCHROME1 (inverted values).
    pub monochrome1: bool,
    /// Radiographs only: carries a sigmoid VOI LUT Sequence.
    pub voi_lut: bool,
}

/// The whole plan: patients and their series, in order.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The patients, in order.
    pub patients: Vec<Patient>,
    /// Every series, in order.
    pub series: Vec<SeriesPlan>,
}

/// What a finished run wrote.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Summary {
    /// Images written.
    pub images: usize,
    /// Series written.
    pub series: usize,
    /// Patients in the set.
    pub patients: usize,
    /// Images showing a tumour.
    pub tumor_images: usize,
    /// Images showing a fracture.
    pub fracture_images: usize,
}

fn harder(sub: &Option<Subgroup>, p: &Patient, manufacturer: &str) -> bool {
    match sub {
        None => false,
        Some(Subgroup::Sex(s)) => p.sex.eq_ignore_ascii_case(s),
        Some(Subgroup::Manufacturer(m)) => manufacturer.eq_ignore_ascii_case(m),
        Some(Subgroup::AgeAtLeast(a)) => p.age >= *a,
    }
}

/// Plans a run without rendering anything.
pub fn plan(o: &SynthOptions) -> Result<Plan> {
    o.validate()?;
    let mut patients = Vec::new();
    let mut series = Vec::new();
    let mut left = o.count;
    while left > 0 {
        let pi = patients.len();
        let mut rng = Rng::keyed(o.seed, &[K_PATIENT, pi as u64]);
        let female = rng.unit() < o.female_fraction as f32;
        let age = rng.int(o.age_range.0, o.age_range.1);
        let u = f64::from(rng.unit());
        let split = if u < o.split.0 {
            "train"
        } else if u < o.split.0 + o.split.1 {
            "val"
        } else {
            "test"
        };
        let patient = Patient::draw(&mut rng, pi, female, age, split);
        let n_series = if rng.chance(0.3) { 2 } else { 1 };
        for _ in 0..n_series {
            if left == 0 {
                break;
            }
            let si = series.len();
            let mut rng = Rng::keyed(o.seed, &[K_SERIES, si as u64]);
            let modality = *rng.pick(&o.modalities);
            let cands: Vec<usize> = (0..o.scanners.len())
                .filter(|&i| o.scanners[i].modality == modality)
                .collect();
            let weights: Vec<f64> = cands.iter().map(|&i| o.scanners[i].weight).collect();
            let scanner = cands.get(rng.weighted(&weights)).copied().unwrap_or(0);
            let sc = &o.scanners[scanner];
            let tumor = rng.chance(o.tumor_rate);
            let fracture = rng.chance(o.fracture_rate);
            let n = match modality {
                Modality::Ct | Modality::Mr => (rng.int(o.slices.0, o.slices.1) as usize).min(left),
                _ => 1,
            };
            let spec = PhantomSpec {
                size: o.size,
                slices: n as u32,
                female,
                age,
                tumor,
                fracture,
                size_range: o.lesion_size_mm,
                contrast_range: o.lesion_contrast_hu,
                ground_glass_rate: o.ground_glass_rate,
            };
            let phantom = match modality {
                Modality::Ct => Phantom::Ct(CtSeries::plan(&mut rng, &spec)),
                Modality::Mr => Phantom::Mr(MrSeries::plan(&mut rng, &spec)),
                _ => Phantom::Xr(XrImage::plan(&mut rng, &spec)),
            };
            let base = match modality {
                Modality::Ct => 10.0,
                Modality::Mr => 14.0,
                _ => 30.0,
            };
            let hard = if harder(&o.harder, &patient, &sc.manufacturer) {
                o.harder_noise
            } else {
                1.0
            };
            let xr = matches!(modality, Modality::Dx | Modality::Cr);
            series.push(SeriesPlan {
                index: si,
                patient: pi,
                modality,
                scanner,
                images: n,
                noise: base * sc.noise * hard / o.dose.sqrt(),
                syntax: match o.syntax {
                    Syntax::Mixed => Syntax::ALL[si % Syntax::ALL.len()],
                    s => s,
                },
                phantom,
                monochrome1: xr && rng.chance(0.35),
                voi_lut: xr && rng.chance(0.35),
            });
            left -= n;
        }
        patients.push(patient);
    }
    Ok(Plan { patients, series })
}

/// Renders image `k` of a series: modality values and findings (no DICOM).
pub fn render(o: &SynthOptions, s: &SeriesPlan, k: usize) -> (Canvas, Vec<Lesion>) {
    let mut rng = Rng::keyed(o.seed, &[K_IMAGE, s.index as u64, k as u64]);
    match &s.phantom {
        Phantom::Ct(c) => c.render(k, &mut rng, s.noise),
        Phantom::Mr(m) => m.render(k, &mut rng, s.noise),
        Phantom::Xr(x) => x.render(&mut rng, s.noise),
    }
}

/// Relative path of image `k` of a series.
pub fn image_path(s: &SeriesPlan, k: usize) -> String {
    format!(
        "p{:04}/s{:04}_{}/i{:03}.dcm",
        s.patient,
        s.index,
        s.modality.code().to_ascii_lowercase(),
        k
    )
}

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
    body_part: &'static str,
    series: usize,
    syntax: &'static str,
    noise: String,
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
}

/// Window (centre, width) from the 1st and 99th percentiles of non-zero stored values.
pub(crate) fn percentile_window(px: &[u16], max: u16) -> (f32, f32, u16, u16) {
    let mut hist = vec![0u32; usize::from(max) + 1];
    let mut n = 0u32;
    for &v in px {
        if v > 0 && v < max {
            hist[usize::from(v)] += 1;
            n += 1;
        }
    }
    let (mut lo, mut hi, mut acc) = (0u16, max, 0u32);
    let mut found_lo = false;
    for (v, &h) in hist.iter().enumerate() {
        acc += h;
        if !found_lo && acc as f32 >= 0.01 * n as f32 && acc > 0 {
            lo = v as u16;
            found_lo = true;
        }
        if acc as f32 >= 0.99 * n as f32 && acc > 0 {
            hi = v as u16;
            break;
        }
    }
    let hi = hi.max(lo + 2);
    (
        0.5 * (f32::from(lo) + f32::from(hi)),
        f32::from(hi - lo),
        lo,
        hi,
    )
}

fn encode_image(
    o: &SynthOptions,
    plan: &Plan,
    s: &SeriesPlan,
    k: usize,
    path: &Path,
) -> Result<(Vec<u8>, Vec<Lesion>)> {
    let (img, lesions) = render(o, s, k);
    let p = &plan.patients[s.patient];
    let sc = &o.scanners[s.scanner];
    let uids =
        |kind, a: usize, b: usize| uid(o.uid_root.as_deref(), o.seed, kind, a as u64, b as u64);
    let (mut slice, mut mr, mut laterality) = (None, None, None);
    let (bits, slope, intercept, body_part, desc, spacing, kvp);
    let mut pixels: Vec<u16>;
    let mut window;
    let mut voi = None;
    match &s.phantom {
        Phantom::Ct(c) => {
            pixels = img
                .px
                .iter()
                .map(|v| (v + 1024.0).round().clamp(0.0, 4095.0) as u16)
                .collect();
            (bits, slope, intercept, spacing, kvp) = (12, 1.0, -1024.0, c.spacing(), 120.0);
            body_part = c.region.body_part();
            desc = format!("{} {:.1}mm", body_part, c.thickness_mm);
            let half = c.fov_mm / 2.0;
            slice = Some((c.thickness_mm, [-half, -half, -(k as f32) * c.thickness_mm]));
            window = match c.region {
                Region::Chest if s.index.is_multiple_of(2) => (-600.0, 1500.0),
                Region::Chest => (40.0, 400.0),
                Region::Abdomen => (50.0, 350.0),
                Region::Head => (40.0, 80.0),
            };
        }
        Phantom::Mr(m) => {
            pixels = img
                .px
                .iter()
                .map(|v| v.round().clamp(0.0, 4095.0) as u16)
                .collect();
            (bits, slope, intercept, spacing, kvp) = (12, 1.0, 0.0, m.spacing(), 0.0);
            body_part = "BRAIN";
            desc = format!("AX {} SE", m.weighting.name());
            let half = m.fov_mm / 2.0;
            slice = Some((m.thickness_mm, [-half, -half, (k as f32) * m.thickness_mm]));
            let t1 = m.weighting == Weighting::T1;
            mr = Some(MrParams {
                tr_ms: if t1 { 550.0 } else { 4000.0 },
                te_ms: if t1 { 12.0 } else { 95.0 },
                field_t: if sc.model.contains("3T") { 3.0 } else { 1.5 },
                t1,
            });
            let (c, w, ..) = percentile_window(&pixels, 4095);
            window = (c, w * 1.1);
        }
        Phantom::Xr(x) => {
            let dx = s.modality == Modality::Dx;
            let (scale, max) = if dx { (4.0, 16383u16) } else { (1.0, 4095u16) };
            bits = if dx { 14 } else { 12 };
            pixels = img
                .px
                .iter()
                .map(|v| (v * scale).round().clamp(0.0, f32::from(max)) as u16)
                .collect();
            if s.monochrome1 {
                pixels.iter_mut().for_each(|v| *v = max - *v);
            }
            (slope, intercept, spacing, kvp) = (
                1.0,
                0.0,
                x.spacing(),
                if x.part == crate::xr::Part::Chest {
                    120.0
                } else {
                    55.0
                },
            );
            body_part = x.part.body_part();
            laterality = Some(if x.part == crate::xr::Part::Chest {
                "U"
            } else {
                "L"
            });
            desc = format!("{} PA", body_part);
            let (c, w, lo, hi) = percentile_window(&pixels, max);
            window = (c, w);
            if s.voi_lut {
                let n = usize::from(hi - lo + 1).clamp(2, 16384);
                let data = (0..n)
                    .map(|i| {
                        let t = 6.0 * (i as f32 / (n - 1) as f32 - 0.5);
                        let y = 1.0 / (1.0 + (-t).exp());
                        let (y0, y1) = (1.0 / (1.0 + 3f32.exp()), 1.0 / (1.0 + (-3f32).exp()));
                        // 16-bit entries: dciodvfy accepts only 8 or 16 (PS3.3 C.11.2.1.1)
                        (65535.0 * (y - y0) / (y1 - y0)).round().clamp(0.0, 65535.0) as u16
                    })
                    .collect();
                voi = Some(VoiLut {
                    first: lo,
                    bits: 16,
                    data,
                });
            }
        }
    }
    if window.1 < 1.0 {
        window.1 = 1.0;
    }
    let h = Header {
        modality: s.modality,
        patient: p,
        study_uid: uids(UidKind::Study, s.patient, 0),
        series_uid: uids(UidKind::Series, s.index, 0),
        instance_uid: uids(UidKind::Instance, s.index, k),
        frame_of_reference_uid: uids(UidKind::FrameOfReference, s.index, 0),
        series_number: 1 + (s.index as u32 % 1000),
        instance_number: k as u32 + 1,
        manufacturer: &sc.manufacturer,
        model: &sc.model,
        body_part,
        series_description: desc,
        rows: img.rows,
        cols: img.cols,
        spacing_mm: spacing,
        slice,
        bits_stored: bits,
        monochrome1: s.monochrome1,
        slope,
        intercept,
        window,
        voi_lut: voi,
        mr,
        kvp,
        laterality,
    };
    Ok((dcm::encode(&h, &pixels, s.syntax, path)?, lesions))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Generates the set under `out`: DICOM files, `manifest.csv` and `lesions.csv`.
pub fn generate(out: &Path, o: &SynthOptions) -> Result<Summary> {
    let plan = plan(o)?;
    fs::create_dir_all(out).map_err(io(out))?;
    let jobs: Vec<(usize, usize)> = plan
        .series
        .iter()
        .flat_map(|s| (0..s.images).map(move |k| (s.index, k)))
        .collect();
    for s in &plan.series {
        let dir = out.join(image_path(s, 0));
        if let Some(d) = dir.parent() {
            fs::create_dir_all(d).map_err(io(d))?;
        }
    }
    let results: Vec<Result<Vec<Lesion>>> = jobs
        .par_iter()
        .map(|&(si, k)| {
            let s = &plan.series[si];
            let path: PathBuf = out.join(image_path(s, k));
            let (bytes, lesions) = encode_image(o, &plan, s, k, &path)?;
            fs::write(&path, bytes).map_err(io(&path))?;
            Ok(lesions)
        })
        .collect();
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
        series: plan.series.len(),
        patients: plan.patients.len(),
        ..Summary::default()
    };
    let f2 = |v: f32| format!("{v:.2}");
    for (&(si, k), res) in jobs.iter().zip(results) {
        let lesions = res?;
        let s = &plan.series[si];
        let p = &plan.patients[s.patient];
        let sc = &o.scanners[s.scanner];
        let path = image_path(s, k);
        let has = |f: Finding| u8::from(lesions.iter().any(|l| l.finding == f));
        let body_part = match &s.phantom {
            Phantom::Ct(c) => c.region.body_part(),
            Phantom::Mr(_) => "BRAIN",
            Phantom::Xr(x) => x.part.body_part(),
        };
        sum.images += 1;
        sum.tumor_images += usize::from(has(Finding::Tumor));
        sum.fracture_images += usize::from(has(Finding::Fracture));
        mw.serialize(ManifestRow {
            path: &path,
            frame: 0,
            modality: s.modality.code(),
            tumor: has(Finding::Tumor),
            fracture: has(Finding::Fracture),
            sex: p.sex,
            age: p.age,
            manufacturer: &sc.manufacturer,
            split: p.split,
            model: &sc.model,
            body_part,
            series: s.index,
            syntax: s.syntax.uid(),
            noise: f2(s.noise),
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
            })
            .map_err(csv_err(&lpath))?;
        }
    }
    mw.flush().map_err(io(&mpath))?;
    lw.flush().map_err(io(&lpath))?;
    Ok(sum)
}
