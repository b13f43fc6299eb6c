//! The storage-proof circuit.
//!
//! Public inputs, in order: `root`, `chunk_count`, `seed`. The circuit witnesses the nodes of
//! the shared top levels once and hashes them up to `root`. For each of the K challenges it
//! derives the index from `(seed, chunk_count)`, hashes the witnessed chunk elements to the leaf,
//! walks the witnessed path up to the top along the index's low digits, and selects the path's
//! top node with the remaining digits.

use super::vanilla::VanillaProof;
use super::StorageParams;
use crate::challenge::constraints::{challenge_index_bits, enforce_chunk_count};
use crate::merkle::constraints::{ancestor_from_path, enforce_child_at, root_from_top};
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
    /// Once: hashing the shared top nodes up to the root, and the root's equality.
    pub shared_top: usize,
    /// Per challenge: hashing the chunk to its leaf.
    pub leaf_hash: usize,
    /// Per challenge: every level of the path below the top (position check and node hash).
    pub path: usize,
    /// Per challenge: the path's node is the top node its index selects (the root equality
    /// when no level is shared).
    pub top_select: usize,
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

        let shared = p.shared_levels();
        let below = shape.height() - shared;
        let top = if shared == 0 {
            vec![root.clone()]
        } else {
            let values = self.proof.map(|v| &v.top);
            let top = (0..arity.pow(shared as u32))
                .map(|j| FpVar::new_witness(cs.clone(), || values.and_then(|t| t.get(j).copied()).ok_or_else(missing)))
                .collect::<Result<Vec<_>, _>>()?;
            root_from_top(&shape, &top)?.enforce_equal(&root)?;
            top
        };
        spent.shared_top = since(&cs);

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
            for l in 0..below {
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
            let reached = ancestor_from_path(&shape, &leaf_var, bits, &levels)?;
            let path = since(&cs);
            enforce_child_at(&top, &bits[below * m..], &reached)?;
            let top_select = since(&cs);
            if i == 0 {
                spent = Spent { leaf_hash: leaf_cost, path, top_select, ..spent };
            }
        }
        Ok(spent)
    }
}
