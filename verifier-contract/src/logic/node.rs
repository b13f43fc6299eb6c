//! Storage nodes: a provider's offer of capacity at a monthly rent.

use super::store::{Map, Value};
use super::{check_params, tag, AccountId, Balance, Error, Event, Host, NodeId, Params, Resource, Result};
use ink::prelude::vec::Vec;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub provider_id: AccountId,
    pub rent_per_month: Balance,
    pub free_resource: Resource,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeStatus {
    pub node_id: NodeId,
    pub node: Node,
    pub params: Params,
}

pub(crate) type Nodes = Map<{ tag::NODE }, NodeId, Node>;
type NodeParams = Map<{ tag::NODE_PARAMS }, NodeId, Params>;
/// Number of node ids handed out, id 0 included.
type NodeCount = Value<{ tag::NODE_COUNT }, u32>;

pub(crate) fn reserve_id_zero(h: &mut impl Host) {
    Nodes::insert(h, &0, &Node::default());
    NodeParams::insert(h, &0, &Params::new());
    NodeCount::set(h, &1);
}

pub(crate) fn get(h: &impl Host, node_id: NodeId) -> Result<Node> {
    if node_id == 0 {
        return Err(Error::NodeDoesNotExist);
    }
    Nodes::get(h, &node_id).ok_or(Error::NodeDoesNotExist)
}

impl Node {
    pub(crate) fn take_resource(&mut self, amount: Resource) -> Result<()> {
        self.free_resource = self.free_resource.checked_sub(amount).ok_or(Error::InsufficientResources)?;
        Ok(())
    }

    pub(crate) fn put_resource(&mut self, amount: Resource) {
        self.free_resource = self.free_resource.saturating_add(amount);
    }
}

/// The caller becomes the node's provider.
pub fn node_create(
    h: &mut impl Host,
    rent_per_month: Balance,
    node_params: Params,
    capacity: Resource,
) -> Result<NodeId> {
    check_params(&node_params)?;
    let provider_id = h.caller();
    let node_id = NodeCount::get(h);
    let next = node_id.checked_add(1).ok_or(Error::Overflow)?;
    Nodes::insert(h, &node_id, &Node { provider_id, rent_per_month, free_resource: capacity });
    NodeParams::insert(h, &node_id, &node_params);
    NodeCount::set(h, &next);
    h.emit(Event::NodeCreated { node_id, provider_id, rent_per_month, node_params });
    Ok(node_id)
}

pub fn node_change_params(h: &mut impl Host, node_id: NodeId, params: Params) -> Result<()> {
    check_params(&params)?;
    let node = get(h, node_id)?;
    if node.provider_id != h.caller() {
        return Err(Error::UnauthorizedProvider);
    }
    NodeParams::insert(h, &node_id, &params);
    Ok(())
}

pub fn node_get(h: &impl Host, node_id: NodeId) -> Result<NodeStatus> {
    let node = get(h, node_id)?;
    Ok(NodeStatus { node_id, node, params: NodeParams::get(h, &node_id).unwrap_or_default() })
}

/// Nodes with ids in `[offset, offset + limit)`, optionally of one provider, and the number of
/// ids handed out (id 0 included), as in the seed.
pub fn node_list(
    h: &impl Host,
    offset: u32,
    limit: u32,
    filter_provider_id: Option<AccountId>,
) -> (Vec<NodeStatus>, u32) {
    super::page(NodeCount::get(h), offset, limit, |node_id| {
        let node = Nodes::get(h, &node_id)?;
        if filter_provider_id.is_some_and(|p| p != node.provider_id) {
            return None;
        }
        Some(NodeStatus { node_id, node, params: NodeParams::get(h, &node_id).unwrap_or_default() })
    })
}

impl Default for Node {
    fn default() -> Self {
        Self { provider_id: super::zero_account(), rent_per_month: 0, free_resource: 0 }
    }
}
