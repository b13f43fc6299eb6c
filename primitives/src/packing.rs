//! Chunks: fixed-size byte blocks packed 31 bytes per field element, hashed to a Merkle leaf.
//!
//! `leaf = Poseidon-chain(elements)`: up to 12 elements are one circomlib `Poseidon(n)`; longer
//! chunks absorb 34 elements into one permutation of width [`WIDE`](poseidon::WIDE), then 33 at a
//! time next to the running hash, zero-padding the last block (the element count is fixed by the
//! chunk size, so padding is unambiguous). A 1 KiB chunk is 34 elements: one wide permutation,
//! a third fewer S-boxes (and constraints) than three chained width-13 ones.

use crate::encoding::fr_from_short_bytes;
use crate::poseidon::{self, MAX_INPUTS, WIDE};
use ark_bn254::Fr;
use ark_ff::Zero;

/// Bytes packed into one field element (248 bits, always below the modulus).
pub const BYTES_PER_ELEMENT: usize = 31;
/// Default chunk size of a vnode log.
pub const DEFAULT_CHUNK_BYTES: usize = 1024;

/// Field elements in a chunk of `chunk_bytes`.
pub const fn elements_per_chunk(chunk_bytes: usize) -> usize {
    chunk_bytes.div_ceil(BYTES_PER_ELEMENT)
}

/// The field elements of `chunk`, little-endian 31-byte groups.
pub fn pack(chunk: &[u8]) -> impl Iterator<Item = Fr> + '_ {
    chunk.chunks(BYTES_PER_ELEMENT).map(fr_from_short_bytes)
}

/// Inputs of one wide permutation: its rate.
pub const WIDE_RATE: usize = WIDE - 1;

/// The leaf chaining schedule shared by the native hash and its circuit twin: hashes `elements`
/// (with `zero` for padding) using `hash`, which takes 1..=12 or [`WIDE_RATE`] inputs.
pub fn chain<T: Clone, E>(elements: &[T], zero: &T, mut hash: impl FnMut(&[T]) -> Result<T, E>) -> Result<T, E> {
    if elements.len() <= MAX_INPUTS {
        return hash(elements);
    }
    let mut inputs = alloc::vec::Vec::with_capacity(WIDE_RATE);
    let first = elements.len().min(WIDE_RATE);
    inputs.extend_from_slice(&elements[..first]);
    inputs.resize(WIDE_RATE, zero.clone());
    let mut acc = hash(&inputs)?;
    for block in elements[first..].chunks(WIDE_RATE - 1) {
        inputs.clear();
        inputs.push(acc);
        inputs.extend_from_slice(block);
        inputs.resize(WIDE_RATE, zero.clone());
        acc = hash(&inputs)?;
    }
    Ok(acc)
}

/// Leaf of a chunk, allocation-free. `chunk.len()` is the chunk size.
pub fn leaf_hash(chunk: &[u8]) -> Fr {
    leaf_hashes([chunk])[0]
}

/// Leaves of `L` chunks of one size, hashed in lockstep: with AVX-512 IFMA (x86-64, `std`,
/// detected at run time) and chunks longer than 12 elements, 8 or 4 chunks per call of
/// `poseidon::ifma`, the rest as [`leaf_hashes_scalar`]; elsewhere [`leaf_hashes_scalar`].
pub fn leaf_hashes<const L: usize>(chunks: [&[u8]; L]) -> [Fr; L] {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if L >= 4 && elements_per_chunk(chunks[0].len()) > MAX_INPUTS && poseidon::ifma::available() {
        debug_assert!(chunks.iter().all(|c| c.len() == chunks[0].len()));
        let mut out = [Fr::zero(); L];
        let mut done = 0;
        while L - done >= 4 {
            let lanes = if L - done >= 8 { 8 } else { 4 };
            poseidon::ifma::leaf_hashes(&chunks[done..done + lanes], &mut out[done..done + lanes]);
            done += lanes;
        }
        for (o, c) in out[done..].iter_mut().zip(&chunks[done..]) {
            *o = leaf_hashes_scalar([*c])[0];
        }
        return out;
    }
    leaf_hashes_scalar(chunks)
}

/// [`leaf_hashes`] without SIMD on every target: `L` chunks in lockstep through
/// `poseidon::hash_lanes` (the portable path, and the baseline the vectorized one is tested and
/// benchmarked against).
pub fn leaf_hashes_scalar<const L: usize>(chunks: [&[u8]; L]) -> [Fr; L] {
    const T: usize = WIDE;
    let n = elements_per_chunk(chunks[0].len());
    debug_assert!(chunks.iter().all(|c| c.len() == chunks[0].len()));
    if n <= MAX_INPUTS {
        return chunks.map(|c| {
            let mut buf = [Fr::zero(); MAX_INPUTS];
            buf.iter_mut().zip(pack(c)).for_each(|(b, e)| *b = e);
            poseidon::hash(&buf[..n])
        });
    }
    // chain(): 34 elements, then blocks of 33 beside the running hash, zero-padded.
    let mut elems = chunks.map(pack);
    let mut states = [[Fr::zero(); T]; L];
    for (state, e) in states.iter_mut().zip(elems.iter_mut()) {
        state[1..].iter_mut().zip(e).for_each(|(s, x)| *s = x);
    }
    poseidon::hash_lanes(&mut states);
    let mut left = n.saturating_sub(WIDE_RATE);
    while left > 0 {
        for (state, e) in states.iter_mut().zip(elems.iter_mut()) {
            let acc = state[0];
            *state = [Fr::zero(); T];
            state[1] = acc;
            state[2..].iter_mut().zip(e).for_each(|(s, x)| *s = x);
        }
        poseidon::hash_lanes(&mut states);
        left = left.saturating_sub(WIDE_RATE - 1);
    }
    states.map(|s| s[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn allocation_free_leaf_equals_generic_chain() {
        for size in [1usize, 31, 32, 62, 372, 373, 1023, 1024, 1025, 2047, 2048, 4096] {
            let chunk: Vec<u8> = (0..size).map(|i| (i * 7 + size) as u8).collect();
            let elems: Vec<Fr> = pack(&chunk).collect();
            assert_eq!(elems.len(), elements_per_chunk(size));
            let generic = chain(&elems, &Fr::zero(), |x| Ok::<_, ()>(poseidon::hash(x))).unwrap();
            assert_eq!(leaf_hash(&chunk), generic, "size {size}");
            let other: Vec<u8> = chunk.iter().map(|b| b ^ 0x5a).collect();
            let lanes = leaf_hashes([&chunk[..], &other[..], &chunk[..]]);
            assert_eq!(lanes, [generic, leaf_hash(&other), generic], "size {size}");
        }
    }

    #[test]
    fn one_kib_chunk_is_one_wide_permutation() {
        assert_eq!(elements_per_chunk(DEFAULT_CHUNK_BYTES), WIDE_RATE);
    }
}
