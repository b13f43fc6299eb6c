//! Independent oracles for the leaf hash: light-poseidon (circomlib) for widths up to 13, and
//! arkworks' textbook Poseidon sponge permutation for the wide width.
#![allow(dead_code)]

use ark_bn254::Fr;
use ark_crypto_primitives::sponge::poseidon::{find_poseidon_ark_and_mds, PoseidonConfig, PoseidonSponge};
use ark_crypto_primitives::sponge::{CryptographicSponge, DuplexSpongeMode, FieldBasedCryptographicSponge};
use ddc_primitives::packing::{pack, WIDE_RATE};
use ddc_primitives::poseidon::{FULL_ROUNDS, MAX_INPUTS, WIDE, WIDE_PARTIAL_ROUNDS};
use light_poseidon::{Poseidon, PoseidonHasher};
use std::sync::OnceLock;

/// circomlib's `Poseidon(n)`, by light-poseidon.
pub fn circom(inputs: &[Fr]) -> Fr {
    Poseidon::<Fr>::new_circom(inputs.len()).unwrap().hash(inputs).unwrap()
}

/// The width-35 permutation of `state` by arkworks' sponge (its own round loop, its own Grain
/// generator, the capacity element first as in circomlib).
pub fn wide_permutation(state: &[Fr]) -> Vec<Fr> {
    static CONFIG: OnceLock<PoseidonConfig<Fr>> = OnceLock::new();
    assert_eq!(state.len(), WIDE);
    let config = CONFIG.get_or_init(|| {
        let (ark, mds) =
            find_poseidon_ark_and_mds::<Fr>(254, WIDE_RATE, FULL_ROUNDS as u64, WIDE_PARTIAL_ROUNDS as u64, 0);
        PoseidonConfig::new(FULL_ROUNDS, WIDE_PARTIAL_ROUNDS, 5, mds, ark, WIDE_RATE, 1)
    });
    let mut sponge = PoseidonSponge::new(config);
    sponge.state = state.to_vec();
    // A full rate in absorbing mode: the next squeeze permutes once and leaves the state.
    sponge.mode = DuplexSpongeMode::Absorbing { next_absorb_index: WIDE_RATE };
    sponge.squeeze_native_field_elements(1);
    sponge.state
}

/// `Poseidon(34)`: the wide permutation of `[0, inputs..]`, output `state[0]`.
pub fn wide(inputs: &[Fr]) -> Fr {
    let mut state = vec![Fr::from(0u64)];
    state.extend_from_slice(inputs);
    wide_permutation(&state)[0]
}

/// The leaf of `chunk`, from the oracles: one circomlib hash up to 12 elements, else 34 elements
/// into the wide permutation, then blocks of 33 beside the running hash, zero-padded.
pub fn leaf(chunk: &[u8]) -> Fr {
    let e: Vec<Fr> = pack(chunk).collect();
    if e.len() <= MAX_INPUTS {
        return circom(&e);
    }
    let padded = |mut v: Vec<Fr>| {
        v.resize(WIDE_RATE, Fr::from(0u64));
        v
    };
    let first = e.len().min(WIDE_RATE);
    let mut acc = wide(&padded(e[..first].to_vec()));
    for block in e[first..].chunks(WIDE_RATE - 1) {
        acc = wide(&padded([&[acc], block].concat()));
    }
    acc
}
