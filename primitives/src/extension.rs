//! The ABI of the `ddc-pos` chain extension: the DDC runtime's native Groth16 verification for
//! contracts. The contract and the runtime both take the ids and the error codes from here.
//!
//! Each function takes its SCALE-encoded arguments and writes a SCALE-encoded result:
//! - [`VERIFY`]: `(vk: Vec<u8>, statements: Vec<ReplicaStatement>, entropy: [u8; 32])` →
//!   `Result<bool, u8>`, the error an [`error_code`]; the extension derives each statement's
//!   replica seed ([`crate::groth16::ReplicaStatement`]);
//! - [`CHECK_VK`]: `vk: Vec<u8>` → `bool`.

use crate::groth16::EncodingError;

/// The extension's id: the high 16 bits of a chain-extension function id.
pub const EXTENSION_ID: u16 = 0x0ddc;
/// Whether every statement's proof is valid under the key (batched when there are several).
pub const VERIFY: u16 = 1;
/// Whether the key decodes and is a storage-proof key.
pub const CHECK_VK: u16 = 2;

/// The verifying key does not decode, or is not a storage-proof key.
pub const ERR_VERIFYING_KEY: u8 = 0;
/// A proof, root or seed is not a valid encoding.
pub const ERR_MALFORMED: u8 = 1;

/// The id a contract passes to `seal_call_chain_extension` for `function`.
pub const fn func_id(function: u16) -> u32 {
    (EXTENSION_ID as u32) << 16 | function as u32
}

/// The error code of a failed verification, in the order of the verifier contract's errors.
pub fn error_code(e: &EncodingError) -> u8 {
    match e {
        EncodingError::VerifyingKey | EncodingError::VerifyingKeyInputs(_) => ERR_VERIFYING_KEY,
        EncodingError::ProofLength(_) | EncodingError::ProofPoints => ERR_MALFORMED,
    }
}
