//! Challenge indices derived in-circuit from the public `(chunk_count, seed)`.
//!
//! Mirrors `ddc_primitives::challenge`: each element `r` of the permuted state `(0, seed, j)` is
//! decomposed canonically as `lo (192 bits) + 2^192 · hi` with `0 ≤ hi < p_hi` (so the
//! decomposition is the unique one below the modulus), and each 64-bit word `w` of `lo` gives
//! `idx = ⌊w · n / 2^64⌋` through one constraint `w · n = idx · 2^64 + low` with `low < 2^64` and
//! `idx` the path's index bits.

use super::{MODULUS_TOP_LIMB, WORDS_PER_DRAW, WORDS_PER_ELEMENT};
use crate::merkle::TreeShape;
use crate::poseidon::constraints::permute;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, BigInteger, PrimeField};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_r1cs_std::R1CSVar;
use ark_relations::r1cs::{ConstraintSystemRef, SynthesisError};

/// Little-endian bits of `value` (or of nothing, at setup) as `n` new boolean witnesses.
fn alloc_bits(cs: &ConstraintSystemRef<Fr>, value: Option<u128>, n: usize) -> Result<Vec<Boolean<Fr>>, SynthesisError> {
    (0..n)
        .map(|i| {
            Boolean::new_witness(cs.clone(), || value.map(|v| v >> i & 1 == 1).ok_or(SynthesisError::AssignmentMissing))
        })
        .collect()
}

/// `Σ bits_i 2^i`, a linear combination (no constraint).
fn pack(bits: &[Boolean<Fr>]) -> FpVar<Fr> {
    let mut coeff = Fr::from(1u64);
    let mut acc = FpVar::zero();
    for b in bits {
        acc += FpVar::from(b.clone()) * coeff;
        coeff.double_in_place();
    }
    acc
}

/// Enforces `1 ≤ chunk_count ≤ capacity`, which also keeps `w · n` far below the modulus.
pub fn enforce_chunk_count(shape: &TreeShape, chunk_count: &FpVar<Fr>) -> Result<(), SynthesisError> {
    let cs = chunk_count.cs();
    let v = chunk_count.value().ok().map(|n| n.into_bigint().0[0].wrapping_sub(1) as u128);
    let bits = alloc_bits(&cs, v, shape.index_bits())?;
    pack(&bits).enforce_equal(&(chunk_count - Fr::from(1u64)))
}

/// The low 192 bits of `r`'s canonical decomposition `lo + 2^192 · hi` (`hi < p_hi`), and their
/// limbs' values when assigned.
#[allow(clippy::type_complexity)]
fn canonical_low_bits(
    cs: &ConstraintSystemRef<Fr>,
    r: &FpVar<Fr>,
) -> Result<(Vec<Boolean<Fr>>, Option<[u64; WORDS_PER_ELEMENT]>), SynthesisError> {
    let limbs = r.value().ok().map(|v| v.into_bigint().0);
    let lo_val = limbs.map(|l| [l[0], l[1], l[2]]);
    let lo: Vec<Boolean<Fr>> = (0..WORDS_PER_ELEMENT * 64)
        .map(|i| {
            Boolean::new_witness(cs.clone(), || {
                lo_val.map(|l| l[i / 64] >> (i % 64) & 1 == 1).ok_or(SynthesisError::AssignmentMissing)
            })
        })
        .collect::<Result<_, _>>()?;
    let hi_val = limbs.map(|l| l[3] as u128);
    let hi = alloc_bits(cs, hi_val, 62)?;
    // hi + d = p_hi - 1 with both below 2^62: 0 ≤ hi < p_hi.
    let d = alloc_bits(cs, hi_val.map(|h| (MODULUS_TOP_LIMB as u128 - 1).wrapping_sub(h)), 62)?;
    let hi_var = pack(&hi);
    (&hi_var + pack(&d)).enforce_equal(&FpVar::constant(Fr::from(MODULUS_TOP_LIMB - 1)))?;
    let two_192 =
        Fr::from_bigint(<Fr as PrimeField>::BigInt::from_bits_le(&(0..256).map(|i| i == 192).collect::<Vec<_>>()))
            .expect("2^192 < p");
    (pack(&lo) + hi_var * two_192).enforce_equal(r)?;
    Ok((lo, lo_val))
}

/// The little-endian index bits of the `k` challenges.
pub fn challenge_index_bits(
    shape: &TreeShape,
    seed: &FpVar<Fr>,
    chunk_count: &FpVar<Fr>,
    k: usize,
) -> Result<Vec<Vec<Boolean<Fr>>>, SynthesisError> {
    let cs = seed.cs().or(chunk_count.cs());
    let n_val = chunk_count.value().ok().map(|n| n.into_bigint().0[0]);
    let mut out = Vec::with_capacity(k);
    for j in 0..k.div_ceil(WORDS_PER_DRAW) {
        let mut state = [FpVar::zero(), seed.clone(), FpVar::constant(Fr::from(j as u64))];
        permute(&mut state)?;
        for r in &state {
            if out.len() == k {
                break;
            }
            let (lo, lo_val) = canonical_low_bits(&cs, r)?;
            for w in 0..WORDS_PER_ELEMENT {
                if out.len() == k {
                    break;
                }
                let word = pack(&lo[64 * w..64 * (w + 1)]);
                let prod = lo_val.zip(n_val).map(|(l, n)| l[w] as u128 * n as u128);
                let idx = alloc_bits(&cs, prod.map(|p| p >> 64), shape.index_bits())?;
                let low = alloc_bits(&cs, prod.map(|p| p & u64::MAX as u128), 64)?;
                let two_64 = Fr::from(u64::MAX) + Fr::from(1u64);
                word.mul_equals(chunk_count, &(pack(&idx) * two_64 + pack(&low)))?;
                out.push(idx);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::challenge_indices;
    use ark_relations::r1cs::ConstraintSystem;

    #[test]
    fn in_circuit_indices_equal_native() {
        let shape = TreeShape::default_for_depth(12).unwrap();
        for (seed, n) in [(5u64, 1u64), (6, 777), (7, 4096)] {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let s = FpVar::new_input(cs.clone(), || Ok(Fr::from(seed))).unwrap();
            let nv = FpVar::new_input(cs.clone(), || Ok(Fr::from(n))).unwrap();
            enforce_chunk_count(&shape, &nv).unwrap();
            let bits = challenge_index_bits(&shape, &s, &nv, 7).unwrap();
            let got: Vec<u64> = bits
                .iter()
                .map(|b| b.iter().enumerate().map(|(i, x)| (x.value().unwrap() as u64) << i).sum())
                .collect();
            assert_eq!(got, challenge_indices(Fr::from(seed), n, 7, shape.capacity()).unwrap());
            assert!(cs.is_satisfied().unwrap());
        }
    }

    #[test]
    fn chunk_count_outside_the_tree_is_unsatisfiable() {
        let shape = TreeShape::default_for_depth(6).unwrap();
        for n in [0u64, 65] {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let nv = FpVar::new_input(cs.clone(), || Ok(Fr::from(n))).unwrap();
            enforce_chunk_count(&shape, &nv).unwrap();
            assert!(!cs.is_satisfied().unwrap(), "n = {n}");
        }
    }
}
