//! `ddc node`: registers the node on the chain (or finds its registration), waits to be placed
//! in a cluster, opens storage for the cluster's circuit shape, loads the proving keys, rebuilds
//! replicas it took over, then serves the HTTP API and drives epochs until SIGINT/SIGTERM, when it
//! finishes in-flight requests and exits.

use crate::auth::ReplayGuard;
use crate::config::NodeConfig;
use crate::metrics::Metrics;
use crate::prove::ProofService;
use crate::state::{NodeState, Shared};
use crate::storage::Storage;
use crate::view::{ChainView, NodeParams};
use crate::{epoch, resync, server};
use axum::serve::ListenerExt;
use ddc_chain::{ChainClient, ChainError, Ddc, Signer};
use ddc_circuits::storage::compound::Prover;
use ddc_circuits::storage::keys::{load_or_write_dev_prover, load_prover, KeyError};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::{encode_vk, vk_hash};
use ddc_primitives::ids::{ClusterId, NodeId};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error("key: {0}")]
    Key(String),
    #[error("chain: {0}")]
    Chain(#[from] ChainError),
    #[error("storage: {0}")]
    Storage(#[from] crate::storage::StorageError),
    #[error("proving keys: {0}")]
    Keys(#[from] KeyError),
    #[error("{0}")]
    Config(String),
    #[error("listening on {addr}: {source}")]
    Listen { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("stopped before the node joined a cluster")]
    Stopped,
}

/// Runs the node until `stop` is cancelled.
pub async fn run(config: NodeConfig, stop: CancellationToken) -> Result<(), DaemonError> {
    let signer = Signer::operator(&config.key).map_err(|e| DaemonError::Key(e.to_string()))?;
    let chain = ddc_chain::reconnect::connect_patiently(
        &config.chain,
        config.contract.as_deref(),
        signer.clone(),
        stop.clone().cancelled_owned(),
    )
    .await?
    .ok_or(DaemonError::Stopped)?;
    let node_id = register(chain.as_ref(), &config).await?;
    let cluster_id = wait_for_cluster(chain.as_ref(), node_id, config.cluster_id, &stop).await?;
    let verification = chain.cluster_verification(cluster_id).await?;
    let params = match &verification {
        Some(v) => crate::shape::storage_params(&v.config.shape),
        None => StorageParams {
            depth: config.shape.depth,
            arity: config.shape.arity,
            challenges: config.shape.challenges,
            chunk_bytes: config.shape.chunk_bytes,
        },
    }
    .checked()
    .map_err(|e| DaemonError::Config(format!("circuit shape: {e}")))?;
    let prover = load_keys(&config, &params, verification.map(|v| v.config.vk_hash))?;

    let storage = Arc::new(Storage::open(&config.data_dir.join("storage"), params)?);
    let spool_dir = config.data_dir.join("spool");
    std::fs::create_dir_all(&spool_dir).map_err(|e| DaemonError::Config(format!("{}: {e}", spool_dir.display())))?;
    let metrics = Arc::new(Metrics::new());
    let state: Shared = Arc::new(NodeState {
        node_id,
        cluster_id,
        signer,
        proofs: ProofService::new(prover, storage.clone(), node_id, config.prove_concurrency, metrics.clone()),
        storage,
        view: ChainView::new(chain, Duration::from_millis(config.chain_cache_ms)),
        replay: ReplayGuard::new(config.request_window_ms),
        metrics,
        http: reqwest::Client::new(),
        spool_dir,
        config,
    });
    let topo = state.topology().await?;
    for v in topo.hosted_by(node_id) {
        state.observe_replica(v);
        // Before serving, so no new write lands ahead of the rebuilt log.
        match resync::resync_vnode(&state, v, false).await {
            Ok(r) if r.restored + r.caught_up > 0 => tracing::info!(vnode = v, ?r, "resynced"),
            Ok(_) => {}
            Err(e) => tracing::error!(vnode = v, "resync failed, serving what is here: {e}"),
        }
    }

    let addr = state.config.listen;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| DaemonError::Listen { addr, source })?;
    // Object bodies stream from files after their headers went out alone. Under Nagle's
    // algorithm the body then waits for the client's delayed ACK, about 40 ms on Linux.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set: {e}");
        }
    });
    tracing::info!(node = node_id, cluster = cluster_id, %addr, url = state.config.public_url, shape = params.name(), "serving");
    let driver = tokio::spawn(epoch::run(state.clone(), stop.clone()));
    let app = server::router(state.clone());
    let served = axum::serve(listener, app).with_graceful_shutdown(stop.clone().cancelled_owned()).await;
    let _ = driver.await;
    served.map_err(|source| DaemonError::Listen { addr, source })?;
    tracing::info!(node = node_id, "stopped: in-flight requests finished, storage closed");
    Ok(())
}

/// This provider's node serving `public_url`, created if there is none.
async fn register(chain: &dyn ChainClient, config: &NodeConfig) -> Result<NodeId, DaemonError> {
    let me = chain.account();
    let mut offset = 0;
    loop {
        let (nodes, total) = chain.node_list(offset, 100, Some(me)).await?;
        for n in &nodes {
            if serde_json::from_str::<NodeParams>(&n.params).is_ok_and(|p| p.url == config.public_url) {
                tracing::info!(node = n.node_id, "found this node's registration");
                return Ok(n.node_id);
            }
        }
        offset += nodes.len() as u32;
        if nodes.is_empty() || offset >= total {
            break;
        }
    }
    let params = serde_json::to_string(&NodeParams { url: config.public_url.clone() }).expect("params serialize");
    let id = chain.node_create(config.rent_per_month as u128, params, config.capacity).await?;
    tracing::info!(node = id, url = config.public_url, "registered the node on the chain");
    Ok(id)
}

/// The cluster this node serves: the configured one, or the first that has it, once it does.
async fn wait_for_cluster(
    chain: &dyn ChainClient,
    node_id: NodeId,
    wanted: Option<ClusterId>,
    stop: &CancellationToken,
) -> Result<ClusterId, DaemonError> {
    let mut said = false;
    loop {
        let (clusters, _): (Vec<ddc_verifier_contract::logic::ClusterStatus>, u32) =
            chain.query("cluster_list", (0u32, 1000u32, None::<ddc_chain::AccountId>)).await?;
        let found = clusters
            .iter()
            .find(|c| wanted.map_or(true, |w| w == c.cluster_id) && c.cluster.vnodes.contains(&node_id))
            .map(|c| c.cluster_id);
        if let Some(id) = found {
            return Ok(id);
        }
        if !said {
            tracing::info!(node = node_id, "waiting for a cluster manager to add this node to a cluster");
            said = true;
        }
        tokio::select! {
            _ = stop.cancelled() => return Err(DaemonError::Stopped),
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

/// The proving key of `params`, checked against the verifying key the cluster pinned on-chain.
fn load_keys(config: &NodeConfig, params: &StorageParams, pinned: Option<[u8; 32]>) -> Result<Prover, DaemonError> {
    let dir = config.keys_dir.clone().unwrap_or_else(|| config.data_dir.join("keys"));
    let loaded = if config.dev_keys {
        load_or_write_dev_prover(&dir, params)
    } else {
        load_prover(&dir, params).map(|(p, _)| p)
    };
    let prover = match loaded {
        Ok(p) => p,
        Err(KeyError::Missing(name, dir)) => {
            return Err(DaemonError::Config(format!(
                "no proving keys for circuit {name} in {}: run `ddc setup --out {}` with the cluster's shape, \
                 or set dev_keys = true on a local network",
                dir.display(),
                dir.display()
            )))
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(pinned) = pinned {
        let ours = vk_hash(&encode_vk(prover.verifying_key()));
        if ours != pinned {
            return Err(DaemonError::Config(format!(
                "the proving key's verifying key hashes to {}, the cluster pinned {}: proofs would fail",
                hex::encode(ours),
                hex::encode(pinned)
            )));
        }
    }
    Ok(prover)
}
