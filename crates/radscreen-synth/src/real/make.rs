//! The real-background generator: cases (a CT or MR slab, a DRR, a real radiograph or slice)
//! planned from the seed, findings inserted where they occur (nodules in the lungs of the
//! mask, tumours in liver or brain, fractures across ribs, vertebrae, skull and long bones),
//! written as DICOM with their geometry, and the same manifest.csv and lesions.csv as the
//! phantoms (plus `background` and `appearance` columns).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::generate::Summary;
use crate::lesion::{Finding, Lesion};
use crate::options::{Modality, Syntax};
use crate::phi::{Patient, uid};
use crate::real::drr::{Projection, RECORD_FRACTION, View, projected_peak};
use crate::real::index::{Entry, read_index};
use crate::real::insert::Insertion;
use crate::real::place::{Loaded, Taken, add_fracture, add_tumor};
use crate::real::volume::Volume;
use crate::real::write::{encode, io, modality_of, write_truth};
use crate::rng::{Rng, mix};

/// Smallest projected change (∫Δμ ds) a DRR finding must make somewhere: about 0.5 % of a
/// chest film's range, several times its quantum noise.
const MIN_PROJECTED: f32 = 0.03;
const K_CASE: u64 = 11;
const K_RENDER: u64 = 12;
const K_PATIENT: u64 = 13;
/// Keeps UIDs apart from a phantom set made with the same seed.
const UID_SALT: u64 = 0x5EA1_BAC6;

/// Options of a real-background run.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RealOptions {
    /// The folder `scripts/fetch-real-backgrounds.sh` printed.
    pub backgrounds: PathBuf,
    /// Images to write (at least; the last case may add a few slices).
    pub count: usize,
    /// Seed: the same options give the same files.
    pub seed: u64,
    /// Chance that a case has a tumour.
    pub tumor_rate: f32,
    /// Chance that a case has a fracture (where the background has bone to break).
    pub fracture_rate: f32,
    /// Transfer syntax of the files (`Mixed` cycles through them by case).
    pub syntax: Syntax,
    /// Only backgrounds of these splits (`train`, `val`, `test`); empty: all.
    pub splits: Vec<String>,
    /// Only the backgrounds with these ids (index.json's `id`); empty: all. A recipe that names
    /// its backgrounds makes the same images when the index gains new ones.
    pub ids: Vec<String>,
    /// UID root; `None`: UUID-derived 2.25 UIDs.
    pub uid_root: Option<String>,
}

impl RealOptions {
    /// Defaults: 200 images, seed 0, tumours in 60 % and fractures in 60 % of cases (where a
    /// case has no organ or bone for one, it goes without: 2,000 images of seed 7 held 46 %
    /// tumour and 38 % fracture positives; fractures in 55-64 % of CT and radiograph images and
    /// in no MR image).
    pub fn new(backgrounds: impl Into<PathBuf>) -> Self {
        Self {
            backgrounds: backgrounds.into(),
            count: 200,
            seed: 0,
            tumor_rate: 0.6,
            fracture_rate: 0.6,
            syntax: Syntax::ExplicitLe,
            splits: Vec::new(),
            ids: Vec::new(),
            uid_root: None,
        }
    }

    /// With `count` images.
    pub fn with_count(mut self, count: usize) -> Self {
        self.count = count;
        self
    }

    /// With `seed`.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Only backgrounds of these splits.
    pub fn with_splits(mut self, splits: &[&str]) -> Self {
        self.splits = splits.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Only the backgrounds with these ids.
    pub fn with_ids(mut self, ids: &[&str]) -> Self {
        self.ids = ids.iter().map(|s| s.to_string()).collect();
        self
    }

    /// With these chances of a tumour and of a fracture per case (0 and 0 render the same
    /// cases without findings, for comparison).
    pub fn with_rates(mut self, tumor: f32, fracture: f32) -> Self {
        self.tumor_rate = tumor;
        self.fracture_rate = fracture;
        self
    }

    /// With this transfer syntax.
    pub fn with_syntax(mut self, syntax: Syntax) -> Self {
        self.syntax = syntax;
        self
    }
}

/// What a case renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Consecutive axial slices of a volume (CT or MR).
    Slab,
    /// A frontal radiograph projected from a CT volume.
    Drr,
    /// The single image itself (a real radiograph or slice).
    Single,
}

/// One planned case.
#[derive(Clone, Debug)]
pub(super) struct Case {
    pub(super) index: usize,
    pub(super) background: usize,
    pub(super) kind: Kind,
    /// Slices to write (slabs).
    pub(super) slices: usize,
    pub(super) tumor: bool,
    pub(super) fracture: bool,
    pub(super) syntax: Syntax,
}

/// The images one case wrote: relative path and records of each.
pub(super) type Written = Vec<(String, Vec<Lesion>)>;

/// A rendered image: stored values and its records.
pub(super) struct Image {
    pub(super) pixels: Vec<u16>,
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) spacing: f32,
    pub(super) position: Option<(f32, [f32; 3])>,
    pub(super) lesions: Vec<Lesion>,
}

fn to_u16(px: &[f32], lo: f32, hi: f32, max: u16) -> Vec<u16> {
    let s = f32::from(max) / (hi - lo).max(1e-6);
    px.iter()
        .map(|&v| ((v - lo) * s).round().clamp(0.0, f32::from(max)) as u16)
        .collect()
}

fn render(bg: &Loaded, case: &Case, seed: u64) -> Vec<Image> {
    // one stream per purpose, so that a case rendered without its findings (rates 0, same
    // seed) has the same slab, exposure and noise: the tests compare the two
    let stream = |k: u64| Rng::keyed(seed, &[K_RENDER, case.index as u64, k]);
    let (mut rng, mut rt, mut rf) = (stream(0), stream(1), stream(2));
    let nz = bg.vol.dims[2];
    match case.kind {
        Kind::Slab | Kind::Single => {
            let n = case.slices.min(nz).max(1);
            // work on the slab and a margin for lesions that reach beyond it
            let margin = ((20.0 / bg.vol.spacing[2]).ceil() as usize).min(nz);
            let z0 = rng.int(0, (nz - n) as u32) as usize;
            let lo = z0.saturating_sub(margin);
            let hi = (z0 + n + margin).min(nz);
            let plane = bg.vol.dims[0] * bg.vol.dims[1];
            let mut v = Volume {
                dims: [bg.vol.dims[0], bg.vol.dims[1], hi - lo],
                spacing: bg.vol.spacing,
                data: bg.vol.data[lo * plane..hi * plane].to_vec(),
            };
            let labels = bg
                .labels
                .as_ref()
                .map(|l| l[lo * plane..hi * plane].to_vec());
            let inner = (z0 - lo, z0 - lo + n);
            let mut recs = Vec::new();
            // a slab is several images: 1-3 tumours and 3-5 fractures in it, so that about a
            // third of its images show each finding
            let single = nz == 1;
            let tumors = if !case.tumor {
                0
            } else if single {
                1
            } else {
                rt.int(1, 3)
            };
            let mut taken = Taken::default();
            // the background's own findings first: recorded, and kept clear of inserted ones
            for k in &bg.known {
                let own = k.in_slab(&bg.vol, lo, hi);
                if !own.is_empty() {
                    taken.add(&v, &own);
                    recs.extend(k.records(&v, &own));
                }
            }
            for _ in 0..tumors {
                if let Some(i) = add_tumor(bg, &mut v, &labels, &mut rt, inner, false, &taken) {
                    taken.add(&v, &i.changed);
                    recs.extend(i.records);
                }
            }
            let fractures = if !case.fracture {
                0
            } else if single {
                1
            } else {
                rf.int(3, 5)
            };
            for _ in 0..fractures {
                if let Some(i) = add_fracture(bg, &mut v, &labels, &mut rf, inner, &taken) {
                    taken.add(&v, &i.changed);
                    recs.extend(i.records);
                }
            }
            (inner.0..inner.1)
                .map(|z| {
                    let pixels = match bg.modality {
                        Modality::Ct => v
                            .slice(z)
                            .iter()
                            .map(|h| (h + 1024.0).round().clamp(0.0, 4095.0) as u16)
                            .collect(),
                        _ => to_u16(v.slice(z), bg.p[0].min(0.0), bg.p[2] * 1.25, 4095),
                    };
                    let lesions = recs
                        .iter()
                        .filter(|(zz, _)| *zz == z)
                        .map(|(_, l)| {
                            let mut l = l.clone();
                            if bg.modality != Modality::Ct {
                                l.contrast *=
                                    4095.0 / (bg.p[2] * 1.25 - bg.p[0].min(0.0)).max(1e-6);
                            }
                            l
                        })
                        .collect();
                    let k = z - inner.0;
                    Image {
                        pixels,
                        rows: v.dims[1],
                        cols: v.dims[0],
                        spacing: v.spacing[0],
                        position: matches!(bg.modality, Modality::Ct | Modality::Mr).then(|| {
                            let (w, h) = (
                                v.dims[0] as f32 * v.spacing[0],
                                v.dims[1] as f32 * v.spacing[1],
                            );
                            (
                                v.spacing[2],
                                [-w / 2.0, -h / 2.0, (z0 + k) as f32 * v.spacing[2]],
                            )
                        }),
                        lesions,
                    }
                })
                .collect()
        }
        Kind::Drr => {
            let mut v = bg.vol.clone();
            let labels = bg.labels.clone();
            let mut ins = Vec::new();
            // the film is frontal: rays along y
            let mut taken = Taken::projected(1);
            for k in &bg.known {
                taken.add(&v, &k.voxels);
            }
            // a finding counts only if its projection can be seen: an undisplaced rib
            // fracture on 2.5-mm slices may vanish in the film; then it is undone and drawn again
            let visible = |v: &mut Volume, i: Insertion| -> Option<Insertion> {
                if projected_peak(v, &i.changed, View::Frontal) >= MIN_PROJECTED {
                    return Some(i);
                }
                for &(j, old) in &i.changed {
                    v.data[j] = old;
                }
                None
            };
            for _ in 0..4 {
                if !case.tumor {
                    break;
                }
                if let Some(i) = add_tumor(bg, &mut v, &labels, &mut rt, (0, nz), true, &taken)
                    .and_then(|i| visible(&mut v, i))
                {
                    taken.add(&v, &i.changed);
                    ins.push((Finding::Tumor, i));
                    break;
                }
            }
            for _ in 0..4 {
                if !case.fracture {
                    break;
                }
                if let Some(i) = add_fracture(bg, &mut v, &labels, &mut rf, (0, nz), &taken)
                    .and_then(|i| visible(&mut v, i))
                {
                    ins.push((Finding::Fracture, i));
                    break;
                }
            }
            let pixel = 0.3;
            let mut p = Projection::new(&v, View::Frontal, pixel);
            let lesions: Vec<Lesion> = ins
                .iter()
                .filter_map(|(f, i)| {
                    let l = &i.records.first()?.1;
                    p.record(&v, &i.changed, *f, l.size_mm, RECORD_FRACTION, &l.detail)
                })
                .chain(bg.known.iter().filter_map(|k| k.film_record(&v, &p)))
                .collect();
            let photons = rng.range(5e3, 4e4);
            p.expose(photons, rng.range(0.3, 1.0), 8.0, &mut rng);
            let mut sorted: Vec<f32> = p.px.iter().copied().step_by(11).collect();
            sorted.sort_by(f32::total_cmp);
            let q = |f: f32| sorted[((sorted.len() - 1) as f32 * f) as usize];
            let (lo, hi) = (q(0.005), q(0.995));
            let scale = 4095.0 / (hi - lo).max(1e-6);
            let lesions = lesions
                .into_iter()
                .map(|mut l| {
                    l.contrast *= scale;
                    l
                })
                .collect();
            vec![Image {
                pixels: to_u16(&p.px, lo, hi, 4095),
                rows: p.rows,
                cols: p.cols,
                spacing: pixel,
                position: None,
                lesions,
            }]
        }
    }
}

/// Generates a real-background set under `out`: DICOM files, `manifest.csv`, `lesions.csv`.
pub fn generate_real(out: &Path, o: &RealOptions) -> Result<Summary> {
    if o.count == 0 {
        return Err(Error::InvalidOption {
            name: "count",
            reason: "must be at least 1".into(),
        });
    }
    let index = read_index(&o.backgrounds)?;
    if let Some(unknown) = o
        .ids
        .iter()
        .find(|id| !index.backgrounds.iter().any(|e| &e.id == *id))
    {
        let known: Vec<&str> = index.backgrounds.iter().map(|e| e.id.as_str()).collect();
        return Err(Error::InvalidOption {
            name: "ids",
            reason: format!(
                "no background {unknown:?} in {} (it has {})",
                o.backgrounds.join("index.json").display(),
                known.join(", ")
            ),
        });
    }
    if let Some(e) = index
        .backgrounds
        .iter()
        .find(|e| e.excluded.is_some() && o.ids.contains(&e.id))
    {
        return Err(Error::InvalidOption {
            name: "ids",
            reason: format!(
                "background {:?} is excluded: {}",
                e.id,
                e.excluded.as_deref().unwrap_or_default()
            ),
        });
    }
    let entries: Vec<Entry> = index
        .backgrounds
        .into_iter()
        .filter(|e| e.excluded.is_none())
        .filter(|e| o.splits.is_empty() || o.splits.iter().any(|s| s == e.split()))
        .filter(|e| o.ids.is_empty() || o.ids.contains(&e.id))
        .collect();
    if entries.is_empty() {
        return Err(Error::InvalidOption {
            name: "splits",
            reason: format!(
                "no background in splits {:?} among ids {:?}",
                o.splits, o.ids
            ),
        });
    }
    let loaded: Vec<Arc<Loaded>> = entries
        .into_par_iter()
        .map(|e| Loaded::load(&o.backgrounds, e).map(Arc::new))
        .collect::<Result<_>>()?;
    // plan: cases drawn over (background, kind) pairs, images shared evenly by modality group
    let pairs: Vec<(usize, Kind)> = loaded
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.kinds().into_iter().map(move |k| (i, k)))
        .collect();
    let weight = |&(i, k): &(usize, Kind)| -> f64 {
        let group = match (loaded[i].modality, k) {
            (Modality::Ct, Kind::Drr) | (Modality::Cr | Modality::Dx, _) => 2,
            (Modality::Ct, _) => 0,
            _ => 1,
        };
        let in_group = pairs
            .iter()
            .filter(|&&(j, kk)| {
                let g = match (loaded[j].modality, kk) {
                    (Modality::Ct, Kind::Drr) | (Modality::Cr | Modality::Dx, _) => 2,
                    (Modality::Ct, _) => 0,
                    _ => 1,
                };
                g == group
            })
            .count();
        // slabs give ~12 images a case, radiographs one: weight cases so images balance
        let per_case = if k == Kind::Slab { 12.0 } else { 1.0 };
        1.0 / (in_group as f64 * per_case)
    };
    let weights: Vec<f64> = pairs.iter().map(weight).collect();
    let mut cases = Vec::new();
    let mut left = o.count;
    while left > 0 {
        let ci = cases.len();
        let mut rng = Rng::keyed(o.seed, &[K_CASE, ci as u64]);
        let (bi, kind) = pairs[rng.weighted(&weights)];
        let slices = if kind == Kind::Slab {
            (rng.int(8, 16) as usize)
                .min(left)
                .min(loaded[bi].vol.dims[2])
        } else {
            1
        };
        cases.push(Case {
            index: ci,
            background: bi,
            kind,
            slices,
            tumor: rng.chance(o.tumor_rate),
            fracture: rng.chance(o.fracture_rate),
            syntax: match o.syntax {
                Syntax::Mixed => Syntax::ALL[ci % Syntax::ALL.len()],
                s => s,
            },
        });
        left = left.saturating_sub(slices);
    }
    // one patient per background: the background is one person
    let patients: Vec<Patient> = loaded
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut rng = Rng::keyed(o.seed, &[K_PATIENT, i as u64]);
            let female = rng.chance(0.5);
            let age = rng.int(30, 80);
            Patient::draw(&mut rng, i, female, age, b.entry.split())
        })
        .collect();
    fs::create_dir_all(out).map_err(io(out))?;
    let uid_seed = mix(o.seed, &[UID_SALT]);
    let uids =
        |kind, a: usize, b: usize| uid(o.uid_root.as_deref(), uid_seed, kind, a as u64, b as u64);
    let path_of = |c: &Case, k: usize| {
        format!(
            "p{:04}/s{:04}_{}/i{:03}.dcm",
            c.background,
            c.index,
            modality_of(&loaded[c.background], c)
                .code()
                .to_ascii_lowercase(),
            k
        )
    };
    let written: Vec<Result<Written>> = cases
        .par_iter()
        .map(|c| {
            let bg = &loaded[c.background];
            let images = render(bg, c, o.seed);
            let modality = modality_of(bg, c);
            let mut rows = Vec::new();
            for (k, img) in images.into_iter().enumerate() {
                let rel = path_of(c, k);
                let path = out.join(&rel);
                if let Some(d) = path.parent() {
                    fs::create_dir_all(d).map_err(io(d))?;
                }
                let bytes = encode(
                    bg,
                    c,
                    modality,
                    &patients[c.background],
                    &img,
                    k,
                    &uids,
                    &path,
                    c.syntax,
                )?;
                fs::write(&path, bytes).map_err(io(&path))?;
                rows.push((rel, img.lesions));
            }
            Ok(rows)
        })
        .collect();
    write_truth(out, &loaded, &cases, &patients, written)
}
