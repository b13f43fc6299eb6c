//! The node's view of the chain: the cluster's topology and the buckets it serves, each cached
//! for a short time so a request costs no chain round trip while state stays fresh.

use ddc_chain::rpc::{account_from_hex, from_hex};
use ddc_chain::{AccountId, ChainClient, ChainError, Ddc};
use ddc_primitives::ids::{BucketId, ClusterId, NodeId, VNodeIndex};
use ddc_verifier_contract::logic::{BucketStatus, Error as ContractError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A node's on-chain params (JSON): where it serves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeParams {
    pub url: String,
}

/// A bucket's on-chain params (JSON); an empty string means the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketParams {
    /// Replicas per object (R), capped at the cluster's vnode count.
    #[serde(default = "default_replication")]
    pub replication: u32,
    /// Anyone may read the bucket's objects without signing.
    #[serde(default)]
    pub public_read: bool,
    /// Accounts (hex) that may read with signed requests: those objects are shared with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readers: Vec<String>,
    /// Accounts' (hex) X25519 encryption public keys (hex): data keys are wrapped to them, and
    /// a reader trusts a wrap only from a key published here for the owner or a writer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_keys: BTreeMap<String, String>,
}

fn default_replication() -> u32 {
    3
}

impl Default for BucketParams {
    fn default() -> Self {
        Self {
            replication: default_replication(),
            public_read: false,
            readers: Vec::new(),
            encryption_keys: BTreeMap::new(),
        }
    }
}

/// An account as bucket params name it: lowercase hex of its 32 bytes.
pub fn account_hex(account: &AccountId) -> String {
    hex::encode(<AccountId as AsRef<[u8; 32]>>::as_ref(account))
}

impl BucketParams {
    pub fn is_reader(&self, account: &AccountId) -> bool {
        self.readers.iter().any(|r| account_from_hex(r).as_ref() == Ok(account))
    }

    /// `account`'s published encryption key.
    pub fn encryption_key(&self, account: &AccountId) -> Option<[u8; 32]> {
        let (_, key) = self.encryption_keys.iter().find(|(a, _)| account_from_hex(a).as_ref() == Ok(account))?;
        from_hex(key).ok()?.try_into().ok()
    }

    pub fn parse(params: &str) -> Self {
        if params.trim().is_empty() {
            return Self::default();
        }
        serde_json::from_str(params).unwrap_or_else(|e| {
            tracing::warn!("bucket params {params:?} are not valid JSON ({e}); using the defaults");
            Self::default()
        })
    }
}

#[derive(Clone, Debug)]
pub struct Peer {
    pub url: String,
    pub provider: AccountId,
}

/// Which node hosts each vnode of the cluster, and how to reach the nodes.
#[derive(Clone, Debug)]
pub struct Topology {
    pub cluster_id: ClusterId,
    pub vnodes: Vec<NodeId>,
    pub nodes: HashMap<NodeId, Peer>,
}

impl Topology {
    pub fn vnode_count(&self) -> u32 {
        self.vnodes.len() as u32
    }
    pub fn hosted_by(&self, node: NodeId) -> Vec<VNodeIndex> {
        (0..self.vnode_count()).filter(|v| self.vnodes[*v as usize] == node).collect()
    }
    pub fn host(&self, vnode: VNodeIndex) -> Option<NodeId> {
        self.vnodes.get(vnode as usize).copied()
    }
    /// The node whose provider key is `account`, if it is in the cluster.
    pub fn node_of(&self, account: &AccountId) -> Option<NodeId> {
        self.nodes.iter().find(|(_, p)| &p.provider == account).map(|(id, _)| *id)
    }
}

/// A bucket as the node checks requests against it.
#[derive(Clone, Debug)]
pub struct Bucket {
    pub status: BucketStatus,
    pub params: BucketParams,
    /// The chain's clock when the status was read, and when that was locally.
    pub chain_now_ms: u64,
    pub read_at: Instant,
}

impl Bucket {
    /// Whether the owner's deposit still covers the rent, by the chain's clock.
    pub fn paid(&self) -> bool {
        let now = self.chain_now_ms + self.read_at.elapsed().as_millis() as u64;
        self.status.rent_covered_until_ms > now
    }
    pub fn may_write(&self, account: &AccountId) -> bool {
        &self.status.bucket.owner_id == account || self.status.writer_ids.contains(account)
    }
    pub fn may_read(&self, account: Option<&AccountId>) -> bool {
        self.params.public_read || account.is_some_and(|a| self.may_write(a) || self.params.is_reader(a))
    }
}

/// A value and when it was read.
type Cached<T> = (Instant, T);

pub struct ChainView {
    chain: Arc<dyn ChainClient>,
    ttl: Duration,
    topology: Mutex<Option<(Instant, Arc<Topology>)>>,
    buckets: Mutex<HashMap<BucketId, Cached<Option<Arc<Bucket>>>>>,
}

impl ChainView {
    pub fn new(chain: Arc<dyn ChainClient>, ttl: Duration) -> Self {
        Self { chain, ttl, topology: Mutex::new(None), buckets: Mutex::new(HashMap::new()) }
    }

    pub fn chain(&self) -> &Arc<dyn ChainClient> {
        &self.chain
    }

    /// The cluster's topology, re-read when older than the cache time.
    pub async fn topology(&self, cluster_id: ClusterId) -> Result<Arc<Topology>, ChainError> {
        if let Some((at, t)) = self.topology.lock().expect("view lock").as_ref() {
            if at.elapsed() < self.ttl && t.cluster_id == cluster_id {
                return Ok(t.clone());
            }
        }
        let cluster = self.chain.cluster_get(cluster_id).await?;
        let mut nodes = HashMap::new();
        for id in &cluster.cluster.vnodes {
            if nodes.contains_key(id) {
                continue;
            }
            let node = self.chain.node_get(*id).await?;
            let url = serde_json::from_str::<NodeParams>(&node.params).map(|p| p.url).unwrap_or_default();
            nodes.insert(*id, Peer { url, provider: node.node.provider_id });
        }
        let t = Arc::new(Topology { cluster_id, vnodes: cluster.cluster.vnodes, nodes });
        *self.topology.lock().expect("view lock") = Some((Instant::now(), t.clone()));
        Ok(t)
    }

    /// A bucket, or `None` if it does not exist.
    pub async fn bucket(&self, id: BucketId) -> Result<Option<Arc<Bucket>>, ChainError> {
        if let Some((at, b)) = self.buckets.lock().expect("view lock").get(&id) {
            if at.elapsed() < self.ttl {
                return Ok(b.clone());
            }
        }
        let head = self.chain.head().await?;
        let bucket = match self.chain.bucket_get(id).await {
            Ok(status) => Some(Arc::new(Bucket {
                params: BucketParams::parse(&status.params),
                status,
                chain_now_ms: head.now_ms,
                read_at: Instant::now(),
            })),
            Err(ChainError::Contract(ContractError::BucketDoesNotExist)) => None,
            Err(e) => return Err(e),
        };
        self.buckets.lock().expect("view lock").insert(id, (Instant::now(), bucket.clone()));
        Ok(bucket)
    }
}
