//! The DDC chain client, shared by the storage node and the validator, and the embedded dev chain.
//!
//! [`ChainClient`] is everything the daemons need from a chain: dry-run queries, signed calls
//! that wait for inclusion, and finalized events. Calls are ink! call data (selector ‖ SCALE
//! arguments) for the DDC contract, so the same encoding serves the embedded chain (this crate's
//! [`embedded`] backend, which runs the contract's rules natively) and a Substrate node with the
//! wasm contract in pallet-contracts.

pub mod calls;
pub mod client;
pub mod embedded;
pub mod keys;
pub mod rpc;
pub mod settings;

pub use calls::Ddc;
pub use client::{ChainClient, ChainError, EventBatch, Head, Receipt};
pub use ddc_verifier_contract::logic::{AccountId, Balance, Event};
pub use keys::Signer;
