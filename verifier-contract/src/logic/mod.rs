//! The contract's rules, written once. They run inside the ink! contract (over `ink::env`) and
//! natively inside the embedded dev chain (over its own state), through the [`Host`] trait.

mod account;
mod bucket;
mod cluster;
mod error;
mod event;
mod fee;
mod host;
mod node;
mod perm;
mod pos;
mod schedule;
mod store;

pub use account::*;
pub use bucket::*;
pub use cluster::*;
pub use error::{Error, Result};
pub use event::Event;
pub use fee::*;
pub use host::Host;
pub use node::*;
pub use perm::*;
pub use pos::*;
pub use schedule::{Schedule, MS_PER_MONTH};

pub use ddc_primitives::ids::{BucketId, ClusterId, Epoch, NodeId, VNodeIndex};
pub use ink::primitives::AccountId;

pub type Balance = u128;
/// Storage capacity units, as in the seed (a node's capacity, a cluster's reservation per vnode).
pub type Resource = u32;
/// Free-form parameters (JSON by convention), as in the seed.
pub type Params = ink::prelude::string::String;

/// One token: 10 decimals, as in the seed.
pub const TOKEN: Balance = 10_000_000_000;
/// Parameters above this size are refused.
pub const PARAMS_MAX_LEN: usize = 100_000;

/// Sets up a fresh contract: the deployer becomes SuperAdmin and id 0 is reserved in every store.
/// `dev_chain` (fixed for the contract's life) lets clusters pin keys flagged insecure: on for
/// development chains and tests, off for any deployment whose proofs must mean something.
pub fn init(h: &mut impl Host, dev_chain: bool) {
    pos::set_dev_chain(h, dev_chain);
    let admin = h.caller();
    perm::grant(h, admin, Permission::SuperAdmin);
    node::reserve_id_zero(h);
    cluster::reserve_id_zero(h);
    bucket::reserve_id_zero(h);
    account::reserve_id_zero(h);
}

/// The account of id 0: the reserved records' owner, and the burn address of fees.
pub fn zero_account() -> AccountId {
    AccountId::from([0; 32])
}

/// The seed's listing: ids `[offset, offset + limit)` below `count` that `item` keeps, and
/// `count` (the number of ids handed out, id 0 included).
pub(crate) fn page<T>(
    count: u32,
    offset: u32,
    limit: u32,
    item: impl FnMut(u32) -> Option<T>,
) -> (ink::prelude::vec::Vec<T>, u32) {
    let end = offset.saturating_add(limit).min(count);
    ((offset..end).filter_map(item).collect(), count)
}

pub(crate) fn check_params(params: &Params) -> Result<()> {
    if params.len() > PARAMS_MAX_LEN {
        return Err(Error::ParamsTooBig);
    }
    Ok(())
}

/// Storage tags: one per map, never reused.
pub(crate) mod tag {
    pub const PERM: u8 = 1;
    pub const ACCOUNT: u8 = 2;
    pub const CURRENCY: u8 = 3;
    pub const NODE_COUNT: u8 = 4;
    pub const NODE: u8 = 5;
    pub const NODE_PARAMS: u8 = 6;
    pub const CLUSTER_COUNT: u8 = 7;
    pub const CLUSTER: u8 = 8;
    pub const CLUSTER_PARAMS: u8 = 9;
    pub const BUCKET_COUNT: u8 = 10;
    pub const BUCKET: u8 = 11;
    pub const BUCKET_PARAMS: u8 = 12;
    pub const FEE_CONFIG: u8 = 13;
    pub const PROTOCOL: u8 = 14;
    pub const VERIFICATION: u8 = 15;
    pub const NODE_BOND: u8 = 16;
    pub const VALIDATOR_LIST: u8 = 17;
    pub const VALIDATOR: u8 = 18;
    pub const VERIFYING_KEY: u8 = 19;
    pub const COMMITMENT: u8 = 20;
    pub const SEED_COMMITS: u8 = 21;
    pub const EPOCH_SEED: u8 = 22;
    pub const PASS: u8 = 23;
    pub const VOTES: u8 = 24;
    pub const FAULT: u8 = 25;
    pub const FAULT_STREAK: u8 = 26;
    pub const WORK: u8 = 27;
    pub const TREASURY: u8 = 29;
    pub const BURNED: u8 = 30;
    pub const DEV_CHAIN: u8 = 32;
    pub const ARREARS: u8 = 31;
    pub const LAST_COMMIT: u8 = 33;
    pub const OMISSION: u8 = 34;
}
