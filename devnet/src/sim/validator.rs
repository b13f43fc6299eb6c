//! A validator in the simulation, following the validator daemon's rules on each tick: commit
//! to a seed secret and reveal it; once an epoch's seed is final, fetch the assigned replicas'
//! proofs (primaries at once, backups from halfway through the window), check them with the
//! daemon's own batch check (`ddc_validator::check`), record passes on-chain in batches and
//! report replicas without a valid proof by three quarters of the window; finalize its reports
//! once their dispute window closes; settle revenues when its turn comes.

use super::chain::{delayed, SimChain};
use super::node::Answer;
use ddc_chain::{AccountId, ChainClient, ChainError, Ddc};
use ddc_primitives::groth16::{Bn254, PreparedVerifyingKey, PROOF_BYTES};
use ddc_primitives::ids::{ClusterId, Epoch, NodeId, VNodeIndex};
use ddc_validator::assignment::rank;
use ddc_validator::check::{check_grouped, group_by_key, Candidate};
use ddc_validator::epoch::{load_key, EpochError};
use ddc_verifier_contract::logic::{
    seed_commitment, BucketStatus, Commitment, Error as ContractError, Phase, ProofItem, ProtocolConfig, Verification,
};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Reaches a node's proof endpoint through the simulated network.
pub trait Network {
    fn proof(&mut self, node: NodeId, c: ClusterId, vnode: VNodeIndex, epoch: Epoch, seed: [u8; 32]) -> Answer;
}

struct Duty {
    vnode: VNodeIndex,
    rank: usize,
    commitment: Option<Commitment>,
    proof: Option<[u8; PROOF_BYTES]>,
    /// No valid proof: to report.
    failed: bool,
    done: bool,
}

struct EpochDuties {
    seed: [u8; 32],
    deadline: u64,
    backup_at: u64,
    closes: u64,
    duties: Vec<Duty>,
}

pub struct SimValidator {
    pub name: String,
    pub chain: SimChain,
    pub quorum: u32,
    secrets: BTreeMap<Epoch, [u8; 32]>,
    committed: BTreeSet<Epoch>,
    revealed: BTreeSet<Epoch>,
    epochs: BTreeMap<Epoch, Option<EpochDuties>>,
    faults: BTreeMap<(Epoch, VNodeIndex), u64>,
    settled_through: Option<Epoch>,
    keys: BTreeMap<[u8; 32], Arc<PreparedVerifyingKey<Bn254>>>,
}

/// Epochs of duties and secrets kept.
const KEEP_EPOCHS: Epoch = 8;

/// A call refused because someone else got there first, or too late to matter: nothing to retry.
fn settled(e: &ChainError) -> bool {
    matches!(
        e,
        ChainError::Contract(
            ContractError::AlreadyPassed
                | ContractError::FaultExists
                | ContractError::AlreadyCommitted
                | ContractError::NotCommitted
                | ContractError::WrongEpochPhase
                | ContractError::DisputeWindowClosed
        )
    )
}

impl SimValidator {
    pub fn new(name: String, chain: SimChain, quorum: u32) -> Self {
        SimValidator {
            name,
            chain,
            quorum,
            secrets: BTreeMap::new(),
            committed: BTreeSet::new(),
            revealed: BTreeSet::new(),
            epochs: BTreeMap::new(),
            faults: BTreeMap::new(),
            settled_through: None,
            keys: BTreeMap::new(),
        }
    }

    pub fn account(&self) -> AccountId {
        self.chain.account()
    }

    /// One tick of the validator's epoch driver.
    pub async fn step(&mut self, c: ClusterId, net: &mut dyn Network, rng: &mut impl Rng) -> Result<(), ChainError> {
        let Some(verification) = self.chain.cluster_verification(c).await? else { return Ok(()) };
        let info = self.chain.cluster_epoch(c).await?;
        let (e, me) = (info.epoch, self.account());
        match info.phase {
            Phase::Commit if !self.committed.contains(&e) => {
                let secret = *self.secrets.entry(e).or_insert_with(|| rng.gen());
                match self.chain.seed_commit(c, e, seed_commitment(&secret, &me, c, e)).await {
                    Err(err) if !settled(&err) => return Err(err),
                    _ => {
                        self.committed.insert(e);
                    }
                }
            }
            Phase::Reveal if !self.revealed.contains(&e) => {
                if let Some(secret) = self.secrets.get(&e).copied() {
                    match self.chain.seed_reveal(c, e, secret).await {
                        Err(err) if !settled(&err) => return Err(err),
                        _ => {}
                    }
                }
                self.revealed.insert(e);
            }
            _ => {}
        }
        if let Some(prev) = e.checked_sub(1) {
            if !self.epochs.contains_key(&prev) {
                let duties = self.duties(c, prev, &verification).await?;
                self.epochs.insert(prev, duties);
            }
        }
        let open: Vec<Epoch> = self.epochs.iter().filter(|(_, d)| d.is_some()).map(|(e, _)| *e).collect();
        for epoch in open {
            self.verify(c, epoch, &verification, info.now_ms, net).await?;
        }
        self.finalize(c, info.now_ms).await?;
        self.settle(c, &verification, info.now_ms).await?;
        let before = e.saturating_sub(KEEP_EPOCHS);
        self.epochs.retain(|x, _| *x >= before);
        self.secrets.retain(|x, _| *x >= before);
        self.committed.retain(|x| *x >= before);
        self.revealed.retain(|x| *x >= before);
        Ok(())
    }

    /// This validator's replicas of an epoch whose seed is final (none if no seed was revealed).
    async fn duties(&self, c: ClusterId, epoch: Epoch, v: &Verification) -> Result<Option<EpochDuties>, ChainError> {
        let Some(seed) = self.chain.epoch_seed(c, epoch).await? else { return Ok(None) };
        let now = self.chain.head().await?.now_ms;
        let closes = v.proof_deadline(epoch);
        let window = closes.saturating_sub(now);
        let hosts = self.chain.cluster_get(c).await?.cluster.vnodes;
        let validators = self.chain.validator_list().await?;
        let me = self.account();
        let mut duties = Vec::new();
        for vnode in 0..hosts.len() as VNodeIndex {
            let Some(rank) = rank(&seed, c, epoch, vnode, &validators, self.quorum, &me) else { continue };
            let commitment = self.chain.commitment_get(c, vnode, epoch).await?;
            duties.push(Duty { vnode, rank, commitment, proof: None, failed: commitment.is_none(), done: false });
        }
        Ok(Some(EpochDuties {
            seed,
            deadline: now + (window - window / 4),
            backup_at: now + window / 2,
            closes,
            duties,
        }))
    }

    async fn verify(
        &mut self,
        c: ClusterId,
        epoch: Epoch,
        v: &Verification,
        now: u64,
        net: &mut dyn Network,
    ) -> Result<(), ChainError> {
        let mut ed = self.epochs.get_mut(&epoch).and_then(Option::take).expect("open epoch");
        let result = self.verify_duties(c, epoch, &mut ed, v, now, net).await;
        if now < ed.closes && ed.duties.iter().any(|d| !d.done) {
            self.epochs.insert(epoch, Some(ed));
        }
        result
    }

    async fn verify_duties(
        &mut self,
        c: ClusterId,
        epoch: Epoch,
        ed: &mut EpochDuties,
        v: &Verification,
        now: u64,
        net: &mut dyn Network,
    ) -> Result<(), ChainError> {
        let backups_act = now >= ed.backup_at;
        let mut candidates = Vec::new();
        for (i, d) in ed.duties.iter_mut().enumerate() {
            if d.done || (d.rank > 0 && !backups_act) {
                continue;
            }
            if self.chain.pass_get(c, d.vnode, epoch).await?.is_some()
                || self.chain.fault_get(c, d.vnode, epoch).await?.is_some()
            {
                d.done = true;
                continue;
            }
            let Some(cm) = d.commitment else { continue };
            if d.proof.is_none() && !d.failed {
                let answer = net.proof(cm.node_id, c, d.vnode, epoch, ed.seed);
                tracing::debug!(validator = self.name, epoch, vnode = d.vnode, rank = d.rank, ?answer, "fetched");
                match answer {
                    Answer::Proof(p) => d.proof = Some(p),
                    Answer::Empty if cm.chunk_count == 0 => d.done = true,
                    Answer::Empty => d.failed = true,
                    Answer::NotNow(_) if now >= ed.deadline => d.failed = true,
                    Answer::NotNow(_) => {}
                }
            }
            if let (Some(proof), false) = (d.proof, d.failed) {
                let candidate = Candidate::of_commitment(i, &ed.seed, (c, d.vnode, epoch), &cm, proof);
                candidates.push((cm.vk_hash, candidate.expect("committed roots are canonical")));
            }
        }
        let mut keyed = Vec::with_capacity(candidates.len());
        for (hash, candidate) in candidates {
            keyed.push((self.key(hash).await?, candidate));
        }
        let verdicts = check_grouped(group_by_key(keyed));
        for &i in &verdicts.invalid {
            ed.duties[i].failed = true;
        }
        let protocol: ProtocolConfig = self.chain.query("protocol_config", ()).await?;
        let valid: Vec<usize> = verdicts.valid.into_iter().filter(|&i| !ed.duties[i].failed).collect();
        for batch in valid.chunks(protocol.max_batch.max(1) as usize) {
            let items: Vec<ProofItem> = batch
                .iter()
                .map(|&i| {
                    let d = &ed.duties[i];
                    ProofItem {
                        vnode: d.vnode,
                        node_id: d.commitment.expect("proved").node_id,
                        proof: d.proof.expect("fetched"),
                    }
                })
                .collect();
            match self.chain.submit_proofs(c, epoch, items).await {
                Ok(()) => batch.iter().for_each(|&i| ed.duties[i].done = true),
                Err(e) if delayed(&e) => {}
                // One replica of the batch passed or was reported meanwhile: the others go
                // again next tick, singly checked against the chain.
                Err(e) if settled(&e) => {}
                Err(e) => return Err(e),
            }
        }
        for d in ed.duties.iter_mut().filter(|d| d.failed && !d.done) {
            tracing::debug!(
                validator = self.name,
                epoch,
                vnode = d.vnode,
                now,
                proof = d.proof.is_some(),
                "reporting a fault"
            );
            match self.chain.report_fault(c, epoch, d.vnode).await {
                Ok(()) => {
                    let at = self.chain.fault_get(c, d.vnode, epoch).await?.map_or(now, |f| f.reported_at_ms);
                    self.faults.insert((epoch, d.vnode), at + v.config.dispute_window_ms);
                    d.done = true;
                }
                Err(e) if delayed(&e) => {}
                Err(e) if settled(&e) => d.done = true,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn key(&mut self, hash: [u8; 32]) -> Result<Arc<PreparedVerifyingKey<Bn254>>, ChainError> {
        if let Some(k) = self.keys.get(&hash) {
            return Ok(k.clone());
        }
        let pvk = match load_key(&self.chain, hash).await {
            Ok(k) => Arc::new(k),
            Err(EpochError::Chain(e)) => return Err(e),
            Err(e) => return Err(ChainError::Protocol(e.to_string())),
        };
        self.keys.insert(hash, pvk.clone());
        Ok(pvk)
    }

    /// Finalizes this validator's reports whose dispute window has closed.
    async fn finalize(&mut self, c: ClusterId, now: u64) -> Result<(), ChainError> {
        let due: Vec<(Epoch, VNodeIndex)> = self.faults.iter().filter(|(_, at)| **at <= now).map(|(k, _)| *k).collect();
        for (epoch, vnode) in due {
            match self.chain.finalize_fault(c, epoch, vnode).await {
                Ok(_) | Err(ChainError::Contract(ContractError::FaultDoesNotExist)) => {
                    self.faults.remove(&(epoch, vnode));
                }
                Err(e) if delayed(&e) => {}
                Err(ChainError::Contract(ContractError::DisputeWindowOpen)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Settles the cluster's buckets and distributes revenues of epochs past their dispute
    /// window, when this validator is the primary of the reserved slot.
    async fn settle(&mut self, c: ClusterId, v: &Verification, now: u64) -> Result<(), ChainError> {
        let last = v.settleable(now);
        if last <= v.next_settle || self.settled_through >= Some(last) {
            return Ok(());
        }
        let validators = self.chain.validator_list().await?;
        if rank(&[0; 32], c, last, VNodeIndex::MAX, &validators, 1, &self.account()) == Some(0) {
            let (buckets, _): (Vec<BucketStatus>, u32) =
                self.chain.query("bucket_list", (0u32, 1000u32, None::<AccountId>)).await?;
            for b in buckets.iter().filter(|b| b.bucket.cluster_id == c) {
                self.chain.act::<_, ()>(0, "bucket_settle_payment", b.bucket_id).await?;
            }
            match self.chain.act::<_, ()>(0, "cluster_distribute_revenues", c).await {
                Ok(()) | Err(ChainError::Contract(ContractError::NothingToDistribute)) => {}
                Err(e) => return Err(e),
            }
        }
        self.settled_through = Some(last);
        Ok(())
    }
}
