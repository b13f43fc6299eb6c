//! Write receipts and omission. A node signs a receipt for every write it acknowledges; whoever
//! holds one can show on-chain that a later commitment of that node leaves the write out.
//!
//! Within one log generation a replica is append-only, so a commitment of the receipt's
//! generation must hold the receipt's chunks, and an older generation is a rollback: both are
//! final at once. A later generation means the node compacted; that is legitimate only if the
//! object's owner deleted or overwrote the object (the node shows the owner's signed order), or
//! if the node moved the object into the committed generation (it shows its own receipt of the
//! move, which binds it in turn). Until it does, the report is a fault it may rebut within the
//! dispute window.

use super::commitment::Commitment;
use super::config::enabled;
use super::verify::{commitment, fault_final, Fault, Faults};
use crate::logic::store::Map;
use crate::logic::{bucket, node, tag, BucketId, ClusterId, Epoch, Error, Event, Host, NodeId, Result, VNodeIndex};
use scale::Encode;

/// What a user asks of a bucket's object, signed by the bucket's owner.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    /// The bucket, and so its cluster (fixed at the bucket's creation).
    pub bucket_id: BucketId,
    /// SHA-256 of the object's key.
    pub key_hash: [u8; 32],
    /// The signed request's timestamp: the object version it writes.
    pub version: u64,
    /// SHA-256 of the content; zero for a delete.
    pub digest: [u8; 32],
    pub delete: bool,
}

/// A node's acknowledgement of an order in one vnode replica, signed by the node's provider.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub cluster_id: ClusterId,
    pub order: Order,
    pub vnode: VNodeIndex,
    pub node_id: NodeId,
    pub generation: u32,
    /// The chunks `[first_chunk, first_chunk + chunks)` of the generation's log hold the object.
    pub first_chunk: u64,
    pub chunks: u64,
    /// The first epoch whose commitment must hold the write: the one after the replica's last
    /// commitment when the write was acknowledged.
    pub liable_from: Epoch,
    /// The node's clock when it acknowledged (informational).
    pub time_ms: u64,
}

/// Why a node's later generation may leave out a receipt's chunks.
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Justification {
    /// The owner's signed order that deleted or overwrote the object after the receipt.
    Superseded { order: Order, signature: [u8; 64] },
    /// The node's own receipt of the same object version in the committed generation.
    Moved { receipt: Receipt, signature: [u8; 64] },
}

/// The receipt behind a pending omission fault.
type Claims = Map<{ tag::OMISSION }, (ClusterId, VNodeIndex, Epoch), Receipt>;

/// Domain tags, so that no signature over one kind of message verifies as another.
pub const ORDER_DOMAIN: &[u8] = b"ddc-order-v1:";
pub const RECEIPT_DOMAIN: &[u8] = b"ddc-receipt-v1:";

/// The bytes an order's or receipt's signer signs.
pub fn signed_message(domain: &[u8], payload: &impl Encode) -> ink::prelude::vec::Vec<u8> {
    let mut message = domain.to_vec();
    payload.encode_to(&mut message);
    message
}

fn receipt_signed(h: &impl Host, r: &Receipt, signature: &[u8; 64]) -> Result<()> {
    let provider = node::get(h, r.node_id)?.provider_id;
    if !h.sr25519_verify(&provider, &signed_message(RECEIPT_DOMAIN, r), signature) {
        return Err(Error::ReceiptInvalid);
    }
    Ok(())
}

/// Whether commitment `c` leaves out the chunks of receipt `r` (of the same node and vnode):
/// `Some(true)` for sure (the same generation without them, or an older generation),
/// `Some(false)` unless the node justifies its later generation, `None` if it holds them.
pub fn omits(c: &Commitment, r: &Receipt) -> Option<bool> {
    if r.chunks == 0 {
        return None; // a delete, or an empty object: nothing to hold
    }
    match c.generation.cmp(&r.generation) {
        core::cmp::Ordering::Equal => (c.chunk_count < r.first_chunk.saturating_add(r.chunks)).then_some(true),
        core::cmp::Ordering::Less => Some(true),
        core::cmp::Ordering::Greater => Some(false),
    }
}

/// Submits a node's receipt against its commitment of `epoch`. Anyone may call it; a proven
/// omission slashes the node and rewards the caller.
pub fn report_omission(h: &mut impl Host, receipt: Receipt, signature: [u8; 64], epoch: Epoch) -> Result<()> {
    let cluster_id = receipt.cluster_id;
    let v = enabled(h, cluster_id)?;
    receipt_signed(h, &receipt, &signature)?;
    if epoch < receipt.liable_from {
        return Err(Error::ReceiptNotDue);
    }
    let key = (cluster_id, receipt.vnode, epoch);
    let c: Commitment = commitment(h, cluster_id, receipt.vnode, epoch)?;
    if c.node_id != receipt.node_id {
        return Err(Error::NoCommitment);
    }
    if Faults::contains(h, &key) {
        return Err(Error::FaultExists);
    }
    let is_final = omits(&c, &receipt).ok_or(Error::NotOmitted)?;
    let (vnode, node_id, reporter) = (receipt.vnode, c.node_id, h.caller());
    h.emit(Event::OmissionReported { cluster_id, epoch, vnode, node_id, reporter, is_final });
    if is_final {
        fault_final(h, &v, key, node_id, reporter)?;
    } else {
        Faults::insert(h, &key, &Fault { node_id, reporter, reported_at_ms: h.now_ms(), is_final: false });
        Claims::insert(h, &key, &receipt);
    }
    Ok(())
}

/// The node answers a pending omission fault, within the dispute window, with why its
/// commitment may leave the receipt's chunks out. Anyone may submit the justification.
pub fn rebut_omission(
    h: &mut impl Host,
    cluster_id: ClusterId,
    vnode: VNodeIndex,
    epoch: Epoch,
    justification: Justification,
) -> Result<()> {
    let v = enabled(h, cluster_id)?;
    let key = (cluster_id, vnode, epoch);
    let claim = Claims::get(h, &key).ok_or(Error::FaultDoesNotExist)?;
    let fault = Faults::get(h, &key).filter(|f| !f.is_final).ok_or(Error::FaultDoesNotExist)?;
    if h.now_ms() >= fault.reported_at_ms.saturating_add(v.config.dispute_window_ms) {
        return Err(Error::DisputeWindowClosed);
    }
    let c = commitment(h, cluster_id, vnode, epoch)?;
    let owed = claim.order;
    let justified = match justification {
        Justification::Superseded { order, signature } => {
            let owner = bucket::get(h, order.bucket_id)?.owner_id;
            (order.bucket_id, order.key_hash) == (owed.bucket_id, owed.key_hash)
                && order.version > owed.version
                && h.sr25519_verify(&owner, &signed_message(ORDER_DOMAIN, &order), &signature)
        }
        Justification::Moved { receipt, signature } => {
            receipt_signed(h, &receipt, &signature)?;
            (receipt.cluster_id, receipt.order, receipt.vnode) == (cluster_id, owed, vnode)
                && (receipt.node_id, receipt.chunks) == (c.node_id, claim.chunks)
                && receipt.generation == c.generation
                && receipt.first_chunk.saturating_add(receipt.chunks) <= c.chunk_count
        }
    };
    if !justified {
        return Err(Error::JustificationInvalid);
    }
    forget_claim(h, &key);
    Faults::remove(h, &key);
    h.emit(Event::FaultRebutted { cluster_id, epoch, vnode, node_id: c.node_id, reporter: fault.reporter });
    Ok(())
}

/// The receipt of a pending omission fault.
pub fn omission_claim(h: &impl Host, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<Receipt> {
    Claims::get(h, &(cluster_id, vnode, epoch))
}

pub(crate) fn forget_claim(h: &mut impl Host, key: &(ClusterId, VNodeIndex, Epoch)) {
    Claims::remove(h, key);
}
