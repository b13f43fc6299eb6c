//! The network and management fees taken from a cluster's revenues, as in the seed.

use super::store::Value;
use super::{perm, tag, AccountId, Balance, Host, Permission, Result};

/// Basis points: 10 000 = 100%.
pub const BP: Balance = 10_000;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeConfig {
    pub network_fee_bp: Balance,
    /// The zero account burns the fee.
    pub network_fee_destination: AccountId,
    pub cluster_management_fee_bp: Balance,
}

pub(crate) type Fees = Value<{ tag::FEE_CONFIG }, FeeConfig>;

pub fn admin_set_fee_config(h: &mut impl Host, config: FeeConfig) -> Result<()> {
    perm::only_with(h, Permission::SuperAdmin)?;
    if config.network_fee_bp > BP || config.cluster_management_fee_bp > BP {
        return Err(super::Error::InvalidParams);
    }
    Fees::set(h, &config);
    Ok(())
}

pub fn fee_config(h: &impl Host) -> FeeConfig {
    Fees::get(h)
}

/// `⌊amount · bp / BP⌋`.
pub(crate) fn bp_of(amount: Balance, bp: Balance) -> Balance {
    amount.saturating_mul(bp) / BP
}

impl Default for FeeConfig {
    fn default() -> Self {
        Self { network_fee_bp: 0, network_fee_destination: super::zero_account(), cluster_management_fee_bp: 0 }
    }
}
