//! The embedded dev chain: the contract's rules executed natively, blocks on a timer, state
//! persisted atomically after every block, an HTTP RPC, and the client that talks to it.

pub mod client;
pub mod node;
pub mod server;

pub use client::EmbeddedClient;
pub use node::{ChainConfig, Node, NodeError};

/// The file in a chain's data directory that names its RPC URL, so that `embedded:PATH`
/// finds a running chain by where it keeps its state.
pub const RPC_URL_FILE: &str = "rpc.url";

/// Records where the chain whose state is in `data_dir` serves its RPC.
pub fn publish_rpc_url(data_dir: &std::path::Path, url: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    ddc_primitives::fs::write_atomic(&data_dir.join(RPC_URL_FILE), url.as_bytes())
}

/// The RPC URL of the chain whose state is in `data_dir`, as its process recorded it.
pub fn rpc_url_of(data_dir: &std::path::Path) -> std::io::Result<String> {
    Ok(std::fs::read_to_string(data_dir.join(RPC_URL_FILE))?.trim().to_string())
}
