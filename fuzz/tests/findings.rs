//! What the fuzzers found, each fixed where it was and pinned here.

use ddc_circuits::storage::keys::{load_vk, write_dev_keys};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::{
    check_vk, decode_prepared, decode_proof, encode_prepared, encode_proof, EncodingError, PROOF_BYTES,
};

fn dev_vk() -> Vec<u8> {
    let params = StorageParams { depth: 4, arity: 2, challenges: 1, chunk_bytes: 64 }.checked().unwrap();
    let keys = tempfile::tempdir().unwrap();
    write_dev_keys(keys.path(), &params).unwrap();
    load_vk(keys.path(), &params).unwrap().0
}

/// arkworks reads a compressed point with the infinity flag as infinity whatever its x bytes, so
/// one proof had many encodings. Only the canonical one decodes now.
#[test]
fn a_proof_has_one_encoding() {
    let vk = check_vk(&dev_vk()).unwrap();
    let proof = ark_groth16::Proof { a: Default::default(), b: vk.beta_g2, c: vk.gamma_abc_g1[0] };
    let canonical = encode_proof(&proof);
    assert_eq!(decode_proof(&canonical).unwrap(), proof);
    let mut other = canonical;
    other[5] = 0x77;
    assert_eq!(canonical[31] & 0x40, 0x40, "A is the point at infinity");
    assert_eq!(decode_proof(&other), Err(EncodingError::ProofPoints));
    assert_eq!(decode_proof(&[0; PROOF_BYTES + 1]), Err(EncodingError::ProofLength(PROOF_BYTES + 1)));
}

/// arkworks reserves a vector of the claimed length before it reads a key's input points: a
/// key claiming 2^64 − 1 inputs aborted the process. Keys and cached keys now check the length
/// first, and a key with bytes after it is refused (one key, one hash).
#[test]
fn key_lengths_are_checked_before_decoding() {
    let vk = dev_vk();
    let at = 32 + 3 * 64;
    let mut huge = vk.clone();
    huge[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(check_vk(&huge).unwrap_err(), EncodingError::VerifyingKeyInputs((u64::MAX - 1) as usize));
    assert_eq!(check_vk(&vk[..at + 4]).unwrap_err(), EncodingError::VerifyingKey);
    assert_eq!(check_vk(&[vk.as_slice(), &[0]].concat()).unwrap_err(), EncodingError::VerifyingKey);

    let prepared = encode_prepared(&ark_groth16::prepare_verifying_key(&check_vk(&vk).unwrap()));
    assert!(decode_prepared(&prepared).is_ok());
    let at = 64 + 3 * 128;
    let mut huge = prepared.clone();
    huge[at..at + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    assert_eq!(decode_prepared(&huge).unwrap_err(), EncodingError::VerifyingKeyInputs((1 << 40) - 1));
}
