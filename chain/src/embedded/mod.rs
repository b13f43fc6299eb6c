//! The embedded dev chain: the contract's rules executed natively, blocks on a timer, state
//! persisted atomically after every block, an HTTP RPC, and the client that talks to it.

pub mod client;
pub mod node;
pub mod server;

pub use client::EmbeddedClient;
pub use node::{ChainConfig, Node, NodeError};
