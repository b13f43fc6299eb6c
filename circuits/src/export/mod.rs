//! Keys and proofs in other tools' formats, so that implementations independent of this project
//! can check them.
pub mod iden3;
pub mod snarkjs;
pub mod solidity;

use ark_ff::PrimeField;

/// A field element in decimal, as the JSON and Solidity formats write numbers.
fn dec<F: PrimeField>(x: &F) -> String {
    x.into_bigint().to_string()
}

/// An affine G1 point's coordinates in decimal, `[x, y]`.
fn g1_words(p: &ark_bn254::G1Affine) -> [String; 2] {
    [dec(&p.x), dec(&p.y)]
}
