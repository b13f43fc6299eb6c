//! Which epochs a distribution pays for, who earned each vnode's share, and validators' pay.

use super::config::Verifications;
use super::randomness::finalized_seed;
use super::verify::Passes;
use crate::logic::store::Map;
use crate::logic::{cluster, tag, AccountId, Balance, ClusterId, Epoch, Error, Host, NodeId, Result, VNodeIndex};
use ink::prelude::vec::Vec;

/// At most this many epochs are settled by one distribution (bounds the call's weight).
pub const MAX_SETTLE_EPOCHS: Epoch = 16;

/// Work credits of validators in a cluster since its last distribution.
type Work = Map<{ tag::WORK }, ClusterId, Vec<(AccountId, u32)>>;

/// A distribution over the final epochs `[from, to)` of a verified cluster.
pub struct Settlement {
    pub from: Epoch,
    pub to: Epoch,
    /// Final epochs not yet settled, `to - from` of them now.
    pub pending: Epoch,
    pub validator_fee_bp: Balance,
}

impl Settlement {
    pub fn epochs(&self) -> Epoch {
        self.to - self.from
    }

    /// The part of the revenues for the epochs settled now.
    pub fn portion(&self, revenues: Balance) -> Balance {
        revenues.saturating_mul(self.epochs() as Balance) / self.pending as Balance
    }
}

/// `None` for a cluster without verification (paid as in the seed).
pub(crate) fn settlement(h: &impl Host, cluster_id: ClusterId) -> Result<Option<Settlement>> {
    let Some(v) = Verifications::get(h, &cluster_id) else { return Ok(None) };
    let from = v.next_settle;
    let last = v.settleable(h.now_ms());
    if last <= from {
        return Err(Error::NothingToDistribute);
    }
    let to = last.min(from + MAX_SETTLE_EPOCHS);
    Ok(Some(Settlement { from, to, pending: last - from, validator_fee_bp: v.config.validator_fee_bp }))
}

pub(crate) fn mark_settled(h: &mut impl Host, cluster_id: ClusterId, to: Epoch) {
    if let Some(mut v) = Verifications::get(h, &cluster_id) {
        v.next_settle = to;
        Verifications::insert(h, &cluster_id, &v);
    }
}

/// The node paid for a vnode in a settled epoch: the one that passed. `None`: withheld (to the
/// treasury). An epoch without a final seed could not be verified, so it pays nobody: paying the
/// hosts unverified would let validators withhold randomness to let nodes skip proving. The seed
/// is fixed here if nobody did, so that silent validators are penalised all the same.
pub(crate) fn payee(
    h: &mut impl Host,
    cluster_id: ClusterId,
    vnode: VNodeIndex,
    epoch: Epoch,
) -> Result<Option<NodeId>> {
    finalized_seed(h, cluster_id, epoch)?;
    Ok(Passes::get(h, &(cluster_id, vnode, epoch)))
}

pub(crate) fn credit(h: &mut impl Host, cluster_id: ClusterId, validator: AccountId, units: u32) {
    let mut work = Work::get(h, &cluster_id).unwrap_or_default();
    match work.iter_mut().find(|(v, _)| *v == validator) {
        Some((_, n)) => *n = n.saturating_add(units),
        None => work.push((validator, units)),
    }
    Work::insert(h, &cluster_id, &work);
}

pub fn validator_work(h: &impl Host, cluster_id: ClusterId) -> Vec<(AccountId, u32)> {
    Work::get(h, &cluster_id).unwrap_or_default()
}

/// Shares `amount` among the validators in proportion to their work; returns what was paid.
pub(crate) fn pay_validators(h: &mut impl Host, cluster_id: ClusterId, amount: Balance) -> Result<Balance> {
    let work = Work::get(h, &cluster_id).unwrap_or_default();
    let total: Balance = work.iter().map(|(_, n)| *n as Balance).sum();
    if total == 0 {
        return Ok(0);
    }
    let mut paid = 0;
    for (validator, units) in &work {
        let share = amount.saturating_mul(*units as Balance) / total;
        cluster::pay(h, *validator, share)?;
        paid += share;
    }
    Work::remove(h, &cluster_id);
    Ok(paid)
}
