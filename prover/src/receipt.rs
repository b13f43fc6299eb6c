//! Write orders and receipts, as the node and its users exchange them over HTTP.
//!
//! Every write carries the owner's signed [`Order`] (header `x-ddc-order`); the node keeps the
//! signature with the object, so that it can later show that the owner deleted or overwrote an
//! object it compacted away. For every replica it stores, the node answers with a [`Receipt`]
//! signed by its provider key, which the user keeps and can submit on-chain against a commitment
//! that leaves the write out (`report_omission`). The format is in `docs/api.md`.

use crate::storage::index::ObjectMeta;
use crate::storage::StorageError;
use ddc_chain::keys::verify;
use ddc_chain::{AccountId, Signer};
use ddc_primitives::ids::{BucketId, ClusterId, Epoch, NodeId, VNodeIndex};
use ddc_verifier_contract::logic::{signed_message, Justification, Order, Receipt, ORDER_DOMAIN, RECEIPT_DOMAIN};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The owner's signature of the write's order, hex.
pub const ORDER: &str = "x-ddc-order";

/// The order a write of `key` makes: `digest` is the content's SHA-256, `None` for a delete.
pub fn order(bucket_id: BucketId, key: &str, version: u64, digest: Option<[u8; 32]>) -> Order {
    Order {
        bucket_id,
        key_hash: Sha256::digest(key.as_bytes()).into(),
        version,
        digest: digest.unwrap_or([0; 32]),
        delete: digest.is_none(),
    }
}

pub fn sign_order(signer: &Signer, order: &Order) -> [u8; 64] {
    signer.sign(&signed_message(ORDER_DOMAIN, order))
}

pub fn order_signed_by(account: &AccountId, order: &Order, signature: &[u8; 64]) -> bool {
    verify(account, &signed_message(ORDER_DOMAIN, order), signature)
}

/// The order an object version was written with, rebuilt from what the node stored.
pub fn order_of(bucket_id: BucketId, key: &str, meta: &ObjectMeta) -> Order {
    order(bucket_id, key, meta.version, (!meta.deleted).then_some(meta.sha256))
}

/// A receipt with its signature, as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedReceipt {
    pub cluster_id: ClusterId,
    pub vnode: VNodeIndex,
    pub node_id: NodeId,
    pub bucket_id: BucketId,
    #[serde(with = "hex::serde")]
    pub key_sha256: [u8; 32],
    pub version: u64,
    #[serde(with = "hex::serde")]
    pub digest: [u8; 32],
    pub delete: bool,
    pub generation: u32,
    pub first_chunk: u64,
    pub chunks: u64,
    pub liable_from: Epoch,
    pub time_ms: u64,
    #[serde(with = "hex::serde")]
    pub signature: [u8; 64],
}

impl SignedReceipt {
    /// The node's receipt of an object version it holds in a replica.
    pub fn issue(
        signer: &Signer,
        (cluster_id, vnode, node_id): (ClusterId, VNodeIndex, NodeId),
        order: Order,
        meta: &ObjectMeta,
    ) -> Self {
        let receipt = Receipt {
            cluster_id,
            order,
            vnode,
            node_id,
            generation: meta.generation,
            first_chunk: meta.first_chunk,
            chunks: meta.chunks,
            liable_from: meta.liable_from,
            time_ms: crate::auth::now_ms(),
        };
        Self::from_parts(receipt, signer.sign(&signed_message(RECEIPT_DOMAIN, &receipt)))
    }

    pub fn from_parts(r: Receipt, signature: [u8; 64]) -> Self {
        Self {
            cluster_id: r.cluster_id,
            vnode: r.vnode,
            node_id: r.node_id,
            bucket_id: r.order.bucket_id,
            key_sha256: r.order.key_hash,
            version: r.order.version,
            digest: r.order.digest,
            delete: r.order.delete,
            generation: r.generation,
            first_chunk: r.first_chunk,
            chunks: r.chunks,
            liable_from: r.liable_from,
            time_ms: r.time_ms,
            signature,
        }
    }

    /// The receipt as the contract takes it.
    pub fn receipt(&self) -> Receipt {
        Receipt {
            cluster_id: self.cluster_id,
            order: Order {
                bucket_id: self.bucket_id,
                key_hash: self.key_sha256,
                version: self.version,
                digest: self.digest,
                delete: self.delete,
            },
            vnode: self.vnode,
            node_id: self.node_id,
            generation: self.generation,
            first_chunk: self.first_chunk,
            chunks: self.chunks,
            liable_from: self.liable_from,
            time_ms: self.time_ms,
        }
    }

    /// Whether `provider` (the node's provider account) signed it.
    pub fn signed_by(&self, provider: &AccountId) -> bool {
        verify(provider, &signed_message(RECEIPT_DOMAIN, &self.receipt()), &self.signature)
    }
}

/// Why this node's commitment of `epoch` may leave out the write `claim` names: the owner's
/// newer order for the object, or this node's receipt of where the object sits in the
/// commitment's generation. `None`: the node has neither (it did drop the write).
pub fn justify(
    state: &crate::state::NodeState,
    claim: &Receipt,
    epoch: Epoch,
) -> Result<Option<Justification>, StorageError> {
    let (c, v, owed) = (claim.cluster_id, claim.vnode, claim.order);
    let Some(commit) = state.storage.commit(c, v, epoch)? else { return Ok(None) };
    let Some((key, current)) = state.storage.by_key_hash(c, v, owed.bucket_id, &owed.key_hash)? else {
        return Ok(None);
    };
    if let (true, Some(signature)) = (current.version > owed.version, current.order_signature) {
        return Ok(Some(Justification::Superseded { order: order_of(owed.bucket_id, &key, &current), signature }));
    }
    let Some(meta) = state.storage.located(c, v, commit.generation, (owed.bucket_id, &key, owed.version))? else {
        return Ok(None);
    };
    let moved = SignedReceipt::issue(&state.signer, (c, v, state.node_id), owed, &meta);
    Ok(Some(Justification::Moved { receipt: moved.receipt(), signature: moved.signature }))
}
