//! The replica index in redb: what each vnode replica holds, which epochs it committed, and the
//! peers' manifests kept for resync. Every table commit is durable (redb fsyncs on commit), and
//! it is the commit point of a write: the log and tree are synced before it.

use ddc_primitives::ids::{BucketId, ClusterId, Epoch, VNodeIndex};
use redb::TableDefinition;
use serde::{Deserialize, Serialize};

/// `(cluster, vnode, bucket, key)` → [`ObjectMeta`] (JSON).
pub const OBJECTS: TableDefinition<(ClusterId, VNodeIndex, BucketId, &str), &[u8]> = TableDefinition::new("objects");
/// `(cluster, vnode)` → [`ReplicaMeta`] (JSON).
pub const REPLICAS: TableDefinition<(ClusterId, VNodeIndex), &[u8]> = TableDefinition::new("replicas");
/// `(cluster, vnode, epoch)` → [`CommitRecord`] (JSON).
pub const COMMITS: TableDefinition<(ClusterId, VNodeIndex, Epoch), &[u8]> = TableDefinition::new("commits");
/// `(cluster, vnode, epoch)` → 128-byte proof.
pub const PROOFS: TableDefinition<(ClusterId, VNodeIndex, Epoch), &[u8]> = TableDefinition::new("proofs");
/// `(cluster, vnode, generation, first_chunk)` → [`ManifestEntry`] (JSON): every append in log
/// order, overwritten and deleted versions included, so a manifest describes the whole log.
pub const JOURNAL: TableDefinition<(ClusterId, VNodeIndex, u32, u64), &[u8]> = TableDefinition::new("journal");
/// `(cluster, vnode, bucket, key, version)` → [`ObjectMeta`] (JSON): where each version's bytes are,
/// so peers can serve the versions a manifest names.
pub const LOCATIONS: TableDefinition<(ClusterId, VNodeIndex, BucketId, &str, u64), &[u8]> =
    TableDefinition::new("locations");
/// `(cluster, vnode)` → the newest [`Manifest`] its host pushed to this node (JSON).
pub const MANIFESTS: TableDefinition<(ClusterId, VNodeIndex), &[u8]> = TableDefinition::new("manifests");

/// One object version in one vnode replica.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectMeta {
    /// The signed request's timestamp (ms): the newest version wins, replays of older ones are no-ops.
    pub version: u64,
    pub len: u64,
    #[serde(with = "hex::serde")]
    pub sha256: [u8; 32],
    pub first_chunk: u64,
    pub chunks: u64,
    /// The log generation the chunks are in (compaction starts a new one).
    pub generation: u32,
    pub deleted: bool,
    /// The first epoch whose commitment must hold this version: the one after the replica's
    /// last commitment when it was written (what its receipts promise).
    #[serde(default)]
    pub liable_from: Epoch,
    /// The owner's signature of the write's order: the node's evidence, after it compacted the
    /// version away, that the owner deleted or overwrote it.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "signature")]
    pub order_signature: Option<[u8; 64]>,
}

/// An optional 64-byte signature as hex.
mod signature {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(sig: &Option<[u8; 64]>, s: S) -> Result<S::Ok, S::Error> {
        match sig {
            Some(sig) => s.serialize_str(&hex::encode(sig)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 64]>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else { return Ok(None) };
        let bytes = hex::decode(text).map_err(D::Error::custom)?;
        bytes.try_into().map(Some).map_err(|_| D::Error::custom("a signature is 64 bytes"))
    }
}

/// A vnode replica's state: its current log generation and how much of it is acknowledged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaMeta {
    pub generation: u32,
    /// Chunks in the current generation's log (= leaves of its tree).
    pub chunks: u64,
    /// Chunks that belong to live (not deleted, not overwritten) objects.
    pub live_chunks: u64,
    /// Earlier generations still on disk, with their final chunk counts, for proofs of
    /// commitments made before a compaction.
    #[serde(default)]
    pub retired: Vec<(u32, u64)>,
    /// The newest epoch this replica recorded a commitment for.
    #[serde(default)]
    pub last_commit: Option<Epoch>,
}

/// What this node committed on-chain for a vnode in an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRecord {
    pub generation: u32,
    #[serde(with = "hex::serde")]
    pub root: [u8; 32],
    pub chunk_count: u64,
}

/// One object in a replica's log, in log order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub bucket: BucketId,
    pub key: String,
    #[serde(flatten)]
    pub meta: ObjectMeta,
}

/// A vnode replica's log layout at a commit: enough for a replacement node to rebuild the log
/// byte for byte from the object's other replicas and check it against the committed root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub cluster: ClusterId,
    pub vnode: VNodeIndex,
    pub epoch: Epoch,
    #[serde(with = "hex::serde")]
    pub root: [u8; 32],
    pub chunk_count: u64,
    pub entries: Vec<ManifestEntry>,
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("index records serialize")
}

pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, super::StorageError> {
    serde_json::from_slice(bytes).map_err(|e| super::StorageError::Corrupt(format!("index record: {e}")))
}

/// A replica as `GET /v1/replicas` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaState {
    pub cluster: ClusterId,
    pub vnode: VNodeIndex,
    pub generation: u32,
    pub chunk_count: u64,
    pub live_chunks: u64,
    #[serde(with = "hex::serde")]
    pub root: [u8; 32],
}
