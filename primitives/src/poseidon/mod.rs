//! Poseidon over BN254 with the x^5 S-box, bit-compatible with circomlib's `Poseidon(n)`.
//!
//! The round constants and MDS matrices in [`constants`] are the output of the Poseidon
//! reference Grain-LFSR generator (`generate_parameters_grain.sage 1 0 254 t 8 R_P`), which is
//! exactly how circomlib produced its tables; `tests/poseidon_constants.rs` regenerates them with
//! arkworks' independent implementation of that generator and checks them against light-poseidon.
//!
//! Widths 2..=13 are circomlib's. One wider width, [`WIDE`] = 35, absorbs a whole 1 KiB chunk (34
//! elements) in one permutation: a third fewer S-boxes than three chained width-13 permutations.
//! Its round numbers (8, 59) are the reference script's (`calc_round_numbers.py`, 128-bit security,
//! x^5, BN254, with its 7.5% margin on R_P) and its constants come from the same Grain generator.
//!
//! `hash(inputs)` is circomlib's `Poseidon(n)`: state `[0, inputs..]`, one permutation of width
//! `n + 1`, output `state[0]`; with 34 inputs it is the same construction at width 35. Without `std` (inside the contract) the textbook permutation runs;
//! with `std` the algebraically equal optimized form of [`optimized`] runs (sparse partial rounds,
//! about 3.5x fewer multiplications) without any allocation per call. On x86-64 CPUs with
//! AVX-512 IFMA (detected at run time), [`ifma`] runs that optimized form on 8 or 4 states at
//! once, one per SIMD lane; `packing::leaf_hashes` uses it.

mod constants;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
pub mod ifma;
#[cfg(feature = "std")]
pub mod optimized;

use ark_bn254::Fr;
use ark_ff::{Field, Zero};

/// Full rounds of every width (circomlib).
pub const FULL_ROUNDS: usize = 8;
/// Widest circomlib permutation provided (12 inputs), the widest light-poseidon can cross-check.
pub const MAX_WIDTH: usize = 13;
/// Most inputs a circomlib-width `hash` call takes.
pub const MAX_INPUTS: usize = MAX_WIDTH - 1;
/// The wide permutation: 34 inputs beside a zero capacity, one 1 KiB chunk.
pub const WIDE: usize = 35;
/// Partial rounds of [`WIDE`]: `calc_round_numbers.py` gives (R_F, R_P) = (8, 59) at width 35.
pub const WIDE_PARTIAL_ROUNDS: usize = 59;

/// circomlib's partial rounds for widths 2..=13 (128-bit security, x^5, BN254).
pub const PARTIAL_ROUNDS: [usize; MAX_WIDTH - 1] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65];

/// Whether `width` has parameters: 2..=13 and [`WIDE`].
pub const fn supported(width: usize) -> bool {
    (width >= 2 && width <= MAX_WIDTH) || width == WIDE
}

/// Partial rounds of a supported `width`.
pub const fn partial_rounds(width: usize) -> usize {
    if width == WIDE {
        WIDE_PARTIAL_ROUNDS
    } else {
        PARTIAL_ROUNDS[width - 2]
    }
}

/// Round constants and MDS matrix of one width, as circomlib defines them.
pub struct Params {
    pub width: usize,
    pub partial_rounds: usize,
    /// `(FULL_ROUNDS + partial_rounds) * width` constants, round-major.
    pub ark: &'static [Fr],
    /// Row-major `width * width`: `new[i] = Σ_j mds[i * width + j] * old[j]`.
    pub mds: &'static [Fr],
}

impl Params {
    pub fn rounds(&self) -> usize {
        FULL_ROUNDS + self.partial_rounds
    }
}

/// Parameters for a [`supported`] `width`.
///
/// # Panics
/// On an unsupported width: widths are fixed by the protocol, never by user input.
#[inline(always)]
pub fn params(width: usize) -> Params {
    assert!(supported(width), "Poseidon width {width} unsupported");
    let (ark, mds) = constants::table(width);
    Params { width, partial_rounds: partial_rounds(width), ark, mds }
}

/// x^5.
#[inline(always)]
pub fn sbox(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// The textbook permutation, round by round as the specification writes it.
#[inline(always)]
pub fn permute_reference(state: &mut [Fr]) {
    let p = params(state.len());
    let t = p.width;
    let half = FULL_ROUNDS / 2;
    let mut tmp = [Fr::zero(); WIDE];
    for r in 0..p.rounds() {
        for (s, c) in state.iter_mut().zip(&p.ark[r * t..(r + 1) * t]) {
            *s += c;
        }
        if r < half || r >= half + p.partial_rounds {
            state.iter_mut().for_each(|s| *s = sbox(*s));
        } else {
            state[0] = sbox(state[0]);
        }
        for (i, out) in tmp[..t].iter_mut().enumerate() {
            *out = state.iter().zip(&p.mds[i * t..(i + 1) * t]).map(|(s, m)| *s * m).sum();
        }
        state.copy_from_slice(&tmp[..t]);
    }
}

/// Applies the fastest available implementation of the permutation of width `state.len()`.
#[inline]
pub fn permute(state: &mut [Fr]) {
    #[cfg(feature = "std")]
    optimized::permute(state, false);
    #[cfg(not(feature = "std"))]
    permute_reference(state);
}

/// `L` permutations of width `T` at once, of which only `state[0]`, the hash output, is kept
/// (faster per permutation natively; see `optimized`).
#[inline]
pub fn hash_lanes<const T: usize, const L: usize>(states: &mut [[Fr; T]; L]) {
    #[cfg(feature = "std")]
    optimized::permute_lanes(states, true);
    #[cfg(not(feature = "std"))]
    states.iter_mut().for_each(|s| permute_reference(s));
}

/// Whether `hash` takes `n` inputs: 1..=12 (circomlib) or 34 ([`WIDE`]).
pub const fn hashes(n: usize) -> bool {
    supported(n + 1)
}

/// circomlib's `Poseidon(inputs.len())`; with 34 inputs, the same construction at [`WIDE`].
///
/// # Panics
/// If `inputs.len()` is not 1..=12 or 34 ([`hashes`]).
#[inline]
pub fn hash(inputs: &[Fr]) -> Fr {
    assert!(!inputs.is_empty() && hashes(inputs.len()), "Poseidon takes 1..=12 or 34 inputs");
    let mut state = [Fr::zero(); WIDE];
    let t = inputs.len() + 1;
    state[1..t].copy_from_slice(inputs);
    #[cfg(feature = "std")]
    optimized::permute(&mut state[..t], true);
    #[cfg(not(feature = "std"))]
    permute_reference(&mut state[..t]);
    state[0]
}

/// `hash` of a fixed-size array, for call sites whose arity is known.
#[inline]
pub fn hash_n<const N: usize>(inputs: [Fr; N]) -> Fr {
    hash(&inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimized_equals_reference_for_every_width() {
        let mut x = Fr::from(7u64);
        for t in (2..=MAX_WIDTH).chain([WIDE]) {
            let mut a: [Fr; WIDE] = core::array::from_fn(|i| {
                x = sbox(x + Fr::from(i as u64));
                x
            });
            let mut b = a;
            permute_reference(&mut a[..t]);
            permute(&mut b[..t]);
            assert_eq!(a[..t], b[..t], "width {t}");
        }
    }
}
