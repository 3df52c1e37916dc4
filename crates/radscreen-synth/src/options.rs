//! What to generate: [`SynthOptions`] and the small enums it uses.

use std::fmt;
use std::str::FromStr;

use dicom_dictionary_std::uids;

use crate::error::{Error, Result};

/// The modality of a generated series (and its SOP class).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Modality {
    /// CT Image Storage: axial torso and head slices in HU.
    Ct,
    /// MR Image Storage: T1- or T2-weighted brain slices.
    Mr,
    /// Digital X-Ray Image Storage – For Presentation.
    Dx,
    /// Computed Radiography Image Storage.
    Cr,
}

impl Modality {
    /// The DICOM Modality (0008,0060) code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ct => "CT",
            Self::Mr => "MR",
            Self::Dx => "DX",
            Self::Cr => "CR",
        }
    }

    /// Parses a comma-separated list such as `ct,mr,xr` (`xr` means DX and CR).
    pub fn parse_list(s: &str) -> Result<Vec<Modality>> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let add: &[Modality] = match part.to_ascii_lowercase().as_str() {
                "ct" => &[Self::Ct],
                "mr" => &[Self::Mr],
                "dx" => &[Self::Dx],
                "cr" => &[Self::Cr],
                "xr" | "x-ray" | "radiograph" => &[Self::Dx, Self::Cr],
                _ => {
                    return Err(Error::InvalidOption {
                        name: "modality",
                        reason: format!(
                            "unknown modality {part:?} (expected ct, mr, xr, dx or cr)"
                        ),
                    });
                }
            };
            for m in add {
                if !out.contains(m) {
                    out.push(*m);
                }
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The transfer syntax files are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Syntax {
    /// Explicit VR Little Endian (1.2.840.10008.1.2.1), the default.
    ExplicitLe,
    /// Implicit VR Little Endian (1.2.840.10008.1.2).
    ImplicitLe,
    /// Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99).
    Deflated,
    /// RLE Lossless (1.2.840.10008.1.2.5), encoded by this crate.
    Rle,
    /// JPEG-LS Lossless (1.2.840.10008.1.2.4.80), encoded by radscreen-dicom's own encoder.
    JpegLs,
    /// Each series takes the next of the syntaxes above in turn.
    Mixed,
}

impl Syntax {
    /// The concrete syntaxes `Mixed` cycles through.
    pub const ALL: [Syntax; 5] = [
        Self::ExplicitLe,
        Self::ImplicitLe,
        Self::Deflated,
        Self::Rle,
        Self::JpegLs,
    ];

    /// The transfer syntax UID (`Mixed` has none of its own and reports Explicit VR LE).
    pub fn uid(self) -> &'static str {
        match self {
            Self::ExplicitLe | Self::Mixed => uids::EXPLICIT_VR_LITTLE_ENDIAN,
            Self::ImplicitLe => uids::IMPLICIT_VR_LITTLE_ENDIAN,
            Self::Deflated => uids::DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
            Self::Rle => uids::RLE_LOSSLESS,
            Self::JpegLs => uids::JPEGLS_LOSSLESS,
        }
    }
}

impl FromStr for Syntax {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "explicit" | "explicit-le" | uids::EXPLICIT_VR_LITTLE_ENDIAN => Self::ExplicitLe,
            "implicit" | "implicit-le" | uids::IMPLICIT_VR_LITTLE_ENDIAN => Self::ImplicitLe,
            "deflate" | "deflated" | uids::DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN => Self::Deflated,
            "rle" | uids::RLE_LOSSLESS => Self::Rle,
            "jpeg-ls" | "jpegls" | uids::JPEGLS_LOSSLESS => Self::JpegLs,
            "mixed" => Self::Mixed,
            _ => {
                return Err(Error::InvalidOption {
                    name: "transfer-syntax",
                    reason: format!(
                        "unknown {s:?} (expected explicit, implicit, deflated, rle, jpeg-ls or mixed)"
                    ),
                });
            }
        })
    }
}

/// A scanner model that series are drawn from.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Scanner {
    /// The modality it images.
    pub modality: Modality,
    /// Manufacturer, as written to the files.
    pub manufacturer: String,
    /// Model name, as written to the files.
    pub model: String,
    /// Relative frequency among scanners of the same modality.
    pub weight: f64,
    /// Noise multiplier of this scanner (1 = nominal).
    pub noise: f32,
}

impl Scanner {
    /// A scanner of `modality` with relative frequency `weight` and noise multiplier `noise`.
    pub fn new(
        modality: Modality,
        manufacturer: &str,
        model: &str,
        weight: f64,
        noise: f32,
    ) -> Self {
        Self {
            modality,
            manufacturer: manufacturer.into(),
            model: model.into(),
            weight,
            noise,
        }
    }

    /// The default fleet: fictitious vendors, so no real product's behaviour is implied.
    pub fn default_fleet() -> Vec<Scanner> {
        use Modality::*;
        vec![
            Scanner::new(Ct, "Northwind Imaging", "Tomos 64", 0.5, 1.0),
            Scanner::new(Ct, "Helix Medical", "HX Spiral 128", 0.3, 0.85),
            Scanner::new(Ct, "Orion Diagnostics", "CT-16 Lite", 0.2, 1.4),
            Scanner::new(Mr, "Northwind Imaging", "Magnos 1.5T", 0.6, 1.0),
            Scanner::new(Mr, "Helix Medical", "HX Field 3T", 0.4, 0.8),
            Scanner::new(Dx, "Orion Diagnostics", "Radia DR", 0.6, 1.0),
            Scanner::new(Dx, "Helix Medical", "HX Flat 43", 0.4, 0.9),
            Scanner::new(Cr, "Northwind Imaging", "PlateReader 2", 1.0, 1.2),
        ]
    }
}

/// Which patients a [`SynthOptions::harder`] setting makes harder.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Subgroup {
    /// Patients of this sex (`F` or `M`).
    Sex(String),
    /// Series from scanners of this manufacturer.
    Manufacturer(String),
    /// Patients at least this old.
    AgeAtLeast(u32),
}

impl FromStr for Subgroup {
    type Err = Error;
    /// `sex=F`, `manufacturer=Orion Diagnostics` or `age>=70`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::InvalidOption {
            name: "harder",
            reason: format!("{s:?}: expected sex=F|M, manufacturer=NAME or age>=N"),
        };
        if let Some(v) = s.strip_prefix("age>=") {
            return v
                .trim()
                .parse()
                .map(Subgroup::AgeAtLeast)
                .map_err(|_| bad());
        }
        let (k, v) = s.split_once('=').ok_or_else(bad)?;
        let v = v.trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "sex" if v.eq_ignore_ascii_case("f") || v.eq_ignore_ascii_case("m") => {
                Ok(Subgroup::Sex(v.to_ascii_uppercase()))
            }
            "manufacturer" if !v.is_empty() => Ok(Subgroup::Manufacturer(v.to_string())),
            _ => Err(bad()),
        }
    }
}

/// What to generate. Build with [`SynthOptions::new`] and the `with_*` setters; every field is
/// checked by [`SynthOptions::validate`] before anything is written.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SynthOptions {
    /// Number of images (frames) to write.
    pub count: usize,
    /// Seed of every random choice: the same seed gives the same bytes.
    pub seed: u64,
    /// Modalities to draw series from (in equal shares).
    pub modalities: Vec<Modality>,
    /// Rows and columns of every image.
    pub size: usize,
    /// Transfer syntax of the files written.
    pub syntax: Syntax,
    /// Probability that a series carries a tumour.
    pub tumor_rate: f32,
    /// Probability that a series (CT torso, radiograph) carries a fracture.
    pub fracture_rate: f32,
    /// Tumour diameter range in mm.
    pub lesion_size_mm: (f32, f32),
    /// Tumour contrast magnitude range in HU (CT; MR and radiographs scale it to their units).
    pub lesion_contrast_hu: (f32, f32),
    /// Share of CT lung nodules drawn as ground glass (density added to the lung) rather than
    /// solid (soft tissue replacing it). 1 by default: every set made before the option existed
    /// stays byte-identical.
    pub ground_glass_rate: f32,
    /// Relative dose: noise standard deviation scales with 1/sqrt(dose).
    pub dose: f32,
    /// Slices per CT or MR series (inclusive range).
    pub slices: (u32, u32),
    /// Fraction of patients who are female, 0..1.
    pub female_fraction: f64,
    /// Patient age range in years (inclusive, uniform).
    pub age_range: (u32, u32),
    /// The scanners that series are drawn from.
    pub scanners: Vec<Scanner>,
    /// A subgroup whose images get `harder_noise` times more noise.
    pub harder: Option<Subgroup>,
    /// Noise multiplier for the `harder` subgroup.
    pub harder_noise: f32,
    /// Train/val fractions; the rest is test. Assigned per patient.
    pub split: (f64, f64),
    /// UID root; `None` derives `2.25.<decimal>` UIDs from the seed.
    pub uid_root: Option<String>,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self {
            count: 16,
            seed: 0,
            modalities: vec![Modality::Ct, Modality::Mr, Modality::Dx, Modality::Cr],
            size: 256,
            syntax: Syntax::ExplicitLe,
            tumor_rate: 0.5,
            fracture_rate: 0.4,
            lesion_size_mm: (3.0, 40.0),
            lesion_contrast_hu: (10.0, 200.0),
            ground_glass_rate: 1.0,
            dose: 1.0,
            slices: (3, 5),
            female_fraction: 0.5,
            age_range: (18, 90),
            scanners: Scanner::default_fleet(),
            harder: None,
            harder_noise: 2.0,
            split: (0.7, 0.15),
            uid_root: None,
        }
    }
}

macro_rules! setter {
    ($name:ident, $field:ident, $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        pub fn $name(mut self, v: $ty) -> Self {
            self.$field = v;
            self
        }
    };
}

impl SynthOptions {
    /// The defaults: 16 images across CT, MR, DX and CR, seed 0, 256 px, Explicit VR LE.
    pub fn new() -> Self {
        Self::default()
    }

    setter!(with_count, count, usize);
    setter!(with_seed, seed, u64);
    setter!(with_modalities, modalities, Vec<Modality>);
    setter!(with_size, size, usize);
    setter!(with_syntax, syntax, Syntax);
    setter!(with_tumor_rate, tumor_rate, f32);
    setter!(with_fracture_rate, fracture_rate, f32);
    setter!(with_lesion_size_mm, lesion_size_mm, (f32, f32));
    setter!(with_lesion_contrast_hu, lesion_contrast_hu, (f32, f32));
    setter!(with_ground_glass_rate, ground_glass_rate, f32);
    setter!(with_dose, dose, f32);
    setter!(with_slices, slices, (u32, u32));
    setter!(with_female_fraction, female_fraction, f64);
    setter!(with_age_range, age_range, (u32, u32));
    setter!(with_scanners, scanners, Vec<Scanner>);
    setter!(with_harder, harder, Option<Subgroup>);
    setter!(with_harder_noise, harder_noise, f32);
    setter!(with_split, split, (f64, f64));
    setter!(with_uid_root, uid_root, Option<String>);

    /// Checks every option; generation calls this first.
    pub fn validate(&self) -> Result<()> {
        let bad = |name: &'static str, reason: String| Err(Error::InvalidOption { name, reason });
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        if self.count > 1_000_000 {
            return bad(
                "count",
                format!("{} is above the limit of 1000000", self.count),
            );
        }
        if !(16..=2048).contains(&self.size) {
            return bad("size", format!("{} is outside 16..=2048", self.size));
        }
        if self.modalities.is_empty() {
            return bad("modality", "no modality selected".into());
        }
        for m in &self.modalities {
            if !self
                .scanners
                .iter()
                .any(|s| s.modality == *m && s.weight > 0.0)
            {
                return bad(
                    "scanners",
                    format!("no scanner with positive weight for {m}"),
                );
            }
        }
        for s in &self.scanners {
            if !(s.noise.is_finite() && s.noise > 0.0 && s.weight.is_finite() && s.weight >= 0.0) {
                return bad(
                    "scanners",
                    format!("{} {}: bad weight or noise", s.manufacturer, s.model),
                );
            }
        }
        if !unit(self.ground_glass_rate.into()) {
            return bad(
                "ground-glass",
                format!("{} is outside 0..=1", self.ground_glass_rate),
            );
        }
        if !unit(self.tumor_rate.into()) || !unit(self.fracture_rate.into()) {
            return bad(
                "tumor-rate/fracture-rate",
                "rates must be within 0..=1".into(),
            );
        }
        let (a, b) = self.lesion_size_mm;
        if !(a.is_finite() && b.is_finite() && a >= 1.0 && a <= b && b <= 200.0) {
            return bad(
                "lesion-size",
                format!("{a}..{b} mm: need 1 <= min <= max <= 200"),
            );
        }
        let (a, b) = self.lesion_contrast_hu;
        if !(a.is_finite() && b.is_finite() && a >= 1.0 && a <= b && b <= 1000.0) {
            return bad(
                "lesion-contrast",
                format!("{a}..{b} HU: need 1 <= min <= max <= 1000"),
            );
        }
        if !(self.dose.is_finite() && self.dose >= 0.01 && self.dose <= 100.0) {
            return bad("dose", format!("{} is outside 0.01..=100", self.dose));
        }
        if !(self.harder_noise.is_finite() && (0.1..=20.0).contains(&self.harder_noise)) {
            return bad(
                "harder-noise",
                format!("{} is outside 0.1..=20", self.harder_noise),
            );
        }
        let (a, b) = self.slices;
        if !(1 <= a && a <= b && b <= 512) {
            return bad("slices", format!("{a}..{b}: need 1 <= min <= max <= 512"));
        }
        if !unit(self.female_fraction) {
            return bad(
                "female-fraction",
                format!("{} is outside 0..=1", self.female_fraction),
            );
        }
        let (a, b) = self.age_range;
        if !(a <= b && b <= 110) {
            return bad("age-range", format!("{a}..{b}: need min <= max <= 110"));
        }
        let (t, v) = self.split;
        if !(unit(t) && unit(v) && t + v <= 1.0) {
            return bad(
                "split",
                format!("train {t} + val {v} must be fractions summing to <= 1"),
            );
        }
        if let Some(root) = &self.uid_root {
            let ok = !root.is_empty()
                && root.len() <= 24
                && root.split('.').all(|c| {
                    !c.is_empty()
                        && c.bytes().all(|b| b.is_ascii_digit())
                        && (c == "0" || !c.starts_with('0'))
                });
            if !ok {
                return bad(
                    "uid-root",
                    format!("{root:?}: need digits and dots, at most 24 chars"),
                );
            }
        }
        Ok(())
    }
}

/// The options behind the committed `sample-data/`: `radscreen synth --out sample-data
/// --count 96 --seed 2024 --size 128 --transfer-syntax mixed`.
pub fn sample_data_options() -> SynthOptions {
    SynthOptions::new()
        .with_count(96)
        .with_seed(2024)
        .with_size(128)
        .with_syntax(Syntax::Mixed)
}
