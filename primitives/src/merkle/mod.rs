//! Poseidon Merkle commitments of arity 2, 4 or 8 with zero-leaf padding.

mod path;
mod shape;
mod tree;

pub use path::MerklePath;
pub use shape::{node_hash, ShapeError, TreeShape, DEFAULT_ARITY_LOG2, MAX_CAPACITY_LOG2, ZERO_LEAF};
pub use tree::{AppendTree, MemStore, MemTree, NodeStore, Snapshot, TreeError};

#[cfg(test)]
mod tests;
