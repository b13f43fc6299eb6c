//! Geometry of a commitment tree: arity and height.

use crate::poseidon;
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Zero};

/// Most leaves a tree may hold, as a power of two (the design's bound is 2^32 chunks).
pub const MAX_CAPACITY_LOG2: u32 = 36;

/// The default arity, 8: measured cheapest per binary level in-circuit (one width-9 permutation,
/// 405 constraints, covers 3 binary levels: 135 per level, against 150 for 4-ary and 240 for
/// binary), see `docs/benchmarks.md`.
pub const DEFAULT_ARITY_LOG2: u32 = 3;

/// Leaf value of an empty position.
pub const ZERO_LEAF: Fr = Fr::ZERO;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ShapeError {
    #[cfg_attr(feature = "std", error("arity must be 2, 4 or 8"))]
    Arity,
    #[cfg_attr(feature = "std", error("depth must be between 1 and 36 binary levels"))]
    Depth,
}

/// Arity `2^arity_log2` and height in arity-levels; capacity `arity^height` leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TreeShape {
    arity_log2: u32,
    height: u32,
}

impl TreeShape {
    /// A tree of `arity` with room for at least `2^depth` leaves.
    pub fn for_depth(arity: usize, depth: u32) -> Result<Self, ShapeError> {
        let arity_log2 = match arity {
            2 => 1,
            4 => 2,
            8 => 3,
            _ => return Err(ShapeError::Arity),
        };
        if depth == 0 || depth > MAX_CAPACITY_LOG2 {
            return Err(ShapeError::Depth);
        }
        let height = depth.div_ceil(arity_log2);
        if height * arity_log2 > MAX_CAPACITY_LOG2 {
            return Err(ShapeError::Depth);
        }
        Ok(Self { arity_log2, height })
    }

    /// The default (8-ary) tree for `2^depth` leaves.
    pub fn default_for_depth(depth: u32) -> Result<Self, ShapeError> {
        Self::for_depth(1 << DEFAULT_ARITY_LOG2, depth)
    }

    pub fn arity(&self) -> usize {
        1 << self.arity_log2
    }
    pub fn arity_log2(&self) -> u32 {
        self.arity_log2
    }
    /// Levels of internal nodes between a leaf and the root.
    pub fn height(&self) -> usize {
        self.height as usize
    }
    /// Binary digits of a leaf index.
    pub fn index_bits(&self) -> usize {
        (self.height * self.arity_log2) as usize
    }
    pub fn capacity(&self) -> u64 {
        1u64 << self.index_bits()
    }
    /// Siblings in a path: `arity - 1` per level.
    pub fn path_len(&self) -> usize {
        self.height() * (self.arity() - 1)
    }

    /// Nodes at `level` that are complete when the tree holds `n` leaves.
    pub fn complete_at(&self, level: usize, n: u64) -> u64 {
        n >> (level as u32 * self.arity_log2)
    }

    /// Roots of empty subtrees, level 0 (the zero leaf) to the root level.
    pub fn zero_hashes(&self) -> Vec<Fr> {
        let mut z = Vec::with_capacity(self.height() + 1);
        z.push(ZERO_LEAF);
        let mut children = [Fr::zero(); 8];
        for l in 0..self.height() {
            children[..self.arity()].fill(z[l]);
            z.push(node_hash(&children[..self.arity()]));
        }
        z
    }
}

/// An internal node: circomlib `Poseidon(arity)` of its children.
#[inline]
pub fn node_hash(children: &[Fr]) -> Fr {
    poseidon::hash(children)
}
