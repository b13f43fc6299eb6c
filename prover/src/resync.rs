//! Rebuilding a vnode replica this node took over (`cluster_replace_node`) from the object's
//! other replicas. The last host's manifest, kept by its peers, gives the log's layout at its last
//! commitment; the objects are fetched from the replicas that still hold them, appended in that
//! layout, and the rebuilt tree must hash to the root on the chain before this node commits its
//! own. Objects written after that commitment are then caught up from the peers' indexes.

use crate::peers::{failure, signed};
use crate::ring::placement;
use crate::state::{NodeState, Shared};
use crate::storage::index::{Manifest, ManifestEntry};
use crate::storage::{StorageError, Written};
use ddc_chain::{ChainError, Ddc};
use ddc_primitives::ids::{NodeId, VNodeIndex};
use reqwest::Method;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

/// Replicas of an object sit on consecutive vnodes; peers are searched this far either side.
const NEIGHBOURHOOD: u32 = 8;

#[derive(Debug, thiserror::Error)]
pub enum ResyncError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("no replica of {bucket}/{key} (version {version}) could be fetched: {reason}")]
    Unavailable { bucket: u32, key: String, version: u64, reason: String },
    /// A live peer refused to serve what the rebuild needs (it may not see this node in the
    /// cluster yet): the rebuild is retried rather than finishing with a replica missing data.
    #[error("peer {url} refused: {reason}")]
    PeerRefused { url: String, reason: String },
    #[error("the rebuilt replica hashes to {found}, not the root {expected} committed in epoch {epoch}")]
    RootMismatch { epoch: u64, expected: String, found: String },
}

/// What a resync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResyncReport {
    /// The epoch whose committed root the rebuilt replica was checked against.
    pub verified_epoch: Option<u64>,
    pub restored: usize,
    pub caught_up: usize,
}

/// Rebuilds `vnode` if this node holds nothing of it yet; with `resume`, carries on a rebuild
/// that failed part way (entries already restored at their place are kept).
pub async fn resync_vnode(state: &Shared, vnode: VNodeIndex, resume: bool) -> Result<ResyncReport, ResyncError> {
    let c = state.cluster_id;
    if !resume && state.storage.replica_meta((c, vnode))?.chunks > 0 {
        return Ok(ResyncReport::default());
    }
    let topo = state.topology().await?;
    let peers: Vec<(NodeId, String)> =
        topo.nodes.iter().filter(|(id, _)| **id != state.node_id).map(|(id, p)| (*id, p.url.clone())).collect();
    let mut report = ResyncReport::default();
    let mut restored: HashSet<(u32, String)> = HashSet::new();

    if let Some(manifest) = verified_manifest(state, vnode, &peers).await? {
        for entry in &manifest.entries {
            let kept = state.storage.object(c, vnode, entry.bucket, &entry.key)?;
            if kept.is_some_and(|m| (m.version, m.first_chunk) == (entry.meta.version, entry.meta.first_chunk)) {
                restored.insert((entry.bucket, entry.key.clone()));
                continue;
            }
            let file = fetch(state, vnode, entry).await?;
            let (s, e) = (state.storage.clone(), entry.clone());
            tokio::task::spawn_blocking(move || s.restore(c, vnode, &e, &mut open(&file)?))
                .await
                .map_err(|e| StorageError::Corrupt(e.to_string()))??;
            restored.insert((entry.bucket, entry.key.clone()));
        }
        let (count, root) = state.storage.state(c, vnode)?;
        // Catching up starts only once the root checked: a resumed rebuild already past the
        // manifest's length was checked by the attempt that failed later.
        let checked_before = resume && count > manifest.chunk_count;
        if !checked_before && (count, root) != (manifest.chunk_count, manifest.root) {
            return Err(ResyncError::RootMismatch {
                epoch: manifest.epoch,
                expected: hex::encode(manifest.root),
                found: hex::encode(root),
            });
        }
        tracing::info!(
            vnode,
            epoch = manifest.epoch,
            objects = restored.len(),
            "resynced replica matches the committed root"
        );
        report.verified_epoch = Some(manifest.epoch);
        report.restored = restored.len();
    }

    // Everything the peers hold that belongs on this vnode and is newer than the manifest.
    let mut newer: BTreeMap<(u64, u32, String), ManifestEntry> = BTreeMap::new();
    let n = topo.vnode_count();
    for d in 0..=(2 * NEIGHBOURHOOD).min(n) {
        let u = (vnode + n + d - NEIGHBOURHOOD.min(n)) % n;
        let Some(host) = topo.host(u).filter(|h| *h != state.node_id) else { continue };
        let url = &topo.nodes[&host].url;
        let resp = signed(state, Method::GET, url, &format!("/v1/internal/entries/{c}/{u}"), None).send().await;
        let Ok(resp) = resp else { continue };
        let resp = refused(resp, url).await?;
        let Ok(entries) = resp.json::<Vec<ManifestEntry>>().await else { continue };
        for e in entries {
            let Some(bucket) = state.view.bucket(e.bucket).await? else { continue };
            if placement(e.bucket, &e.key, n, bucket.params.replication).contains(&vnode) {
                newer.insert((e.meta.version, e.bucket, e.key.clone()), e);
            }
        }
    }
    for e in newer.into_values() {
        if restored.contains(&(e.bucket, e.key.clone())) {
            if let Some(m) = state.storage.object(c, vnode, e.bucket, &e.key)? {
                if m.version >= e.meta.version {
                    continue;
                }
            }
        }
        let s = state.storage.clone();
        let written = if e.meta.deleted {
            tokio::task::spawn_blocking(move || {
                s.delete(c, vnode, e.bucket, &e.key, e.meta.version, e.meta.order_signature)
            })
            .await
        } else {
            let file = fetch(state, vnode, &e).await?;
            tokio::task::spawn_blocking(move || {
                let m = &e.meta;
                s.put(c, vnode, e.bucket, &e.key, m.version, m.sha256, m.len, &mut open(&file)?, m.order_signature)
            })
            .await
        };
        if let Ok(Ok(Written::Stored(_))) = written {
            report.caught_up += 1;
        }
    }
    state.observe_replica(vnode);
    Ok(report)
}

/// A peer's answer, or why it refused (a dead peer is unreachable instead, and is skipped).
async fn refused(resp: reqwest::Response, url: &str) -> Result<reqwest::Response, ResyncError> {
    if resp.status().is_success() {
        return Ok(resp);
    }
    Err(ResyncError::PeerRefused { url: url.to_string(), reason: failure(resp).await })
}

fn open(path: &std::path::Path) -> Result<std::fs::File, StorageError> {
    std::fs::File::open(path).map_err(StorageError::io(path))
}

/// The newest manifest a peer kept for `vnode` whose root is the one committed on the chain.
async fn verified_manifest(
    state: &NodeState,
    vnode: VNodeIndex,
    peers: &[(NodeId, String)],
) -> Result<Option<Manifest>, ResyncError> {
    let c = state.cluster_id;
    let mut best: Option<Manifest> = None;
    for (_, url) in peers {
        let resp = signed(state, Method::GET, url, &format!("/v1/internal/manifest/{c}/{vnode}"), None).send().await;
        let Ok(resp) = resp else { continue };
        if resp.status() == reqwest::StatusCode::NOT_FOUND {
            continue;
        }
        let resp = refused(resp, url).await?;
        let Ok(m) = resp.json::<Manifest>().await else { continue };
        let on_chain = state.view.chain().commitment_get(c, vnode, m.epoch).await?;
        let matches = on_chain.is_some_and(|x| (x.root, x.chunk_count) == (m.root, m.chunk_count));
        if matches && best.as_ref().map_or(true, |b| m.epoch > b.epoch) {
            best = Some(m);
        }
    }
    Ok(best)
}

/// Fetches an object version from a node that holds another replica of it, checked by hash.
async fn fetch(state: &NodeState, vnode: VNodeIndex, entry: &ManifestEntry) -> Result<tempfile::TempPath, ResyncError> {
    let c = state.cluster_id;
    let topo = state.topology().await?;
    let unavailable = |reason: String| ResyncError::Unavailable {
        bucket: entry.bucket,
        key: entry.key.clone(),
        version: entry.meta.version,
        reason,
    };
    let bucket = state.view.bucket(entry.bucket).await?.ok_or_else(|| unavailable("the bucket is gone".into()))?;
    let mut reason = String::from("no other replica");
    for u in placement(entry.bucket, &entry.key, topo.vnode_count(), bucket.params.replication) {
        let Some(host) = topo.host(u).filter(|h| *h != state.node_id && u != vnode) else { continue };
        let path = format!("/v1/internal/data/{c}/{u}/{}/{}?version={}", entry.bucket, entry.key, entry.meta.version);
        let mut resp = match signed(state, Method::GET, &topo.nodes[&host].url, &path, None).send().await {
            Ok(r) if r.status().is_success() => r,
            Ok(r) => {
                reason = failure(r).await;
                continue;
            }
            Err(e) => {
                reason = e.to_string();
                continue;
            }
        };
        let version = resp.headers().get("x-ddc-version").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if version != Some(entry.meta.version) {
            reason = format!("vnode {u} holds version {version:?}");
            continue;
        }
        let path = tempfile::NamedTempFile::new_in(&state.spool_dir).map_err(|e| unavailable(e.to_string()))?;
        let (mut file, path) = path.into_parts();
        let mut hasher = Sha256::new();
        while let Some(piece) = resp.chunk().await.map_err(|e| unavailable(e.to_string()))? {
            hasher.update(&piece);
            file.write_all(&piece).map_err(|e| unavailable(e.to_string()))?;
        }
        if <[u8; 32]>::from(hasher.finalize()) == entry.meta.sha256 {
            return Ok(path);
        }
        reason = format!("vnode {u} returned bytes with another hash");
    }
    Err(unavailable(reason))
}
