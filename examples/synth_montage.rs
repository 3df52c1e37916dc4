//! Renders docs/synth-montage.png: generated CT, MR and radiographs with and without findings,
//! lesion outlines in red (tumours) and yellow (fractures).
//!
//!     cargo run --release --example synth_montage [OUT.png]

use std::path::PathBuf;

use ndarray::Array3;
use radscreen::imaging::png;
use radscreen::synth::{Finding, Modality, Phantom, Region, SynthOptions, plan, render};

const TILE: usize = 256;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| "docs/synth-montage.png".into());
    let o = SynthOptions::new()
        .with_count(600)
        .with_seed(42)
        .with_size(TILE)
        .with_tumor_rate(0.6)
        .with_fracture_rate(0.6);
    let p = plan(&o)?;
    // (modality, wants tumour, wants fracture, region tag) for each tile
    let wanted: [(Modality, u8, u8, &str); 12] = [
        (Modality::Ct, 0, 0, "CHEST"),
        (Modality::Ct, 1, 0, "CHEST"),
        (Modality::Ct, 1, 0, "ABDOMEN"),
        (Modality::Ct, 0, 1, "CHEST"),
        (Modality::Ct, 1, 0, "HEAD"),
        (Modality::Mr, 0, 0, "T1"),
        (Modality::Mr, 1, 0, "T2"),
        (Modality::Mr, 1, 0, "T1"),
        (Modality::Dx, 0, 0, "CHEST"),
        (Modality::Dx, 0, 1, "HAND"),
        (Modality::Cr, 0, 1, "ARM"),
        (Modality::Dx, 1, 0, "CHEST"),
    ];
    let cols = 4;
    let rows = wanted.len().div_ceil(cols);
    let mut m = Array3::<f32>::zeros((rows * TILE, cols * TILE, 3));
    for (t, (modality, tu, fr, tag)) in wanted.iter().enumerate() {
        let found = p
            .series
            .iter()
            .filter(|s| s.modality == *modality)
            .find_map(|s| {
                let ok_tag = match &s.phantom {
                    Phantom::Ct(c) => c.region.body_part() == *tag,
                    Phantom::Mr(mr) => mr.weighting.name() == *tag,
                    Phantom::Xr(x) => x.part.body_part() == *tag,
                };
                if !ok_tag {
                    return None;
                }
                (0..s.images).find_map(|k| {
                    let (img, les) = render(&o, s, k);
                    let has = |f| les.iter().any(|l| l.finding == f);
                    (u8::from(has(Finding::Tumor)) == *tu
                        && u8::from(has(Finding::Fracture)) == *fr)
                        .then_some((s, img, les))
                })
            });
        let Some((s, img, les)) = found else {
            eprintln!("no image for tile {t} ({modality} {tag} tumour {tu} fracture {fr})");
            continue;
        };
        let (lo, hi) = match &s.phantom {
            Phantom::Ct(c) => match c.region {
                Region::Chest if *fr == 1 => (-160.0, 1240.0),
                Region::Chest => (-1350.0, 150.0),
                Region::Abdomen => (-125.0, 225.0),
                _ => (0.0, 80.0),
            },
            _ => {
                let mut v = img.px.clone();
                v.sort_by(f32::total_cmp);
                (v[v.len() / 100], v[v.len() * 995 / 1000])
            }
        };
        let (r0, c0) = ((t / cols) * TILE, (t % cols) * TILE);
        for r in 0..TILE {
            for c in 0..TILE {
                let g = ((img.get(r, c) - lo) / (hi - lo).max(1e-3)).clamp(0.0, 1.0);
                for ch in 0..3 {
                    m[(r0 + r, c0 + c, ch)] = g;
                }
            }
        }
        for l in &les {
            let colour = if l.finding == Finding::Tumor {
                [1.0, 0.1, 0.1]
            } else {
                [1.0, 0.9, 0.0]
            };
            let rad = l.radius_px + 3.0;
            for i in 0..720 {
                let a = i as f32 * std::f32::consts::TAU / 720.0;
                let (y, x) = (l.row + rad * a.sin(), l.col + rad * a.cos());
                if y >= 0.0 && x >= 0.0 && (y as usize) < TILE && (x as usize) < TILE {
                    for ch in 0..3 {
                        m[(r0 + y as usize, c0 + x as usize, ch)] = colour[ch];
                    }
                }
            }
        }
    }
    png::write_unit(&out, m.view())?;
    println!("wrote {}", out.display());
    Ok(())
}
