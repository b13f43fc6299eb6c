//! Tampering at scale: statements and proofs altered in every way the protocol names, each
//! checked by the verifier that guards it, none of which may be accepted; and the measured
//! detection rate of a node missing a fraction `f` of its chunks against `1 − (1 − f)^K`.
//!
//! - Vanilla statements (what the prover checks before proving, and what the circuit encodes):
//!   a flipped bit of a challenged chunk, a changed path sibling (below the shared top, whose
//!   nodes the proof carries instead) or shared top node, another
//!   root, `chunk_count`, epoch seed, epoch or node id (a proof replayed to another replica).
//! - Groth16 proofs, verified natively one by one and in batches of 64: a flipped bit of the
//!   128-byte encoding, and honest proofs replayed to another root, count, epoch or node.

use ark_bn254::Fr;
use ddc_circuits::challenge::{challenge_indices, replica_seed};
use ddc_circuits::storage::compound::{Proof, Prover};
use ddc_circuits::storage::vanilla::{self, VanillaProof};
use ddc_circuits::storage::StorageParams;
use ddc_circuits::Bn254;
use ddc_primitives::groth16::{batch_verify, decode_proof, encode_proof, prepare_verifying_key, verify, PublicInputs};
use rand::{Rng, RngCore};
use std::collections::BTreeMap;

/// The replica a statement is about: `(epoch seed, node, epoch)` in cluster 1, vnode 1.
#[derive(Clone, Copy)]
pub struct Replica {
    pub epoch_seed: [u8; 32],
    pub node: u32,
    pub epoch: u64,
}

impl Replica {
    pub fn seed(&self) -> Fr {
        replica_seed(&self.epoch_seed, 1, 1, self.node, self.epoch)
    }
}

/// Tampered statements per kind, and how many were accepted (must be 0).
#[derive(Debug, Default)]
pub struct Tally {
    pub tried: BTreeMap<&'static str, u64>,
    pub accepted: BTreeMap<&'static str, u64>,
}

impl Tally {
    fn record(&mut self, kind: &'static str, accepted: bool) {
        *self.tried.entry(kind).or_default() += 1;
        *self.accepted.entry(kind).or_default() += accepted as u64;
    }
    pub fn total(&self) -> u64 {
        self.tried.values().sum()
    }
    pub fn total_accepted(&self) -> u64 {
        self.accepted.values().sum()
    }
}

/// `n` tampered vanilla statements around the honest `(public, proof)` of `replica`.
pub fn vanilla_campaign(
    params: &StorageParams,
    public: &PublicInputs,
    proof: &VanillaProof,
    replica: Replica,
    n: u64,
    rng: &mut impl RngCore,
) -> Tally {
    assert!(vanilla::verify(params, public, proof).is_ok(), "the honest statement verifies");
    let capacity = params.shape().capacity();
    let shape = params.shape();
    let bound_siblings = (shape.height() - params.shared_levels()) * (shape.arity() - 1);
    let mut tally = Tally::default();
    for _ in 0..n {
        let (mut p, mut v) = (*public, proof.clone());
        let kind = match rng.gen_range(0..8) {
            0 => {
                let at = rng.gen_range(0..v.openings.len());
                let o = &mut v.openings[at];
                let bit = rng.gen_range(0..o.chunk.len() * 8);
                o.chunk[bit / 8] ^= 1 << (bit % 8);
                "chunk bit"
            }
            1 => {
                // A sibling of a level below the shared top: the levels above are the top
                // nodes' (tampered next), and a path's siblings there are not part of the proof.
                let at = rng.gen_range(0..v.openings.len());
                let o = &mut v.openings[at];
                let s = rng.gen_range(0..bound_siblings);
                o.path.siblings[s] += Fr::from(rng.gen_range(1..u64::MAX));
                "path sibling"
            }
            2 => {
                let t = rng.gen_range(0..v.top.len());
                v.top[t] += Fr::from(rng.gen_range(1..u64::MAX));
                "top node"
            }
            3 => {
                p.root += Fr::from(rng.gen_range(1..u64::MAX));
                "root"
            }
            4 => {
                let other = rng.gen_range(1..=capacity);
                p.chunk_count = if other == p.chunk_count { other % capacity + 1 } else { other };
                "chunk_count"
            }
            5 => {
                let mut r = replica;
                rng.fill_bytes(&mut r.epoch_seed);
                p.seed = r.seed();
                "epoch seed"
            }
            6 => {
                p.seed = Replica { epoch: replica.epoch + rng.gen_range(1..1000), ..replica }.seed();
                "epoch (replay)"
            }
            _ => {
                p.seed = Replica { node: replica.node ^ rng.gen_range(1..u32::MAX), ..replica }.seed();
                "node id (replay)"
            }
        };
        tally.record(kind, vanilla::verify(params, &p, &v).is_ok());
    }
    tally
}

/// An honest statement, its proof and the replica it is about.
pub type Honest = (PublicInputs, Proof<Bn254>, Replica);

/// `n` tampered Groth16 proofs of `honest` statements, each verified alone; every
/// `BATCH_EVERY`th is also verified in a batch of 64 beside 63 honest proofs, which must fail.
/// Returns the tally, the batches run and the batches refused.
pub fn groth16_campaign(prover: &Prover, honest: &[Honest], n: u64, rng: &mut impl RngCore) -> (Tally, u64, u64) {
    const BATCH_EVERY: u64 = 16;
    let pvk = prepare_verifying_key(prover.verifying_key());
    assert!(honest.iter().all(|(p, proof, _)| verify(&pvk, p, proof)), "the honest proofs verify");
    let capacity = prover.params().shape().capacity();
    let mut tally = Tally::default();
    let (mut batches, mut refused) = (0u64, 0u64);
    for i in 0..n {
        let (public, proof, replica) = &honest[i as usize % honest.len()];
        let (mut p, mut proof) = (*public, proof.clone());
        let kind = match rng.gen_range(0..5) {
            0 => {
                let mut bytes = encode_proof(&proof);
                let bit = rng.gen_range(0..bytes.len() * 8);
                bytes[bit / 8] ^= 1 << (bit % 8);
                match decode_proof(&bytes) {
                    Ok(decoded) => proof = decoded,
                    // Not a point of the group: refused before any pairing.
                    Err(_) => {
                        tally.record("proof bit (undecodable)", false);
                        continue;
                    }
                }
                "proof bit"
            }
            1 => {
                p.root += Fr::from(rng.gen_range(1..u64::MAX));
                "root"
            }
            2 => {
                p.chunk_count = p.chunk_count % capacity + 1;
                "chunk_count"
            }
            3 => {
                p.seed = Replica { epoch: replica.epoch + rng.gen_range(1..1000), ..*replica }.seed();
                "epoch (replay)"
            }
            _ => {
                p.seed = Replica { node: replica.node ^ rng.gen_range(1..u32::MAX), ..*replica }.seed();
                "node id (replay)"
            }
        };
        tally.record(kind, verify(&pvk, &p, &proof));
        if i % BATCH_EVERY == 0 {
            let mut items: Vec<_> =
                honest.iter().cycle().take(63).map(|(hp, hproof, _)| (*hp, hproof.clone())).collect();
            items.insert(rng.gen_range(0..64), (p, proof));
            let mut entropy = [0u8; 32];
            rng.fill_bytes(&mut entropy);
            batches += 1;
            refused += !batch_verify(&pvk, &items, &entropy) as u64;
        }
    }
    (tally, batches, refused)
}

/// The fraction of `trials` random seeds whose K challenges hit at least one of the chunks a
/// node lacks, when it lacks each of `n` chunks with probability `f`.
pub fn detection_rate(n: u64, f: f64, k: usize, trials: u64, rng: &mut impl RngCore) -> f64 {
    let missing: Vec<bool> = (0..n).map(|_| rng.gen_bool(f)).collect();
    let (mut caught, mut drawn) = (0u64, 0u64);
    while drawn < trials {
        let seed = Fr::from(rng.next_u64()) + Fr::from(rng.next_u64()) * Fr::from(u64::MAX);
        // A seed without provable indices (probability 2^-61) is no epoch: draw another.
        let Ok(indices) = challenge_indices(seed, n, k, n) else { continue };
        drawn += 1;
        caught += indices.iter().any(|i| missing[*i as usize]) as u64;
    }
    caught as f64 / trials as f64
}
