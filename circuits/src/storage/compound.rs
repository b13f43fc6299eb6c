//! Groth16 over the storage circuit: key generation, proving with the constraint matrices built
//! once per key, and verification (delegated to `ddc-primitives`, which the chain shares).

use super::circuit::StorageCircuit;
use super::vanilla::{self, VanillaError, VanillaProof};
use super::StorageParams;
use ark_bn254::{Bn254, Fr};
use ark_ff::UniformRand;
use ark_groth16::r1cs_to_qap::LibsnarkReduction;
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

/// Counts the constraints of any circuit without building its matrices.
pub fn count<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<CircuitInfo, SynthesisError> {
    let cs = ConstraintSystemRef::new(ConstraintSystem::new());
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
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
    /// Levels of the Merkle path.
    pub height: usize,
    /// The `chunk_count` range check and the derivation of all K indices, index bits included.
    pub index_derivation: usize,
    /// Per challenge: hashing one chunk to its leaf.
    pub leaf_hash: usize,
    /// Per path level: the position check plus one node hash.
    pub path_level: usize,
    /// One Poseidon node hash alone (a part of `path_level`).
    pub node_hash: usize,
    /// Per challenge: the root reached equals the public root.
    pub root_equality: usize,
}

impl CostBreakdown {
    pub fn per_challenge(&self) -> usize {
        self.leaf_hash + self.height * self.path_level + self.root_equality
    }

    pub fn total(&self) -> usize {
        self.index_derivation + self.challenges * self.per_challenge()
    }
}

/// Measured on the circuit itself, part by part, so the parts cannot drift from the total.
pub fn cost_breakdown(params: &StorageParams) -> Result<CostBreakdown, SynthesisError> {
    use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar};
    let cs = ConstraintSystemRef::new(ConstraintSystem::new());
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    let spent = StorageCircuit::blank(*params).synthesize(cs)?;
    let arity = params.shape().arity();
    let node_hash = count(FnCircuit(|cs: ConstraintSystemRef<Fr>| {
        let children =
            (0..arity).map(|_| FpVar::new_witness(cs.clone(), || Ok(Fr::from(1u64)))).collect::<Result<Vec<_>, _>>()?;
        crate::poseidon::constraints::hash(&children).map(drop)
    }))?
    .constraints;
    let height = params.shape().height();
    Ok(CostBreakdown {
        challenges: params.challenges,
        height,
        index_derivation: spent.index_derivation,
        leaf_hash: spent.leaf_hash,
        path_level: spent.path / height,
        node_hash,
        root_equality: spent.root_equality,
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

/// A proving key with the circuit's matrices, built once and reused for every proof.
pub struct Prover {
    params: StorageParams,
    pk: ProvingKey<Bn254>,
    matrices: ConstraintMatrices<Fr>,
}

impl Prover {
    pub fn new(params: StorageParams, pk: ProvingKey<Bn254>) -> Result<Self, SynthesisError> {
        let cs = ConstraintSystemRef::new(ConstraintSystem::new());
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        StorageCircuit::blank(params).generate_constraints(cs.clone())?;
        cs.finalize();
        let matrices = cs.to_matrices().expect("setup mode builds matrices");
        Ok(Self { params, pk, matrices })
    }

    pub fn params(&self) -> &StorageParams {
        &self.params
    }
    pub fn verifying_key(&self) -> &VerifyingKey<Bn254> {
        &self.pk.vk
    }
    pub fn proving_key(&self) -> &ProvingKey<Bn254> {
        &self.pk
    }
    pub fn matrices(&self) -> &ConstraintMatrices<Fr> {
        &self.matrices
    }

    /// The full assignment `[1, public.., witness..]` of a checked statement.
    pub fn assignment(&self, public: &PublicInputs, proof: &VanillaProof) -> Result<Vec<Fr>, ProveError> {
        vanilla::verify(&self.params, public, proof)?;
        let cs = ConstraintSystemRef::new(ConstraintSystem::new());
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove { construct_matrices: false });
        StorageCircuit::new(self.params, *public, proof).generate_constraints(cs.clone())?;
        let cs = cs.into_inner().expect("sole reference");
        debug_assert_eq!(cs.num_constraints, self.matrices.num_constraints);
        Ok([cs.instance_assignment, cs.witness_assignment].concat())
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
        Ok(Groth16::<Bn254, LibsnarkReduction>::create_proof_with_reduction_and_matrices(
            &self.pk,
            r,
            s,
            &self.matrices,
            self.matrices.num_instance_variables,
            self.matrices.num_constraints,
            &full,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The breakdown's parts sum to the constraint count `ddc circuit info` prints, whatever the
    /// shape (depths that fill the top level partly included).
    #[test]
    fn breakdown_sums_to_the_circuit() {
        for (arity, depth, k, chunk) in
            [(8, 30, 32, 1024), (8, 16, 4, 1024), (2, 7, 3, 64), (4, 9, 5, 32), (8, 13, 1, 256)]
        {
            let params = StorageParams { depth, arity, challenges: k, chunk_bytes: chunk }.checked().unwrap();
            let costs = cost_breakdown(&params).unwrap();
            assert_eq!(costs.total(), circuit_info(&params).unwrap().constraints, "{}", params.name());
            assert!(costs.node_hash < costs.path_level, "{}", params.name());
            assert_eq!(costs.root_equality, 1);
        }
    }
}
