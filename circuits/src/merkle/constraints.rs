//! Merkle path verification in-circuit.
//!
//! Each level witnesses all `arity` children of the node on the path and proves that the child
//! at the index digit equals the node below: a binary multiplexer tree of `arity - 1` constraints
//! whose last step is the equality itself. The parent is then one Poseidon of the children.

use super::TreeShape;
use crate::poseidon::constraints::hash;
use ark_bn254::Fr;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_r1cs_std::select::CondSelectGadget;
use ark_relations::r1cs::SynthesisError;

/// Enforces `children[Σ bits_i 2^i] == node`: `children.len() − 1` constraints, one (the
/// equality) for a single child.
pub fn enforce_child_at(children: &[FpVar<Fr>], bits: &[Boolean<Fr>], node: &FpVar<Fr>) -> Result<(), SynthesisError> {
    debug_assert_eq!(children.len(), 1 << bits.len());
    let Some((last, rest)) = bits.split_last() else {
        return children[0].enforce_equal(node);
    };
    let mut layer = children.to_vec();
    for b in rest {
        layer = layer.chunks(2).map(|p| FpVar::conditionally_select(b, &p[1], &p[0])).collect::<Result<_, _>>()?;
    }
    // x0 + b (x1 - x0) = node, as one constraint.
    (&layer[1] - &layer[0]).mul_equals(&FpVar::from(last.clone()), &(node - &layer[0]))
}

/// The ancestor of `leaf` `levels.len()` levels up, along the little-endian index digits
/// `index_bits` (at least `arity_log2` per level), with `levels[l]` the witnessed children of
/// level `l`.
pub fn ancestor_from_path(
    shape: &TreeShape,
    leaf: &FpVar<Fr>,
    index_bits: &[Boolean<Fr>],
    levels: &[Vec<FpVar<Fr>>],
) -> Result<FpVar<Fr>, SynthesisError> {
    let m = shape.arity_log2() as usize;
    assert!(index_bits.len() >= levels.len() * m && levels.len() <= shape.height());
    let mut node = leaf.clone();
    for (l, children) in levels.iter().enumerate() {
        enforce_child_at(children, &index_bits[l * m..(l + 1) * m], &node)?;
        node = hash(children)?;
    }
    Ok(node)
}

/// The root over `top`, a complete level of nodes (`arity^T` of them), hashed up `T` levels.
pub fn root_from_top(shape: &TreeShape, top: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut layer = top.to_vec();
    while layer.len() > 1 {
        layer = layer.chunks(shape.arity()).map(hash).collect::<Result<_, _>>()?;
    }
    Ok(layer.swap_remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MemTree;
    use ark_r1cs_std::{alloc::AllocVar, R1CSVar};
    use ark_relations::r1cs::ConstraintSystem;

    fn check(arity: usize, index: u64, tamper: bool) -> bool {
        let shape = TreeShape::for_depth(arity, 6).unwrap();
        let leaves: Vec<Fr> = (0..50u64).map(|i| Fr::from(i * 3 + 1)).collect();
        let mut tree = MemTree::new(shape);
        tree.extend(leaves.iter().copied()).unwrap();
        let snap = tree.snapshot(50).unwrap();
        let mut path = snap.path(index).unwrap();
        if tamper {
            path.siblings[1] += Fr::from(1u64);
        }
        let cs = ConstraintSystem::<Fr>::new_ref();
        let leaf = FpVar::new_witness(cs.clone(), || Ok(leaves[index as usize])).unwrap();
        let bits: Vec<_> = (0..shape.index_bits())
            .map(|i| Boolean::new_witness(cs.clone(), || Ok(index >> i & 1 == 1)).unwrap())
            .collect();
        let m = shape.arity_log2() as usize;
        let mut node = leaves[index as usize];
        let levels: Vec<Vec<_>> = (0..shape.height())
            .map(|l| {
                let pos = (index >> (l * m)) as usize & (arity - 1);
                let children = path.children_at(&shape, l, pos, node);
                node = crate::merkle::node_hash(&children[..arity]);
                children[..arity].iter().map(|c| FpVar::new_witness(cs.clone(), || Ok(*c)).unwrap()).collect()
            })
            .collect();
        let root = ancestor_from_path(&shape, &leaf, &bits, &levels).unwrap();
        root.value().unwrap() == snap.root() && cs.is_satisfied().unwrap()
    }

    #[test]
    fn paths_verify_in_circuit_for_each_arity() {
        for arity in [2, 4, 8] {
            for index in [0, 7, 31, 49] {
                assert!(check(arity, index, false), "arity {arity} index {index}");
                assert!(!check(arity, index, true), "tampered arity {arity} index {index}");
            }
        }
    }
}
