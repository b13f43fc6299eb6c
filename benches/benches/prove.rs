//! Groth16 proving time of the storage circuit per shape (depth 20/30, K = 1/8/32, 1 KiB
//! chunks), next to the floor of the same proof's multi-scalar multiplications.

use criterion::SamplingMode;
use ddc_benches::fixtures::{rng, ProveFixture, CHUNK_BYTES};
use ddc_benches::measure::{bench, criterion, ms, ratio, stage, timed};
use ddc_benches::msm::MsmFloor;
use ddc_circuits::storage::StorageParams;
use std::cell::OnceCell;

fn main() {
    let mut c = criterion();
    for depth in [20, 30] {
        for k in [1, 8, 32] {
            shape(&mut c, depth, k);
        }
    }
    c.final_summary();
}

fn shape(c: &mut criterion::Criterion, depth: u32, k: usize) {
    let params = StorageParams::new(depth, k, CHUNK_BYTES).expect("valid shape");
    // Built on first use, so a filter that skips this shape skips its key generation too.
    let fixture = OnceCell::new();
    let setup = || {
        fixture.get_or_init(|| {
            let f = ProveFixture::new(params);
            let floor =
                stage(&format!("{} MSM scalars", params.name()), || MsmFloor::new(&f.prover, &f.public, &f.vanilla));
            (f, floor)
        })
    };
    let mut group = c.benchmark_group(format!("prove/d{depth}_k{k}"));
    group.sampling_mode(SamplingMode::Flat);
    let mut r = rng(1);
    let prove = bench(&mut group, "groth16", setup, |(f, _)| timed(|| f.prove(&mut r)));
    let floor = bench(&mut group, "msm_floor", setup, |(f, m)| timed(|| m.run(&f.prover)));
    // The rest of a proof: the assignment (synthesis of the circuit with its witness) and the
    // witness map (the quotient's FFTs).
    let synthesis =
        bench(&mut group, "synthesis", setup, |(f, _)| timed(|| f.prover.assignment(&f.public, &f.vanilla)));
    let witness_map = bench(&mut group, "witness_map", setup, |(f, m)| timed(|| m.scalars(&f.prover)));
    group.finish();
    if let Some((f, _)) = fixture.get() {
        let q = f.prover.prepared_key().sizes();
        println!(
            "RESULT prove d{depth} k{k} constraints={} per_challenge={} threads={} prove_ms={} msm_floor_ms={} prove/msm_floor={} synthesis_ms={} witness_map_ms={} bases_kept(a,b_g1,b_g2,l,h)={}/{},{}/{},{}/{},{}/{},{}/{}",
            f.info.constraints,
            f.per_challenge(),
            rayon::current_num_threads(),
            ms(prove),
            ms(floor),
            ratio(prove, floor),
            ms(synthesis),
            ms(witness_map),
            q.a.0, q.a.1, q.b_g1.0, q.b_g1.1, q.b_g2.0, q.b_g2.1, q.l.0, q.l.1, q.h.0, q.h.1,
        );
    }
}
