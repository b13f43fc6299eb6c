//! snarkjs's JSON formats (`verification_key.json`, `proof.json`, `public.json`), which
//! `snarkjs groth16 verify` reads: an independent verifier of our keys and proofs.
//!
//! Points are affine, coordinates in decimal: G1 `[x, y, "1"]`, G2 `[[x.c0, x.c1], [y.c0, y.c1],
//! ["1", "0"]]` (an F_p² element `c0 + c1·u` is `[c0, c1]`, as snarkjs's `F2.fromObject` reads
//! it). The public signals are the circuit's public inputs in order: root, chunk_count, seed.
//! `vk_alphabeta_12`, which `snarkjs zkey export verificationkey` adds for its Solidity
//! template, is left out: verification does not read it.

use super::{dec, g1_words};
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_groth16::{Proof, VerifyingKey};
use ddc_primitives::groth16::PublicInputs;
use serde_json::{json, Value};

fn fq2(x: &Fq2) -> Value {
    json!([dec::<Fq>(&x.c0), dec::<Fq>(&x.c1)])
}

fn g1(p: &G1Affine) -> Value {
    let [x, y] = g1_words(p);
    json!([x, y, "1"])
}

fn g2(p: &G2Affine) -> Value {
    json!([fq2(&p.x), fq2(&p.y), ["1", "0"]])
}

/// `verification_key.json`.
pub fn verification_key(vk: &VerifyingKey<Bn254>) -> Value {
    json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.gamma_abc_g1.len() - 1,
        "vk_alpha_1": g1(&vk.alpha_g1),
        "vk_beta_2": g2(&vk.beta_g2),
        "vk_gamma_2": g2(&vk.gamma_g2),
        "vk_delta_2": g2(&vk.delta_g2),
        "IC": vk.gamma_abc_g1.iter().map(g1).collect::<Vec<_>>(),
    })
}

/// `proof.json`.
pub fn proof(p: &Proof<Bn254>) -> Value {
    json!({ "pi_a": g1(&p.a), "pi_b": g2(&p.b), "pi_c": g1(&p.c), "protocol": "groth16", "curve": "bn128" })
}

/// `public.json`: the public signals, in the circuit's order.
pub fn public(inputs: &PublicInputs) -> Value {
    json!(inputs.to_field_elements().iter().map(dec::<Fr>).collect::<Vec<_>>())
}
