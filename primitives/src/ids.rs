//! Identifiers shared by the contract, the storage node and the validator (as in `ddc_bucket`).

pub type NodeId = u32;
pub type ClusterId = u32;
pub type BucketId = u32;
/// Index of a virtual node inside its cluster.
pub type VNodeIndex = u32;
/// Epoch number of a cluster.
pub type Epoch = u64;
