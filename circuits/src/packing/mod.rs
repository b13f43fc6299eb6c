//! Chunks and leaves: native (from `ddc-primitives`) and in-circuit.
pub mod constraints;
pub use ddc_primitives::packing::*;
