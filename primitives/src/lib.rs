//! Shared `no_std` types and the native cryptography of the DDC proof of storage.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod poseidon;

pub use ark_bn254::Fr;
