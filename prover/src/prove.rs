//! The proof service: proving keys loaded once, a bounded number of proofs built at a time, each
//! `(vnode, epoch)` proved once however many validators ask, and proofs kept in the index.

use crate::metrics::Metrics;
use crate::storage::{Storage, StorageError};
use ddc_circuits::challenge::replica_seed;
use ddc_circuits::storage::compound::{encode_proof, Prover};
use ddc_primitives::encoding::fr_from_bytes;
use ddc_primitives::groth16::{PublicInputs, PROOF_BYTES};
use ddc_primitives::ids::{ClusterId, Epoch, NodeId, VNodeIndex};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{OnceCell, Semaphore};

#[derive(Clone, Debug, thiserror::Error)]
pub enum ProofError {
    #[error("this node committed nothing for vnode {vnode} in epoch {epoch}")]
    NotCommitted { vnode: VNodeIndex, epoch: Epoch },
    #[error("proving failed: {0}")]
    Failed(String),
}

pub type Key = (ClusterId, VNodeIndex, Epoch);
type Cell = Arc<OnceCell<Result<[u8; PROOF_BYTES], ProofError>>>;

pub struct ProofService {
    prover: Arc<Prover>,
    storage: Arc<Storage>,
    node_id: NodeId,
    permits: Semaphore,
    inflight: Mutex<HashMap<Key, Cell>>,
    metrics: Arc<Metrics>,
}

impl ProofService {
    pub fn new(
        prover: Prover,
        storage: Arc<Storage>,
        node_id: NodeId,
        concurrency: usize,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            prover: Arc::new(prover),
            storage,
            node_id,
            permits: Semaphore::new(concurrency.max(1)),
            inflight: Mutex::new(HashMap::new()),
            metrics,
        }
    }

    /// The proof of this node's `epoch` commitment of `vnode` under the epoch's seed.
    pub async fn proof(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        epoch_seed: [u8; 32],
    ) -> Result<[u8; PROOF_BYTES], ProofError> {
        let failed = |e: StorageError| ProofError::Failed(e.to_string());
        if let Some(p) = self.storage.proof(cluster, vnode, epoch).map_err(failed)? {
            return p.try_into().map_err(|_| ProofError::Failed("stored proof has the wrong length".into()));
        }
        let key = (cluster, vnode, epoch);
        let cell = self.inflight.lock().expect("inflight lock").entry(key).or_default().clone();
        let result = cell.get_or_init(|| self.build(key, epoch_seed)).await.clone();
        self.inflight.lock().expect("inflight lock").remove(&key);
        result
    }

    async fn build(&self, (cluster, vnode, epoch): Key, epoch_seed: [u8; 32]) -> Result<[u8; PROOF_BYTES], ProofError> {
        let _permit = self.permits.acquire().await.expect("semaphore open");
        let (storage, prover, node) = (self.storage.clone(), self.prover.clone(), self.node_id);
        let started = Instant::now();
        let result = tokio::task::spawn_blocking(move || {
            prove_commitment(&storage, &prover, node, (cluster, vnode, epoch), epoch_seed, &mut rand::rngs::OsRng)
        })
        .await
        .unwrap_or_else(|e| Err(ProofError::Failed(format!("prover task: {e}"))));
        let secs = started.elapsed().as_secs_f64();
        match &result {
            Ok(_) => {
                self.metrics.proof_seconds.with_label_values(&[&vnode.to_string()]).observe(secs);
                self.metrics.proofs.with_label_values(&["ok"]).inc();
                tracing::info!(cluster, vnode, epoch, secs, "proof built");
            }
            Err(e) => {
                self.metrics.proofs.with_label_values(&["failed"]).inc();
                tracing::warn!(cluster, vnode, epoch, "cannot prove: {e}");
            }
        }
        result
    }
}

/// Proves `node`'s commitment of a replica for an epoch under the epoch's seed, and keeps the
/// proof: the proof service runs it on a blocking thread, the network simulation directly.
pub fn prove_commitment<R: rand::RngCore + rand::CryptoRng>(
    storage: &Storage,
    prover: &Prover,
    node: NodeId,
    (cluster, vnode, epoch): Key,
    epoch_seed: [u8; 32],
    rng: &mut R,
) -> Result<[u8; PROOF_BYTES], ProofError> {
    let seed = replica_seed(&epoch_seed, cluster, vnode, node, epoch);
    let (commit, opened) = storage.open_challenges(cluster, vnode, epoch, seed).map_err(|e| match e {
        StorageError::NoCommit { vnode, epoch } => ProofError::NotCommitted { vnode, epoch },
        e => ProofError::Failed(e.to_string()),
    })?;
    let root =
        fr_from_bytes(&commit.root).ok_or_else(|| ProofError::Failed("stored root is not a field element".into()))?;
    let public = PublicInputs { root, chunk_count: commit.chunk_count, seed };
    let proof = prover.prove(&public, &opened, rng).map_err(|e| ProofError::Failed(e.to_string()))?;
    let bytes = encode_proof(&proof);
    storage.store_proof(cluster, vnode, epoch, &bytes).map_err(|e| ProofError::Failed(e.to_string()))?;
    Ok(bytes)
}
