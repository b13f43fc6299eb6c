//! Proof of storage on-chain: stake, epochs, seed randomness, verification (proof batches,
//! attestations, faults) and the gating of revenues.
//!
//! Epoch `e` of a cluster spans `[start + e·len, start + (e+1)·len)`. Its first half is the
//! commit phase (nodes commit roots, validators commit `H(secret)`), its second half the reveal
//! phase. The seed is fixed once the epoch has ended. Proofs, attestations and fault reports for
//! `e` are taken until the end of epoch `e + 1`; a fault can be rebutted for `dispute_window_ms`
//! after its report; epoch `e` is settled (its revenue released) after
//! `end(e + 1) + dispute_window_ms`.

mod commitment;
mod config;
mod omission;
mod randomness;
mod settle;
mod stake;
mod verify;

pub use commitment::*;
pub use config::*;
pub use omission::*;
pub use randomness::*;
pub use settle::*;
pub use stake::*;
pub use verify::*;
