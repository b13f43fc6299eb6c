//! The epoch seed: validators commit to a secret in the commit phase and reveal it in the reveal
//! phase; the seed hashes every reveal, so nobody knows it while commitments are open.

use super::config::Protocol;
use super::config::{enabled, Phase};
use super::stake::{only_validator, penalize_validator};
use crate::logic::store::Map;
use crate::logic::{tag, AccountId, ClusterId, Epoch, Error, Event, Host, Result};
use ink::prelude::vec::Vec;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedCommit {
    pub validator: AccountId,
    pub commitment: [u8; 32],
    pub secret: Option<[u8; 32]>,
}

type SeedCommits = Map<{ tag::SEED_COMMITS }, (ClusterId, Epoch), Vec<SeedCommit>>;
/// Present once the epoch's seed is fixed; `None` if nobody revealed.
type EpochSeeds = Map<{ tag::EPOCH_SEED }, (ClusterId, Epoch), Option<[u8; 32]>>;

/// What a validator commits to, before SHA-256: its secret, bound to itself, the cluster and the
/// epoch so that nobody can copy another's commitment. (The contract hashes with the chain's
/// SHA-256, natively in pallet-contracts, rather than carrying a hasher in its wasm.)
pub fn seed_commitment_preimage(
    secret: &[u8; 32],
    validator: &AccountId,
    cluster_id: ClusterId,
    epoch: Epoch,
) -> Vec<u8> {
    let validator: &[u8] = validator.as_ref();
    [&b"ddc/seed-commit/v1"[..], secret, validator, &cluster_id.to_le_bytes(), &epoch.to_le_bytes()].concat()
}

/// What a validator commits to: SHA-256 of [`seed_commitment_preimage`].
#[cfg(feature = "std")]
pub fn seed_commitment(secret: &[u8; 32], validator: &AccountId, cluster_id: ClusterId, epoch: Epoch) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(seed_commitment_preimage(secret, validator, cluster_id, epoch)).into()
}

fn in_phase(h: &impl Host, cluster_id: ClusterId, epoch: Epoch, phase: Phase) -> Result<()> {
    let v = enabled(h, cluster_id)?;
    if v.phase_at(epoch, h.now_ms()) != Some(phase) {
        return Err(Error::WrongEpochPhase);
    }
    Ok(())
}

pub fn seed_commit(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch, commitment: [u8; 32]) -> Result<()> {
    let validator = only_validator(h)?;
    in_phase(h, cluster_id, epoch, Phase::Commit)?;
    let mut commits = SeedCommits::get(h, &(cluster_id, epoch)).unwrap_or_default();
    if commits.iter().any(|c| c.validator == validator) {
        return Err(Error::AlreadyCommitted);
    }
    commits.push(SeedCommit { validator, commitment, secret: None });
    SeedCommits::insert(h, &(cluster_id, epoch), &commits);
    h.emit(Event::SeedCommitted { cluster_id, epoch, validator });
    Ok(())
}

pub fn seed_reveal(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch, secret: [u8; 32]) -> Result<()> {
    let validator = h.caller();
    in_phase(h, cluster_id, epoch, Phase::Reveal)?;
    let mut commits = SeedCommits::get(h, &(cluster_id, epoch)).unwrap_or_default();
    let commit = commits.iter_mut().find(|c| c.validator == validator).ok_or(Error::NotCommitted)?;
    if commit.secret.is_some() {
        return Err(Error::AlreadyCommitted);
    }
    if h.sha256(&seed_commitment_preimage(&secret, &validator, cluster_id, epoch)) != commit.commitment {
        return Err(Error::RevealMismatch);
    }
    commit.secret = Some(secret);
    SeedCommits::insert(h, &(cluster_id, epoch), &commits);
    h.emit(Event::SeedRevealed { cluster_id, epoch, validator });
    Ok(())
}

pub fn seed_commits(h: &impl Host, cluster_id: ClusterId, epoch: Epoch) -> Vec<SeedCommit> {
    SeedCommits::get(h, &(cluster_id, epoch)).unwrap_or_default()
}

/// SHA-256 of every reveal, in commitment order; `None` if nobody revealed.
fn seed_of(h: &impl Host, cluster_id: ClusterId, epoch: Epoch, commits: &[SeedCommit]) -> Option<[u8; 32]> {
    let mut preimage = [&b"ddc/epoch-seed/v1"[..], &cluster_id.to_le_bytes(), &epoch.to_le_bytes()].concat();
    let before = preimage.len();
    commits.iter().filter_map(|c| c.secret).for_each(|secret| preimage.extend_from_slice(&secret));
    (preimage.len() > before).then(|| h.sha256(&preimage))
}

/// The commitments of an ended epoch whose seed is not fixed yet.
fn ended(h: &impl Host, cluster_id: ClusterId, epoch: Epoch) -> Result<Vec<SeedCommit>> {
    if h.now_ms() < enabled(h, cluster_id)?.epoch_end(epoch) {
        return Err(Error::EpochNotFinished);
    }
    Ok(SeedCommits::get(h, &(cluster_id, epoch)).unwrap_or_default())
}

/// The seed of an ended epoch, fixing it on first use: validators that committed and did not
/// reveal are penalised then. `Ok(None)`: nobody revealed, the epoch cannot be verified.
pub(crate) fn finalized_seed(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch) -> Result<Option<[u8; 32]>> {
    if let Some(seed) = EpochSeeds::get(h, &(cluster_id, epoch)) {
        return Ok(seed);
    }
    let commits = ended(h, cluster_id, epoch)?;
    let penalty = Protocol::get(h).missed_reveal_penalty;
    for c in commits.iter().filter(|c| c.secret.is_none()) {
        penalize_validator(h, c.validator, penalty);
    }
    let seed = seed_of(h, cluster_id, epoch, &commits);
    EpochSeeds::insert(h, &(cluster_id, epoch), &seed);
    h.emit(Event::EpochSeed { cluster_id, epoch, seed });
    Ok(seed)
}

/// Fixes an ended epoch's seed (anyone may call it; verification calls do it on their own).
pub fn epoch_finalize_seed(h: &mut impl Host, cluster_id: ClusterId, epoch: Epoch) -> Result<Option<[u8; 32]>> {
    finalized_seed(h, cluster_id, epoch)
}

/// The seed of an epoch, if it is fixed or could be fixed now.
pub fn epoch_seed(h: &impl Host, cluster_id: ClusterId, epoch: Epoch) -> Result<Option<[u8; 32]>> {
    match EpochSeeds::get(h, &(cluster_id, epoch)) {
        Some(seed) => Ok(seed),
        None => Ok(seed_of(h, cluster_id, epoch, &ended(h, cluster_id, epoch)?)),
    }
}
