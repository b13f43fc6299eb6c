//! Governance's parameters, verifying keys and each cluster's verification settings.

use crate::logic::fee::{bp_of, BP};
use crate::logic::store::{Map, Value};
use crate::logic::{
    cluster, perm, tag, Balance, ClusterId, Epoch, Error, Event, Host, NodeId, Params, Permission, Result,
};
use ink::prelude::vec::Vec;

/// The circuit a verifying key belongs to.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CircuitShape {
    pub depth: u8,
    pub arity: u8,
    pub challenges: u16,
    pub chunk_bytes: u32,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyingKeyRecord {
    /// SHA-256 of `bytes`: what clusters pin, and the key's name in storage.
    pub hash: [u8; 32],
    /// The circuit the key verifies.
    pub shape: CircuitShape,
    /// Derived from a public seed: anyone can forge proofs. Development only.
    pub insecure: bool,
    /// The compressed arkworks encoding.
    pub bytes: Vec<u8>,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerificationMode {
    /// Every pass carries a proof that the contract verifies.
    Proofs,
    /// A quorum of validators attests passes; the contract verifies proofs only in disputes.
    Attestations,
}

/// A cluster's choice of how its storage is verified and what is at stake.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerificationConfig {
    pub mode: VerificationMode,
    pub shape: CircuitShape,
    /// The registered key the cluster's proofs are checked under; it must be for `shape`.
    pub vk_hash: [u8; 32],
    pub epoch_len_ms: u64,
    /// Stake a node bonds to serve in the cluster.
    pub node_stake: Balance,
    pub unbonding_ms: u64,
    pub dispute_window_ms: u64,
    /// Attestations needed for a pass.
    pub attest_threshold: u32,
    /// Part of a node's stake slashed for a final fault.
    pub slash_bp: Balance,
    /// Part of a slash paid to the reporter; the rest goes to the treasury.
    pub reporter_reward_bp: Balance,
    /// Consecutive faults after which a vnode is flagged for replacement.
    pub max_consecutive_faults: u32,
    /// Part of the revenues (after network and management fees) paid to validators for work.
    pub validator_fee_bp: Balance,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verification {
    pub config: VerificationConfig,
    pub epoch_start_ms: u64,
    /// The first epoch whose revenues are not yet settled.
    pub next_settle: Epoch,
}

/// Network-wide parameters set by governance.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolConfig {
    pub validator_stake: Balance,
    pub validator_unbonding_ms: u64,
    /// Taken from a validator whose fault report was rebutted.
    pub false_report_penalty: Balance,
    /// Taken from a validator that committed to a seed and did not reveal. Non-zero by default:
    /// withholding a reveal must cost something, or the last revealer chooses between seeds.
    pub missed_reveal_penalty: Balance,
    pub max_validators: u32,
    /// Proofs per `submit_proofs` call: sized so that a batch fits a block's weight (measured in
    /// pallet-contracts: see `docs/contract.md`).
    pub max_batch: u32,
}

impl Default for ProtocolConfig {
    fn default() -> Self {
        Self {
            validator_stake: 0,
            validator_unbonding_ms: 7 * 24 * 3600 * 1000,
            false_report_penalty: 0,
            missed_reveal_penalty: DEFAULT_MISSED_REVEAL_PENALTY,
            max_validators: 64,
            max_batch: 4,
        }
    }
}

/// The default missed-reveal penalty: one token.
pub const DEFAULT_MISSED_REVEAL_PENALTY: Balance = crate::logic::TOKEN;
/// The fewest attestations a pass needs in Attestations mode, whatever the cluster sets.
pub const MIN_ATTEST_QUORUM: u32 = 2;

pub(crate) type Protocol = Value<{ tag::PROTOCOL }, ProtocolConfig>;
/// Whether insecure keys may be pinned: set once, at instantiation.
type DevChain = Value<{ tag::DEV_CHAIN }, bool>;

pub(crate) fn set_dev_chain(h: &mut impl Host, dev_chain: bool) {
    DevChain::set(h, &dev_chain);
}

/// Whether this deployment is a development chain, where clusters may pin insecure keys.
pub fn dev_chain(h: &impl Host) -> bool {
    DevChain::get(h)
}
pub(crate) type Verifications = Map<{ tag::VERIFICATION }, ClusterId, Verification>;
/// Keys by their hash, never replaced: a rotation registers a new key and clusters move to it,
/// so proofs under a key a commitment was made with stay checkable.
pub(crate) type VerifyingKeys = Map<{ tag::VERIFYING_KEY }, [u8; 32], VerifyingKeyRecord>;

pub fn admin_set_protocol_config(h: &mut impl Host, config: ProtocolConfig) -> Result<()> {
    perm::only_with(h, Permission::SuperAdmin)?;
    if config.max_batch == 0 {
        return Err(Error::InvalidParams);
    }
    Protocol::set(h, &config);
    Ok(())
}

pub fn protocol_config(h: &impl Host) -> ProtocolConfig {
    Protocol::get(h)
}

/// Registers the verifying key of a circuit shape; returns its hash. A registered key is never
/// replaced (`VerifyingKeyExists`).
pub fn admin_set_verifying_key(
    h: &mut impl Host,
    shape: CircuitShape,
    vk: Vec<u8>,
    insecure: bool,
) -> Result<[u8; 32]> {
    perm::only_with(h, Permission::SuperAdmin)?;
    if !h.check_vk(&vk) {
        return Err(Error::VerifyingKeyInvalid);
    }
    // SHA-256 of the encoding, as `ddc_primitives::groth16::vk_hash` computes it off-chain.
    let hash = h.sha256(&vk);
    if VerifyingKeys::contains(h, &hash) {
        return Err(Error::VerifyingKeyExists);
    }
    VerifyingKeys::insert(h, &hash, &VerifyingKeyRecord { hash, shape, insecure, bytes: vk });
    h.emit(Event::VerifyingKeySet { hash, insecure });
    Ok(hash)
}

pub fn verifying_key(h: &impl Host, hash: [u8; 32]) -> Option<VerifyingKeyRecord> {
    VerifyingKeys::get(h, &hash)
}

/// The manager turns verification on (or changes its settings; the epoch clock keeps running).
pub fn cluster_set_verification(h: &mut impl Host, cluster_id: ClusterId, config: VerificationConfig) -> Result<()> {
    cluster::get(h, cluster_id)?.only_manager(h.caller())?;
    let key = VerifyingKeys::get(h, &config.vk_hash).ok_or(Error::VerifyingKeyMissing)?;
    if key.shape != config.shape {
        return Err(Error::VerifyingKeyMismatch);
    }
    if key.insecure && !DevChain::get(h) {
        return Err(Error::InsecureKey);
    }
    let bps = [config.slash_bp, config.reporter_reward_bp, config.validator_fee_bp];
    if config.epoch_len_ms < 2 || config.attest_threshold == 0 || bps.iter().any(|bp| *bp > BP) {
        return Err(Error::InvalidParams);
    }
    if config.mode == VerificationMode::Attestations && config.attest_threshold < MIN_ATTEST_QUORUM {
        return Err(Error::InvalidParams);
    }
    let verification = match Verifications::get(h, &cluster_id) {
        Some(v) => Verification { config, ..v },
        None => Verification { config, epoch_start_ms: h.now_ms(), next_settle: 0 },
    };
    Verifications::insert(h, &cluster_id, &verification);
    h.emit(Event::VerificationEnabled { cluster_id, epoch_start_ms: verification.epoch_start_ms });
    Ok(())
}

/// Creates a cluster that is verified from its first moment (its epoch 0 starts now), so it is
/// never paid the seed's unverified way: a manager states at creation what its providers sign up
/// for. All or nothing: a refused `config` creates no cluster.
pub fn cluster_create_verified(
    h: &mut impl Host,
    vnode_count: u32,
    node_ids: Vec<NodeId>,
    cluster_params: Params,
    config: VerificationConfig,
) -> Result<ClusterId> {
    let cluster_id = cluster::cluster_create(h, vnode_count, node_ids, cluster_params)?;
    cluster_set_verification(h, cluster_id, config)?;
    Ok(cluster_id)
}

pub fn cluster_verification(h: &impl Host, cluster_id: ClusterId) -> Option<Verification> {
    Verifications::get(h, &cluster_id)
}

pub(crate) fn enabled(h: &impl Host, cluster_id: ClusterId) -> Result<Verification> {
    Verifications::get(h, &cluster_id).ok_or(Error::VerificationNotEnabled)
}

/// Where an epoch stands at a given time.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Commit,
    Reveal,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochInfo {
    pub epoch: Epoch,
    pub phase: Phase,
    pub start_ms: u64,
    pub len_ms: u64,
    pub now_ms: u64,
}

impl Verification {
    pub fn epoch_at(&self, now_ms: u64) -> Option<Epoch> {
        now_ms.checked_sub(self.epoch_start_ms).map(|t| t / self.config.epoch_len_ms)
    }

    pub fn epoch_start(&self, epoch: Epoch) -> u64 {
        self.epoch_start_ms.saturating_add(epoch.saturating_mul(self.config.epoch_len_ms))
    }

    pub fn epoch_end(&self, epoch: Epoch) -> u64 {
        self.epoch_start(epoch.saturating_add(1))
    }

    pub fn phase_at(&self, epoch: Epoch, now_ms: u64) -> Option<Phase> {
        let start = self.epoch_start(epoch);
        if now_ms < start || now_ms >= self.epoch_end(epoch) {
            return None;
        }
        Some(if now_ms - start < self.config.epoch_len_ms / 2 { Phase::Commit } else { Phase::Reveal })
    }

    /// Proofs, attestations and reports for `epoch` are taken until then.
    pub fn proof_deadline(&self, epoch: Epoch) -> u64 {
        self.epoch_end(epoch.saturating_add(1))
    }

    /// From then on `epoch`'s revenues can be settled.
    pub fn settle_time(&self, epoch: Epoch) -> u64 {
        self.proof_deadline(epoch).saturating_add(self.config.dispute_window_ms)
    }

    /// Epochs `[0, n)` that may be settled at `now_ms`.
    pub fn settleable(&self, now_ms: u64) -> Epoch {
        let elapsed = now_ms.saturating_sub(self.epoch_start_ms.saturating_add(self.config.dispute_window_ms));
        (elapsed / self.config.epoch_len_ms).saturating_sub(1)
    }

    /// Attestations a pass needs with `admitted` validators: the cluster's threshold, at least
    /// [`MIN_ATTEST_QUORUM`] and at least ⅔ of the admitted validators (rounded up), so that
    /// passes hold as long as fewer than a third of the validators lie.
    pub fn attest_quorum(&self, admitted: u32) -> u32 {
        let two_thirds = (admitted.saturating_mul(2)).div_ceil(3);
        self.config.attest_threshold.max(MIN_ATTEST_QUORUM).max(two_thirds)
    }

    pub(crate) fn slash(&self, stake: Balance) -> Balance {
        bp_of(stake, self.config.slash_bp)
    }
}

pub fn cluster_epoch(h: &impl Host, cluster_id: ClusterId) -> Result<EpochInfo> {
    let v = enabled(h, cluster_id)?;
    let now_ms = h.now_ms();
    let epoch = v.epoch_at(now_ms).ok_or(Error::WrongEpochPhase)?;
    let phase = v.phase_at(epoch, now_ms).ok_or(Error::WrongEpochPhase)?;
    Ok(EpochInfo { epoch, phase, start_ms: v.epoch_start(epoch), len_ms: v.config.epoch_len_ms, now_ms })
}
