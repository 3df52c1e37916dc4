//! `radscreen synth --out DIR --count N --seed S [--modality ct,mr,xr]`, or with
//! `--backgrounds DIR`: findings inserted into real CT, MR and radiographs.

use std::path::PathBuf;
use std::process::ExitCode;

use radscreen::synth::real::{RealOptions, generate_real};
use radscreen::synth::{Modality, Subgroup, Summary, Syntax, SynthOptions, generate};

use crate::CmdResult;

#[derive(clap::Args)]
pub struct Args {
    /// Output folder (created); DICOM files go under p*/s*/, plus manifest.csv and lesions.csv.
    #[arg(long)]
    out: PathBuf,
    /// Number of images to write.
    #[arg(long)]
    count: usize,
    /// Random seed: the same seed and options give identical files.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Modalities, comma-separated: ct, mr, xr (= dx,cr), dx, cr.
    #[arg(long, default_value = "ct,mr,xr")]
    modality: String,
    /// Rows and columns of every image.
    #[arg(long, default_value_t = 256)]
    size: usize,
    /// explicit (default), implicit, deflated, rle, jpeg-ls, or mixed (cycle per series).
    #[arg(long, default_value = "explicit")]
    transfer_syntax: String,
    /// Probability that a series carries a tumour [default: 0.5; with --backgrounds 0.6 per case].
    #[arg(long)]
    tumor_rate: Option<f32>,
    /// Probability that a series carries a fracture (CT torso, radiographs) [default: 0.4; with
    /// --backgrounds 0.6 per case].
    #[arg(long)]
    fracture_rate: Option<f32>,
    /// Tumour diameter range in mm, MIN:MAX.
    #[arg(long, default_value = "3:40")]
    lesion_size: String,
    /// Tumour contrast range in HU, MIN:MAX.
    #[arg(long, default_value = "10:200")]
    lesion_contrast: String,
    /// Share of CT lung nodules drawn as ground glass (density added to the lung) rather than
    /// solid (soft tissue of -5..80 HU replacing it); 0 draws solid nodules only, as the
    /// criterion set does.
    #[arg(long, default_value_t = 1.0)]
    ground_glass: f32,
    /// Relative dose: noise scales with 1/sqrt(dose).
    #[arg(long, default_value_t = 1.0)]
    dose: f32,
    /// Fraction of female patients.
    #[arg(long, default_value_t = 0.5)]
    female_fraction: f64,
    /// Make a subgroup noisier: sex=F, manufacturer=NAME or age>=N.
    #[arg(long)]
    harder: Option<String>,
    /// Noise multiplier for --harder.
    #[arg(long, default_value_t = 2.0)]
    harder_noise: f32,
    /// Insert the findings into real anatomy instead of phantoms: the folder that
    /// scripts/fetch-real-backgrounds.sh prints. Uses --count, --seed, --transfer-syntax,
    /// --tumor-rate and --fracture-rate; the phantom options do not apply.
    #[arg(long)]
    backgrounds: Option<PathBuf>,
    /// With --backgrounds: only backgrounds of these splits (train, val, test), comma-separated.
    #[arg(long, value_delimiter = ',')]
    splits: Vec<String>,
    /// With --backgrounds: only these backgrounds (index.json ids), comma-separated; a recipe
    /// that names them makes the same images after the index gains new backgrounds.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

fn range(s: &str, name: &str) -> Result<(f32, f32), String> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| format!("--{name}: expected MIN:MAX, got {s:?}"))?;
    let p = |v: &str| {
        v.trim()
            .parse::<f32>()
            .map_err(|_| format!("--{name}: {v:?} is not a number"))
    };
    Ok((p(a)?, p(b)?))
}

pub fn run(a: Args) -> CmdResult {
    if let Some(dir) = &a.backgrounds {
        let mut o = RealOptions::new(dir)
            .with_count(a.count)
            .with_seed(a.seed)
            .with_syntax(a.transfer_syntax.parse::<Syntax>()?);
        // the real-background generator's own defaults unless named (the phantom defaults
        // used to override them here, which halved the fractures the generator drew)
        o.tumor_rate = a.tumor_rate.unwrap_or(o.tumor_rate);
        o.fracture_rate = a.fracture_rate.unwrap_or(o.fracture_rate);
        o.splits = a.splits.clone();
        o.ids = a.only.clone();
        if let Some(bad) = o
            .splits
            .iter()
            .find(|s| !matches!(s.as_str(), "train" | "val" | "test"))
        {
            return Err(format!("--splits: {bad:?} is not train, val or test").into());
        }
        let s = generate_real(&a.out, &o)?;
        return summary(&s, "backgrounds", &a.out);
    }
    if !a.splits.is_empty() || !a.only.is_empty() {
        return Err("--splits and --only choose real backgrounds: they need --backgrounds".into());
    }
    let mut o = SynthOptions::new()
        .with_count(a.count)
        .with_seed(a.seed)
        .with_modalities(Modality::parse_list(&a.modality)?)
        .with_size(a.size)
        .with_syntax(a.transfer_syntax.parse::<Syntax>()?)
        .with_lesion_size_mm(range(&a.lesion_size, "lesion-size")?)
        .with_lesion_contrast_hu(range(&a.lesion_contrast, "lesion-contrast")?)
        .with_ground_glass_rate(a.ground_glass)
        .with_dose(a.dose)
        .with_female_fraction(a.female_fraction)
        .with_harder_noise(a.harder_noise);
    if let Some(h) = &a.harder {
        o = o.with_harder(Some(h.parse::<Subgroup>()?));
    }
    // unnamed rates keep the phantom generator's own defaults (SynthOptions::new)
    if let Some(r) = a.tumor_rate {
        o = o.with_tumor_rate(r);
    }
    if let Some(r) = a.fracture_rate {
        o = o.with_fracture_rate(r);
    }
    let s = generate(&a.out, &o)?;
    summary(&s, "patients", &a.out)
}

/// The one line a finished run prints; `people` names what Summary::patients counts.
fn summary(s: &Summary, people: &str, out: &std::path::Path) -> CmdResult {
    eprintln!(
        "wrote {} images ({} series, {} {people}; {} with tumours, {} with fractures) to {}",
        s.images,
        s.series,
        s.patients,
        s.tumor_images,
        s.fracture_images,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
