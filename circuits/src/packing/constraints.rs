//! The leaf of a chunk in-circuit. The chunk's field elements are witnesses; the leaf hash binds
//! every one of them, so every byte of the chunk (packing is injective) is bound to the root.

use crate::poseidon::constraints::hash;
use ark_bn254::Fr;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_relations::r1cs::SynthesisError;
use ddc_primitives::packing::chain;

/// `leaf_hash` of the chunk whose packed elements are `elements`.
pub fn leaf(elements: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    chain(elements, &FpVar::zero(), hash)
}
