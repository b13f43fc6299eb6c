//! Clusters: a manager's grouping of nodes into virtual nodes, and the sharing of revenues.

use super::fee::{bp_of, Fees};
use super::store::{Map, Value};
use super::{
    account, check_params, node, perm, pos, tag, AccountId, Balance, ClusterId, Error, Event, Host, NodeId, Params,
    Permission, Resource, Result, VNodeIndex,
};
use ink::prelude::vec::Vec;

/// At most this many vnodes per cluster.
pub const MAX_VNODES: u32 = 300;

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub manager_id: AccountId,
    /// The node hosting each vnode.
    pub vnodes: Vec<NodeId>,
    pub resource_per_vnode: Resource,
    pub resource_used: Resource,
    /// CERE paid in by buckets and not yet distributed.
    pub revenues: Balance,
    /// Σ rent of the vnodes' nodes, USD per month per resource unit.
    pub total_rent: Balance,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterStatus {
    pub cluster_id: ClusterId,
    pub cluster: Cluster,
    pub params: Params,
}

pub(crate) type Clusters = Map<{ tag::CLUSTER }, ClusterId, Cluster>;
type ClusterParams = Map<{ tag::CLUSTER_PARAMS }, ClusterId, Params>;
type ClusterCount = Value<{ tag::CLUSTER_COUNT }, u32>;
/// Fees sent to the zero account: kept by the contract, never spendable.
pub(crate) type Burned = Value<{ tag::BURNED }, Balance>;

pub(crate) fn reserve_id_zero(h: &mut impl Host) {
    Clusters::insert(h, &0, &Cluster::default());
    ClusterParams::insert(h, &0, &Params::new());
    ClusterCount::set(h, &1);
}

pub(crate) fn get(h: &impl Host, cluster_id: ClusterId) -> Result<Cluster> {
    if cluster_id == 0 {
        return Err(Error::ClusterDoesNotExist);
    }
    Clusters::get(h, &cluster_id).ok_or(Error::ClusterDoesNotExist)
}

impl Cluster {
    pub(crate) fn only_manager(&self, caller: AccountId) -> Result<()> {
        if self.manager_id != caller {
            return Err(Error::UnauthorizedClusterManager);
        }
        Ok(())
    }

    /// USD per month for `resource` units on every vnode.
    pub(crate) fn rent(&self, resource: Resource) -> Result<Balance> {
        self.total_rent.checked_mul(resource as Balance).ok_or(Error::Overflow)
    }

    pub(crate) fn node_of(&self, vnode: VNodeIndex) -> Result<NodeId> {
        self.vnodes.get(vnode as usize).copied().ok_or(Error::VNodeDoesNotExist)
    }
}

fn total_rent(h: &impl Host, vnodes: &[NodeId]) -> Result<Balance> {
    vnodes
        .iter()
        .try_fold(0 as Balance, |sum, id| sum.checked_add(node::get(h, *id)?.rent_per_month).ok_or(Error::Overflow))
}

fn check_trusted(h: &impl Host, manager: AccountId, node: &node::Node) -> Result<()> {
    if !perm::has_permission(h, manager, Permission::ManagerTrustedBy(node.provider_id)) {
        return Err(Error::ClusterManagerIsNotTrusted);
    }
    Ok(())
}

/// The caller becomes the manager; vnodes go round-robin over `node_ids`.
pub fn cluster_create(
    h: &mut impl Host,
    vnode_count: u32,
    node_ids: Vec<NodeId>,
    cluster_params: Params,
) -> Result<ClusterId> {
    check_params(&cluster_params)?;
    let manager = h.caller();
    if vnode_count == 0 {
        return Err(Error::NoVNodes);
    }
    if vnode_count > MAX_VNODES {
        return Err(Error::TooManyVNodes);
    }
    if node_ids.is_empty() {
        return Err(Error::NoNodes);
    }
    for id in &node_ids {
        check_trusted(h, manager, &node::get(h, *id)?)?;
    }
    let vnodes: Vec<NodeId> = (0..vnode_count as usize).map(|i| node_ids[i % node_ids.len()]).collect();
    let total_rent = total_rent(h, &vnodes)?;
    let cluster_id = ClusterCount::get(h);
    ClusterCount::set(h, &cluster_id.checked_add(1).ok_or(Error::Overflow)?);
    let cluster = Cluster { manager_id: manager, vnodes, total_rent, ..Default::default() };
    Clusters::insert(h, &cluster_id, &cluster);
    ClusterParams::insert(h, &cluster_id, &cluster_params);
    h.emit(Event::ClusterCreated { cluster_id, manager, cluster_params });
    Ok(cluster_id)
}

/// Reserves `amount` more on every vnode, out of its node's free capacity.
pub fn cluster_reserve_resource(h: &mut impl Host, cluster_id: ClusterId, amount: Resource) -> Result<()> {
    let mut cluster = get(h, cluster_id)?;
    cluster.only_manager(h.caller())?;
    cluster.resource_per_vnode = cluster.resource_per_vnode.checked_add(amount).ok_or(Error::Overflow)?;
    for node_id in &cluster.vnodes {
        let mut node = node::get(h, *node_id)?;
        node.take_resource(amount)?;
        node::Nodes::insert(h, node_id, &node);
    }
    Clusters::insert(h, &cluster_id, &cluster);
    h.emit(Event::ClusterReserveResource { cluster_id, resource: amount });
    Ok(())
}

/// Moves a vnode (and its reservation) to another node; `total_rent` follows the new rents.
pub fn cluster_replace_node(
    h: &mut impl Host,
    cluster_id: ClusterId,
    vnode_index: VNodeIndex,
    new_node_id: NodeId,
) -> Result<()> {
    let mut cluster = get(h, cluster_id)?;
    let manager = h.caller();
    cluster.only_manager(manager)?;
    let old_node_id = cluster.node_of(vnode_index)?;
    check_trusted(h, manager, &node::get(h, new_node_id)?)?;
    let mut old_node = node::get(h, old_node_id)?;
    old_node.put_resource(cluster.resource_per_vnode);
    node::Nodes::insert(h, &old_node_id, &old_node);
    // Read after the release: the new node may be the old one.
    let mut new_node = node::get(h, new_node_id)?;
    new_node.take_resource(cluster.resource_per_vnode)?;
    node::Nodes::insert(h, &new_node_id, &new_node);
    cluster.vnodes[vnode_index as usize] = new_node_id;
    cluster.total_rent = total_rent(h, &cluster.vnodes)?;
    Clusters::insert(h, &cluster_id, &cluster);
    // The new node starts with a clean fault record.
    pos::reset_streak(h, cluster_id, vnode_index);
    h.emit(Event::ClusterNodeReplaced { cluster_id, node_id: new_node_id, vnode_index });
    Ok(())
}

pub fn cluster_change_params(h: &mut impl Host, cluster_id: ClusterId, params: Params) -> Result<()> {
    check_params(&params)?;
    get(h, cluster_id)?.only_manager(h.caller())?;
    ClusterParams::insert(h, &cluster_id, &params);
    Ok(())
}

pub fn cluster_get(h: &impl Host, cluster_id: ClusterId) -> Result<ClusterStatus> {
    let cluster = get(h, cluster_id)?;
    Ok(ClusterStatus { cluster_id, cluster, params: ClusterParams::get(h, &cluster_id).unwrap_or_default() })
}

pub fn cluster_list(
    h: &impl Host,
    offset: u32,
    limit: u32,
    filter_manager_id: Option<AccountId>,
) -> (Vec<ClusterStatus>, u32) {
    super::page(ClusterCount::get(h), offset, limit, |cluster_id| {
        let cluster = Clusters::get(h, &cluster_id)?;
        if filter_manager_id.is_some_and(|m| m != cluster.manager_id) {
            return None;
        }
        Some(ClusterStatus { cluster_id, cluster, params: ClusterParams::get(h, &cluster_id).unwrap_or_default() })
    })
}

/// Pays `value` to `to`; the zero account burns it (the contract keeps it, spendable by nobody).
pub(crate) fn pay(h: &mut impl Host, to: AccountId, value: Balance) -> Result<()> {
    if value == 0 {
        return Ok(());
    }
    if to == super::zero_account() {
        let burned = Burned::get(h).saturating_add(value);
        Burned::set(h, &burned);
        return Ok(());
    }
    h.transfer(to, value)
}

/// Adds `value` paid in by a bucket to the cluster's revenues.
pub(crate) fn credit(h: &mut impl Host, cluster_id: ClusterId, value: Balance) -> Result<()> {
    let mut cluster = get(h, cluster_id)?;
    cluster.revenues = cluster.revenues.checked_add(value).ok_or(Error::Overflow)?;
    Clusters::insert(h, &cluster_id, &cluster);
    Ok(())
}

/// Pays a provider its share: the seed's event, then the value paid.
fn pay_provider(h: &mut impl Host, cluster_id: ClusterId, provider_id: AccountId, value: Balance) -> Result<()> {
    pay(h, provider_id, value)?;
    h.emit(Event::ClusterDistributeRevenues { cluster_id, provider_id });
    h.emit(Event::ProviderPaid { cluster_id, provider_id, value });
    Ok(())
}

/// Shares out the cluster's revenues: the network fee, the management fee, the validators' fee
/// (clusters with verification), then an equal share per vnode to its provider; the rounding
/// remainder stays. With verification on, only epochs past their dispute window are paid out,
/// and a vnode's share of an epoch goes only to a node with a pass for it (else to the treasury).
pub fn cluster_distribute_revenues(h: &mut impl Host, cluster_id: ClusterId) -> Result<()> {
    let mut cluster = get(h, cluster_id)?;
    let settlement = pos::settlement(h, cluster_id)?;
    let pot = match &settlement {
        None => cluster.revenues,
        Some(s) => s.portion(cluster.revenues),
    };
    cluster.revenues -= pot;
    let fees = Fees::get(h);
    let network_fee = bp_of(pot, fees.network_fee_bp);
    let management_fee = bp_of(pot - network_fee, fees.cluster_management_fee_bp);
    let mut rest = pot - network_fee - management_fee;
    pay(h, fees.network_fee_destination, network_fee)?;
    pay(h, cluster.manager_id, management_fee)?;
    if let Some(s) = &settlement {
        rest -= pos::pay_validators(h, cluster_id, bp_of(rest, s.validator_fee_bp))?;
    }
    let shares = cluster.vnodes.len() as Balance;
    let per_share = rest / shares;
    cluster.revenues += rest - per_share * shares;
    match &settlement {
        None => {
            for node_id in &cluster.vnodes {
                let provider_id = node::get(h, *node_id)?.provider_id;
                pay_provider(h, cluster_id, provider_id, per_share)?;
            }
        }
        Some(s) => {
            let epochs = s.epochs();
            let per_epoch = per_share / epochs as Balance;
            cluster.revenues += (per_share - per_epoch * epochs as Balance) * shares;
            let mut withheld = 0;
            for vnode in 0..cluster.vnodes.len() {
                let mut paid: Vec<(AccountId, Balance)> = Vec::new();
                for epoch in s.from..s.to {
                    match pos::payee(h, cluster_id, vnode as VNodeIndex, epoch)? {
                        Some(payee) => {
                            let provider = node::get(h, payee)?.provider_id;
                            match paid.iter_mut().find(|(p, _)| *p == provider) {
                                Some((_, v)) => *v += per_epoch,
                                None => paid.push((provider, per_epoch)),
                            }
                        }
                        None => withheld += per_epoch,
                    }
                }
                for (provider_id, value) in paid {
                    pay_provider(h, cluster_id, provider_id, value)?;
                }
            }
            account::to_treasury(h, withheld);
            pos::mark_settled(h, cluster_id, s.to);
            h.emit(Event::EpochsSettled { cluster_id, from: s.from, to: s.to, withheld });
        }
    }
    Clusters::insert(h, &cluster_id, &cluster);
    Ok(())
}

impl Default for Cluster {
    fn default() -> Self {
        Self {
            manager_id: super::zero_account(),
            vnodes: Vec::new(),
            resource_per_vnode: 0,
            resource_used: 0,
            revenues: 0,
            total_rent: 0,
        }
    }
}
