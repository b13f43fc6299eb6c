//! The DDC contract on a Substrate node with pallet-contracts (e.g. `substrate-contracts-node`),
//! through subxt's dynamic, metadata-driven API: calls are `Contracts::call` extrinsics signed
//! with the sr25519 [`Signer`](crate::Signer), queries and gas estimates are `ContractsApi_call`
//! dry runs, events are the contract's `Contracts::ContractEmitted` records in finalized blocks.
//!
//! What is sent and read is built and decoded by pure functions over the runtime metadata
//! ([`encode`], [`decode`]), apart from the network code ([`SubstrateClient`]), so that tests
//! check them against a real pallet-contracts runtime without a node. See `docs/substrate.md`.

pub mod address;
mod client;
pub mod decode;
pub mod encode;
pub mod local;

pub use address::parse_account;
pub use client::{SubstrateClient, MAX_EVENT_BLOCKS};
