//! Nodes commit, in each epoch's commit phase, to what every vnode they host holds.

use super::config::{enabled, Phase};
use super::stake::check_node_stake;
use super::verify::record_pass;
use crate::logic::store::Map;
use crate::logic::{cluster, node, tag, ClusterId, Epoch, Error, Event, Host, NodeId, Result, VNodeIndex};

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Commitment {
    pub node_id: NodeId,
    /// The Merkle root, a canonical little-endian BN254 scalar.
    pub root: [u8; 32],
    pub chunk_count: u64,
}

pub(crate) type Commitments = Map<{ tag::COMMITMENT }, (ClusterId, VNodeIndex, Epoch), Commitment>;

/// The hosting node's provider commits `(root, chunk_count)` for a vnode in the current epoch.
/// An empty vnode has nothing to prove and passes at once.
pub fn commit_root(
    h: &mut impl Host,
    cluster_id: ClusterId,
    vnode: VNodeIndex,
    epoch: Epoch,
    root: [u8; 32],
    chunk_count: u64,
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
    Commitments::insert(h, &key, &Commitment { node_id, root, chunk_count });
    h.emit(Event::RootCommitted { cluster_id, vnode, epoch, node_id, root, chunk_count });
    if chunk_count == 0 {
        record_pass(h, cluster_id, vnode, epoch, node_id);
    }
    Ok(())
}

pub fn commitment_get(h: &impl Host, cluster_id: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Option<Commitment> {
    Commitments::get(h, &(cluster_id, vnode, epoch))
}
