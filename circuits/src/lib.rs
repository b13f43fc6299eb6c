//! R1CS gadgets for the DDC proof of storage and the storage-proof circuit.
//!
//! Each module pairs the native code (from `ddc-primitives`, the single source) with its
//! `constraints.rs` twin. The proof itself follows rust-fil-proofs' split: [`storage::vanilla`]
//! (native openings), [`storage::circuit`] (R1CS) and [`storage::compound`] (Groth16).

pub mod challenge;
pub mod export;
pub mod groth16;
pub mod merkle;
pub mod packing;
pub mod poseidon;
pub mod storage;

pub use ark_bn254::{Bn254, Fr};
