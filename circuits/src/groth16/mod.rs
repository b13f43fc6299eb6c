//! Groth16 proving for the storage circuit: our MSM and a prover over a key prepared once.
//! Verification stays in `ddc-primitives`, which the chain shares.

pub mod msm;
pub mod prover;
