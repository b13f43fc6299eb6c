//! Native dispatch of ink! call data (selector ‖ SCALE arguments) to the rules: the embedded
//! chain accepts exactly what pallet-contracts accepts, so clients encode calls once for both.
//! `tests/abi.rs` checks this table against the contract's ink! metadata.

use super::Call;
use crate::logic::{self, *};
use ddc_primitives::groth16::PROOF_BYTES;
use ink::prelude::vec::Vec;
use scale::{Decode, Encode};

/// What a dispatched message returned: ink!'s encoding of `Result<R, LangError>`, and whether
/// the message failed (its changes must be discarded).
pub struct Output {
    pub data: Vec<u8>,
    pub reverted: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DispatchError {
    #[error("no message with selector 0x{}", hex::encode(.0))]
    UnknownSelector([u8; 4]),
    #[error("the caller cannot pay the value sent")]
    InsufficientBalance,
    #[error("`{0}` is not payable")]
    NotPayable(&'static str),
    #[error("arguments of `{0}` do not decode: {1}")]
    BadInput(&'static str, String),
}

/// The selector of an ink! message: the first 4 bytes of BLAKE2b-256 of its name.
pub fn selector(name: &str) -> [u8; 4] {
    let mut out = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(name.as_bytes(), &mut out);
    [out[0], out[1], out[2], out[3]]
}

/// The messages that accept value.
pub const PAYABLE: &[&str] = &["account_deposit", "node_bond", "validator_bond"];

/// `Ok(R)` in ink!'s `MessageResult` encoding; a message returning `Err` reverts.
fn ok<R: Encode>(value: R, reverted: bool) -> Output {
    Output { data: Ok::<R, ()>(value).encode(), reverted }
}

macro_rules! table {
    ($( $name:ident ( $($arg:ident : $ty:ty),* ) $kind:ident $res:ident ; )*) => {
        /// Every message of the contract, by name.
        pub const MESSAGES: &[&str] = &[$(stringify!($name)),*];

        /// Runs the message `data` selects against `call`.
        pub fn dispatch(call: &mut Call, data: &[u8]) -> core::result::Result<Output, DispatchError> {
            if data.len() < 4 {
                return Err(DispatchError::UnknownSelector([0; 4]));
            }
            let sel: [u8; 4] = data[..4].try_into().expect("4 bytes");
            let mut input = &data[4..];
            // Hashed once per process, not per call.
            static SELECTORS: std::sync::OnceLock<Vec<[u8; 4]>> = std::sync::OnceLock::new();
            let selectors = SELECTORS.get_or_init(|| MESSAGES.iter().map(|m| selector(m)).collect());
            let mut index = 0..;
            $(
                if sel == selectors[index.next().expect("one index per message")] {
                    if call.transferred() > 0 && !PAYABLE.contains(&stringify!($name)) {
                        return Err(DispatchError::NotPayable(stringify!($name)));
                    }
                    $( let $arg = <$ty>::decode(&mut input)
                        .map_err(|e| DispatchError::BadInput(stringify!($name), e.to_string()))?; )*
                    if !input.is_empty() {
                        return Err(DispatchError::BadInput(stringify!($name), "trailing bytes".into()));
                    }
                    let r = table!(@call $kind $name call $($arg),*);
                    return Ok(table!(@out $res r));
                }
            )*
            Err(DispatchError::UnknownSelector(sel))
        }
    };
    (@call mut $name:ident $call:ident $($arg:ident),*) => { logic::$name(&mut *$call $(, $arg)*) };
    (@call ref $name:ident $call:ident $($arg:ident),*) => { logic::$name(&*$call $(, $arg)*) };
    (@out res $r:ident) => {{ let reverted = $r.is_err(); ok($r, reverted) }};
    (@out val $r:ident) => { ok($r, false) };
}

table! {
        node_create(rent_per_month: Balance, node_params: Params, capacity: Resource) mut res;
        node_change_params(node_id: NodeId, params: Params) mut res;
        node_get(node_id: NodeId) ref res;
        node_list(offset: u32, limit: u32, filter_provider_id: Option<AccountId>) ref val;
        node_trust_manager(manager: AccountId) mut res;
        node_distrust_manager(manager: AccountId) mut res;
        cluster_create(vnode_count: u32, node_ids: Vec<NodeId>, cluster_params: Params) mut res;
        cluster_reserve_resource(cluster_id: ClusterId, amount: Resource) mut res;
        cluster_replace_node(cluster_id: ClusterId, vnode_index: VNodeIndex, new_node_id: NodeId) mut res;
        cluster_change_params(cluster_id: ClusterId, params: Params) mut res;
        cluster_get(cluster_id: ClusterId) ref res;
        cluster_list(offset: u32, limit: u32, filter_manager_id: Option<AccountId>) ref val;
        cluster_distribute_revenues(cluster_id: ClusterId) mut res;
        bucket_create(bucket_params: Params, cluster_id: ClusterId) mut res;
        bucket_alloc_into_cluster(bucket_id: BucketId, resource: Resource) mut res;
        bucket_dealloc_from_cluster(bucket_id: BucketId) mut res;
        bucket_settle_payment(bucket_id: BucketId) mut res;
        bucket_change_params(bucket_id: BucketId, params: Params) mut res;
        bucket_get(bucket_id: BucketId) ref res;
        bucket_list(offset: u32, limit: u32, filter_owner_id: Option<AccountId>) ref val;
        account_deposit() mut res;
        account_withdraw(amount: Balance) mut res;
        account_withdrawable(account_id: AccountId) ref res;
        account_arrears(account_id: AccountId) ref val;
        account_get(account_id: AccountId) ref res;
        account_get_usd_per_cere() ref val;
        account_set_usd_per_cere(usd_per_cere: Balance) mut res;
        has_permission(grantee: AccountId, permission: Permission) ref val;
        admin_grant_permission(grantee: AccountId, permission: Permission) mut res;
        admin_revoke_permission(grantee: AccountId, permission: Permission) mut res;
        admin_withdraw(amount: Balance) mut res;
        admin_set_fee_config(config: FeeConfig) mut res;
        fee_config() ref val;
        treasury() ref val;
        admin_set_protocol_config(config: ProtocolConfig) mut res;
        protocol_config() ref val;
        admin_set_verifying_key(shape: CircuitShape, vk: Vec<u8>, insecure: bool) mut res;
        verifying_key(hash: [u8; 32]) ref val;
        dev_chain() ref val;
        cluster_set_verification(cluster_id: ClusterId, config: VerificationConfig) mut res;
        cluster_create_verified(vnode_count: u32, node_ids: Vec<NodeId>, cluster_params: Params, config: VerificationConfig) mut res;
        cluster_verification(cluster_id: ClusterId) ref val;
        cluster_epoch(cluster_id: ClusterId) ref res;
        node_bond(cluster_id: ClusterId, node_id: NodeId) mut res;
        node_unbond(cluster_id: ClusterId, node_id: NodeId) mut res;
        node_withdraw_stake(cluster_id: ClusterId, node_id: NodeId) mut res;
        node_bond_get(cluster_id: ClusterId, node_id: NodeId) ref val;
        validator_bond() mut res;
        admin_admit_validator(validator: AccountId) mut res;
        validator_unbond() mut res;
        validator_withdraw_stake() mut res;
        validator_get(validator: AccountId) ref val;
        validator_list() ref val;
        validator_work(cluster_id: ClusterId) ref val;
        commit_root(cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch, root: [u8; 32], chunk_count: u64, generation: u32) mut res;
        commitment_get(cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) ref val;
        seed_commit(cluster_id: ClusterId, epoch: Epoch, commitment: [u8; 32]) mut res;
        seed_reveal(cluster_id: ClusterId, epoch: Epoch, secret: [u8; 32]) mut res;
        seed_commits(cluster_id: ClusterId, epoch: Epoch) ref val;
        epoch_seed(cluster_id: ClusterId, epoch: Epoch) ref res;
        epoch_finalize_seed(cluster_id: ClusterId, epoch: Epoch) mut res;
        submit_proofs(cluster_id: ClusterId, epoch: Epoch, items: Vec<ProofItem>) mut res;
        attest(cluster_id: ClusterId, epoch: Epoch, vnodes: Vec<VNodeIndex>) mut res;
        report_fault(cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex) mut res;
        rebut_fault(cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex, proof: [u8; PROOF_BYTES]) mut res;
        finalize_fault(cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex) mut res;
        pass_get(cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) ref val;
        fault_get(cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) ref val;
        report_omission(receipt: Receipt, signature: [u8; 64], epoch: Epoch) mut res;
        rebut_omission(cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch, justification: Justification) mut res;
        omission_claim(cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) ref val;
        vnode_fault_streak(cluster_id: ClusterId, vnode: VNodeIndex) ref val;
}
