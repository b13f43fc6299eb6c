//! One mapping, both ways, between the circuit shape the contract records (and clusters pin)
//! and the parameters the prover builds its storage and circuit from.

use ddc_circuits::storage::StorageParams;
use ddc_verifier_contract::logic::CircuitShape;

/// The contract's record of `p`. A checked shape fits the record's narrower fields.
pub fn circuit_shape(p: &StorageParams) -> CircuitShape {
    CircuitShape {
        depth: p.depth as u8,
        arity: p.arity as u8,
        challenges: p.challenges as u16,
        chunk_bytes: p.chunk_bytes as u32,
    }
}

/// The parameters of an on-chain shape, unchecked: call `checked()` before use.
pub fn storage_params(s: &CircuitShape) -> StorageParams {
    StorageParams {
        depth: s.depth as u32,
        arity: s.arity as usize,
        challenges: s.challenges as usize,
        chunk_bytes: s.chunk_bytes as usize,
    }
}
