//! The multi-scalar multiplications of one Groth16 proof, exactly as our prover runs them (over
//! the prepared key: identity bases dropped, our MSM): the floor under proving time.
//! `prove / floor` shows what synthesis and the witness map (FFTs) add on top.

use ddc_circuits::groth16::prover::{MsmSums, Scalars};
use ddc_circuits::storage::compound::Prover;
use ddc_circuits::storage::vanilla::VanillaProof;
use ddc_primitives::groth16::PublicInputs;

/// The scalars of one real proof: its assignment and its quotient `h`.
pub struct MsmFloor {
    scalars: Scalars,
    full: Vec<ark_bn254::Fr>,
}

impl MsmFloor {
    pub fn new(prover: &Prover, public: &PublicInputs, vanilla: &VanillaProof) -> Self {
        let full = prover.assignment(public, vanilla).expect("the statement holds");
        let scalars = Scalars::new(prover.matrices(), &full, prover.prepared_key().reduction()).expect("witness map");
        Self { scalars, full }
    }

    /// The witness map over the proof's assignment, as the prover runs it.
    pub fn scalars(&self, prover: &Prover) -> Scalars {
        Scalars::new(prover.matrices(), &self.full, prover.prepared_key().reduction()).expect("witness map")
    }

    /// The five MSMs of the proof, sequentially like the prover.
    pub fn run(&self, prover: &Prover) -> MsmSums {
        prover.prepared_key().msms(&self.scalars)
    }
}
