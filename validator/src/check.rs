//! Verification of fetched proofs: one random-linear-combination batch for all of them (N + 3
//! pairings), and only if the batch fails, each proof alone to find the bad ones.

use ddc_chain::node_api::ChunkOpening;
use ddc_primitives::challenge::replica_seed;
use ddc_primitives::encoding::fr_from_bytes;
use ddc_primitives::groth16::{
    batch_verify, decode_proof, verify, Bn254, PreparedVerifyingKey, Proof, PublicInputs, PROOF_BYTES,
};
use ddc_primitives::ids::{ClusterId, Epoch, VNodeIndex};
use ddc_primitives::merkle::{MerklePath, TreeShape};
use ddc_primitives::packing::leaf_hash;
use ddc_verifier_contract::logic::Commitment;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A proof to check against its statement.
#[derive(Clone, Debug)]
pub struct Candidate<T> {
    pub tag: T,
    pub public: PublicInputs,
    pub proof: [u8; PROOF_BYTES],
}

impl<T> Candidate<T> {
    /// A replica's proof against its commitment, bound to the replica by the epoch's seed;
    /// `None` for a root that is not a field element (the contract never records one).
    pub fn of_commitment(
        tag: T,
        epoch_seed: &[u8; 32],
        (cluster, vnode, epoch): (ClusterId, VNodeIndex, Epoch),
        cm: &Commitment,
        proof: [u8; PROOF_BYTES],
    ) -> Option<Self> {
        let root = fr_from_bytes(&cm.root)?;
        let seed = replica_seed(epoch_seed, cluster, vnode, cm.node_id, epoch);
        Some(Candidate { tag, public: PublicInputs { root, chunk_count: cm.chunk_count, seed }, proof })
    }
}

/// Candidates grouped by the prepared key their commitments were made with, for
/// [`check_grouped`].
pub fn group_by_key<T>(
    keyed: Vec<(Arc<PreparedVerifyingKey<Bn254>>, Candidate<T>)>,
) -> Vec<(Arc<PreparedVerifyingKey<Bn254>>, Vec<Candidate<T>>)> {
    let mut groups: Vec<(Arc<PreparedVerifyingKey<Bn254>>, Vec<Candidate<T>>)> = Vec::new();
    for (pvk, candidate) in keyed {
        match groups.iter_mut().find(|(k, _)| Arc::ptr_eq(k, &pvk)) {
            Some((_, group)) => group.push(candidate),
            None => groups.push((pvk, vec![candidate])),
        }
    }
    groups
}

/// What a check found and what it cost.
pub struct Verdicts<T> {
    pub valid: Vec<T>,
    pub invalid: Vec<T>,
    pub batch_time: Duration,
    /// Time spent on single checks after a failed batch.
    pub single_time: Duration,
}

/// [`check`] for candidates under several keys (commitments made before and after a rotation):
/// one batch per key, verdicts merged.
pub fn check_grouped<T: Clone>(groups: Vec<(Arc<PreparedVerifyingKey<Bn254>>, Vec<Candidate<T>>)>) -> Verdicts<T> {
    let mut all =
        Verdicts { valid: Vec::new(), invalid: Vec::new(), batch_time: Duration::ZERO, single_time: Duration::ZERO };
    for (pvk, candidates) in groups {
        let v = check(&pvk, candidates);
        all.valid.extend(v.valid);
        all.invalid.extend(v.invalid);
        all.batch_time += v.batch_time;
        all.single_time += v.single_time;
    }
    all
}

pub fn check<T: Clone>(pvk: &PreparedVerifyingKey<Bn254>, candidates: Vec<Candidate<T>>) -> Verdicts<T> {
    let mut invalid = Vec::new();
    let mut decoded: Vec<(T, PublicInputs, Proof<Bn254>)> = Vec::with_capacity(candidates.len());
    for c in candidates {
        match decode_proof(&c.proof) {
            Ok(p) => decoded.push((c.tag, c.public, p)),
            Err(_) => invalid.push(c.tag),
        }
    }
    let started = Instant::now();
    let items: Vec<(PublicInputs, Proof<Bn254>)> = decoded.iter().map(|(_, i, p)| (*i, p.clone())).collect();
    let entropy: [u8; 32] = rand::random();
    let all_valid = batch_verify(pvk, &items, &entropy);
    let batch_time = started.elapsed();
    let started = Instant::now();
    let mut valid = Vec::with_capacity(decoded.len());
    for (tag, inputs, proof) in decoded {
        if all_valid || verify(pvk, &inputs, &proof) {
            valid.push(tag);
        } else {
            invalid.push(tag);
        }
    }
    let single_time = if all_valid { Duration::ZERO } else { started.elapsed() };
    Verdicts { valid, invalid, batch_time, single_time }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("the chunk has {got} bytes, the circuit's chunks {want}")]
    Size { got: usize, want: usize },
    #[error("a sibling is not a field element")]
    Sibling,
    #[error("the path has {got} siblings, the tree {want}")]
    PathLength { got: usize, want: usize },
    #[error("the chunk and its path do not lead to the committed root")]
    Root,
    #[error("asked for chunk {asked}, the node opened chunk {got}")]
    Index { asked: u64, got: u64 },
}

/// Checks a sampled chunk against the committed root at the index the validator asked for: its
/// leaf hashes every byte of it. The node's own `index` is never trusted, or a node could answer
/// every sample with the one chunk it kept.
pub fn check_chunk(
    shape: &TreeShape,
    chunk_bytes: usize,
    root: &[u8; 32],
    asked: u64,
    o: &ChunkOpening,
) -> Result<(), ChunkError> {
    if o.index != asked {
        return Err(ChunkError::Index { asked, got: o.index });
    }
    if o.chunk.len() != chunk_bytes {
        return Err(ChunkError::Size { got: o.chunk.len(), want: chunk_bytes });
    }
    let siblings = o
        .siblings
        .iter()
        .map(|s| hex::decode(s).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()).and_then(|b| fr_from_bytes(&b)))
        .collect::<Option<Vec<_>>>()
        .ok_or(ChunkError::Sibling)?;
    if siblings.len() != shape.path_len() {
        return Err(ChunkError::PathLength { got: siblings.len(), want: shape.path_len() });
    }
    let root = fr_from_bytes(root).ok_or(ChunkError::Root)?;
    if !(MerklePath { siblings }).verify(shape, root, asked, leaf_hash(&o.chunk)) {
        return Err(ChunkError::Root);
    }
    Ok(())
}
