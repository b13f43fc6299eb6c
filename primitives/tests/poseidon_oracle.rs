//! Poseidon, leaves and seeds against independent implementations (light-poseidon, which is
//! circom-compatible, and arkworks' sponge for the wide width) and against circomlib's published
//! test vector.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ddc_primitives::packing::{leaf_hash, pack, DEFAULT_CHUNK_BYTES};
use ddc_primitives::poseidon::{hash, permute, permute_reference, MAX_INPUTS, WIDE};
use proptest::prelude::*;

use crate::common;
use crate::common::circom as oracle;

fn reference(inputs: &[Fr]) -> Fr {
    let mut state = vec![Fr::from(0u64)];
    state.extend_from_slice(inputs);
    permute_reference(&mut state);
    state[0]
}

#[test]
fn circomlib_vector() {
    // circomlib test/poseidon.js: poseidon([1, 2]).
    let out = hash(&[Fr::from(1u64), Fr::from(2u64)]);
    let hex = hex_be(&out);
    assert_eq!(hex, "115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a");
}

fn hex_be(x: &Fr) -> String {
    x.into_bigint().to_bytes_be().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn one_kib_leaf_is_one_wide_permutation() {
    let chunk: Vec<u8> = (0..DEFAULT_CHUNK_BYTES).map(|i| (i * 31 + 7) as u8).collect();
    let e: Vec<Fr> = pack(&chunk).collect();
    assert_eq!(leaf_hash(&chunk), common::wide(&e));
    assert_eq!(hash(&e), common::wide(&e));
}

proptest! {
    #[test]
    fn every_width_matches_light_poseidon(seed in any::<[u64; 4]>(), n in 1usize..=MAX_INPUTS) {
        let inputs: Vec<Fr> = (0..n).map(|i| Fr::from(seed[i % 4]) * Fr::from(i as u64 + 3)).collect();
        let expected = oracle(&inputs);
        prop_assert_eq!(hash(&inputs), expected);
        prop_assert_eq!(reference(&inputs), expected);
    }

    #[test]
    fn wide_permutation_matches_arkworks(seed in any::<[u64; 4]>()) {
        let state: Vec<Fr> = (0..WIDE).map(|i| Fr::from(seed[i % 4]) * Fr::from(i as u64 + 5) - Fr::from(seed[(i + 1) % 4])).collect();
        let expected = common::wide_permutation(&state);
        let (mut fast, mut textbook) = (state.clone(), state);
        permute(&mut fast);
        permute_reference(&mut textbook);
        prop_assert_eq!(&fast, &expected);
        prop_assert_eq!(&textbook, &expected);
    }

    #[test]
    fn chunks_of_any_size_match_the_oracles(bytes in proptest::collection::vec(any::<u8>(), 1..=4096)) {
        prop_assert_eq!(leaf_hash(&bytes), common::leaf(&bytes));
    }

    #[test]
    fn small_chunks_are_one_hash(bytes in proptest::collection::vec(any::<u8>(), 1..=372)) {
        let e: Vec<Fr> = pack(&bytes).collect();
        prop_assert_eq!(leaf_hash(&bytes), oracle(&e));
    }
}
