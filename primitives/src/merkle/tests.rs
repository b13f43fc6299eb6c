use super::*;
use crate::poseidon;
use alloc::vec::Vec;
use ark_bn254::Fr;

/// The whole padded tree computed level by level: the definition the frontier logic must match.
fn naive_root(shape: &TreeShape, leaves: &[Fr]) -> Fr {
    let mut level: Vec<Fr> = leaves.to_vec();
    level.resize(shape.capacity() as usize, ZERO_LEAF);
    for _ in 0..shape.height() {
        level = level.chunks(shape.arity()).map(poseidon::hash).collect();
    }
    level[0]
}

fn leaves(n: u64) -> Vec<Fr> {
    (0..n).map(|i| poseidon::hash(&[Fr::from(i + 1)])).collect()
}

#[test]
fn roots_and_paths_match_the_definition_for_every_prefix() {
    for arity in [2, 4, 8] {
        let shape = TreeShape::for_depth(arity, 6).unwrap();
        let all = leaves(shape.capacity());
        let mut tree = MemTree::new(shape);
        tree.extend(all.iter().copied()).unwrap();
        for count in [0, 1, 2, 7, 8, 9, 17, 63, 64] {
            let snap = tree.snapshot(count).unwrap();
            let root = naive_root(&shape, &all[..count as usize]);
            assert_eq!(snap.root(), root, "arity {arity} count {count}");
            for index in (0..count).step_by(5) {
                let path = snap.path(index).unwrap();
                assert!(path.verify(&shape, root, index, all[index as usize]));
                assert!(!path.verify(&shape, root, index, all[index as usize] + Fr::from(1u64)));
            }
            assert!(snap.path(count).is_err());
        }
    }
}

#[test]
fn growing_tree_keeps_old_snapshots_provable() {
    let shape = TreeShape::default_for_depth(9).unwrap();
    let all = leaves(300);
    let mut tree = MemTree::new(shape);
    tree.extend(all[..100].iter().copied()).unwrap();
    let old_root = tree.root().unwrap();
    tree.extend(all[100..].iter().copied()).unwrap();
    let snap = tree.snapshot(100).unwrap();
    assert_eq!(snap.root(), old_root);
    assert!(snap.path(99).unwrap().verify(&shape, old_root, 99, all[99]));
    assert_ne!(tree.root().unwrap(), old_root);
}

#[test]
fn open_repairs_levels_behind_and_ahead_of_the_leaves() {
    let shape = TreeShape::default_for_depth(6).unwrap();
    let mut tree = MemTree::new(shape);
    tree.extend(leaves(40)).unwrap();
    let root = tree.root().unwrap();
    let mut store = tree.store().clone();
    // Level 1 lost its last node (crash before it was written) ...
    store.truncate(1, 3).unwrap();
    let repaired = AppendTree::open(shape, store.clone()).unwrap();
    assert_eq!(repaired.root().unwrap(), root);
    // ... or the leaves lost their tail while level 1 was already written.
    store.truncate(0, 30).unwrap();
    let repaired = AppendTree::open(shape, store).unwrap();
    assert_eq!(repaired.store().len(1), 3);
    assert_eq!(repaired.root().unwrap(), naive_root(&shape, &leaves(30)));
}

#[test]
fn full_tree_rejects_appends() {
    let shape = TreeShape::for_depth(2, 2).unwrap();
    let mut tree = MemTree::new(shape);
    tree.extend(leaves(4)).unwrap();
    assert_eq!(tree.append(Fr::from(1u64)), Err(TreeError::Full(4)));
}

#[test]
fn shapes() {
    let s = TreeShape::default_for_depth(30).unwrap();
    assert_eq!((s.arity(), s.height(), s.index_bits()), (8, 10, 30));
    let s = TreeShape::default_for_depth(32).unwrap();
    assert_eq!(s.capacity(), 1 << 33);
    assert_eq!(TreeShape::for_depth(3, 4), Err(ShapeError::Arity));
    assert_eq!(TreeShape::for_depth(8, 0), Err(ShapeError::Depth));
}
