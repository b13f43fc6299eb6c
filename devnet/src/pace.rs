//! The epoch length from the measured proving time. The devnet's nodes share this machine's
//! cores, and each epoch's proofs (one per vnode) must land well within the next epoch, so the
//! epoch is sized from one proof timed here rather than guessed for a typical machine.

use crate::config::DevnetConfig;
use crate::network::DevnetError;
use ddc_circuits::challenge::replica_seed;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::packing::leaf_hash;
use ddc_circuits::storage::keys::load_or_write_dev_prover;
use ddc_circuits::storage::vanilla;
use ddc_primitives::groth16::PublicInputs;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::time::{Duration, Instant};

/// The shortest epoch, whatever the machine: time for a few blocks and the daemons' polls.
pub const MIN_EPOCH_MS: u64 = 30_000;
/// An epoch's proofs, built one after another, take at most this share of an epoch.
pub const PROVING_SHARE: f64 = 0.5;

/// One proof's time and the epoch length it implies.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    pub proof: Duration,
    pub epoch_ms: u64,
}

/// Times a proof of the devnet's shape with its keys in `config.data_dir/keys` (generated
/// there first if missing: the network then loads them) and sizes the epoch so that one proof
/// per vnode takes [`PROVING_SHARE`] of it, in whole 10 s, at least [`MIN_EPOCH_MS`].
pub fn measure(config: &DevnetConfig) -> Result<Pace, DevnetError> {
    let params = config.shape;
    let keys = config.data_dir.join("keys");
    let prover = load_or_write_dev_prover(&keys, &params)?;
    let chunks = 64u64;
    let data: Vec<u8> = (0..chunks as usize * params.chunk_bytes).map(|i| (i * 131 % 251) as u8).collect();
    let mut tree = MemTree::new(params.shape());
    tree.extend(data.chunks(params.chunk_bytes).map(leaf_hash)).map_err(|e| DevnetError::Failed(format!("{e:?}")))?;
    let snapshot = tree.snapshot(chunks).map_err(|e| DevnetError::Failed(format!("{e:?}")))?;
    let seed = replica_seed(&[0u8; 32], 1, 0, 1, 0);
    let opened = vanilla::prove(&params, &snapshot, &data[..], seed).map_err(|e| DevnetError::Failed(e.to_string()))?;
    let public = PublicInputs { root: snapshot.root(), chunk_count: chunks, seed };
    let started = Instant::now();
    prover
        .prove(&public, &opened, &mut ChaCha20Rng::seed_from_u64(0))
        .map_err(|e| DevnetError::Failed(e.to_string()))?;
    let proof = started.elapsed();
    Ok(Pace { proof, epoch_ms: epoch_ms_for(proof, config.vnodes) })
}

/// The epoch in which `vnodes` proofs of `proof` each take [`PROVING_SHARE`] of it.
pub fn epoch_ms_for(proof: Duration, vnodes: u32) -> u64 {
    let needed = proof.as_secs_f64() * 1e3 * vnodes as f64 / PROVING_SHARE;
    ((needed / 10_000.0).ceil() as u64 * 10_000).max(MIN_EPOCH_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_grow_with_proving_time_in_whole_ten_seconds() {
        assert_eq!(epoch_ms_for(Duration::from_millis(200), 16), MIN_EPOCH_MS);
        assert_eq!(epoch_ms_for(Duration::from_millis(2_000), 16), 70_000);
        assert_eq!(epoch_ms_for(Duration::from_millis(3_100), 16), 100_000);
    }
}
