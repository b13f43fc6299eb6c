//! An append-only Merkle tree over a pluggable node store.
//!
//! The store keeps every *complete* node of every level (a node whose subtree is full). Complete
//! nodes never change under appends, so a snapshot `(root, n)` taken earlier stays provable while
//! appends go on: only its right frontier (one partial node per level) has to be recomputed, in
//! `O(height · arity)` reads. Appending a leaf writes `O(1)` nodes amortised, `O(height)` at most.

use super::path::MerklePath;
use super::shape::{node_hash, TreeShape};
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::AdditiveGroup;

/// Where the levels of a tree live: memory here, files in the storage node.
pub trait NodeStore {
    type Error;
    /// Nodes stored at `level` (0 = leaves).
    fn len(&self, level: usize) -> u64;
    fn get(&self, level: usize, index: u64) -> Result<Fr, Self::Error>;
    fn push(&mut self, level: usize, node: Fr) -> Result<(), Self::Error>;
    /// Drops the nodes of `level` from `len` on (crash repair of a level written ahead).
    fn truncate(&mut self, level: usize, len: u64) -> Result<(), Self::Error>;
}

#[derive(Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum TreeError<E> {
    #[cfg_attr(feature = "std", error("node store: {0}"))]
    Store(E),
    #[cfg_attr(feature = "std", error("the tree is full ({0} leaves)"))]
    Full(u64),
    #[cfg_attr(feature = "std", error("snapshot of {requested} leaves but the tree holds {len}"))]
    SnapshotAhead { requested: u64, len: u64 },
    #[cfg_attr(feature = "std", error("leaf {index} is not below the snapshot's {count} leaves"))]
    IndexOutOfRange { index: u64, count: u64 },
}

/// The tree: shape, store and the zero hashes of empty subtrees.
pub struct AppendTree<S> {
    shape: TreeShape,
    store: S,
    zeros: Vec<Fr>,
}

impl<S: NodeStore> AppendTree<S> {
    /// Opens a tree over `store`, repairing levels a crash left behind or ahead of the leaves.
    pub fn open(shape: TreeShape, store: S) -> Result<Self, TreeError<S::Error>> {
        let mut tree = Self { shape, zeros: shape.zero_hashes(), store };
        let n = tree.store.len(0);
        if n > shape.capacity() {
            return Err(TreeError::Full(shape.capacity()));
        }
        for level in 1..=shape.height() {
            let want = shape.complete_at(level, n);
            let have = tree.store.len(level);
            if have > want {
                tree.store.truncate(level, want).map_err(TreeError::Store)?;
            }
            for index in have.min(want)..want {
                let node = tree.hash_group(level - 1, index)?;
                tree.store.push(level, node).map_err(TreeError::Store)?;
            }
        }
        Ok(tree)
    }

    pub fn shape(&self) -> &TreeShape {
        &self.shape
    }
    pub fn store(&self) -> &S {
        &self.store
    }
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }
    /// Leaves appended so far.
    pub fn len(&self) -> u64 {
        self.store.len(0)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn hash_group(&self, child_level: usize, parent: u64) -> Result<Fr, TreeError<S::Error>> {
        let a = self.shape.arity();
        let mut children = [Fr::ZERO; 8];
        for (j, c) in children[..a].iter_mut().enumerate() {
            *c = self.store.get(child_level, parent * a as u64 + j as u64).map_err(TreeError::Store)?;
        }
        Ok(node_hash(&children[..a]))
    }

    /// Appends one leaf and every node it completes.
    pub fn append(&mut self, leaf: Fr) -> Result<(), TreeError<S::Error>> {
        let n = self.len();
        if n == self.shape.capacity() {
            return Err(TreeError::Full(n));
        }
        self.store.push(0, leaf).map_err(TreeError::Store)?;
        let a = self.shape.arity() as u64;
        let mut count = n + 1;
        for level in 1..=self.shape.height() {
            if count % a != 0 {
                break;
            }
            count /= a;
            let node = self.hash_group(level - 1, count - 1)?;
            self.store.push(level, node).map_err(TreeError::Store)?;
        }
        Ok(())
    }

    /// Root of the tree as it is now.
    pub fn root(&self) -> Result<Fr, TreeError<S::Error>> {
        Ok(self.snapshot(self.len())?.root())
    }

    /// The tree as it was when it held `count` leaves.
    pub fn snapshot(&self, count: u64) -> Result<Snapshot<'_, S>, TreeError<S::Error>> {
        let len = self.len();
        if count > len {
            return Err(TreeError::SnapshotAhead { requested: count, len });
        }
        let h = self.shape.height();
        let a = self.shape.arity() as u64;
        let mut frontier: Vec<Option<Fr>> = Vec::with_capacity(h + 1);
        frontier.push(None);
        for level in 1..=h {
            let complete = self.shape.complete_at(level, count);
            let below = self.shape.complete_at(level - 1, count);
            if below == complete * a && frontier[level - 1].is_none() {
                frontier.push(None);
                continue;
            }
            let mut children = [Fr::ZERO; 8];
            for (j, c) in children[..a as usize].iter_mut().enumerate() {
                *c = self.node_at(&frontier, count, level - 1, complete * a + j as u64)?;
            }
            frontier.push(Some(node_hash(&children[..a as usize])));
        }
        let root = self.node_at(&frontier, count, h, 0)?;
        Ok(Snapshot { tree: self, count, frontier, root })
    }

    fn node_at(
        &self,
        frontier: &[Option<Fr>],
        count: u64,
        level: usize,
        index: u64,
    ) -> Result<Fr, TreeError<S::Error>> {
        let complete = self.shape.complete_at(level, count);
        if index < complete {
            self.store.get(level, index).map_err(TreeError::Store)
        } else if index == complete && frontier[level].is_some() {
            Ok(frontier[level].expect("checked"))
        } else {
            Ok(self.zeros[level])
        }
    }

    /// Leaf value at `index` (must be below `len`).
    pub fn leaf(&self, index: u64) -> Result<Fr, TreeError<S::Error>> {
        self.store.get(0, index).map_err(TreeError::Store)
    }
}

/// A committed `(root, count)` view of a tree that may have grown since.
pub struct Snapshot<'a, S> {
    tree: &'a AppendTree<S>,
    count: u64,
    frontier: Vec<Option<Fr>>,
    root: Fr,
}

impl<S: NodeStore> Snapshot<'_, S> {
    pub fn root(&self) -> Fr {
        self.root
    }
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The committed leaf at `index`.
    pub fn leaf(&self, index: u64) -> Result<Fr, TreeError<S::Error>> {
        if index >= self.count {
            return Err(TreeError::IndexOutOfRange { index, count: self.count });
        }
        self.tree.leaf(index)
    }

    /// The node at `index` of `level` (0 = leaves, `height` = the root) as this snapshot has it:
    /// stored, on the recomputed right frontier, or the root of an empty subtree.
    pub fn node(&self, level: usize, index: u64) -> Result<Fr, TreeError<S::Error>> {
        self.tree.node_at(&self.frontier, self.count, level, index)
    }

    /// The path of leaf `index` against this snapshot's root.
    pub fn path(&self, index: u64) -> Result<MerklePath, TreeError<S::Error>> {
        if index >= self.count {
            return Err(TreeError::IndexOutOfRange { index, count: self.count });
        }
        let shape = &self.tree.shape;
        let a = shape.arity() as u64;
        let mut siblings = Vec::with_capacity(shape.path_len());
        for level in 0..shape.height() {
            let idx = index >> (level as u32 * shape.arity_log2());
            let group = idx & !(a - 1);
            for j in (group..group + a).filter(|&j| j != idx) {
                siblings.push(self.tree.node_at(&self.frontier, self.count, level, j)?);
            }
        }
        Ok(MerklePath { siblings })
    }
}

/// Levels held in memory: tests, vanilla proofs and small files.
#[derive(Clone, Debug, Default)]
pub struct MemStore {
    levels: Vec<Vec<Fr>>,
}

impl NodeStore for MemStore {
    type Error = core::convert::Infallible;
    fn len(&self, level: usize) -> u64 {
        self.levels.get(level).map_or(0, |l| l.len() as u64)
    }
    fn get(&self, level: usize, index: u64) -> Result<Fr, Self::Error> {
        Ok(self.levels[level][index as usize])
    }
    fn push(&mut self, level: usize, node: Fr) -> Result<(), Self::Error> {
        if self.levels.len() <= level {
            self.levels.resize(level + 1, Vec::new());
        }
        self.levels[level].push(node);
        Ok(())
    }
    fn truncate(&mut self, level: usize, len: u64) -> Result<(), Self::Error> {
        if let Some(l) = self.levels.get_mut(level) {
            l.truncate(len as usize);
        }
        Ok(())
    }
}

/// An in-memory tree.
pub type MemTree = AppendTree<MemStore>;

impl MemTree {
    pub fn new(shape: TreeShape) -> Self {
        Self::open(shape, MemStore::default()).unwrap_or_else(|e| match e {
            TreeError::Store(never) => match never {},
            _ => unreachable!("an empty store is consistent"),
        })
    }

    /// Appends leaves from an in-memory store, which cannot fail but on a full tree.
    pub fn extend(&mut self, leaves: impl IntoIterator<Item = Fr>) -> Result<(), TreeError<core::convert::Infallible>> {
        leaves.into_iter().try_for_each(|l| self.append(l))
    }
}
