//! Nodes commit, in each epoch's commit phase, to what every vnode they host holds.

use super::config::{enabled, Phase};
use super::stake::check_node_stake;
use super::verify::{fault_final, record_empty_pass};
use crate::logic::store::Map;
use crate::logic::{
    cluster, node, tag, zero_account, ClusterId, Epoch, Error, Event, Host, NodeId, Result, VNodeIndex,
};

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Commitment {
    pub node_id: NodeId,
    /// The Merkle root, a canonical little-endian BN254 scalar.
    pub root: [u8; 32],
    pub chunk_count: u64,
    /// The node's log generation: append-only within one, so `chunk_count` never shrinks in it;
    /// a new one starts when the node compacts what its users deleted.
    pub generation: u32,
    /// The cluster's key when the commitment was made: its proofs are checked under this key,
    /// even after the cluster moves to another.
    pub vk_hash: [u8; 32],
}

pub(crate) type Commitments = Map<{ tag::COMMITMENT }, (ClusterId, VNodeIndex, Epoch), Commitment>;
/// The last commitment of each vnode, which the next one of the same node must not undercut.
type LastCommits = Map<{ tag::LAST_COMMIT }, (ClusterId, VNodeIndex), Commitment>;

/// The hosting node's provider commits `(root, chunk_count)` of log `generation` for a vnode in
/// the current epoch.
///
/// A node's own commitments are evidence against it: one that holds fewer chunks than the same
/// node's previous commitment of the same generation, or an older generation, drops data it
/// acknowledged, and is a final fault at once. Otherwise an empty vnode has nothing to prove and
/// passes (without clearing a fault streak: an empty epoch proves nothing).
pub fn commit_root(
    h: &mut impl Host,
    cluster_id: ClusterId,
    vnode: VNodeIndex,
    epoch: Epoch,
    root: [u8; 32],
    chunk_count: u64,
    generation: u32,
) -> Result<()> {
    let v = enabled(h, cluster_id)?;
    let node_id = cluster::get(h, cluster_id)?.node_of(vnode)?;
    if node::get(h, node_id)?.provider_id != h.caller() {
        return Err(Error::NotHostingNode);
    }
    if v.phase_at(epoch, h.now_ms()) != Some(Phase::Commit) {
        return Err(Error::WrongEpochPhase);
    }
    check_node_stake(h, cluster_id, node_id, v.config.node_stake)?;
    if ddc_primitives::encoding::fr_from_bytes(&root).is_none() {
        return Err(Error::InvalidParams);
    }
    let key = (cluster_id, vnode, epoch);
    if Commitments::contains(h, &key) {
        return Err(Error::AlreadyCommitted);
    }
    let c = Commitment { node_id, root, chunk_count, generation, vk_hash: v.config.vk_hash };
    let shrank = LastCommits::get(h, &(cluster_id, vnode)).is_some_and(|last| {
        last.node_id == node_id
            && (generation < last.generation || (generation == last.generation && chunk_count < last.chunk_count))
    });
    Commitments::insert(h, &key, &c);
    LastCommits::insert(h, &(cluster_id, vnode), &c);
    h.emit(Event::RootCommitted { cluster_id, vnode, epoch, node_id, root, chunk_count });
    if shrank {
        h.emit(Event::OmissionReported { cluster_id, epoch, vnode, node_id, reporter: zero_account(), is_final: true });
        fault_final(h, &v, (cluster_id, vnode, epoch), node_id, zero_account())?;
    } else if chunk_count == 0 {
        record_empty_pass(h, cluster_id, vnode, epoch, node_id);
    }
    Ok(())
}

pub fn commitment_get(h: &impl Host, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<Commitment> {
    Commitments::get(h, &(cluster_id, vnode, epoch))
}
