//! Canonical byte encodings of field elements (Merkle nodes, roots, seeds).

use ark_bn254::Fr;
use ark_ff::{BigInt, PrimeField};

/// Bytes of one encoded field element.
pub const FR_BYTES: usize = 32;

/// Little-endian canonical encoding.
pub fn fr_to_bytes(x: &Fr) -> [u8; FR_BYTES] {
    let limbs = x.into_bigint().0;
    let mut out = [0u8; FR_BYTES];
    for (dst, limb) in out.chunks_exact_mut(8).zip(limbs) {
        dst.copy_from_slice(&limb.to_le_bytes());
    }
    out
}

/// Inverse of [`fr_to_bytes`]; `None` for a non-canonical value (≥ the modulus).
pub fn fr_from_bytes(bytes: &[u8; FR_BYTES]) -> Option<Fr> {
    let mut limbs = [0u64; 4];
    for (limb, src) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        *limb = u64::from_le_bytes(src.try_into().expect("8 bytes"));
    }
    Fr::from_bigint(BigInt(limbs))
}

/// Little-endian packing of at most 31 bytes, which is always below the modulus.
#[inline]
pub fn fr_from_short_bytes(bytes: &[u8]) -> Fr {
    debug_assert!(bytes.len() < FR_BYTES);
    let mut buf = [0u8; FR_BYTES];
    buf[..bytes.len()].copy_from_slice(bytes);
    fr_from_bytes(&buf).expect("248-bit values are canonical")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::Field;

    #[test]
    fn round_trip_and_rejects_non_canonical() {
        let x = Fr::from(3u64).inverse().expect("non-zero");
        assert_eq!(fr_from_bytes(&fr_to_bytes(&x)), Some(x));
        assert_eq!(fr_from_bytes(&[0xff; 32]), None);
        assert_eq!(
            fr_from_short_bytes(&[0xff; 31]),
            fr_from_bytes(&{
                let mut b = [0xff; 32];
                b[31] = 0;
                b
            })
            .unwrap()
        );
    }
}
