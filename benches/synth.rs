//! Synthetic data generation speed: 512x512 CT slices per second on one core (target >= 50),
//! phantom and noise alone, and whole files with DICOM encoding.
//!
//!     RAYON_NUM_THREADS=1 cargo bench --bench synth

// criterion_group! and criterion_main! generate public functions without docs.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use radscreen::synth::{Modality, Phantom, SynthOptions, plan, render};

fn bench(c: &mut Criterion) {
    let o = SynthOptions::new()
        .with_count(64)
        .with_seed(9)
        .with_size(512)
        .with_modalities(vec![Modality::Ct]);
    let p = plan(&o).expect("valid options");
    let torso: Vec<_> = p
        .series
        .iter()
        .filter(|s| matches!(&s.phantom, Phantom::Ct(ct) if ct.region != radscreen::synth::Region::Head))
        .take(4)
        .collect();
    let mut g = c.benchmark_group("synth");
    g.throughput(Throughput::Elements(1));
    g.bench_function("ct_512_slice_render", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let s = torso[i % torso.len()];
            i += 1;
            render(&o, s, i % s.images)
        })
    });
    // whole files (render + DICOM encode + write), 8 slices per iteration; run with
    // RAYON_NUM_THREADS=1 for the one-core figure
    g.throughput(Throughput::Elements(8));
    g.bench_function("ct_512_write_8_files", |b| {
        let dir = std::env::temp_dir().join("radscreen-synth-bench");
        let eight = o.clone().with_count(8);
        b.iter(|| radscreen::synth::generate(&dir, &eight).expect("generate"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
