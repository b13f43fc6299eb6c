//! Typed DDC contract calls over any [`ChainClient`]: arguments SCALE-encoded behind the
//! message's selector, outputs decoded from ink!'s `Result<R, LangError>`, contract errors typed.

use crate::client::{ChainClient, ChainError, Receipt};
use crate::{AccountId, Balance, Event};
use async_trait::async_trait;
use ddc_primitives::groth16::PROOF_BYTES;
use ddc_primitives::ids::{BucketId, ClusterId, Epoch, NodeId, VNodeIndex};
use ddc_verifier_contract::logic::{
    self, Account, Bond, BucketStatus, ClusterStatus, Commitment, EpochInfo, Error as ContractError, Fault, NodeStatus,
    ProofItem, Verification, VerifyingKeyRecord,
};
use ddc_verifier_contract::native::selector;
use scale::{Decode, Encode};

pub fn call_data<A: Encode>(message: &str, args: A) -> Vec<u8> {
    let mut data = selector(message).to_vec();
    args.encode_to(&mut data);
    data
}

fn decode<T: Decode>(message: &str, output: &[u8]) -> Result<T, ChainError> {
    match <Result<T, u8>>::decode(&mut &output[..]) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ChainError::Rejected(format!("{message}: ink! LangError {e}"))),
        Err(e) => Err(ChainError::Protocol(format!("{message}: undecodable output: {e}"))),
    }
}

/// The DDC contract's messages that the daemons and the CLI use.
#[async_trait]
pub trait Ddc: ChainClient {
    /// A read-only message.
    async fn query<A: Encode + Send, T: Decode>(&self, message: &str, args: A) -> Result<T, ChainError> {
        let output = self.query_raw(call_data(message, args)).await?;
        decode(message, &output)
    }

    /// A read-only message returning `Result<T, Error>`.
    async fn query_result<A: Encode + Send, T: Decode>(&self, message: &str, args: A) -> Result<T, ChainError> {
        self.query::<A, Result<T, ContractError>>(message, args).await?.map_err(ChainError::Contract)
    }

    /// A signed message returning `Result<T, Error>`, with `value` attached; waits until final.
    async fn transact<A: Encode + Send, T: Decode>(
        &self,
        value: Balance,
        message: &str,
        args: A,
    ) -> Result<(T, Receipt), ChainError> {
        let receipt = self.submit_raw(value, call_data(message, args)).await?;
        let out = decode::<Result<T, ContractError>>(message, &receipt.output)?.map_err(ChainError::Contract)?;
        Ok((out, receipt))
    }

    /// A call that creates something, and the new id its block assigned, read from the
    /// creation's event by `pick`. A Substrate receipt's output is its dry run's (pallet-contracts
    /// returns none from an extrinsic), so when another creation lands first the output's id is
    /// not the one made; the event is what the block did.
    async fn create<A: Encode + Send, T: Decode + Send>(
        &self,
        value: Balance,
        message: &str,
        args: A,
        pick: impl for<'e> Fn(&'e Event) -> Option<T> + Send,
    ) -> Result<T, ChainError> {
        let (_, receipt) = self.transact::<A, T>(value, message, args).await?;
        let found = receipt.events.iter().find_map(|e| pick(e));
        found.ok_or_else(|| ChainError::Protocol(format!("{message}: no creation event in the call's receipt")))
    }

    /// A new bucket in `cluster_id`, owned by this client's account.
    async fn bucket_create(&self, params: String, cluster_id: ClusterId) -> Result<BucketId, ChainError> {
        let me = self.account();
        self.create(0, "bucket_create", (params, cluster_id), |e| match e {
            Event::BucketCreated { bucket_id, owner_id } if *owner_id == me => Some(*bucket_id),
            _ => None,
        })
        .await
    }

    /// A new cluster of `vnodes` virtual nodes over `nodes`, managed by this client's account.
    async fn cluster_create(&self, vnodes: u32, nodes: Vec<NodeId>, params: String) -> Result<ClusterId, ChainError> {
        let me = self.account();
        self.create(0, "cluster_create", (vnodes, nodes, params), |e| match e {
            Event::ClusterCreated { cluster_id, manager, .. } if *manager == me => Some(*cluster_id),
            _ => None,
        })
        .await
    }

    /// [`Ddc::transact`] without the receipt.
    async fn act<A: Encode + Send, T: Decode>(&self, value: Balance, message: &str, args: A) -> Result<T, ChainError> {
        Ok(self.transact(value, message, args).await?.0)
    }

    async fn node_get(&self, node_id: NodeId) -> Result<NodeStatus, ChainError> {
        self.query_result("node_get", node_id).await
    }
    async fn node_list(
        &self,
        offset: u32,
        limit: u32,
        provider: Option<AccountId>,
    ) -> Result<(Vec<NodeStatus>, u32), ChainError> {
        self.query("node_list", (offset, limit, provider)).await
    }
    async fn cluster_get(&self, cluster_id: ClusterId) -> Result<ClusterStatus, ChainError> {
        self.query_result("cluster_get", cluster_id).await
    }
    async fn bucket_get(&self, bucket_id: BucketId) -> Result<BucketStatus, ChainError> {
        self.query_result("bucket_get", bucket_id).await
    }
    async fn account_get(&self, account: AccountId) -> Result<Account, ChainError> {
        self.query_result("account_get", account).await
    }
    async fn cluster_verification(&self, cluster_id: ClusterId) -> Result<Option<Verification>, ChainError> {
        self.query("cluster_verification", cluster_id).await
    }
    async fn cluster_epoch(&self, cluster_id: ClusterId) -> Result<EpochInfo, ChainError> {
        self.query_result("cluster_epoch", cluster_id).await
    }
    async fn epoch_seed(&self, cluster_id: ClusterId, epoch: Epoch) -> Result<Option<[u8; 32]>, ChainError> {
        self.query_result("epoch_seed", (cluster_id, epoch)).await
    }
    async fn commitment_get(
        &self,
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
    ) -> Result<Option<Commitment>, ChainError> {
        self.query("commitment_get", (cluster_id, vnode, epoch)).await
    }
    async fn pass_get(
        &self,
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
    ) -> Result<Option<NodeId>, ChainError> {
        self.query("pass_get", (cluster_id, vnode, epoch)).await
    }
    async fn fault_get(
        &self,
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
    ) -> Result<Option<Fault>, ChainError> {
        self.query("fault_get", (cluster_id, vnode, epoch)).await
    }
    async fn node_bond_get(&self, cluster_id: ClusterId, node_id: NodeId) -> Result<Option<Bond>, ChainError> {
        self.query("node_bond_get", (cluster_id, node_id)).await
    }
    /// A registered key by its hash (keys are never replaced).
    async fn verifying_key(&self, hash: [u8; 32]) -> Result<Option<VerifyingKeyRecord>, ChainError> {
        self.query("verifying_key", hash).await
    }
    async fn omission_claim(
        &self,
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
    ) -> Result<Option<logic::Receipt>, ChainError> {
        self.query("omission_claim", (cluster_id, vnode, epoch)).await
    }
    async fn validator_list(&self) -> Result<Vec<AccountId>, ChainError> {
        self.query("validator_list", ()).await
    }

    async fn node_create(&self, rent_per_month: Balance, params: String, capacity: u32) -> Result<NodeId, ChainError> {
        let me = self.account();
        self.create(0, "node_create", (rent_per_month, params, capacity), |e| match e {
            Event::NodeCreated { node_id, provider_id, .. } if *provider_id == me => Some(*node_id),
            _ => None,
        })
        .await
    }
    async fn node_bond(&self, cluster_id: ClusterId, node_id: NodeId, stake: Balance) -> Result<(), ChainError> {
        self.act(stake, "node_bond", (cluster_id, node_id)).await
    }
    async fn commit_root(
        &self,
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        root: [u8; 32],
        chunk_count: u64,
        generation: u32,
    ) -> Result<(), ChainError> {
        self.act(0, "commit_root", (cluster_id, vnode, epoch, root, chunk_count, generation)).await
    }
    async fn seed_commit(&self, cluster_id: ClusterId, epoch: Epoch, commitment: [u8; 32]) -> Result<(), ChainError> {
        self.act(0, "seed_commit", (cluster_id, epoch, commitment)).await
    }
    async fn seed_reveal(&self, cluster_id: ClusterId, epoch: Epoch, secret: [u8; 32]) -> Result<(), ChainError> {
        self.act(0, "seed_reveal", (cluster_id, epoch, secret)).await
    }
    async fn submit_proofs(
        &self,
        cluster_id: ClusterId,
        epoch: Epoch,
        items: Vec<ProofItem>,
    ) -> Result<(), ChainError> {
        self.act(0, "submit_proofs", (cluster_id, epoch, items)).await
    }
    async fn attest(&self, cluster_id: ClusterId, epoch: Epoch, vnodes: Vec<VNodeIndex>) -> Result<(), ChainError> {
        self.act(0, "attest", (cluster_id, epoch, vnodes)).await
    }
    async fn report_fault(&self, cluster_id: ClusterId, epoch: Epoch, vnode: VNodeIndex) -> Result<(), ChainError> {
        self.act(0, "report_fault", (cluster_id, epoch, vnode)).await
    }
    async fn rebut_fault(
        &self,
        cluster_id: ClusterId,
        epoch: Epoch,
        vnode: VNodeIndex,
        proof: [u8; PROOF_BYTES],
    ) -> Result<(), ChainError> {
        self.act(0, "rebut_fault", (cluster_id, epoch, vnode, proof)).await
    }
    /// Shows a node's signed receipt against its commitment of `epoch`.
    async fn report_omission(
        &self,
        receipt: logic::Receipt,
        signature: [u8; 64],
        epoch: Epoch,
    ) -> Result<(), ChainError> {
        self.act(0, "report_omission", (receipt, signature, epoch)).await
    }
    async fn rebut_omission(
        &self,
        cluster_id: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        justification: logic::Justification,
    ) -> Result<(), ChainError> {
        self.act(0, "rebut_omission", (cluster_id, vnode, epoch, justification)).await
    }
    async fn finalize_fault(
        &self,
        cluster_id: ClusterId,
        epoch: Epoch,
        vnode: VNodeIndex,
    ) -> Result<Balance, ChainError> {
        self.act(0, "finalize_fault", (cluster_id, epoch, vnode)).await
    }
}

impl<C: ChainClient + ?Sized> Ddc for C {}
