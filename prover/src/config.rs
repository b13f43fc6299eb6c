//! `node.toml`: what a provider sets for a storage node (every field also as `DDC_NODE_*`).

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The circuit shape data is committed with when the cluster has no verification set yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeConfig {
    pub depth: u32,
    pub arity: usize,
    pub challenges: usize,
    pub chunk_bytes: usize,
}

impl Default for ShapeConfig {
    fn default() -> Self {
        Self { depth: 30, arity: 8, challenges: 32, chunk_bytes: 1024 }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Chunk logs, trees and the index live here.
    pub data_dir: PathBuf,
    /// Where the HTTP API listens.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The URL other nodes, validators and users reach this node at; registered on-chain.
    pub public_url: String,
    /// The chain: the embedded dev chain's RPC URL (`http://127.0.0.1:9944`) or data dir
    /// (`embedded:DIR`), or a Substrate node's WebSocket (`ws://…`, with `contract`).
    #[serde(default = "default_chain")]
    pub chain: String,
    /// The DDC contract's address on a Substrate chain (SS58 or hex).
    #[serde(default)]
    pub contract: Option<String>,
    /// The provider's secret key URI (sr25519). `//Name` dev keys are INSECURE.
    pub key: String,
    /// Serve this cluster; by default the first cluster that has this node.
    #[serde(default)]
    pub cluster_id: Option<u32>,
    /// Registration: rent per month and capacity (resource units) of the node.
    #[serde(default = "default_rent")]
    pub rent_per_month: u64,
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Proving keys written by `ddc setup` for the cluster's circuit shape.
    #[serde(default)]
    pub keys_dir: Option<PathBuf>,
    /// Derive INSECURE development keys when `keys_dir` has none (local networks only).
    #[serde(default)]
    pub dev_keys: bool,
    #[serde(default)]
    pub shape: ShapeConfig,
    /// Replicas that must be durable before a write is acknowledged; 0 = all R.
    #[serde(default)]
    pub write_quorum: u32,
    /// How long bucket and cluster state read from the chain is trusted.
    #[serde(default = "default_cache_ms")]
    pub chain_cache_ms: u64,
    /// Signed requests are accepted within ± this window of their timestamp.
    #[serde(default = "default_window_ms")]
    pub request_window_ms: u64,
    /// Proofs built at once (each uses every core).
    #[serde(default = "default_prove_concurrency")]
    pub prove_concurrency: usize,
    /// How often the epoch driver looks at the chain.
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
    /// Timeout of a request to another node.
    #[serde(default = "default_peer_timeout_ms")]
    pub peer_timeout_ms: u64,
    /// Compact a replica when at least this many of its chunks are dead and they outnumber the live.
    #[serde(default = "default_compact_min_chunks")]
    pub compact_min_chunks: u64,
    /// FAULT INJECTION for local networks: after a vnode's first commitment, silently zero this
    /// fraction of its chunks (a disk that lost data), so validators catch and slash the node.
    /// Never set it on a real node.
    #[serde(default)]
    pub chaos_drop_fraction: f64,
    /// FAULT INJECTION: commit only each replica's first chunk, as a node that kept one chunk
    /// of what it acknowledged would. Its proofs still verify; its users' receipts convict it.
    /// Never set it on a real node.
    #[serde(default)]
    pub chaos_shrink: bool,
}

fn default_listen() -> SocketAddr {
    "127.0.0.1:8080".parse().expect("address")
}
fn default_chain() -> String {
    "http://127.0.0.1:9944".into()
}
fn default_rent() -> u64 {
    10_000_000_000
}
fn default_capacity() -> u32 {
    100
}
fn default_cache_ms() -> u64 {
    2_000
}
fn default_window_ms() -> u64 {
    300_000
}
fn default_prove_concurrency() -> usize {
    1
}
fn default_poll_ms() -> u64 {
    500
}
fn default_peer_timeout_ms() -> u64 {
    30_000
}
fn default_compact_min_chunks() -> u64 {
    1 << 20
}

impl NodeConfig {
    /// The environment prefix of overrides.
    pub const ENV_PREFIX: &'static str = "DDC_NODE_";

    pub fn load(path: Option<&std::path::Path>) -> Result<Self, ddc_chain::settings::SettingsError> {
        ddc_chain::settings::load(path, Self::ENV_PREFIX)
    }
}
