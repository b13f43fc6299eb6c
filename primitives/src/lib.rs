//! Shared `no_std` types and the native cryptography of the DDC proof of storage: Poseidon,
//! chunk packing, the Merkle commitment, challenge derivation and Groth16 encodings and checks.
//! The contract, the storage node and the validator all use exactly this code.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod challenge;
pub mod dev;
pub mod encoding;
pub mod extension;
#[cfg(feature = "std")]
pub mod fs;
pub mod groth16;
pub mod ids;
pub mod merkle;
pub mod packing;
pub mod poseidon;

pub use ark_bn254::Fr;
