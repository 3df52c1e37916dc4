//! Real anatomy under the synthetic findings: CT and MR volumes, real radiographs and
//! radiographs rendered from CT (DRR), fetched by `scripts/fetch-real-backgrounds.sh`, with
//! tumours, nodules and fractures inserted where they occur in life (docs/synthetic-data.md).

mod drr;
mod index;
mod insert;
mod known;
mod make;
mod place;
mod volume;
mod write;

pub use drr::{MU_WATER_PER_MM, Projection, RECORD_FRACTION, View, mu, projected_peak};
pub use index::{Entry, FETCH_SCRIPT, Format, Index, KnownFinding, read_index};
pub use insert::{
    Blend, BoneLevels, Insertion, Shape, bone_axis, insert_fracture, insert_tumor, noise_sigma,
};
pub use known::REAL_MARK;
pub use make::{RealOptions, generate_real};
pub use volume::{RawType, Volume, read_nifti, read_png, read_raw};
