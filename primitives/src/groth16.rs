//! Groth16 over BN254 as the chain and the validators see it: the 128-byte proof encoding, the
//! verifying-key encoding pinned by its hash, single verification, and batch verification of N
//! proofs with N + 2 Miller loops, one final exponentiation and one exponentiation in the target
//! group (a random linear combination of the N verification equations).

use alloc::vec::Vec;
pub use ark_bn254::Bn254;
use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{AdditiveGroup, Field, PrimeField, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use sha2::{Digest, Sha256};

pub use ark_groth16::{prepare_verifying_key, PreparedVerifyingKey, Proof, VerifyingKey};

use crate::encoding::fr_to_bytes;
use crate::ids::{ClusterId, Epoch, NodeId, VNodeIndex};

/// A compressed proof: A (G1, 32) ‖ B (G2, 64) ‖ C (G1, 32).
pub const PROOF_BYTES: usize = 128;
/// Public inputs of the storage proof.
pub const PUBLIC_INPUTS: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum EncodingError {
    #[cfg_attr(feature = "std", error("a proof is {PROOF_BYTES} bytes, got {0}"))]
    ProofLength(usize),
    #[cfg_attr(feature = "std", error("proof points are not valid BN254 points"))]
    ProofPoints,
    #[cfg_attr(feature = "std", error("malformed verifying key"))]
    VerifyingKey,
    #[cfg_attr(feature = "std", error("verifying key has {0} public inputs, the storage proof has 3"))]
    VerifyingKeyInputs(usize),
}

/// What a storage proof is about: a committed `(root, chunk_count)` and a replica seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicInputs {
    pub root: Fr,
    pub chunk_count: u64,
    pub seed: Fr,
}

impl PublicInputs {
    /// The circuit's public input vector, in allocation order.
    pub fn to_field_elements(&self) -> [Fr; PUBLIC_INPUTS] {
        [self.root, Fr::from(self.chunk_count), self.seed]
    }
}

pub fn encode_proof(proof: &Proof<Bn254>) -> [u8; PROOF_BYTES] {
    let mut out = [0u8; PROOF_BYTES];
    proof.serialize_compressed(&mut out[..]).expect("a Groth16 proof is 128 bytes compressed");
    out
}

/// Decodes and validates (on curve, in subgroup) a proof. Only the canonical encoding is taken:
/// arkworks reads any x bytes beside the point-at-infinity flag as that point, so a proof would
/// otherwise have many encodings (found by `fuzz/`'s `groth16_decode`).
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bn254>, EncodingError> {
    if bytes.len() != PROOF_BYTES {
        return Err(EncodingError::ProofLength(bytes.len()));
    }
    let proof = Proof::deserialize_compressed(bytes).map_err(|_| EncodingError::ProofPoints)?;
    if encode_proof(&proof)[..] != *bytes {
        return Err(EncodingError::ProofPoints);
    }
    Ok(proof)
}

pub fn encode_vk(vk: &VerifyingKey<Bn254>) -> Vec<u8> {
    let mut out = Vec::with_capacity(vk.compressed_size());
    vk.serialize_compressed(&mut out).expect("writing to a Vec");
    out
}

/// Decodes and validates a storage-proof verifying key (points on curve and in subgroup, three
/// public inputs). Only the canonical encoding is taken, with nothing after it, so that one key
/// has one hash.
pub fn check_vk(bytes: &[u8]) -> Result<VerifyingKey<Bn254>, EncodingError> {
    check_inputs_len(bytes, 32 + 3 * 64)?;
    let vk = VerifyingKey::<Bn254>::deserialize_compressed(bytes).map_err(|_| EncodingError::VerifyingKey)?;
    if vk.gamma_abc_g1.len() != PUBLIC_INPUTS + 1 {
        return Err(EncodingError::VerifyingKeyInputs(vk.gamma_abc_g1.len().saturating_sub(1)));
    }
    if encode_vk(&vk) != bytes {
        return Err(EncodingError::VerifyingKey);
    }
    Ok(vk)
}

/// Checks the length of a key's input points (a u64 after α, β, γ and δ, `at` bytes in) before
/// arkworks reads it: it reserves that many points up front, so a large length from untrusted
/// bytes would abort the process (found by `fuzz/`'s `groth16_decode`).
fn check_inputs_len(bytes: &[u8], at: usize) -> Result<(), EncodingError> {
    let len = bytes.get(at..at + 8).ok_or(EncodingError::VerifyingKey)?;
    let len = u64::from_le_bytes(len.try_into().expect("8 bytes"));
    if len != PUBLIC_INPUTS as u64 + 1 {
        return Err(EncodingError::VerifyingKeyInputs(len.saturating_sub(1).min(usize::MAX as u64) as usize));
    }
    Ok(())
}

/// Decodes a storage-proof verifying key and prepares it.
pub fn decode_vk(bytes: &[u8]) -> Result<PreparedVerifyingKey<Bn254>, EncodingError> {
    check_vk(bytes).map(|vk| prepare_verifying_key(&vk))
}

/// SHA-256 of the encoded verifying key: how the chain pins a key.
pub fn vk_hash(encoded_vk: &[u8]) -> [u8; 32] {
    Sha256::digest(encoded_vk).into()
}

/// `vk_x = IC_0 + Σ x_j IC_j` for a combination of input vectors.
fn input_commitment(pvk: &PreparedVerifyingKey<Bn254>, coeffs: &[Fr; PUBLIC_INPUTS + 1]) -> G1Affine {
    G1Projective::msm_unchecked(&pvk.vk.gamma_abc_g1, coeffs).into_affine()
}

/// Checks one proof.
pub fn verify(pvk: &PreparedVerifyingKey<Bn254>, inputs: &PublicInputs, proof: &Proof<Bn254>) -> bool {
    if pvk.vk.gamma_abc_g1.len() != PUBLIC_INPUTS + 1 {
        return false;
    }
    let x = inputs.to_field_elements();
    let vk_x = input_commitment(pvk, &[Fr::ONE, x[0], x[1], x[2]]);
    let ml = Bn254::multi_miller_loop(
        [proof.a, vk_x, proof.c],
        [proof.b.into(), pvk.gamma_g2_neg_pc.clone(), pvk.delta_g2_neg_pc.clone()],
    );
    Bn254::final_exponentiation(ml).is_some_and(|r| r.0 == pvk.alpha_g1_beta_g2)
}

/// The 128-bit coefficients of the combination, bound to every proof and input of the batch and
/// to the verifier's `entropy`, so a prover can neither predict nor steer them.
fn batch_coefficients(items: &[(PublicInputs, Proof<Bn254>)], entropy: &[u8; 32]) -> Vec<Fr> {
    let mut h = Sha256::new();
    h.update(b"ddc/groth16-batch/v1");
    h.update(entropy);
    for (inputs, proof) in items {
        for x in inputs.to_field_elements() {
            h.update(fr_to_bytes(&x));
        }
        h.update(encode_proof(proof));
    }
    let transcript: [u8; 32] = h.finalize().into();
    (0..items.len() as u64)
        .map(|i| {
            let d = Sha256::new().chain_update(transcript).chain_update(i.to_le_bytes()).finalize();
            let r = Fr::from_le_bytes_mod_order(&d[..16]);
            if r.is_zero() {
                Fr::ONE
            } else {
                r
            }
        })
        .collect()
}

/// Pairs per Miller-loop chunk: bounds the line coefficients alive at once (~17 KiB per G2
/// point), which matters inside a contract's 1 MiB of memory.
const MILLER_CHUNK: usize = 8;

/// `Π e'(g1_i, g2_i)` before the final exponentiation, a chunk of pairs at a time.
fn chunked_miller_loop(
    g1: &[G1Affine],
    mut g2: impl Iterator<Item = <Bn254 as Pairing>::G2Prepared>,
) -> ark_ec::pairing::MillerLoopOutput<Bn254> {
    let mut acc = <Bn254 as Pairing>::TargetField::ONE;
    for g1 in g1.chunks(MILLER_CHUNK) {
        let chunk: Vec<_> = g2.by_ref().take(g1.len()).collect();
        acc *= Bn254::multi_miller_loop(g1.iter().copied(), chunk).0;
    }
    ark_ec::pairing::MillerLoopOutput(acc)
}

/// Checks N proofs at once; true iff (with overwhelming probability) every proof is valid.
/// `entropy` is the verifier's randomness (fresh per batch off-chain, the block's on-chain).
pub fn batch_verify(
    pvk: &PreparedVerifyingKey<Bn254>,
    items: &[(PublicInputs, Proof<Bn254>)],
    entropy: &[u8; 32],
) -> bool {
    if items.is_empty() {
        return true;
    }
    if pvk.vk.gamma_abc_g1.len() != PUBLIC_INPUTS + 1 {
        return false;
    }
    let r = batch_coefficients(items, entropy);
    let mut coeffs = [Fr::ZERO; PUBLIC_INPUTS + 1];
    for ((inputs, _), ri) in items.iter().zip(&r) {
        coeffs[0] += ri;
        for (c, x) in coeffs[1..].iter_mut().zip(inputs.to_field_elements()) {
            *c += *ri * x;
        }
    }
    let vk_x = input_commitment(pvk, &coeffs);
    let cs: Vec<G1Affine> = items.iter().map(|(_, p)| p.c).collect();
    let c = G1Projective::msm_unchecked(&cs, &r).into_affine();
    let scaled_a =
        G1Projective::normalize_batch(&items.iter().zip(&r).map(|((_, p), ri)| p.a * ri).collect::<Vec<_>>());
    let g1: Vec<G1Affine> = scaled_a.into_iter().chain([vk_x, c]).collect();
    // Prepared lazily, a chunk at a time.
    let g2 = items.iter().map(|(_, p)| p.b.into()).chain([pvk.gamma_g2_neg_pc.clone(), pvk.delta_g2_neg_pc.clone()]);
    let Some(lhs) = Bn254::final_exponentiation(chunked_miller_loop(&g1, g2)) else {
        return false;
    };
    let sum: Fr = r.iter().sum();
    lhs == PairingOutput(pvk.alpha_g1_beta_g2.pow(sum.into_bigint()))
}

/// A storage-proof statement as the chain passes it around: `(root, chunk_count, seed, proof)`,
/// the root and seed as canonical little-endian scalars.
pub type EncodedStatement = ([u8; 32], u64, [u8; 32], [u8; PROOF_BYTES]);

/// Whose replica a proof is about: the epoch's seed, and the cluster, vnode, node and epoch that
/// [`replica_seed`](crate::challenge::replica_seed) binds it to.
pub type ReplicaId = ([u8; 32], ClusterId, VNodeIndex, NodeId, Epoch);

/// A statement as the contract states it: `(root, chunk_count, replica, proof)`, its seed still to
/// be derived. The derivation is a Poseidon hash that costs far more in a contract's interpreted
/// wasm than natively, so the `ddc-pos` extension takes statements in this form.
pub type ReplicaStatement = ([u8; 32], u64, ReplicaId, [u8; PROOF_BYTES]);

/// The statement with its replica seed derived.
pub fn derive_statement(s: &ReplicaStatement) -> EncodedStatement {
    let (root, chunk_count, (epoch_seed, cluster, vnode, node, epoch), proof) = s;
    let seed = crate::challenge::replica_seed(epoch_seed, *cluster, *vnode, *node, *epoch);
    (*root, *chunk_count, fr_to_bytes(&seed), *proof)
}

/// [`verify_encoded`] of statements whose replica seeds are derived here.
pub fn verify_replicas(vk: &[u8], statements: &[ReplicaStatement], entropy: &[u8; 32]) -> Result<bool, EncodingError> {
    let derived: Vec<EncodedStatement> = statements.iter().map(derive_statement).collect();
    verify_encoded(vk, &derived, entropy)
}

/// Decodes a key and statements and checks them: one pairing check for a single statement, a
/// random-linear-combination batch for more (coefficients bound to `entropy` and every statement).
pub fn verify_encoded(vk: &[u8], statements: &[EncodedStatement], entropy: &[u8; 32]) -> Result<bool, EncodingError> {
    verify_statements(&decode_vk(vk)?, statements, entropy)
}

/// [`verify_encoded`] under an already prepared key.
pub fn verify_statements(
    pvk: &PreparedVerifyingKey<Bn254>,
    statements: &[EncodedStatement],
    entropy: &[u8; 32],
) -> Result<bool, EncodingError> {
    let mut items = Vec::with_capacity(statements.len());
    for (root, chunk_count, seed, proof) in statements {
        let root = crate::encoding::fr_from_bytes(root).ok_or(EncodingError::ProofPoints)?;
        let seed = crate::encoding::fr_from_bytes(seed).ok_or(EncodingError::ProofPoints)?;
        items.push((PublicInputs { root, chunk_count: *chunk_count, seed }, decode_proof(proof)?));
    }
    Ok(match items.as_slice() {
        [(inputs, proof)] => verify(pvk, inputs, proof),
        _ => batch_verify(pvk, &items, entropy),
    })
}

/// A prepared key as a verifier caches it: the key uncompressed and `e(α, β)`, so that loading
/// it needs neither point decompression, nor subgroup checks, nor a pairing. Only for bytes this
/// code wrote from a checked key.
pub fn encode_prepared(pvk: &PreparedVerifyingKey<Bn254>) -> Vec<u8> {
    let mut out = Vec::new();
    pvk.vk.serialize_uncompressed(&mut out).expect("writing to a Vec");
    pvk.alpha_g1_beta_g2.serialize_uncompressed(&mut out).expect("writing to a Vec");
    out
}

/// Loads what [`encode_prepared`] wrote (unchecked: the key was checked before it was cached).
pub fn decode_prepared(mut bytes: &[u8]) -> Result<PreparedVerifyingKey<Bn254>, EncodingError> {
    check_inputs_len(bytes, 64 + 3 * 128)?;
    let vk = VerifyingKey::<Bn254>::deserialize_uncompressed_unchecked(&mut bytes)
        .map_err(|_| EncodingError::VerifyingKey)?;
    let alpha_g1_beta_g2 = <Bn254 as Pairing>::TargetField::deserialize_uncompressed_unchecked(&mut bytes)
        .map_err(|_| EncodingError::VerifyingKey)?;
    if vk.gamma_abc_g1.len() != PUBLIC_INPUTS + 1 {
        return Err(EncodingError::VerifyingKeyInputs(vk.gamma_abc_g1.len().saturating_sub(1)));
    }
    Ok(PreparedVerifyingKey {
        gamma_g2_neg_pc: (-vk.gamma_g2).into(),
        delta_g2_neg_pc: (-vk.delta_g2).into(),
        alpha_g1_beta_g2,
        vk,
    })
}
