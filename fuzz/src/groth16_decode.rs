//! Proofs and verifying keys from arbitrary bytes: what a node, a validator and the chain decode
//! from untrusted parties. Whatever decodes must have exactly one encoding, the bytes given.

use ddc_primitives::groth16::{check_vk, decode_prepared, decode_proof, encode_proof, encode_vk, PROOF_BYTES};

pub fn run(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else { return };
    match mode % 3 {
        0 => {
            if let Ok(proof) = decode_proof(bytes) {
                assert_eq!(bytes.len(), PROOF_BYTES);
                assert_eq!(encode_proof(&proof), bytes, "a decoded proof re-encodes to its bytes");
            }
        }
        1 => {
            if let Ok(vk) = check_vk(bytes) {
                assert_eq!(encode_vk(&vk), bytes, "a decoded verifying key re-encodes to its bytes");
            }
        }
        // Cached prepared keys are read unchecked; arbitrary bytes must still only fail.
        _ => drop(decode_prepared(bytes)),
    }
}
