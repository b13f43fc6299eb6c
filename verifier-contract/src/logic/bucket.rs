//! Buckets: a user's storage in a cluster, paid by a stream from the owner's deposit.

use super::store::{Map, Value};
use super::{
    account, check_params, cluster, tag, AccountId, Balance, BucketId, ClusterId, Error, Event, Host, Params, Resource,
    Result, Schedule,
};
use ink::prelude::{vec, vec::Vec};

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub owner_id: AccountId,
    pub cluster_id: ClusterId,
    /// The payment stream from the owner to the cluster, in USD.
    pub flow: Schedule,
    pub resource_reserved: Resource,
}

/// A bucket as clients see it (the seed leaves the flow out of the status).
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketInStatus {
    pub owner_id: AccountId,
    pub cluster_id: ClusterId,
    pub resource_reserved: Resource,
}

#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketStatus {
    pub bucket_id: BucketId,
    pub bucket: BucketInStatus,
    pub params: Params,
    pub writer_ids: Vec<AccountId>,
    /// Until when the owner's deposit pays for all its buckets.
    pub rent_covered_until_ms: u64,
}

type Buckets = Map<{ tag::BUCKET }, BucketId, Bucket>;
type BucketParams = Map<{ tag::BUCKET_PARAMS }, BucketId, Params>;
type BucketCount = Value<{ tag::BUCKET_COUNT }, u32>;

pub(crate) fn reserve_id_zero(h: &mut impl Host) {
    Buckets::insert(h, &0, &Bucket::default());
    BucketParams::insert(h, &0, &Params::new());
    BucketCount::set(h, &1);
}

pub(crate) fn get(h: &impl Host, bucket_id: BucketId) -> Result<Bucket> {
    Buckets::get(h, &bucket_id).ok_or(Error::BucketDoesNotExist)
}

/// The owner of the bucket, or the manager of its cluster.
fn only_owner_or_manager(h: &impl Host, bucket: &Bucket, cluster: &cluster::Cluster) -> Result<()> {
    let caller = h.caller();
    if caller != bucket.owner_id && caller != cluster.manager_id {
        return Err(Error::UnauthorizedOwner);
    }
    Ok(())
}

/// The caller becomes the owner (and gets an account if it had none).
pub fn bucket_create(h: &mut impl Host, bucket_params: Params, cluster_id: ClusterId) -> Result<BucketId> {
    check_params(&bucket_params)?;
    cluster::get(h, cluster_id)?;
    let owner_id = h.caller();
    let account = account::get_or_new(h, owner_id);
    account::Accounts::insert(h, &owner_id, &account);
    let bucket_id = BucketCount::get(h);
    BucketCount::set(h, &bucket_id.checked_add(1).ok_or(Error::Overflow)?);
    Buckets::insert(h, &bucket_id, &Bucket { owner_id, cluster_id, ..Default::default() });
    BucketParams::insert(h, &bucket_id, &bucket_params);
    h.emit(Event::BucketCreated { bucket_id, owner_id });
    Ok(bucket_id)
}

/// Reserves `resource` more per vnode of the cluster; the owner pays `total_rent × resource`
/// USD per month from now on.
pub fn bucket_alloc_into_cluster(h: &mut impl Host, bucket_id: BucketId, resource: Resource) -> Result<()> {
    let mut bucket = get(h, bucket_id)?;
    let mut cluster = cluster::get(h, bucket.cluster_id)?;
    only_owner_or_manager(h, &bucket, &cluster)?;
    let used = cluster.resource_used.checked_add(resource).ok_or(Error::Overflow)?;
    if used > cluster.resource_per_vnode {
        return Err(Error::InsufficientResources);
    }
    cluster.resource_used = used;
    bucket.resource_reserved = bucket.resource_reserved.checked_add(resource).ok_or(Error::Overflow)?;
    let extra = Schedule::new(h.now_ms(), cluster.rent(resource)?)?;
    bucket.flow.add_schedule(extra)?;
    let mut payer = account::account_get(h, bucket.owner_id)?;
    payer.payable_schedule.add_schedule(extra)?;
    account::Accounts::insert(h, &bucket.owner_id, &payer);
    Buckets::insert(h, &bucket_id, &bucket);
    cluster::Clusters::insert(h, &bucket.cluster_id, &cluster);
    h.emit(Event::BucketAllocated { bucket_id, cluster_id: bucket.cluster_id, resource });
    Ok(())
}

/// Releases all of the bucket's reservation: what streamed so far is settled, then the stream
/// stops (what the seed lacked).
pub fn bucket_dealloc_from_cluster(h: &mut impl Host, bucket_id: BucketId) -> Result<()> {
    let bucket = get(h, bucket_id)?;
    only_owner_or_manager(h, &bucket, &cluster::get(h, bucket.cluster_id)?)?;
    bucket_settle_payment(h, bucket_id)?;
    let mut bucket = get(h, bucket_id)?;
    let mut cluster = cluster::get(h, bucket.cluster_id)?;
    let now = h.now_ms();
    let mut payer = account::account_get(h, bucket.owner_id)?;
    payer.payable_schedule.remove_stream(now, bucket.flow.rate)?;
    account::Accounts::insert(h, &bucket.owner_id, &payer);
    cluster.resource_used = cluster.resource_used.saturating_sub(bucket.resource_reserved);
    let resource = bucket.resource_reserved;
    bucket.resource_reserved = 0;
    bucket.flow = Schedule::default();
    Buckets::insert(h, &bucket_id, &bucket);
    cluster::Clusters::insert(h, &bucket.cluster_id, &cluster);
    h.emit(Event::BucketDeallocated { bucket_id, cluster_id: bucket.cluster_id, resource });
    Ok(())
}

/// Moves what the bucket's stream produced since the last settlement into the cluster's
/// revenues. Anyone may call it.
pub fn bucket_settle_payment(h: &mut impl Host, bucket_id: BucketId) -> Result<()> {
    let mut bucket = get(h, bucket_id)?;
    let cash = account::settle_flow(h, bucket.owner_id, bucket_id, &mut bucket.flow)?;
    Buckets::insert(h, &bucket_id, &bucket);
    cluster::credit(h, bucket.cluster_id, cash)?;
    h.emit(Event::BucketSettlePayment { bucket_id, cluster_id: bucket.cluster_id });
    Ok(())
}

/// Adds arrears paid late to the revenues of the bucket's cluster.
pub(crate) fn credit_cluster(h: &mut impl Host, bucket_id: BucketId, value: Balance) -> Result<()> {
    cluster::credit(h, get(h, bucket_id)?.cluster_id, value)
}

pub fn bucket_change_params(h: &mut impl Host, bucket_id: BucketId, params: Params) -> Result<()> {
    check_params(&params)?;
    if get(h, bucket_id)?.owner_id != h.caller() {
        return Err(Error::UnauthorizedOwner);
    }
    BucketParams::insert(h, &bucket_id, &params);
    Ok(())
}

fn status(h: &impl Host, bucket_id: BucketId, bucket: Bucket) -> Result<BucketStatus> {
    Ok(BucketStatus {
        bucket_id,
        rent_covered_until_ms: account::covered_until(h, bucket.owner_id)?,
        writer_ids: vec![bucket.owner_id],
        params: BucketParams::get(h, &bucket_id).unwrap_or_default(),
        bucket: BucketInStatus {
            owner_id: bucket.owner_id,
            cluster_id: bucket.cluster_id,
            resource_reserved: bucket.resource_reserved,
        },
    })
}

pub fn bucket_get(h: &impl Host, bucket_id: BucketId) -> Result<BucketStatus> {
    status(h, bucket_id, get(h, bucket_id)?)
}

pub fn bucket_list(
    h: &impl Host,
    offset: u32,
    limit: u32,
    filter_owner_id: Option<AccountId>,
) -> (Vec<BucketStatus>, u32) {
    super::page(BucketCount::get(h), offset, limit, |bucket_id| {
        let bucket = Buckets::get(h, &bucket_id)?;
        if filter_owner_id.is_some_and(|o| o != bucket.owner_id) {
            return None;
        }
        status(h, bucket_id, bucket).ok()
    })
}

impl Default for Bucket {
    fn default() -> Self {
        Self { owner_id: super::zero_account(), cluster_id: 0, flow: Schedule::default(), resource_reserved: 0 }
    }
}
