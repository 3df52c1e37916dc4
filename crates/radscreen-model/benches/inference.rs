//! Inference throughput of the shipped model per device and batch size (criterion).
//!
//! `cargo bench -p radscreen-model --bench inference` — flex always; wgpu when an adapter exists
//! (set RADSCREEN_BENCH_WGPU=0 to skip it; lavapipe is far too slow to be worth timing).
//! Every iteration scores a fresh batch (new values), and `predict` reads the results back,
//! which synchronises the device before the clock stops.

// criterion_group! and criterion_main! generate public functions without docs.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use radscreen_model::{DeviceOptions, DevicePreference, Model, random_batch, select_device};

fn bench(c: &mut Criterion) {
    let mut prefs = vec![DevicePreference::Flex];
    if std::env::var("RADSCREEN_BENCH_WGPU").as_deref() != Ok("0") {
        prefs.push(DevicePreference::Gpu);
    }
    for pref in prefs {
        let Ok(device) = select_device(&DeviceOptions::new(pref)) else {
            eprintln!("skipping {pref}: no such device here");
            continue;
        };
        let model = Model::shipped(&device.device).expect("shipped model");
        let size = model.config().preprocess.size;
        let mut group = c.benchmark_group(format!("inference/{}", device.backend.name()));
        group.sample_size(10);
        for batch in [1usize, 8, 32] {
            // warm up (kernel compilation, autotune) outside the measurement
            model
                .predict(random_batch(batch, size, 0).view())
                .expect("predict");
            let mut seed = 1;
            group.throughput(Throughput::Elements(batch as u64));
            group.bench_with_input(BenchmarkId::from_parameter(batch), &batch, |b, &n| {
                b.iter_batched(
                    || {
                        seed += 1;
                        random_batch(n, size, seed)
                    },
                    |x| model.predict(x.view()).expect("predict"),
                    criterion::BatchSize::LargeInput,
                )
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
