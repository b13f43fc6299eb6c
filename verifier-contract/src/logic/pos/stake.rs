//! Stake: nodes bond per cluster, validators bond network-wide and are admitted by governance.
//! Unbonded stake stays slashable until it is withdrawn after the unbonding delay.

use super::config::{enabled, Protocol};
use crate::logic::store::{Map, Value};
use crate::logic::{
    account, node, perm, tag, AccountId, Balance, ClusterId, Error, Event, Host, NodeId, Permission, Result,
};
use ink::prelude::vec::Vec;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bond {
    pub amount: Balance,
    /// Set when unbonding started; the stake no longer counts but can still be slashed.
    pub unbonding_since: Option<u64>,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validator {
    pub bond: Bond,
    pub admitted: bool,
}

pub(crate) type NodeBonds = Map<{ tag::NODE_BOND }, (ClusterId, NodeId), Bond>;
pub(crate) type Validators = Map<{ tag::VALIDATOR }, AccountId, Validator>;
/// Admitted, bonded validators, in admission order.
pub(crate) type ActiveValidators = Value<{ tag::VALIDATOR_LIST }, Vec<AccountId>>;

fn only_provider(h: &impl Host, node_id: NodeId) -> Result<()> {
    if node::get(h, node_id)?.provider_id != h.caller() {
        return Err(Error::UnauthorizedProvider);
    }
    Ok(())
}

/// Adds the transferred value to the node's stake in the cluster.
pub fn node_bond(h: &mut impl Host, cluster_id: ClusterId, node_id: NodeId) -> Result<()> {
    enabled(h, cluster_id)?;
    only_provider(h, node_id)?;
    let value = h.transferred();
    if value == 0 {
        return Err(Error::ZeroValue);
    }
    let mut bond = NodeBonds::get(h, &(cluster_id, node_id)).unwrap_or_default();
    if bond.unbonding_since.is_some() {
        return Err(Error::Unbonding);
    }
    bond.amount = bond.amount.checked_add(value).ok_or(Error::Overflow)?;
    NodeBonds::insert(h, &(cluster_id, node_id), &bond);
    h.emit(Event::NodeBonded { cluster_id, node_id, value });
    Ok(())
}

pub fn node_unbond(h: &mut impl Host, cluster_id: ClusterId, node_id: NodeId) -> Result<()> {
    only_provider(h, node_id)?;
    let mut bond = NodeBonds::get(h, &(cluster_id, node_id)).ok_or(Error::NotBonded)?;
    if bond.unbonding_since.is_some() {
        return Err(Error::Unbonding);
    }
    bond.unbonding_since = Some(h.now_ms());
    NodeBonds::insert(h, &(cluster_id, node_id), &bond);
    h.emit(Event::NodeUnbonding { cluster_id, node_id });
    Ok(())
}

/// Pays the unbonded stake back to the provider once the cluster's unbonding delay has passed.
pub fn node_withdraw_stake(h: &mut impl Host, cluster_id: ClusterId, node_id: NodeId) -> Result<()> {
    only_provider(h, node_id)?;
    let delay = enabled(h, cluster_id)?.config.unbonding_ms;
    let bond = NodeBonds::get(h, &(cluster_id, node_id)).ok_or(Error::NotBonded)?;
    let since = bond.unbonding_since.ok_or(Error::StakeLocked)?;
    if h.now_ms() < since.saturating_add(delay) {
        return Err(Error::UnbondingNotFinished);
    }
    NodeBonds::remove(h, &(cluster_id, node_id));
    h.transfer(h.caller(), bond.amount)?;
    h.emit(Event::NodeStakeWithdrawn { cluster_id, node_id, value: bond.amount });
    Ok(())
}

pub fn node_bond_get(h: &impl Host, cluster_id: ClusterId, node_id: NodeId) -> Option<Bond> {
    NodeBonds::get(h, &(cluster_id, node_id))
}

/// Whether the node's stake lets it serve in the cluster.
pub(crate) fn check_node_stake(h: &impl Host, cluster_id: ClusterId, node_id: NodeId, required: Balance) -> Result<()> {
    match NodeBonds::get(h, &(cluster_id, node_id)) {
        Some(b) if b.unbonding_since.is_none() && b.amount >= required => Ok(()),
        _ => Err(Error::InsufficientStake),
    }
}

/// Takes up to `amount` from a node's stake; returns what was taken.
pub(crate) fn slash_node(h: &mut impl Host, cluster_id: ClusterId, node_id: NodeId, amount: Balance) -> Balance {
    let Some(mut bond) = NodeBonds::get(h, &(cluster_id, node_id)) else { return 0 };
    let taken = amount.min(bond.amount);
    bond.amount -= taken;
    NodeBonds::insert(h, &(cluster_id, node_id), &bond);
    taken
}

/// The caller bonds the transferred value as a validator (admission is governance's).
pub fn validator_bond(h: &mut impl Host) -> Result<()> {
    let value = h.transferred();
    if value == 0 {
        return Err(Error::ZeroValue);
    }
    let validator = h.caller();
    let mut v = Validators::get(h, &validator).unwrap_or_default();
    if v.bond.unbonding_since.is_some() {
        return Err(Error::Unbonding);
    }
    v.bond.amount = v.bond.amount.checked_add(value).ok_or(Error::Overflow)?;
    Validators::insert(h, &validator, &v);
    h.emit(Event::ValidatorBonded { validator, value });
    Ok(())
}

pub fn admin_admit_validator(h: &mut impl Host, validator: AccountId) -> Result<()> {
    perm::only_with(h, Permission::SuperAdmin)?;
    let protocol = Protocol::get(h);
    let mut v = Validators::get(h, &validator).ok_or(Error::NotBonded)?;
    if v.admitted {
        return Err(Error::AlreadyRegistered);
    }
    if v.bond.unbonding_since.is_some() || v.bond.amount < protocol.validator_stake {
        return Err(Error::InsufficientStake);
    }
    let mut active = ActiveValidators::get(h);
    if active.len() >= protocol.max_validators as usize {
        return Err(Error::TooManyValidators);
    }
    active.push(validator);
    v.admitted = true;
    ActiveValidators::set(h, &active);
    Validators::insert(h, &validator, &v);
    h.emit(Event::ValidatorAdmitted { validator });
    Ok(())
}

/// Leaves the active set; the stake can be withdrawn after the protocol's unbonding delay.
pub fn validator_unbond(h: &mut impl Host) -> Result<()> {
    let validator = h.caller();
    let mut v = Validators::get(h, &validator).ok_or(Error::NotBonded)?;
    if v.bond.unbonding_since.is_some() {
        return Err(Error::Unbonding);
    }
    v.bond.unbonding_since = Some(h.now_ms());
    v.admitted = false;
    let mut active = ActiveValidators::get(h);
    active.retain(|a| *a != validator);
    ActiveValidators::set(h, &active);
    Validators::insert(h, &validator, &v);
    h.emit(Event::ValidatorUnbonding { validator });
    Ok(())
}

pub fn validator_withdraw_stake(h: &mut impl Host) -> Result<()> {
    let validator = h.caller();
    let v = Validators::get(h, &validator).ok_or(Error::NotBonded)?;
    let since = v.bond.unbonding_since.ok_or(Error::StakeLocked)?;
    if h.now_ms() < since.saturating_add(Protocol::get(h).validator_unbonding_ms) {
        return Err(Error::UnbondingNotFinished);
    }
    Validators::remove(h, &validator);
    h.transfer(validator, v.bond.amount)?;
    h.emit(Event::ValidatorStakeWithdrawn { validator, value: v.bond.amount });
    Ok(())
}

pub fn validator_get(h: &impl Host, validator: AccountId) -> Option<Validator> {
    Validators::get(h, &validator)
}

pub fn validator_list(h: &impl Host) -> Vec<AccountId> {
    ActiveValidators::get(h)
}

pub(crate) fn only_validator(h: &impl Host) -> Result<AccountId> {
    let caller = h.caller();
    is_validator(h, &caller).then_some(caller).ok_or(Error::NotValidator)
}

pub(crate) fn is_validator(h: &impl Host, account: &AccountId) -> bool {
    Validators::get(h, account).is_some_and(|v| v.admitted)
}

/// Takes up to `amount` of a validator's stake into the treasury.
pub(crate) fn penalize_validator(h: &mut impl Host, validator: AccountId, amount: Balance) {
    let Some(mut v) = Validators::get(h, &validator) else { return };
    let taken = amount.min(v.bond.amount);
    v.bond.amount -= taken;
    Validators::insert(h, &validator, &v);
    account::to_treasury(h, taken);
    h.emit(Event::ValidatorPenalized { validator, value: taken });
}
