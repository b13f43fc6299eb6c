//! The AVX-512 IFMA Poseidon against the scalar code, arkworks' field and the oracles. The
//! `emulated_*` tests run its generic code on emulated lanes on every CPU; the others pass
//! trivially (with a note) on a CPU without IFMA.
#![cfg(target_arch = "x86_64")]

use ark_bn254::Fr;
use ark_ff::{BigInt, BigInteger, Field, PrimeField, UniformRand};
use ddc_primitives::packing::{leaf_hashes, leaf_hashes_scalar};
use ddc_primitives::poseidon::{ifma, optimized, permute_reference};
use proptest::prelude::*;

use crate::common;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn skip() -> bool {
    if !ifma::available() {
        eprintln!("no AVX-512 IFMA on this CPU: vectorized Poseidon not tested");
        return true;
    }
    false
}

fn p_minus(k: u64) -> Fr {
    -Fr::from(k)
}

/// Field elements worth testing next to random ones.
fn edge_elements() -> Vec<Fr> {
    let mut v = vec![Fr::from(0u64), Fr::from(1u64), Fr::from(2u64), p_minus(1), p_minus(2)];
    // Largest values below 2^254 that are canonical, and 2^253, 2^252.
    v.push(Fr::from_bigint(BigInt([u64::MAX, u64::MAX, u64::MAX, 0x30644e72e131a028])).unwrap());
    v.push(Fr::from(2u64).pow([253]));
    v.push(Fr::from(2u64).pow([252]) - Fr::from(1u64));
    // Montgomery-form extremes of the vector code (x·2^260 ≡ 1, p - 1).
    let r_inv = Fr::from(2u64).pow([260]).inverse().unwrap();
    v.push(r_inv);
    v.push(-r_inv);
    v
}

fn to_mont(x: Fr) -> [u64; 4] {
    (x * Fr::from(2u64).pow([260])).into_bigint().0
}

fn from_raw(x: [u64; 4]) -> Fr {
    Fr::from_le_bytes_mod_order(&BigInt(x).to_bytes_le())
}

fn add_p(x: [u64; 4], times: u32) -> [u64; 4] {
    let mut v = BigInt(x);
    for _ in 0..times {
        assert!(!v.add_with_carry(&Fr::MODULUS));
    }
    v.0
}

fn bits(x: &[u64; 4]) -> u32 {
    BigInt(*x).num_bits()
}

/// `mont_mul_raw` on 8 lanes: `≡ a·b·2^-260` and below `a·b/2^260 + p`.
fn check_mul(a: [[u64; 4]; 8], b: [[u64; 4]; 8]) {
    let r = ifma::mont_mul_raw(&a, &b);
    let r_inv = Fr::from(2u64).pow([260]).inverse().unwrap();
    for l in 0..8 {
        assert_eq!(from_raw(r[l]), from_raw(a[l]) * from_raw(b[l]) * r_inv, "lane {l}: {:?} · {:?}", a[l], b[l]);
        // Bound: r < a·b/2^260 + p, checked as r - p < (a·b >> 260) + 1 in bits: loose but
        // catches any loss of a carry, which would be off by 2^52 multiples.
        let ab_bits = bits(&a[l]) + bits(&b[l]);
        let bound_bits = ab_bits.saturating_sub(260).max(254) + 1;
        assert!(bits(&r[l]) <= bound_bits, "lane {l}: result of {} bits", bits(&r[l]));
    }
}

#[test]
fn field_mul_matches_arkworks() {
    if skip() {
        return;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let edges = edge_elements();
    // (p-1)·(p-1) = 1, in every lane, and every pair of edge values.
    let m1 = to_mont(p_minus(1));
    check_mul([m1; 8], [m1; 8]);
    let r = ifma::mont_mul_raw(&[m1; 8], &[m1; 8]);
    assert!(r.iter().all(|x| from_raw(*x) == from_raw(to_mont(Fr::from(1u64)))));
    for a in &edges {
        let b: [[u64; 4]; 8] = core::array::from_fn(|l| to_mont(edges[l % edges.len()] * Fr::from(l as u64 / 8 + 1)));
        check_mul([to_mont(*a); 8], b);
        let b: [[u64; 4]; 8] = core::array::from_fn(|l| to_mont(edges[(l + 8) % edges.len()]));
        check_mul([to_mont(*a); 8], b);
    }
    // Random, and random made lazy: + k·p up to 2^256, as the permutation's intermediates are.
    for _ in 0..2000 {
        let a: [[u64; 4]; 8] = core::array::from_fn(|_| to_mont(Fr::rand(&mut rng)));
        let b: [[u64; 4]; 8] = core::array::from_fn(|_| to_mont(Fr::rand(&mut rng)));
        check_mul(a, b);
        let lazy = |x: [[u64; 4]; 8], k: u32| -> [[u64; 4]; 8] { core::array::from_fn(|l| add_p(x[l], k % 4)) };
        check_mul(lazy(a, 3), lazy(b, 1));
        check_mul(lazy(a, 2), lazy(b, 3));
    }
    // Raw extremes: all ones below 2^256 and 2^254.
    let top = [u64::MAX; 4];
    let below254 = [u64::MAX, u64::MAX, u64::MAX, (1 << 62) - 1];
    let zero = [0u64; 4];
    check_mul(
        [top, top, below254, below254, top, zero, below254, m1],
        [top, below254, top, below254, zero, top, m1, top],
    );
}

/// Random states salted with edge values.
fn states<const T: usize>(seed: u64, lanes: usize) -> Vec<[Fr; T]> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let edges = edge_elements();
    (0..lanes)
        .map(|l| {
            core::array::from_fn(|j| match (seed + l as u64 * 7 + j as u64) % 5 {
                0 => edges[(seed as usize + l + j) % edges.len()],
                _ => Fr::rand(&mut rng),
            })
        })
        .collect()
}

fn check_permutation<const T: usize>(seed: u64, lanes: usize) {
    for first_only in [false, true] {
        let mut vector = states::<T>(seed, lanes);
        let mut scalar = vector.clone();
        ifma::permute_lanes(&mut vector, first_only);
        for (l, (v, s)) in vector.iter().zip(scalar.iter_mut()).enumerate() {
            let mut reference = *s;
            optimized::permute_lanes::<T, 1>(core::array::from_mut(s), first_only);
            permute_reference(&mut reference);
            if first_only {
                assert_eq!(v[0], s[0], "width {T}, lane {l}, seed {seed}");
                assert_eq!(v[0], reference[0]);
            } else {
                assert_eq!(v, s, "width {T}, lane {l}, seed {seed}");
                assert_eq!(*v, reference);
            }
        }
    }
}

#[test]
fn permutation_of_edge_states() {
    if skip() {
        return;
    }
    let edges = edge_elements();
    for e in &edges {
        for lanes in [4, 8] {
            let mut vector = vec![[*e; 13]; lanes];
            let mut scalar = vector[0];
            ifma::permute_lanes(&mut vector, false);
            permute_reference(&mut scalar);
            assert!(vector.iter().all(|v| *v == scalar));
            let mut vector = vec![[*e; 9]; lanes];
            let mut scalar = vector[0];
            ifma::permute_lanes(&mut vector, false);
            permute_reference(&mut scalar);
            assert!(vector.iter().all(|v| *v == scalar));
            let mut vector = vec![[*e; 35]; lanes];
            let mut scalar = vector[0];
            ifma::permute_lanes(&mut vector, false);
            permute_reference(&mut scalar);
            assert!(vector.iter().all(|v| *v == scalar));
        }
    }
}

#[test]
fn leaves_of_edge_chunks_match_scalar_and_the_oracles() {
    if skip() {
        return;
    }
    for size in [373usize, 404, 1023, 1024, 1025, 2048, 4096] {
        let zeros = vec![0u8; size];
        let ones = vec![0xffu8; size];
        let mixed: Vec<u8> = (0..size).map(|i| if i % 62 < 31 { 0xff } else { 0 }).collect();
        let ramp: Vec<u8> = (0..size).map(|i| (i * 31 + size) as u8).collect();
        let chunks: [&[u8]; 8] = [&zeros, &ones, &mixed, &ramp, &ones, &zeros, &ramp, &mixed];
        let expected: Vec<Fr> = chunks.iter().map(|c| leaf_hashes_scalar([*c])[0]).collect();
        assert_eq!(leaf_hashes(chunks).to_vec(), expected, "size {size}");
        let four: [&[u8]; 4] = chunks[..4].try_into().unwrap();
        assert_eq!(leaf_hashes(four).to_vec(), expected[..4], "size {size}");
        for (c, e) in chunks[..4].iter().zip(&expected) {
            assert_eq!(common::leaf(c), *e, "size {size}");
        }
    }
}

fn check_emulated<const T: usize>(states: Vec<[Fr; T]>) {
    for first_only in [false, true] {
        let mut emulated = states.clone();
        ifma::permute_lanes_emulated(&mut emulated, first_only);
        for (v, s) in emulated.iter().zip(&states) {
            let mut reference = *s;
            permute_reference(&mut reference);
            let n = if first_only { 1 } else { T };
            assert_eq!(v[..n], reference[..n], "width {T}");
        }
    }
}

#[test]
fn emulated_permutation_of_edge_states() {
    let edges = edge_elements();
    for e in edges.chunks(8) {
        let lanes = |t: usize| (0..8).map(move |l| e[l % e.len()] + Fr::from((l * t) as u64));
        check_emulated::<9>(lanes(9).map(|x| [x; 9]).collect());
        check_emulated::<13>(lanes(13).map(|x| [x; 13]).collect());
        check_emulated::<35>(lanes(35).map(|x| [x; 35]).collect());
    }
}

#[test]
fn emulated_leaves_of_edge_chunks_match_the_oracles() {
    for size in [373usize, 1023, 1024, 1025, 4096] {
        let zeros = vec![0u8; size];
        let ones = vec![0xffu8; size];
        let mixed: Vec<u8> = (0..size).map(|i| if i % 62 < 31 { 0xff } else { 0 }).collect();
        let ramp: Vec<u8> = (0..size).map(|i| (i * 31 + size) as u8).collect();
        let chunks: [&[u8]; 8] = [&zeros, &ones, &mixed, &ramp, &ones, &zeros, &ramp, &mixed];
        let mut out = [Fr::from(0u64); 8];
        ifma::leaf_hashes_emulated(&chunks, &mut out);
        for (c, o) in chunks.iter().zip(out) {
            assert_eq!(common::leaf(c), o, "size {size}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn emulated_permutation_matches_the_reference(seed in any::<u64>()) {
        check_emulated::<9>(states::<9>(seed, 8));
        check_emulated::<35>(states::<35>(seed, 8));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn permutation_matches_scalar(seed in any::<u64>()) {
        if !skip() {
            check_permutation::<13>(seed, 8);
            check_permutation::<13>(seed, 4);
            check_permutation::<9>(seed, 8);
            check_permutation::<9>(seed, 4);
            check_permutation::<35>(seed, 8);
            check_permutation::<35>(seed, 4);
        }
    }

    #[test]
    fn leaves_match_scalar(data in proptest::collection::vec(any::<u8>(), 16 * 1024..=16 * 1024), salt in any::<u8>()) {
        if !skip() {
            let mut data = data;
            // Some chunks all-zero or all-0xff, some elements saturated.
            for (i, b) in data.iter_mut().enumerate() {
                match (i / 1024 + salt as usize) % 6 {
                    0 => *b = 0,
                    1 => *b = 0xff,
                    2 if i % 31 < 16 => *b = 0xff,
                    _ => {}
                }
            }
            let c: Vec<&[u8]> = data.chunks(1024).collect();
            let expected: Vec<Fr> = c.iter().map(|c| leaf_hashes_scalar([*c])[0]).collect();
            let sixteen: [&[u8]; 16] = c[..16].try_into().unwrap();
            prop_assert_eq!(leaf_hashes(sixteen).to_vec(), expected.clone());
            let odd: [&[u8]; 7] = c[3..10].try_into().unwrap();
            prop_assert_eq!(leaf_hashes(odd).to_vec(), expected[3..10].to_vec());
            let twelve: [&[u8]; 12] = c[4..].try_into().unwrap();
            prop_assert_eq!(leaf_hashes(twelve).to_vec(), expected[4..].to_vec());
            prop_assert_eq!(common::leaf(c[0]), expected[0]);
        }
    }
}
