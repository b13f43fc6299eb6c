//! The multi-scalar multiplications of one Groth16 proof, exactly as ark-groth16's prover runs
//! them: the floor under proving time. `prove / floor` shows what synthesis and the witness map
//! (FFTs) add on top.

use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
use ark_groth16::ProvingKey;
use ark_poly::GeneralEvaluationDomain;
use ddc_circuits::storage::compound::Prover;
use ddc_circuits::storage::vanilla::VanillaProof;
use ddc_primitives::groth16::PublicInputs;

type BigInt = <Fr as PrimeField>::BigInt;

/// The scalars of one real proof: its assignment and its quotient `h`.
pub struct MsmFloor {
    h: Vec<BigInt>,
    /// Witness part, for the `l` query.
    witness: Vec<BigInt>,
    /// Public and witness part without the leading one, for the `a` and `b` queries.
    assignment: Vec<BigInt>,
}

impl MsmFloor {
    pub fn new(prover: &Prover, public: &PublicInputs, vanilla: &VanillaProof) -> Self {
        let full = prover.assignment(public, vanilla).expect("the statement holds");
        let m = prover.matrices();
        let h = LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
            m,
            m.num_instance_variables,
            m.num_constraints,
            &full,
        )
        .expect("witness map");
        let big = |xs: &[Fr]| xs.iter().map(|x| x.into_bigint()).collect();
        Self { h: big(&h), witness: big(&full[m.num_instance_variables..]), assignment: big(&full[1..]) }
    }

    /// The four G1 MSMs (h, l, a, b) and the G2 MSM (b) of a proof, sequentially like the prover.
    pub fn run(&self, pk: &ProvingKey<Bn254>) -> ([G1Projective; 4], G2Projective) {
        let h = G1Projective::msm_bigint(&pk.h_query, &self.h);
        let l = G1Projective::msm_bigint(&pk.l_query, &self.witness);
        let a = G1Projective::msm_bigint(&pk.a_query[1..], &self.assignment);
        let b1 = G1Projective::msm_bigint(&pk.b_g1_query[1..], &self.assignment);
        let b2 = G2Projective::msm_bigint(&pk.b_g2_query[1..], &self.assignment);
        ([h, l, a, b1], b2)
    }
}
