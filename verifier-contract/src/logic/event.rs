//! Events: the seed's, plus those of staking and verification. The first 11 variants are the
//! seed's events, field for field; the ink! contract emits each of them as its own ink! event
//! (with the seed's name and topics) and the rest wrapped in one `DdcEvent`.

use super::{AccountId, Balance, BucketId, ClusterId, Epoch, NodeId, Params, Permission, Resource, VNodeIndex};
use ink::prelude::vec::Vec;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    // The seed's events.
    BucketCreated {
        bucket_id: BucketId,
        owner_id: AccountId,
    },
    BucketAllocated {
        bucket_id: BucketId,
        cluster_id: ClusterId,
        resource: Resource,
    },
    BucketSettlePayment {
        bucket_id: BucketId,
        cluster_id: ClusterId,
    },
    ClusterCreated {
        cluster_id: ClusterId,
        manager: AccountId,
        cluster_params: Params,
    },
    ClusterNodeReplaced {
        cluster_id: ClusterId,
        node_id: NodeId,
        vnode_index: VNodeIndex,
    },
    ClusterReserveResource {
        cluster_id: ClusterId,
        resource: Resource,
    },
    /// A provider's share was paid (its value is in the [`Event::ProviderPaid`] that follows).
    ClusterDistributeRevenues {
        cluster_id: ClusterId,
        provider_id: AccountId,
    },
    NodeCreated {
        node_id: NodeId,
        provider_id: AccountId,
        rent_per_month: Balance,
        node_params: Params,
    },
    Deposit {
        account_id: AccountId,
        value: Balance,
    },
    GrantPermission {
        account_id: AccountId,
        permission: Permission,
    },
    RevokePermission {
        account_id: AccountId,
        permission: Permission,
    },
    // What the seed lacked.
    /// What a provider was paid by a distribution, so that payouts can be audited from events.
    ProviderPaid {
        cluster_id: ClusterId,
        provider_id: AccountId,
        value: Balance,
    },
    Withdraw {
        account_id: AccountId,
        value: Balance,
    },
    BucketDeallocated {
        bucket_id: BucketId,
        cluster_id: ClusterId,
        resource: Resource,
    },
    // Staking.
    NodeBonded {
        cluster_id: ClusterId,
        node_id: NodeId,
        value: Balance,
    },
    NodeUnbonding {
        cluster_id: ClusterId,
        node_id: NodeId,
    },
    NodeStakeWithdrawn {
        cluster_id: ClusterId,
        node_id: NodeId,
        value: Balance,
    },
    ValidatorBonded {
        validator: AccountId,
        value: Balance,
    },
    ValidatorAdmitted {
        validator: AccountId,
    },
    ValidatorUnbonding {
        validator: AccountId,
    },
    ValidatorStakeWithdrawn {
        validator: AccountId,
        value: Balance,
    },
    // Proof of storage.
    VerifyingKeySet {
        hash: [u8; 32],
        insecure: bool,
    },
    VerificationEnabled {
        cluster_id: ClusterId,
        epoch_start_ms: u64,
    },
    RootCommitted {
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        node_id: NodeId,
        root: [u8; 32],
        chunk_count: u64,
    },
    SeedCommitted {
        cluster_id: ClusterId,
        epoch: Epoch,
        validator: AccountId,
    },
    SeedRevealed {
        cluster_id: ClusterId,
        epoch: Epoch,
        validator: AccountId,
    },
    /// `seed` is `None` when no validator revealed: the epoch cannot be verified.
    EpochSeed {
        cluster_id: ClusterId,
        epoch: Epoch,
        seed: Option<[u8; 32]>,
    },
    ProofsVerified {
        cluster_id: ClusterId,
        epoch: Epoch,
        vnodes: Vec<VNodeIndex>,
        submitter: AccountId,
    },
    Attested {
        cluster_id: ClusterId,
        epoch: Epoch,
        validator: AccountId,
        vnodes: Vec<VNodeIndex>,
    },
    Passed {
        cluster_id: ClusterId,
        epoch: Epoch,
        vnode: VNodeIndex,
        node_id: NodeId,
    },
    FaultReported {
        cluster_id: ClusterId,
        epoch: Epoch,
        vnode: VNodeIndex,
        node_id: NodeId,
        reporter: AccountId,
    },
    FaultRebutted {
        cluster_id: ClusterId,
        epoch: Epoch,
        vnode: VNodeIndex,
        node_id: NodeId,
        reporter: AccountId,
    },
    FaultFinal {
        cluster_id: ClusterId,
        epoch: Epoch,
        vnode: VNodeIndex,
        node_id: NodeId,
        slashed: Balance,
    },
    VNodeFlagged {
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        node_id: NodeId,
        faults: u32,
    },
    ValidatorPenalized {
        validator: AccountId,
        value: Balance,
    },
    EpochsSettled {
        cluster_id: ClusterId,
        from: Epoch,
        to: Epoch,
        withheld: Balance,
    },
    /// Rent that streamed past the payer's deposit: owed to the bucket's cluster.
    ArrearsRecorded {
        account_id: AccountId,
        bucket_id: BucketId,
        value: Balance,
    },
    /// Arrears paid out of a new deposit into the bucket's cluster.
    ArrearsPaid {
        account_id: AccountId,
        bucket_id: BucketId,
        value: Balance,
    },
    /// A commitment left out acknowledged data: shown by a receipt (`reporter`), or by the
    /// node's own previous commitment (`reporter` the zero account). Final at once, or pending
    /// the node's justification.
    OmissionReported {
        cluster_id: ClusterId,
        epoch: Epoch,
        vnode: VNodeIndex,
        node_id: NodeId,
        reporter: AccountId,
        is_final: bool,
    },
}
