//! The storage-proof circuit.
//!
//! Public inputs, in order: `root`, `chunk_count`, `seed`. For each of the K challenges the
//! circuit derives the index from `(seed, chunk_count)`, hashes the witnessed chunk elements to
//! the leaf, and walks the witnessed path to `root` along the index's digits.

use super::vanilla::VanillaProof;
use super::StorageParams;
use crate::challenge::constraints::{challenge_index_bits, enforce_chunk_count};
use crate::merkle::constraints::root_from_path;
use crate::merkle::node_hash;
use crate::packing::constraints::leaf;
use crate::packing::{elements_per_chunk, leaf_hash, pack};
use ark_bn254::Fr;
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ddc_primitives::groth16::PublicInputs;

/// The circuit with its assignment (`None` at key generation and constraint counting).
#[derive(Clone)]
pub struct StorageCircuit<'a> {
    pub params: StorageParams,
    pub public: Option<PublicInputs>,
    pub proof: Option<&'a VanillaProof>,
}

impl<'a> StorageCircuit<'a> {
    /// The shape alone, for setup and constraint counts.
    pub fn blank(params: StorageParams) -> Self {
        Self { params, public: None, proof: None }
    }
    pub fn new(params: StorageParams, public: PublicInputs, proof: &'a VanillaProof) -> Self {
        Self { params, public: Some(public), proof: Some(proof) }
    }
}

fn missing() -> SynthesisError {
    SynthesisError::AssignmentMissing
}

/// Constraints spent by each part of the circuit, counted while it is synthesized (so the parts
/// always sum to the circuit's total).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spent {
    /// The `chunk_count` range check and the derivation of all K challenge indices.
    pub index_derivation: usize,
    /// Per challenge: hashing the chunk to its leaf.
    pub leaf_hash: usize,
    /// Per challenge: every level of the path (position check and node hash).
    pub path: usize,
    /// Per challenge: the computed root equals the public root.
    pub root_equality: usize,
}

impl ConstraintSynthesizer<Fr> for StorageCircuit<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        self.synthesize(cs).map(drop)
    }
}

impl StorageCircuit<'_> {
    /// Generates the constraints and says where they went (the first challenge's parts: every
    /// challenge costs the same).
    pub fn synthesize(self, cs: ConstraintSystemRef<Fr>) -> Result<Spent, SynthesisError> {
        let mut spent = Spent::default();
        let mut mark = cs.num_constraints();
        let mut since = |cs: &ConstraintSystemRef<Fr>| {
            let now = cs.num_constraints();
            now - core::mem::replace(&mut mark, now)
        };
        let p = self.params;
        let shape = p.shape();
        let arity = shape.arity();
        let m = shape.arity_log2() as usize;
        let public = self.public;
        let root = FpVar::new_input(cs.clone(), || public.map(|x| x.root).ok_or_else(missing))?;
        let count = FpVar::new_input(cs.clone(), || public.map(|x| Fr::from(x.chunk_count)).ok_or_else(missing))?;
        let seed = FpVar::new_input(cs.clone(), || public.map(|x| x.seed).ok_or_else(missing))?;

        enforce_chunk_count(&shape, &count)?;
        let indices = challenge_index_bits(&shape, &seed, &count, p.challenges)?;
        spent.index_derivation = since(&cs);

        let n_elems = elements_per_chunk(p.chunk_bytes);
        for (i, bits) in indices.iter().enumerate() {
            let opening = self.proof.map(|v| v.openings.get(i).ok_or_else(missing)).transpose()?;
            let elems: Vec<Fr> = opening.map(|o| pack(&o.chunk).collect()).unwrap_or_default();
            let chunk_vars = (0..n_elems)
                .map(|j| FpVar::new_witness(cs.clone(), || elems.get(j).copied().ok_or_else(missing)))
                .collect::<Result<Vec<_>, _>>()?;
            let leaf_var = leaf(&chunk_vars)?;
            let leaf_cost = since(&cs);

            // Native children of each level along the witnessed path.
            let mut node = opening.map(|o| leaf_hash(&o.chunk));
            let mut levels = Vec::with_capacity(shape.height());
            for l in 0..shape.height() {
                let children = opening.zip(node).map(|(o, n)| {
                    let pos = (o.index >> (l * m)) as usize & (arity - 1);
                    o.path.children_at(&shape, l, pos, n)
                });
                node = children.map(|c| node_hash(&c[..arity]));
                levels.push(
                    (0..arity)
                        .map(|j| FpVar::new_witness(cs.clone(), || children.map(|c| c[j]).ok_or_else(missing)))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            let computed = root_from_path(&shape, &leaf_var, bits, &levels)?;
            let path = since(&cs);
            computed.enforce_equal(&root)?;
            let root_equality = since(&cs);
            if i == 0 {
                spent = Spent { leaf_hash: leaf_cost, path, root_equality, ..spent };
            }
        }
        Ok(spent)
    }
}
