//! The storage provider: the engine that stores vnode replicas as chunk logs with commitment trees
//! on disk (`storage`), ingest and proving (`prove`), and the `ddc node` daemon: HTTP API
//! (`server`), epoch driver (`epoch`), replication (`peers`, `ring`, `resync`), config and metrics.

pub mod auth;
pub mod chunks;
pub mod client;
pub mod config;
pub mod daemon;
pub mod epoch;
pub mod ingest;
pub mod metrics;
pub mod peers;
pub mod prove;
pub mod receipt;
pub mod receipt_store;
pub mod resync;
pub mod ring;
pub mod server;
pub mod shape;
pub mod state;
pub mod storage;
pub mod tree;
pub mod view;

pub use tree::{DiskStore, DiskTree, StoreError};
