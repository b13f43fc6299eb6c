//! Our d30 K32 prover against the same statement built the plain arkworks way (binary t = 3
//! Poseidon tree, sponge gadgets, default Groth16 prover), in one run so both see the same
//! machine state.

use criterion::SamplingMode;
use ddc_benches::baseline::Baseline;
use ddc_benches::fixtures::{random_bytes, rng, ProveFixture, CHUNK_BYTES, PROVE_CHUNKS};
use ddc_benches::measure::{bench, criterion, ms, ratio, stage, time, timed};
use ddc_circuits::storage::StorageParams;
use std::cell::OnceCell;

const DEPTH: u32 = 30;
const K: usize = 32;

fn main() {
    let mut c = criterion();
    let params = StorageParams::new(DEPTH, K, CHUNK_BYTES).expect("valid shape");
    let ours = OnceCell::new();
    let theirs = OnceCell::new();
    let mut group = c.benchmark_group(format!("baseline/d{DEPTH}_k{K}"));
    group.sampling_mode(SamplingMode::Flat);
    let mut r = rng(1);
    let ddc =
        bench(&mut group, "ddc", || ours.get_or_init(|| ProveFixture::new(params)), |f| timed(|| f.prove(&mut r)));
    let arkworks = bench(
        &mut group,
        "arkworks",
        || {
            theirs.get_or_init(|| {
                let data = random_bytes(PROVE_CHUNKS * CHUNK_BYTES);
                stage("arkworks baseline witness check and key generation", || {
                    Baseline::new(&data, CHUNK_BYTES, DEPTH as usize, K, &mut rng(2))
                })
            })
        },
        |b| {
            let circuit = b.circuit.clone();
            let (proof, d) = time(|| b.prove(circuit, &mut r));
            assert!(b.verify(&proof), "baseline proof does not verify");
            d
        },
    );
    group.finish();
    let constraints = |c: Option<usize>| c.map_or("n/a".into(), |c| c.to_string());
    println!(
        "RESULT baseline d{DEPTH} k{K} ddc_prove_ms={} ddc_constraints={} ddc_per_challenge={} arkworks_prove_ms={} arkworks_constraints={} arkworks_per_challenge={} speedup={}",
        ms(ddc),
        constraints(ours.get().map(|f| f.info.constraints)),
        constraints(ours.get().map(|f| f.per_challenge())),
        ms(arkworks),
        constraints(theirs.get().map(|b| b.info.constraints)),
        constraints(theirs.get().map(|b| b.info.constraints / K)),
        ratio(arkworks, ddc),
    );
    c.final_summary();
}
