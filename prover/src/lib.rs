//! The storage provider's engine: vnode commitment trees persisted on disk, ingest of chunked
//! data into them, and the chunk reads the proof service needs.

pub mod chunks;
pub mod ingest;
pub mod storage;
pub mod tree;

pub use tree::{DiskStore, DiskTree, StoreError};
