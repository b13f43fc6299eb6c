//! Verification results: passes from on-chain proof batches or validator attestations, and
//! faults that the node can rebut with a proof before they become final and slash its stake.

use super::commitment::{Commitment, Commitments};
use super::config::{enabled, Protocol, Verification, VerificationMode, VerifyingKeys};
use super::randomness::finalized_seed;
use super::settle::credit;
use super::stake::{only_validator, penalize_validator, slash_node};
use crate::logic::fee::bp_of;
use crate::logic::store::Map;
use crate::logic::{
    account, cluster, node, tag, AccountId, Balance, ClusterId, Epoch, Error, Event, Host, NodeId, Result, VNodeIndex,
};
use ddc_primitives::groth16::{ReplicaStatement, PROOF_BYTES};
use ink::prelude::vec::Vec;

/// A storage proof of one vnode replica, as validators and nodes submit it.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProofItem {
    pub vnode: VNodeIndex,
    pub node_id: NodeId,
    pub proof: [u8; PROOF_BYTES],
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub node_id: NodeId,
    pub reporter: AccountId,
    pub reported_at_ms: u64,
    pub is_final: bool,
}

/// The node that passed `(cluster, vnode, epoch)`.
pub(crate) type Passes = Map<{ tag::PASS }, (ClusterId, VNodeIndex, Epoch), NodeId>;
type Votes = Map<{ tag::VOTES }, (ClusterId, VNodeIndex, Epoch), Vec<AccountId>>;
pub(crate) type Faults = Map<{ tag::FAULT }, (ClusterId, VNodeIndex, Epoch), Fault>;
/// Consecutive final faults of a vnode's hosting node.
type FaultStreaks = Map<{ tag::FAULT_STREAK }, (ClusterId, VNodeIndex), u32>;

pub(crate) fn record_pass(h: &mut impl Host, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch, node_id: NodeId) {
    Passes::insert(h, &(cluster_id, vnode, epoch), &node_id);
    FaultStreaks::remove(h, &(cluster_id, vnode));
    h.emit(Event::Passed { cluster_id, epoch, vnode, node_id });
}

/// An empty vnode's pass: it is paid (it holds nothing to lose), but its fault streak stands.
pub(crate) fn record_empty_pass(
    h: &mut impl Host,
    cluster_id: ClusterId,
    vnode: VNodeIndex,
    epoch: Epoch,
    node_id: NodeId,
) {
    Passes::insert(h, &(cluster_id, vnode, epoch), &node_id);
    h.emit(Event::Passed { cluster_id, epoch, vnode, node_id });
}

pub(crate) fn reset_streak(h: &mut impl Host, cluster_id: ClusterId, vnode: VNodeIndex) {
    FaultStreaks::remove(h, &(cluster_id, vnode));
}

pub fn pass_get(h: &impl Host, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<NodeId> {
    Passes::get(h, &(cluster_id, vnode, epoch))
}

pub fn fault_get(h: &impl Host, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<Fault> {
    Faults::get(h, &(cluster_id, vnode, epoch))
}

/// Consecutive final faults of the vnode; at the cluster's limit the vnode awaits replacement.
pub fn vnode_fault_streak(h: &impl Host, cluster_id: ClusterId, vnode: VNodeIndex) -> u32 {
    FaultStreaks::get(h, &(cluster_id, vnode)).unwrap_or(0)
}

/// Checks that results for `epoch` are still taken and returns its seed.
fn open_epoch(h: &mut impl Host, v: &Verification, cluster_id: ClusterId, epoch: Epoch) -> Result<[u8; 32]> {
    if h.now_ms() >= v.proof_deadline(epoch) {
        return Err(Error::DisputeWindowClosed);
    }
    finalized_seed(h, cluster_id, epoch)?.ok_or(Error::NoSeed)
}

pub(crate) fn commitment(h: &impl Host, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Result<Commitment> {
    Commitments::get(h, &(cluster_id, vnode, epoch)).ok_or(Error::NoCommitment)
}

/// What the verifier checks for a vnode's proof: its committed root and size, and the replica
/// (epoch seed, cluster, vnode, node, epoch) whose seed binds the proof to them.
fn statement(
    seed: &[u8; 32],
    cluster_id: ClusterId,
    vnode: VNodeIndex,
    epoch: Epoch,
    c: &Commitment,
    proof: [u8; PROOF_BYTES],
) -> ReplicaStatement {
    (c.root, c.chunk_count, (*seed, cluster_id, vnode, c.node_id, epoch), proof)
}

/// Verifies statements under the key their commitments were made with: one batch per key.
fn verify_statements(
    h: &mut impl Host,
    statements: &[([u8; 32], ReplicaStatement)],
    entropy: &[u8; 32],
) -> Result<bool> {
    let mut keys: Vec<[u8; 32]> = statements.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.dedup();
    for hash in keys {
        let key = VerifyingKeys::get(h, &hash).ok_or(Error::VerifyingKeyMissing)?;
        let batch: Vec<ReplicaStatement> = statements.iter().filter(|(k, _)| *k == hash).map(|(_, s)| *s).collect();
        if !h.verify_proofs(&key.bytes, &batch, entropy)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Verifies a batch of proofs for one epoch with one random linear combination and records a
/// pass for each. Validators or the nodes' providers submit; a bad proof rejects the batch.
pub fn submit_proofs(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch, items: Vec<ProofItem>) -> Result<()> {
    let v = enabled(h, cluster_id)?;
    if v.config.mode != VerificationMode::Proofs {
        return Err(Error::WrongMode);
    }
    if items.is_empty() {
        return Err(Error::EmptyBatch);
    }
    if items.len() > Protocol::get(h).max_batch as usize {
        return Err(Error::BatchTooLarge);
    }
    let submitter = h.caller();
    let is_validator = only_validator(h).is_ok();
    let seed = open_epoch(h, &v, cluster_id, epoch)?;
    let mut batch = Vec::with_capacity(items.len());
    let mut vnodes = Vec::with_capacity(items.len());
    for item in &items {
        let c = commitment(h, cluster_id, item.vnode, epoch)?;
        if c.node_id != item.node_id {
            return Err(Error::NoCommitment);
        }
        if !is_validator && node::get(h, c.node_id)?.provider_id != submitter {
            return Err(Error::Unauthorized);
        }
        if vnodes.contains(&item.vnode) || Passes::contains(h, &(cluster_id, item.vnode, epoch)) {
            return Err(Error::AlreadyPassed);
        }
        if Faults::contains(h, &(cluster_id, item.vnode, epoch)) {
            return Err(Error::FaultExists);
        }
        batch.push((c.vk_hash, statement(&seed, cluster_id, item.vnode, epoch, &c, item.proof)));
        vnodes.push(item.vnode);
    }
    if !verify_statements(h, &batch, &seed)? {
        return Err(Error::BatchInvalid);
    }
    for item in &items {
        record_pass(h, cluster_id, item.vnode, epoch, item.node_id);
    }
    if is_validator {
        credit(h, cluster_id, submitter, items.len() as u32);
    }
    h.emit(Event::ProofsVerified { cluster_id, epoch, vnodes, submitter });
    Ok(())
}

/// A validator attests that the listed vnodes' proofs for `epoch` verified off-chain; a vnode
/// passes once the cluster's threshold of validators attested it.
pub fn attest(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch, vnodes: Vec<VNodeIndex>) -> Result<()> {
    let validator = only_validator(h)?;
    let v = enabled(h, cluster_id)?;
    if v.config.mode != VerificationMode::Attestations {
        return Err(Error::WrongMode);
    }
    if vnodes.is_empty() {
        return Err(Error::EmptyBatch);
    }
    open_epoch(h, &v, cluster_id, epoch)?;
    let quorum = v.attest_quorum(super::stake::ActiveValidators::get(h).len() as u32);
    for vnode in &vnodes {
        let c = commitment(h, cluster_id, *vnode, epoch)?;
        let key = (cluster_id, *vnode, epoch);
        let mut votes = Votes::get(h, &key).unwrap_or_default();
        if votes.contains(&validator) {
            return Err(Error::AlreadyVoted);
        }
        votes.push(validator);
        if votes.len() as u32 >= quorum && !Passes::contains(h, &key) {
            record_pass(h, cluster_id, *vnode, epoch, c.node_id);
        }
        Votes::insert(h, &key, &votes);
    }
    credit(h, cluster_id, validator, vnodes.len() as u32);
    h.emit(Event::Attested { cluster_id, epoch, validator, vnodes });
    Ok(())
}

/// A validator reports that a vnode's node gave no valid proof for `epoch`.
pub fn report_fault(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex) -> Result<()> {
    let reporter = only_validator(h)?;
    let v = enabled(h, cluster_id)?;
    open_epoch(h, &v, cluster_id, epoch)?;
    let key = (cluster_id, vnode, epoch);
    if Passes::contains(h, &key) {
        return Err(Error::AlreadyPassed);
    }
    if Faults::contains(h, &key) {
        return Err(Error::FaultExists);
    }
    let node_id = match Commitments::get(h, &key) {
        Some(c) => c.node_id,
        None => cluster::get(h, cluster_id)?.node_of(vnode)?,
    };
    Faults::insert(h, &key, &Fault { node_id, reporter, reported_at_ms: h.now_ms(), is_final: false });
    h.emit(Event::FaultReported { cluster_id, epoch, vnode, node_id, reporter });
    Ok(())
}

/// Answers a fault report with a valid proof inside the dispute window: the vnode passes and
/// the reporter is penalised. Anyone may submit the proof.
pub fn rebut_fault(
    h: &mut impl Host,
    cluster_id: ClusterId,
    epoch: Epoch,
    vnode: VNodeIndex,
    proof: [u8; PROOF_BYTES],
) -> Result<()> {
    let v = enabled(h, cluster_id)?;
    let key = (cluster_id, vnode, epoch);
    let fault = Faults::get(h, &key).filter(|f| !f.is_final).ok_or(Error::FaultDoesNotExist)?;
    if h.now_ms() >= fault.reported_at_ms.saturating_add(v.config.dispute_window_ms) {
        return Err(Error::DisputeWindowClosed);
    }
    if super::omission::omission_claim(h, cluster_id, vnode, epoch).is_some() {
        // A proof shows the node holds what it committed, not that it committed what it owes.
        return Err(Error::JustificationInvalid);
    }
    let seed = finalized_seed(h, cluster_id, epoch)?.ok_or(Error::NoSeed)?;
    let c = commitment(h, cluster_id, vnode, epoch)?;
    if !verify_statements(h, &[(c.vk_hash, statement(&seed, cluster_id, vnode, epoch, &c, proof))], &seed)? {
        return Err(Error::ProofInvalid);
    }
    Faults::remove(h, &key);
    record_pass(h, cluster_id, vnode, epoch, c.node_id);
    penalize_validator(h, fault.reporter, Protocol::get(h).false_report_penalty);
    h.emit(Event::FaultRebutted { cluster_id, epoch, vnode, node_id: c.node_id, reporter: fault.reporter });
    Ok(())
}

/// Makes an unrebutted fault final once its dispute window has closed. Anyone may call it.
pub fn finalize_fault(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex) -> Result<Balance> {
    let v = enabled(h, cluster_id)?;
    let key = (cluster_id, vnode, epoch);
    let fault = Faults::get(h, &key).filter(|f| !f.is_final).ok_or(Error::FaultDoesNotExist)?;
    if h.now_ms() < fault.reported_at_ms.saturating_add(v.config.dispute_window_ms) {
        return Err(Error::DisputeWindowOpen);
    }
    super::omission::forget_claim(h, &key);
    fault_final(h, &v, key, fault.node_id, fault.reporter)
}

/// A final fault: the vnode's pass (if any) is revoked, the node's stake slashed (the reporter's
/// reward, the rest to the treasury; no reward for the zero account, the contract itself), and
/// the vnode's streak grows.
pub(crate) fn fault_final(
    h: &mut impl Host,
    v: &Verification,
    key: (ClusterId, VNodeIndex, Epoch),
    node_id: NodeId,
    reporter: AccountId,
) -> Result<Balance> {
    let (cluster_id, vnode, epoch) = key;
    let stake = super::stake::node_bond_get(h, cluster_id, node_id).map_or(0, |b| b.amount);
    let slashed = slash_node(h, cluster_id, node_id, v.slash(stake));
    let reward = if reporter == crate::logic::zero_account() { 0 } else { bp_of(slashed, v.config.reporter_reward_bp) };
    cluster::pay(h, reporter, reward)?;
    account::to_treasury(h, slashed - reward);
    if super::stake::is_validator(h, &reporter) {
        credit(h, cluster_id, reporter, 1);
    }
    Passes::remove(h, &key);
    let fault = Fault { node_id, reporter, reported_at_ms: h.now_ms(), is_final: true };
    Faults::insert(h, &key, &fault);
    let streak = vnode_fault_streak(h, cluster_id, vnode).saturating_add(1);
    FaultStreaks::insert(h, &(cluster_id, vnode), &streak);
    h.emit(Event::FaultFinal { cluster_id, epoch, vnode, node_id, slashed });
    if streak >= v.config.max_consecutive_faults {
        h.emit(Event::VNodeFlagged { cluster_id, vnode, node_id, faults: streak });
    }
    Ok(slashed)
}
