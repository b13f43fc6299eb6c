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
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::R1CSVar;
use ark_relations::r1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, SynthesisError, SynthesisMode,
};
use ddc_primitives::groth16::PublicInputs;
use rayon::prelude::*;

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

/// What every challenge reads: the public inputs' checks done, its index bits and the shared top
/// nodes (the root itself when no level is shared).
struct Head {
    indices: Vec<Vec<Boolean<Fr>>>,
    top: Vec<FpVar<Fr>>,
}

/// Constraints of one challenge's parts.
struct ChallengeSpent {
    leaf_hash: usize,
    path: usize,
    top_select: usize,
}

/// A constraint system that only assigns: no matrices.
fn assigning() -> ConstraintSystemRef<Fr> {
    let cs = ConstraintSystem::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove { construct_matrices: false });
    cs
}

impl StorageCircuit<'_> {
    /// Generates the constraints and says where they went (the first challenge's parts: every
    /// challenge costs the same).
    pub fn synthesize(self, cs: ConstraintSystemRef<Fr>) -> Result<Spent, SynthesisError> {
        let before = cs.num_constraints();
        let (head, index_derivation, shared_top) = self.head(&cs)?;
        let mut spent = Spent { index_derivation: index_derivation - before, shared_top, ..Spent::default() };
        for (i, bits) in head.indices.iter().enumerate() {
            let c = self.challenge(&cs, i, bits, &head.top)?;
            if i == 0 {
                spent = Spent { leaf_hash: c.leaf_hash, path: c.path, top_select: c.top_select, ..spent };
            }
        }
        Ok(spent)
    }

    /// The full assignment `[1, public.., witness..]`, exactly as [`Self::synthesize`] assigns
    /// it, with the challenges synthesized in parallel: each in its own constraint system, over
    /// fresh witnesses holding the values of its index bits and of the top nodes, whose own
    /// witnesses are then appended in challenge order. Challenges read nothing else of the head.
    pub fn assignment(self) -> Result<Vec<Fr>, SynthesisError> {
        let cs = assigning();
        let (head, _, _) = self.head(&cs)?;
        let top: Vec<Fr> = head.top.iter().map(|t| t.value()).collect::<Result<_, _>>()?;
        let indices: Vec<Vec<bool>> =
            head.indices.iter().map(|b| b.iter().map(|x| x.value()).collect()).collect::<Result<_, _>>()?;
        drop(head);
        let tails = indices
            .par_iter()
            .enumerate()
            .map(|(i, bits)| {
                let sub = assigning();
                let bits =
                    bits.iter().map(|b| Boolean::new_witness(sub.clone(), || Ok(*b))).collect::<Result<Vec<_>, _>>()?;
                let top =
                    top.iter().map(|t| FpVar::new_witness(sub.clone(), || Ok(*t))).collect::<Result<Vec<_>, _>>()?;
                let skip = sub.num_witness_variables();
                self.challenge(&sub, i, &bits, &top)?;
                drop((bits, top));
                let mut witness = sub.into_inner().expect("sole reference").witness_assignment;
                Ok(witness.split_off(skip))
            })
            .collect::<Result<Vec<_>, SynthesisError>>()?;
        let cs = cs.into_inner().expect("sole reference");
        Ok([cs.instance_assignment, cs.witness_assignment, tails.concat()].concat())
    }

    /// The public inputs, the `chunk_count` range, the challenge indices and the shared top
    /// hashed up to the root; with the constraint counts after the indices and of the top.
    fn head(&self, cs: &ConstraintSystemRef<Fr>) -> Result<(Head, usize, usize), SynthesisError> {
        let p = self.params;
        let shape = p.shape();
        let arity = shape.arity();
        let public = self.public;
        let root = FpVar::new_input(cs.clone(), || public.map(|x| x.root).ok_or_else(missing))?;
        let count = FpVar::new_input(cs.clone(), || public.map(|x| Fr::from(x.chunk_count)).ok_or_else(missing))?;
        let seed = FpVar::new_input(cs.clone(), || public.map(|x| x.seed).ok_or_else(missing))?;

        enforce_chunk_count(&shape, &count)?;
        let indices = challenge_index_bits(&shape, &seed, &count, p.challenges)?;
        let after_indices = cs.num_constraints();

        let shared = p.shared_levels();
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
        let shared_top = cs.num_constraints() - after_indices;
        Ok((Head { indices, top }, after_indices, shared_top))
    }

    /// Challenge `i`: its chunk hashed to the leaf, the path walked up to the shared level along
    /// the index's low digits, and the reached node selected among `top` by the rest.
    fn challenge(
        &self,
        cs: &ConstraintSystemRef<Fr>,
        i: usize,
        bits: &[Boolean<Fr>],
        top: &[FpVar<Fr>],
    ) -> Result<ChallengeSpent, SynthesisError> {
        let mut mark = cs.num_constraints();
        let mut since = |cs: &ConstraintSystemRef<Fr>| {
            let now = cs.num_constraints();
            now - core::mem::replace(&mut mark, now)
        };
        let p = self.params;
        let shape = p.shape();
        let arity = shape.arity();
        let m = shape.arity_log2() as usize;
        let below = shape.height() - p.shared_levels();
        let opening = self.proof.map(|v| v.openings.get(i).ok_or_else(missing)).transpose()?;
        let elems: Vec<Fr> = opening.map(|o| pack(&o.chunk).collect()).unwrap_or_default();
        let chunk_vars = (0..elements_per_chunk(p.chunk_bytes))
            .map(|j| FpVar::new_witness(cs.clone(), || elems.get(j).copied().ok_or_else(missing)))
            .collect::<Result<Vec<_>, _>>()?;
        let leaf_var = leaf(&chunk_vars)?;
        let leaf_hash_cost = since(cs);

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
        let path = since(cs);
        enforce_child_at(top, &bits[below * m..], &reached)?;
        Ok(ChallengeSpent { leaf_hash: leaf_hash_cost, path, top_select: since(cs) })
    }
}
