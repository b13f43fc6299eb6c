//! Groth16 over the storage circuit: key generation, proving with the constraint matrices built
//! once per key, and verification (delegated to `ddc-primitives`, which the chain shares).

use super::circuit::StorageCircuit;
use super::vanilla::{self, VanillaError, VanillaProof};
use super::StorageParams;
use crate::groth16::prover::PreparedKey;
use ark_bn254::{Bn254, Fr};
use ark_ff::UniformRand;
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::r1cs::{
    ConstraintMatrices, ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, SynthesisError,
    SynthesisMode,
};
use ddc_primitives::groth16::{PublicInputs, VerifyingKey};
use rand::{CryptoRng, RngCore};

pub use ddc_primitives::groth16::{batch_verify, decode_proof, encode_proof, verify, Proof, PROOF_BYTES};

/// Constraint counts of a circuit shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CircuitInfo {
    pub constraints: usize,
    /// Public inputs, not counting the constant one.
    pub public_inputs: usize,
    pub witnesses: usize,
}

/// A constraint system that builds matrices, as key generation does.
fn setup_cs() -> ConstraintSystemRef<Fr> {
    let cs = ConstraintSystemRef::new(ConstraintSystem::new());
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    cs
}

/// Counts the constraints of any circuit without building its matrices.
pub fn count<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<CircuitInfo, SynthesisError> {
    let cs = setup_cs();
    circuit.generate_constraints(cs.clone())?;
    Ok(CircuitInfo {
        constraints: cs.num_constraints(),
        public_inputs: cs.num_instance_variables() - 1,
        witnesses: cs.num_witness_variables(),
    })
}

pub fn circuit_info(params: &StorageParams) -> Result<CircuitInfo, SynthesisError> {
    count(StorageCircuit::blank(*params))
}

/// A circuit given as a closure, for costing single gadgets.
pub struct FnCircuit<F>(pub F);

impl<F: FnOnce(ConstraintSystemRef<Fr>) -> Result<(), SynthesisError>> ConstraintSynthesizer<Fr> for FnCircuit<F> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        (self.0)(cs)
    }
}

/// Where the circuit's constraints go. `total()` is the circuit's constraint count exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CostBreakdown {
    pub challenges: usize,
    /// Levels of the Merkle path each challenge walks (the tree's height less the shared top).
    pub height: usize,
    /// Levels below the root whose nodes the challenges share.
    pub shared_levels: usize,
    /// The `chunk_count` range check and the derivation of all K indices, index bits included.
    pub index_derivation: usize,
    /// Once per proof: the shared top hashed up to the root.
    pub shared_top: usize,
    /// Per challenge: hashing one chunk to its leaf.
    pub leaf_hash: usize,
    /// Per path level: the position check plus one node hash.
    pub path_level: usize,
    /// One Poseidon node hash alone (a part of `path_level`).
    pub node_hash: usize,
    /// Per challenge: the path's node among the shared top's (the root equality if none).
    pub top_select: usize,
}

impl CostBreakdown {
    pub fn per_challenge(&self) -> usize {
        self.leaf_hash + self.height * self.path_level + self.top_select
    }

    pub fn total(&self) -> usize {
        self.index_derivation + self.shared_top + self.challenges * self.per_challenge()
    }
}

/// Measured on the circuit itself, part by part, so the parts cannot drift from the total.
pub fn cost_breakdown(params: &StorageParams) -> Result<CostBreakdown, SynthesisError> {
    use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar};
    let cs = setup_cs();
    let spent = StorageCircuit::blank(*params).synthesize(cs)?;
    let arity = params.shape().arity();
    let node_hash = count(FnCircuit(|cs: ConstraintSystemRef<Fr>| {
        let children =
            (0..arity).map(|_| FpVar::new_witness(cs.clone(), || Ok(Fr::from(1u64)))).collect::<Result<Vec<_>, _>>()?;
        crate::poseidon::constraints::hash(&children).map(drop)
    }))?
    .constraints;
    let shared_levels = params.shared_levels();
    let height = params.shape().height() - shared_levels;
    Ok(CostBreakdown {
        challenges: params.challenges,
        height,
        shared_levels,
        index_derivation: spent.index_derivation,
        shared_top: spent.shared_top,
        leaf_hash: spent.leaf_hash,
        path_level: spent.path.checked_div(height).unwrap_or(0),
        node_hash,
        top_select: spent.top_select,
    })
}

/// Generates a proving key with randomness from `rng` (insecure unless from a ceremony).
pub fn generate_keys<R: RngCore + CryptoRng>(
    params: &StorageParams,
    rng: &mut R,
) -> Result<ProvingKey<Bn254>, SynthesisError> {
    Groth16::<Bn254>::generate_random_parameters_with_reduction(StorageCircuit::blank(*params), rng)
}

#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// Groth16 would silently produce an invalid proof for an unsatisfied circuit in release
    /// builds, so the witness is checked natively first.
    #[error("the witness does not satisfy the statement: {0}")]
    Unsatisfied(#[from] VanillaError),
    #[error("synthesis: {0}")]
    Synthesis(#[from] SynthesisError),
    #[error("proving key is for {key:?}, proof requested for {requested:?}")]
    WrongKey { key: StorageParams, requested: StorageParams },
}

/// The constraint matrices of the circuit of `params`.
pub fn constraint_matrices(params: &StorageParams) -> Result<ConstraintMatrices<Fr>, SynthesisError> {
    let cs = setup_cs();
    StorageCircuit::blank(*params).generate_constraints(cs.clone())?;
    cs.finalize();
    Ok(cs.to_matrices().expect("setup mode builds matrices"))
}

/// A proving key, prepared for our prover, with the circuit's matrices: built once and reused
/// for every proof.
pub struct Prover {
    params: StorageParams,
    key: PreparedKey,
    matrices: ConstraintMatrices<Fr>,
}

impl Prover {
    pub fn new(params: StorageParams, pk: ProvingKey<Bn254>) -> Result<Self, SynthesisError> {
        Ok(Self { params, key: PreparedKey::new(pk), matrices: constraint_matrices(&params)? })
    }

    pub fn params(&self) -> &StorageParams {
        &self.params
    }
    pub fn verifying_key(&self) -> &VerifyingKey<Bn254> {
        &self.key.proving_key().vk
    }
    pub fn proving_key(&self) -> &ProvingKey<Bn254> {
        self.key.proving_key()
    }
    pub fn prepared_key(&self) -> &PreparedKey {
        &self.key
    }
    pub fn matrices(&self) -> &ConstraintMatrices<Fr> {
        &self.matrices
    }

    /// The full assignment `[1, public.., witness..]` of a checked statement.
    pub fn assignment(&self, public: &PublicInputs, proof: &VanillaProof) -> Result<Vec<Fr>, ProveError> {
        vanilla::verify(&self.params, public, proof)?;
        let full = StorageCircuit::new(self.params, *public, proof).assignment()?;
        let m = &self.matrices;
        assert_eq!(full.len(), m.num_instance_variables + m.num_witness_variables, "assignment of another shape");
        Ok(full)
    }

    /// Proves `public` from a vanilla proof, refusing a statement that does not hold.
    pub fn prove<R: RngCore + CryptoRng>(
        &self,
        public: &PublicInputs,
        proof: &VanillaProof,
        rng: &mut R,
    ) -> Result<Proof<Bn254>, ProveError> {
        let full = self.assignment(public, proof)?;
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        Ok(self.key.prove(&self.matrices, &full, r, s)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The breakdown's parts sum to the constraint count `ddc circuit info` prints, whatever the
    /// shape (depths that fill the top level partly included).
    /// Shared levels where they pay: none for a lone challenge, the root's children for a few,
    /// two levels for the default K = 32, and every level of a tiny tree under many challenges.
    #[test]
    fn shared_levels_follow_the_challenge_count() {
        let shared = |depth, k| StorageParams::new(depth, k, 1024).unwrap().shared_levels();
        assert_eq!(shared(30, 1), 0);
        assert_eq!(shared(30, 4), 1);
        assert_eq!(shared(30, 32), 2);
        assert_eq!(shared(16, 32), 2);
        assert_eq!(shared(6, 12), 2);
    }

    #[test]
    fn breakdown_sums_to_the_circuit() {
        for (arity, depth, k, chunk) in [
            (8, 30, 32, 1024),
            (8, 16, 4, 1024),
            (2, 7, 3, 64),
            (4, 9, 5, 32),
            (8, 13, 1, 256),
            (8, 6, 12, 64),
            (8, 9, 12, 64),
        ] {
            let params = StorageParams { depth, arity, challenges: k, chunk_bytes: chunk }.checked().unwrap();
            let costs = cost_breakdown(&params).unwrap();
            assert_eq!(costs.total(), circuit_info(&params).unwrap().constraints, "{}", params.name());
            assert!(costs.height == 0 || costs.node_hash < costs.path_level, "{}", params.name());
            let top = params.shape().arity().pow(costs.shared_levels as u32);
            assert_eq!(costs.top_select, top.max(2) - 1, "{}", params.name());
            // The cost model that picks the shared levels is exact.
            let paths = costs.shared_top + k * (costs.height * costs.path_level + costs.top_select);
            assert_eq!(params.paths_cost(costs.shared_levels), paths, "{}", params.name());
        }
    }
}
