//! Merkle commitments: native (from `ddc-primitives`) and in-circuit.
pub mod constraints;
pub use ddc_primitives::merkle::*;
