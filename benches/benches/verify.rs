//! Verification of storage proofs: one at a time against batched (N = 64, one final
//! exponentiation for the batch). Verification cost depends only on the 3 public inputs, so the
//! proofs come from a small shape that proves quickly; each is a distinct valid proof.

use ark_bn254::Fr;
use criterion::Throughput;
use ddc_benches::fixtures::{rng, ProveFixture, CHUNK_BYTES};
use ddc_benches::measure::{bench, criterion, ratio, stage, timed, us};
use ddc_circuits::storage::compound::Proof;
use ddc_circuits::storage::StorageParams;
use ddc_circuits::Bn254;
use ddc_primitives::groth16::{batch_verify, prepare_verifying_key, verify, PreparedVerifyingKey, PublicInputs};
use std::cell::OnceCell;

const DEPTH: u32 = 20;
const K: usize = 1;
const N: usize = 64;
/// The verifier's randomness for the batch combination.
const ENTROPY: [u8; 32] = [7; 32];

struct Proofs {
    pvk: PreparedVerifyingKey<Bn254>,
    items: Vec<(PublicInputs, Proof<Bn254>)>,
}

impl Proofs {
    /// `N` proofs of the same commitment under distinct seeds.
    fn new() -> Self {
        let params = StorageParams::new(DEPTH, K, CHUNK_BYTES).expect("valid shape");
        let f = ProveFixture::new(params);
        let mut r = rng(1);
        let items: Vec<_> = stage(&format!("{N} proofs of {}", params.name()), || {
            (0..N as u64)
                .map(|i| {
                    let (public, vanilla) = f.committed.statement(&params, Fr::from(1000 + i));
                    let proof = f.prover.prove(&public, &vanilla, &mut r).expect("the statement holds");
                    (public, proof)
                })
                .collect()
        });
        let pvk = prepare_verifying_key(f.prover.verifying_key());
        assert!(items.iter().all(|(x, p)| verify(&pvk, x, p)), "a proof does not verify");
        assert!(batch_verify(&pvk, &items, &ENTROPY), "the batch does not verify");
        Self { pvk, items }
    }
}

fn main() {
    let mut c = criterion();
    let proofs = OnceCell::new();
    let setup = || proofs.get_or_init(Proofs::new);
    let mut group = c.benchmark_group(format!("verify/d{DEPTH}_k{K}"));
    group.throughput(Throughput::Elements(1));
    let mut next = 0;
    let single = bench(&mut group, "single", setup, |p| {
        let (x, proof) = &p.items[next % N];
        next += 1;
        timed(|| verify(&p.pvk, x, proof))
    });
    group.throughput(Throughput::Elements(N as u64));
    let batch = bench(&mut group, &format!("batch{N}"), setup, |p| timed(|| batch_verify(&p.pvk, &p.items, &ENTROPY)));
    group.finish();
    let per_proof = batch.map(|b| b / N as u32);
    println!(
        "RESULT verify d{DEPTH} k{K} single_us={} batch{N}_us={} batch{N}_per_proof_us={} single/batched_per_proof={}",
        us(single),
        us(batch),
        us(per_proof),
        ratio(single, per_proof),
    );
    c.final_summary();
}
