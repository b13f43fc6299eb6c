//! The storage proof: K challenged chunks of a committed vnode, opened against its root.
//!
//! Public inputs are only `(root, chunk_count, seed)`; the circuit derives the indices itself.

pub mod circuit;
pub mod compound;
pub mod keys;
pub mod vanilla;

use crate::merkle::{ShapeError, TreeShape};
use ddc_primitives::challenge::DEFAULT_CHALLENGES;
use ddc_primitives::packing::DEFAULT_CHUNK_BYTES;
use serde::{Deserialize, Serialize};

/// Most nodes a shared top may witness (a selection among them costs one constraint per node).
pub const MAX_SHARED_NODES: usize = 512;

/// The shape of one storage-proof circuit; each has its own keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StorageParams {
    /// The tree holds up to `2^depth` chunks.
    pub depth: u32,
    pub arity: usize,
    pub challenges: usize,
    pub chunk_bytes: usize,
}

impl StorageParams {
    pub fn new(depth: u32, challenges: usize, chunk_bytes: usize) -> Result<Self, ParamsError> {
        Self { depth, arity: 1 << crate::merkle::DEFAULT_ARITY_LOG2, challenges, chunk_bytes }.checked()
    }

    /// Validates the parameters (so the circuit never sees a nonsensical shape).
    pub fn checked(self) -> Result<Self, ParamsError> {
        TreeShape::for_depth(self.arity, self.depth)?;
        if self.challenges == 0 || self.challenges > 1024 {
            return Err(ParamsError::Challenges(self.challenges));
        }
        if self.chunk_bytes == 0 || self.chunk_bytes > 1 << 16 {
            return Err(ParamsError::ChunkBytes(self.chunk_bytes));
        }
        Ok(self)
    }

    pub fn shape(&self) -> TreeShape {
        TreeShape::for_depth(self.arity, self.depth).expect("checked at construction")
    }

    /// Levels below the root that every path shares: their `arity^T` nodes are witnessed and
    /// hashed up to the root once per proof, and each path stops `T` levels short, selecting its
    /// node among them (`arity^T − 1` constraints). The `T` with the fewest constraints for this
    /// shape; a function of the shape alone, so keys and proofs always agree on it.
    pub fn shared_levels(&self) -> usize {
        let shape = self.shape();
        (0..=shape.height())
            .take_while(|t| shape.arity().pow(*t as u32) <= MAX_SHARED_NODES)
            .min_by_key(|t| (self.paths_cost(*t), *t))
            .unwrap_or(0)
    }

    /// Constraints of the K paths from their leaves to the root with `t` levels shared: the
    /// shared top once, then per challenge the levels below it and the selection of its node.
    pub fn paths_cost(&self, t: usize) -> usize {
        let shape = self.shape();
        let a = shape.arity();
        let node = crate::poseidon::constraints::hash_cost(a);
        let nodes = a.pow(t as u32);
        let shared = if t == 0 { 0 } else { (nodes - 1) / (a - 1) * node + 1 };
        shared + self.challenges * ((shape.height() - t) * (node + a - 1) + nodes.max(2) - 1)
    }

    /// A stable name for key files, e.g. `d30-a8-k32-c1024`.
    pub fn name(&self) -> String {
        format!("d{}-a{}-k{}-c{}", self.depth, self.arity, self.challenges, self.chunk_bytes)
    }
}

impl Default for StorageParams {
    fn default() -> Self {
        Self::new(30, DEFAULT_CHALLENGES, DEFAULT_CHUNK_BYTES).expect("defaults are valid")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParamsError {
    #[error(transparent)]
    Shape(#[from] ShapeError),
    #[error("challenges must be between 1 and 1024, got {0}")]
    Challenges(usize),
    #[error("chunk size must be between 1 and 65536 bytes, got {0}")]
    ChunkBytes(usize),
}
