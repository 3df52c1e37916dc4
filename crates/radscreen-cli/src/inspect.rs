//! `radscreen inspect PATH... [--json]`

use std::path::PathBuf;
use std::process::ExitCode;

use radscreen::dicom::{ImageMeta, ReadOptions, group_series, read_metadata};
use serde::Serialize;

use crate::CmdResult;

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders (folders are walked recursively; files are recognised by content).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print JSON (`{"files": [...], "series": [...]}`) instead of text.
    #[arg(long)]
    json: bool,
    /// Include patient name, ID, birth date, accession number and institution.
    #[arg(long)]
    keep_phi: bool,
}

#[derive(Serialize)]
struct ErrorRecord {
    path: String,
    error_kind: &'static str,
    error: String,
}

#[derive(Serialize)]
struct SeriesRecord {
    series_instance_uid: Option<String>,
    modality: Option<String>,
    images: usize,
    order: radscreen::dicom::SeriesOrder,
    slice_spacing: Option<f64>,
    uniform_spacing: Option<bool>,
    files: Vec<String>,
}

/// Expands folders into their files, sorted for stable output.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect();
            // A folder holds all sorts of files: only DICOM ones (by content) are inspected.
            files.retain(|f| radscreen::dicom::is_dicom(f));
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    out
}

pub fn run(a: Args) -> CmdResult {
    let opts = ReadOptions::new().with_keep_phi(a.keep_phi);
    let mut metas: Vec<ImageMeta> = Vec::new();
    let mut errors = Vec::new();
    for path in expand(&a.paths) {
        match read_metadata(&path, &opts) {
            Ok(m) => metas.push(m),
            Err(e) => errors.push(ErrorRecord {
                path: path.display().to_string(),
                error_kind: e.kind(),
                error: e.to_string(),
            }),
        }
    }
    let series: Vec<SeriesRecord> = group_series(&metas)
        .into_iter()
        .map(|s| SeriesRecord {
            images: s.members.len(),
            files: s.members.iter().map(|&i| metas[i].path.clone()).collect(),
            series_instance_uid: s.series_instance_uid,
            modality: s.modality,
            order: s.order,
            slice_spacing: s.slice_spacing,
            uniform_spacing: s.uniform_spacing,
        })
        .collect();
    if a.json {
        let doc = serde_json::json!({ "files": metas, "series": series, "errors": errors });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        for m in &metas {
            print_text(m);
        }
        for s in &series {
            println!(
                "series {}  {}  {} image(s)  order {:?}{}",
                s.series_instance_uid.as_deref().unwrap_or("-"),
                s.modality.as_deref().unwrap_or("-"),
                s.images,
                s.order,
                s.slice_spacing
                    .map(|d| format!("  spacing {d:.3} mm"))
                    .unwrap_or_default()
            );
        }
        for e in &errors {
            eprintln!("{}: error ({}): {}", e.path, e.error_kind, e.error);
        }
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_text(m: &ImageMeta) {
    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let n = |v: Option<u32>| v.map_or("-".into(), |x| x.to_string());
    println!("{}", m.path);
    println!(
        "  {}  {}  {}x{}  frames {}  {}  bits {}/{}  pixrep {}",
        o(&m.modality),
        o(&m.photometric_interpretation),
        n(m.rows),
        n(m.columns),
        m.frames,
        m.transfer_syntax_name,
        m.bits_stored.map_or("-".into(), |b| b.to_string()),
        m.bits_allocated.map_or("-".into(), |b| b.to_string()),
        m.pixel_representation.map_or("-".into(), |b| b.to_string()),
    );
    println!(
        "  body part {}  spacing {}  thickness {}  {} {}  sex {}  age {}",
        o(&m.body_part),
        m.physical_spacing.map_or("-".into(), |p| format!(
            "{:.4}x{:.4} mm ({})",
            p.mm[0],
            p.mm[1],
            p.source.name()
        )),
        m.slice_thickness.map_or("-".into(), |t| format!("{t} mm")),
        o(&m.manufacturer),
        o(&m.manufacturer_model),
        o(&m.patient_sex),
        o(&m.patient_age),
    );
    if let Some(phi) = &m.phi {
        println!(
            "  PHI: name {}  id {}  birth {}  accession {}  institution {}",
            o(&phi.patient_name),
            o(&phi.patient_id),
            o(&phi.patient_birth_date),
            o(&phi.accession_number),
            o(&phi.institution_name)
        );
    }
}
