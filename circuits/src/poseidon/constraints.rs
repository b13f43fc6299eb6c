//! The Poseidon permutation as R1CS, in the optimized form of the native hasher.
//!
//! Only S-boxes cost constraints (3 each: x², x⁴, x⁵); linear layers and constants stay symbolic.
//! The sparse partial rounds keep each linear combination short, which keeps the constraint
//! matrices sparse and the prover's witness map cheap. Width t costs `3·(8t + R_P)` constraints,
//! less where S-box inputs are constants (the zero capacity of the first round).

use super::optimized::tables;
use super::{hashes, partial_rounds, FULL_ROUNDS};
use ark_bn254::Fr;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_relations::r1cs::SynthesisError;

fn sbox(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

fn dense(m: &[Fr], state: &mut [FpVar<Fr>]) {
    let t = state.len();
    let out: Vec<FpVar<Fr>> = (0..t)
        .map(|i| state.iter().zip(&m[i * t..(i + 1) * t]).fold(FpVar::zero(), |acc, (s, c)| acc + s * *c))
        .collect();
    state.clone_from_slice(&out);
}

/// The permutation of width `state.len()`.
pub fn permute(state: &mut [FpVar<Fr>]) -> Result<(), SynthesisError> {
    let o = tables(state.len());
    let t = o.width;
    let half = FULL_ROUNDS / 2;
    for (s, c) in state.iter_mut().zip(&o.first_ark) {
        *s += *c;
    }
    for i in 0..FULL_ROUNDS {
        if i == half {
            for (r, a) in o.partial_ark.iter().enumerate() {
                let x0 = sbox(&state[0])? + *a;
                let sp = &o.sparse[r * (2 * t - 1)..(r + 1) * (2 * t - 1)];
                let mut new0 = &x0 * sp[0];
                for j in 1..t {
                    new0 += &state[j] * sp[j];
                    state[j] += &x0 * sp[t + j - 1];
                }
                state[0] = new0;
            }
        }
        for s in state.iter_mut() {
            *s = sbox(s)?;
        }
        if let Some(k) = o.full_ark.get(i * t..(i + 1) * t) {
            for (s, c) in state.iter_mut().zip(k) {
                *s += *c;
            }
        }
        dense(if i + 1 == half { &o.pre_sparse } else { &o.mds }, state);
    }
    Ok(())
}

/// Constraints of [`hash`] over `inputs` variables: 3 per S-box, less the first round's capacity
/// S-box, which acts on a constant.
pub fn hash_cost(inputs: usize) -> usize {
    let t = inputs + 1;
    3 * (FULL_ROUNDS * t + partial_rounds(t)) - 3
}

/// circomlib's `Poseidon(inputs.len())` in-circuit; 34 inputs at the wide width (`poseidon::hash`).
pub fn hash(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    assert!(!inputs.is_empty() && hashes(inputs.len()), "Poseidon takes 1..=12 or 34 inputs");
    let mut state = Vec::with_capacity(inputs.len() + 1);
    state.push(FpVar::zero());
    state.extend_from_slice(inputs);
    permute(&mut state)?;
    Ok(state.swap_remove(0))
}

#[cfg(test)]
mod tests {
    use super::super::{MAX_INPUTS, WIDE};
    use super::*;
    use ark_r1cs_std::{alloc::AllocVar, R1CSVar};
    use ark_relations::r1cs::ConstraintSystem;

    #[test]
    fn gadget_equals_native_and_costs_three_per_sbox() {
        for n in (1..=MAX_INPUTS).chain([WIDE - 1]) {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let xs: Vec<Fr> = (0..n).map(|i| Fr::from(i as u64 * 1000 + 17)).collect();
            let vars: Vec<_> = xs.iter().map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap()).collect();
            let out = hash(&vars).unwrap();
            assert_eq!(out.value().unwrap(), super::super::hash(&xs));
            assert!(cs.is_satisfied().unwrap());
            assert_eq!(cs.num_constraints(), hash_cost(n), "{n} inputs");
        }
    }
}
