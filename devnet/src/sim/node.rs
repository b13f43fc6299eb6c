//! A storage node in the simulation: the node's real storage engine on disk (writes durable
//! when acknowledged, crash repair on reopen, compaction) and its real commit and proof steps
//! (`ddc_prover::epoch::commit_locally`, `ddc_prover::prove::prove_commitment`), driven on each
//! tick by the daemon's rules: bond, commit each hosted vnode in the commit phase, answer
//! validators' proof requests, rebut every fault reported against it.

use super::chain::{delayed, SimChain};
use ddc_chain::{ChainClient, ChainError, Ddc, Event};
use ddc_circuits::storage::compound::Prover;
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::PROOF_BYTES;
use ddc_primitives::ids::{BucketId, ClusterId, Epoch, NodeId, VNodeIndex};
use ddc_prover::epoch::commit_locally;
use ddc_prover::prove::{prove_commitment, ProofError};
use ddc_prover::storage::{Storage, StorageError, Written};
use ddc_verifier_contract::logic::{Error as ContractError, Phase};
use rand::Rng;
use rand_chacha::ChaCha20Rng;
use sha2::Digest;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a node does once its fault starts (before it, every node is honest).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Role {
    Honest,
    /// Loses this fraction of each hosted vnode's chunks after committing it, as a failing
    /// disk would, and never compacts (which would commit the damage as genuine data).
    Dropper {
        fraction: f64,
    },
    /// Answers proof requests with a proof it holds for another epoch (a replay).
    Forger,
    /// Walks away: never answers or commits again.
    Absent,
}

/// A validator's proof request, as the node answers it.
#[derive(Debug)]
pub enum Answer {
    Proof([u8; PROOF_BYTES]),
    /// Nothing committed, or an empty vnode (it passes without a proof).
    Empty,
    /// Not now: down, partitioned, slow, or proving failed (HTTP 425/5xx): try again.
    NotNow(String),
}

pub struct SimNode {
    pub name: String,
    pub node_id: NodeId,
    pub chain: SimChain,
    pub dir: PathBuf,
    pub storage: Option<Storage>,
    pub role: Role,
    /// The epoch from which `role` applies.
    pub onset: Epoch,
    /// Vnodes whose chunks it dropped, with how many.
    pub dropped: Vec<(VNodeIndex, u64)>,
    committed: BTreeSet<(VNodeIndex, Epoch)>,
    events_from: u64,
    /// Faults reported against it, retried every tick until rebutted or out of their window.
    rebuttals: BTreeSet<(Epoch, VNodeIndex)>,
    /// Honest commitments opened at every chunk against their root.
    pub commitments_checked: u64,
    /// Groth16 proofs this node built, and the time they took.
    pub proofs_built: std::cell::Cell<(u64, std::time::Duration)>,
}

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("vnode {vnode} epoch {epoch}: {source}")]
    Proof { vnode: VNodeIndex, epoch: Epoch, source: ProofError },
}

impl SimNode {
    pub fn new(
        name: String,
        node_id: NodeId,
        chain: SimChain,
        dir: PathBuf,
        params: StorageParams,
    ) -> Result<Self, StorageError> {
        let storage = Storage::open(&dir, params)?;
        Ok(SimNode {
            name,
            node_id,
            chain,
            dir,
            storage: Some(storage),
            role: Role::Honest,
            onset: Epoch::MAX,
            dropped: Vec::new(),
            committed: BTreeSet::new(),
            events_from: 0,
            rebuttals: BTreeSet::new(),
            commitments_checked: 0,
            proofs_built: Default::default(),
        })
    }

    /// The role in effect at `epoch`.
    pub fn role_at(&self, epoch: Epoch) -> Role {
        if epoch >= self.onset {
            self.role
        } else {
            Role::Honest
        }
    }

    /// A crash: the process dies between two operations, losing everything in memory; an
    /// append in flight leaves torn, unacknowledged bytes at the end of the replicas' files.
    pub fn crash(&mut self, rng: &mut ChaCha20Rng) -> u64 {
        self.storage = None;
        self.committed.clear();
        self.rebuttals.clear();
        let mut torn = 0;
        for file in files_under(&self.dir.join("replicas")) {
            if file.extension().is_some_and(|e| e == "bin" || e == "log") && rng.gen_bool(0.3) {
                let garbage: Vec<u8> = (0..rng.gen_range(1..100)).map(|_| rng.gen()).collect();
                let mut f = std::fs::OpenOptions::new().append(true).open(&file).expect("replica file");
                f.write_all(&garbage).expect("torn write");
                torn += 1;
            }
        }
        torn
    }

    /// A restart: storage reopened with crash repair; events re-read as the daemon does.
    pub fn restart(&mut self, params: StorageParams, head: u64) -> Result<(), StorageError> {
        self.storage = Some(Storage::open(&self.dir, params)?);
        self.events_from = head.saturating_sub(1_000);
        Ok(())
    }

    pub fn storage(&self) -> &Storage {
        self.storage.as_ref().expect("a running node has its storage")
    }

    /// A user's put or delete through this node; `Ok(true)` once durable (acknowledged).
    pub fn write(
        &self,
        c: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        key: &str,
        version: u64,
        bytes: Option<&[u8]>,
    ) -> Result<bool, StorageError> {
        let s = self.storage();
        let written = match bytes {
            Some(b) => {
                let sha: [u8; 32] = sha2::Sha256::digest(b).into();
                s.put(c, vnode, bucket, key, version, sha, b.len() as u64, &mut &b[..], None)
            }
            None => s.delete(c, vnode, bucket, key, version, None),
        };
        match written {
            Ok(Written::Stored(_)) => Ok(true),
            Ok(Written::Superseded(_) | Written::Conflict(_)) => Ok(false),
            Err(StorageError::Full { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// One tick of the node's epoch driver.
    pub async fn step(
        &mut self,
        c: ClusterId,
        hosted: &[VNodeIndex],
        node_stake: u128,
        min_dead: u64,
        prover: &Prover,
        rng: &mut ChaCha20Rng,
    ) -> Result<(), NodeError> {
        let info = self.chain.cluster_epoch(c).await?;
        let role = self.role_at(info.epoch);
        if self.chain.node_bond_get(c, self.node_id).await?.is_none_or(|b| b.amount < node_stake) {
            self.chain.node_bond(c, self.node_id, node_stake).await?;
        }
        if info.phase == Phase::Commit {
            for &v in hosted {
                if self.committed.contains(&(v, info.epoch)) {
                    continue;
                }
                let min_dead = if matches!(role, Role::Dropper { .. }) { u64::MAX } else { min_dead };
                let record = commit_locally(self.storage(), c, v, info.epoch, min_dead, None)?;
                match self.chain.commit_root(c, v, info.epoch, record.root, record.chunk_count, record.generation).await
                {
                    Ok(()) | Err(ChainError::Contract(ContractError::AlreadyCommitted)) => {}
                    Err(e) => return Err(e.into()),
                }
                tracing::debug!(
                    node = self.name,
                    vnode = v,
                    epoch = info.epoch,
                    chunks = record.chunk_count,
                    generation = record.generation,
                    "committed"
                );
                self.committed.insert((v, info.epoch));
                if role == Role::Honest {
                    self.check_commitment(c, v, info.epoch)?;
                    self.commitments_checked += 1;
                }
                if let Role::Dropper { fraction } = role {
                    if record.chunk_count > 0 && !self.dropped.iter().any(|(d, _)| *d == v) {
                        let n = self.storage().drop_chunks(c, v, fraction, rng)?;
                        tracing::debug!(
                            node = self.name,
                            vnode = v,
                            chunks = record.chunk_count,
                            dropped = n,
                            "dropped chunks"
                        );
                        self.dropped.push((v, n));
                    }
                }
            }
        }
        let batch = self.chain.events_since(self.events_from).await?;
        self.events_from = batch.head + 1;
        for event in batch.blocks.into_iter().flat_map(|(_, events)| events) {
            if let Event::FaultReported { cluster_id, epoch, vnode, node_id, .. } = event {
                if cluster_id == c && node_id == self.node_id {
                    self.rebuttals.insert((epoch, vnode));
                }
            }
        }
        for (epoch, vnode) in self.rebuttals.clone() {
            let result = self.rebut(c, epoch, vnode, prover).await;
            tracing::debug!(node = self.name, epoch, vnode, ?result, "rebuttal");
            match result {
                Err(NodeError::Chain(e)) if delayed(&e) => {}
                _ => {
                    self.rebuttals.remove(&(epoch, vnode));
                }
            }
        }
        Ok(())
    }

    /// Every chunk of an honest commitment opens against its root: the committed tree matches
    /// the log, crashes and compactions notwithstanding.
    pub fn check_commitment(&self, c: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Result<(), NodeError> {
        let s = self.storage();
        let Some(record) = s.commit(c, vnode, epoch)? else { return Ok(()) };
        let root = ddc_primitives::encoding::fr_from_bytes(&record.root).expect("canonical root");
        let shape = s.params().shape();
        for index in 0..record.chunk_count {
            let (_, o) = s.open_chunk(c, vnode, epoch, index)?;
            if !o.path.verify(&shape, root, index, ddc_primitives::packing::leaf_hash(&o.chunk)) {
                return Err(NodeError::Storage(StorageError::Corrupt(format!(
                    "vnode {vnode}: chunk {index} of epoch {epoch}'s commitment does not open against its root"
                ))));
            }
        }
        Ok(())
    }

    async fn rebut(&self, c: ClusterId, epoch: Epoch, vnode: VNodeIndex, prover: &Prover) -> Result<(), NodeError> {
        let Some(seed) = self.chain.epoch_seed(c, epoch).await? else { return Ok(()) };
        let proof = self.proof_for(c, vnode, epoch, seed, prover)?;
        self.chain.rebut_fault(c, epoch, vnode, proof).await?;
        Ok(())
    }

    /// What the node hands out as its proof: a forger replays one it holds for another epoch.
    fn proof_for(
        &self,
        c: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        seed: [u8; 32],
        prover: &Prover,
    ) -> Result<[u8; PROOF_BYTES], NodeError> {
        if self.role_at(epoch) == Role::Forger {
            let replay = (0..epoch).rev().find_map(|e| self.storage().proof(c, vnode, e).ok().flatten());
            return Ok(replay.and_then(|p| p.try_into().ok()).unwrap_or([7; PROOF_BYTES]));
        }
        self.prove(c, vnode, epoch, seed, prover)
    }

    /// The node's proof of its `epoch` commitment, built once and kept.
    fn prove(
        &self,
        c: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        seed: [u8; 32],
        prover: &Prover,
    ) -> Result<[u8; PROOF_BYTES], NodeError> {
        if let Some(p) = self.storage().proof(c, vnode, epoch)? {
            return Ok(p.try_into().expect("a stored proof is 128 bytes"));
        }
        // Deterministic per replica and epoch: the simulation replays from its seed.
        let mut rng = <ChaCha20Rng as rand::SeedableRng>::seed_from_u64(epoch ^ (u64::from(vnode) << 32));
        let started = std::time::Instant::now();
        let proof = prove_commitment(self.storage(), prover, self.node_id, (c, vnode, epoch), seed, &mut rng)
            .map_err(|source| NodeError::Proof { vnode, epoch, source })?;
        let (n, spent) = self.proofs_built.get();
        self.proofs_built.set((n + 1, spent + started.elapsed()));
        Ok(proof)
    }

    /// A validator's request for the proof of `vnode` in `epoch`, reaching a running node.
    pub fn answer(&self, c: ClusterId, vnode: VNodeIndex, epoch: Epoch, seed: [u8; 32], prover: &Prover) -> Answer {
        let storage = self.storage();
        match storage.commit(c, vnode, epoch) {
            Ok(Some(record)) if record.chunk_count == 0 => return Answer::Empty,
            Ok(Some(_)) => {}
            Ok(None) => return Answer::Empty,
            Err(e) => return Answer::NotNow(e.to_string()),
        }
        match self.proof_for(c, vnode, epoch, seed, prover) {
            Ok(p) => Answer::Proof(p),
            Err(e) => Answer::NotNow(e.to_string()),
        }
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
