//! What the HTTP server, the epoch driver and resync share.

use crate::auth::ReplayGuard;
use crate::config::NodeConfig;
use crate::metrics::Metrics;
use crate::prove::ProofService;
use crate::storage::Storage;
use crate::view::{ChainView, Topology};
use ddc_chain::{ChainError, Signer};
use ddc_primitives::ids::{ClusterId, NodeId};
use std::path::PathBuf;
use std::sync::Arc;

pub struct NodeState {
    pub config: NodeConfig,
    pub node_id: NodeId,
    pub cluster_id: ClusterId,
    pub signer: Signer,
    pub storage: Arc<Storage>,
    pub view: ChainView,
    pub replay: ReplayGuard,
    pub metrics: Arc<Metrics>,
    pub proofs: ProofService,
    /// Client for other nodes of the cluster.
    pub http: reqwest::Client,
    /// Where request bodies are spooled before they are checked and stored.
    pub spool_dir: PathBuf,
}

impl NodeState {
    pub async fn topology(&self) -> Result<Arc<Topology>, ChainError> {
        self.view.topology(self.cluster_id).await
    }

    /// Refreshes the live-bytes gauge of a replica.
    pub fn observe_replica(&self, vnode: u32) {
        if let Ok(meta) = self.storage.replica_meta((self.cluster_id, vnode)) {
            let bytes = meta.live_chunks * self.storage.params().chunk_bytes as u64;
            self.metrics.bytes_stored.with_label_values(&[&vnode.to_string()]).set(bytes as i64);
        }
    }
}

pub type Shared = Arc<NodeState>;
