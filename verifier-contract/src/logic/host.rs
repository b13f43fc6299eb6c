//! What the contract's rules need from the chain they run on. The ink! contract implements it
//! with `ink::env` (pallet-contracts); the embedded dev chain implements it natively. Both run the
//! same rules, so they cannot drift apart.

use super::{AccountId, Balance, Error, Event};
use ddc_primitives::groth16::ReplicaStatement;
use scale::{Decode, Encode};

pub trait Host {
    /// The account that signed the call.
    fn caller(&self) -> AccountId;
    /// Value sent along with the call (payable messages only).
    fn transferred(&self) -> Balance;
    /// The block's timestamp, in milliseconds.
    fn now_ms(&self) -> u64;
    /// SHA-256, by the chain (pallet-contracts' native `hash_sha2_256`).
    fn sha256(&self, data: &[u8]) -> [u8; 32];
    /// Whether `signature` is `signer`'s sr25519 signature of `message` (Substrate's signing
    /// context, as wallets and `subxt-signer` sign).
    fn sr25519_verify(&self, signer: &AccountId, message: &[u8], signature: &[u8; 64]) -> bool;
    /// Pays `value` out of the contract's balance.
    fn transfer(&mut self, to: AccountId, value: Balance) -> Result<(), Error>;
    fn emit(&mut self, event: Event);
    /// Whether every statement's Groth16 proof holds under `vk` (one pairing check, or a batch
    /// bound to `entropy`). Errors: `VerifyingKeyInvalid`, `ProofMalformed`.
    fn verify_proofs(&mut self, vk: &[u8], statements: &[ReplicaStatement], entropy: &[u8; 32]) -> Result<bool, Error>;
    /// Whether `vk` decodes as a storage-proof verifying key (the verifier may cache it prepared).
    fn check_vk(&mut self, vk: &[u8]) -> bool;
    /// Raw contract storage under a SCALE-encoded key.
    fn read<K: Encode, V: Decode>(&self, key: &K) -> Option<V>;
    fn write<K: Encode, V: Encode>(&mut self, key: &K, value: &V);
    fn remove<K: Encode>(&mut self, key: &K);
}
