//! Merkle opening of one leaf and its native check.

use super::shape::{node_hash, TreeShape};
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::Zero;

/// Siblings of a leaf, `arity - 1` per level from the leaves up, in child order with the
/// opened position left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerklePath {
    pub siblings: Vec<Fr>,
}

impl MerklePath {
    /// The children of each level with `node` put at its position, as the circuit witnesses them.
    pub fn children_at(&self, shape: &TreeShape, level: usize, position: usize, node: Fr) -> [Fr; 8] {
        let a = shape.arity();
        let sib = &self.siblings[level * (a - 1)..(level + 1) * (a - 1)];
        let mut out = [Fr::zero(); 8];
        let mut s = sib.iter();
        for (j, o) in out[..a].iter_mut().enumerate() {
            *o = if j == position { node } else { *s.next().expect("arity - 1 siblings") };
        }
        out
    }

    /// The root implied by `leaf` at `index`; `None` if the path has the wrong length.
    pub fn root(&self, shape: &TreeShape, index: u64, leaf: Fr) -> Option<Fr> {
        self.ancestor(shape, index, leaf, shape.height())
    }

    /// The ancestor of `leaf` at `index` on level `up` (`height` is the root) implied by the
    /// path; `None` if the path has the wrong length or `up` is above the root.
    pub fn ancestor(&self, shape: &TreeShape, index: u64, leaf: Fr, up: usize) -> Option<Fr> {
        if self.siblings.len() != shape.path_len() || index >= shape.capacity() || up > shape.height() {
            return None;
        }
        let a = shape.arity();
        let mut node = leaf;
        for level in 0..up {
            let position = (index >> (level as u32 * shape.arity_log2())) as usize & (a - 1);
            node = node_hash(&self.children_at(shape, level, position, node)[..a]);
        }
        Some(node)
    }

    /// Whether `leaf` sits at `index` under `root`.
    pub fn verify(&self, shape: &TreeShape, root: Fr, index: u64, leaf: Fr) -> bool {
        self.root(shape, index, leaf) == Some(root)
    }
}
