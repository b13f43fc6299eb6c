//! Point encodings of snarkjs (ffjavascript), byte for byte:
//! - **LEM**, in `.ptau` and `.zkey` files: coordinates in Montgomery form, little-endian; the
//!   identity is all zeros;
//! - **U** (uncompressed), what transcripts hash: coordinates in standard form, big-endian; an
//!   `Fq2` element is written `c1` then `c0` (the whole little-endian buffer reversed); the
//!   identity is all zeros;
//! - **C** (compressed), in responses: `x` as in U, with `0x80` set in the first byte when `y`
//!   is "negative" (above `(q-1)/2`, for `Fq2` judged on `c1`, or on `c0` when `c1 = 0`) and
//!   `0x40` for the identity.

use ark_bn254::{Fq, Fq2};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, Field, PrimeField, Zero};

pub const G1_LEN: usize = 64;
pub const G2_LEN: usize = 128;

/// A base-field element: its encodings and its sign.
pub trait Coord: Field {
    const LEN: usize;
    fn write_lem(&self, out: &mut [u8]);
    /// `None` unless the bytes are a canonical Montgomery form.
    fn read_lem(bytes: &[u8]) -> Option<Self>;
    fn write_be(&self, out: &mut [u8]);
    fn read_be(bytes: &[u8]) -> Option<Self>;
    fn is_negative(&self) -> bool;
}

fn fq_is_negative(x: &Fq) -> bool {
    x.into_bigint() > Fq::MODULUS_MINUS_ONE_DIV_TWO
}

impl Coord for Fq {
    const LEN: usize = 32;
    fn write_lem(&self, out: &mut [u8]) {
        out[..32].copy_from_slice(&self.0.to_bytes_le());
    }
    fn read_lem(bytes: &[u8]) -> Option<Self> {
        let mut limbs = [0u64; 4];
        for (l, c) in limbs.iter_mut().zip(bytes[..32].chunks_exact(8)) {
            *l = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        }
        let mont = ark_ff::BigInt(limbs);
        (mont < Fq::MODULUS).then(|| Fq::new_unchecked(mont))
    }
    fn write_be(&self, out: &mut [u8]) {
        out[..32].copy_from_slice(&self.into_bigint().to_bytes_be());
    }
    fn read_be(bytes: &[u8]) -> Option<Self> {
        let mut le = bytes[..32].to_vec();
        le.reverse();
        let mut limbs = [0u64; 4];
        for (l, c) in limbs.iter_mut().zip(le.chunks_exact(8)) {
            *l = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        }
        Fq::from_bigint(ark_ff::BigInt(limbs))
    }
    fn is_negative(&self) -> bool {
        fq_is_negative(self)
    }
}

impl Coord for Fq2 {
    const LEN: usize = 64;
    fn write_lem(&self, out: &mut [u8]) {
        self.c0.write_lem(&mut out[..32]);
        self.c1.write_lem(&mut out[32..64]);
    }
    fn read_lem(bytes: &[u8]) -> Option<Self> {
        Some(Fq2::new(Fq::read_lem(&bytes[..32])?, Fq::read_lem(&bytes[32..64])?))
    }
    fn write_be(&self, out: &mut [u8]) {
        self.c1.write_be(&mut out[..32]);
        self.c0.write_be(&mut out[32..64]);
    }
    fn read_be(bytes: &[u8]) -> Option<Self> {
        Some(Fq2::new(Fq::read_be(&bytes[32..64])?, Fq::read_be(&bytes[..32])?))
    }
    fn is_negative(&self) -> bool {
        if self.c1.is_zero() {
            fq_is_negative(&self.c0)
        } else {
            fq_is_negative(&self.c1)
        }
    }
}

/// A curve group in snarkjs's encodings.
pub trait Point: AffineRepr<BaseField = Self::Coord> {
    type Coord: Coord;
    /// Encoded length: two coordinates.
    const LEN: usize = 2 * <Self::Coord as Coord>::LEN;

    fn lem(&self, out: &mut [u8]) {
        let n = <Self::Coord as Coord>::LEN;
        match self.xy() {
            None => out[..2 * n].fill(0),
            Some((x, y)) => {
                x.write_lem(&mut out[..n]);
                y.write_lem(&mut out[n..2 * n]);
            }
        }
    }

    /// Decodes and checks the point is on the curve. Membership of the prime-order subgroup
    /// (nontrivial in G2 only) is [`in_group`]'s, which verification runs: contributing and
    /// preparing need no trust in the input, and skipping it keeps reads fast.
    fn from_lem(bytes: &[u8]) -> Option<Self> {
        let n = <Self::Coord as Coord>::LEN;
        if bytes[..2 * n].iter().all(|b| *b == 0) {
            return Some(Self::zero());
        }
        Self::checked(Self::Coord::read_lem(&bytes[..n])?, Self::Coord::read_lem(&bytes[n..2 * n])?)
    }

    fn uncompressed(&self, out: &mut [u8]) {
        let n = <Self::Coord as Coord>::LEN;
        match self.xy() {
            None => out[..2 * n].fill(0),
            Some((x, y)) => {
                x.write_be(&mut out[..n]);
                y.write_be(&mut out[n..2 * n]);
            }
        }
    }

    fn from_uncompressed(bytes: &[u8]) -> Option<Self> {
        let n = <Self::Coord as Coord>::LEN;
        if bytes[0] & 0x40 != 0 || bytes[..2 * n].iter().all(|b| *b == 0) {
            return Some(Self::zero());
        }
        Self::checked(Self::Coord::read_be(&bytes[..n])?, Self::Coord::read_be(&bytes[n..2 * n])?)
    }

    fn compressed(&self, out: &mut [u8]) {
        let n = <Self::Coord as Coord>::LEN;
        match self.xy() {
            None => {
                out[..n].fill(0);
                out[0] = 0x40;
            }
            Some((x, y)) => {
                x.write_be(&mut out[..n]);
                if y.is_negative() {
                    out[0] |= 0x80;
                }
            }
        }
    }

    fn from_compressed(bytes: &[u8]) -> Option<Self> {
        let n = <Self::Coord as Coord>::LEN;
        if bytes[0] & 0x40 != 0 {
            return Some(Self::zero());
        }
        let negative = bytes[0] & 0x80 != 0;
        let mut x = bytes[..n].to_vec();
        x[0] &= 0x3f;
        let x = Self::Coord::read_be(&x)?;
        let y = Self::y_of(&x)?;
        Self::checked(x, if y.is_negative() == negative { y } else { -y })
    }

    /// A square root of `x³ + b`, if any.
    fn y_of(x: &Self::Coord) -> Option<Self::Coord>;

    fn checked(x: Self::Coord, y: Self::Coord) -> Option<Self>;

    fn lem_bytes(&self) -> Vec<u8> {
        let mut v = vec![0; Self::LEN];
        self.lem(&mut v);
        v
    }

    fn uncompressed_bytes(&self) -> Vec<u8> {
        let mut v = vec![0; Self::LEN];
        self.uncompressed(&mut v);
        v
    }
}

macro_rules! point {
    ($affine:ty, $coord:ty, $config:ty) => {
        impl Point for $affine {
            type Coord = $coord;
            fn y_of(x: &$coord) -> Option<$coord> {
                use ark_ec::short_weierstrass::SWCurveConfig;
                (x.square() * x + <$config>::COEFF_B).sqrt()
            }
            fn checked(x: $coord, y: $coord) -> Option<Self> {
                let p = <$affine>::new_unchecked(x, y);
                p.is_on_curve().then_some(p)
            }
        }
    };
}
point!(ark_ec::short_weierstrass::Affine<ark_bn254::g1::Config>, Fq, ark_bn254::g1::Config);
point!(ark_ec::short_weierstrass::Affine<ark_bn254::g2::Config>, Fq2, ark_bn254::g2::Config);

/// Whether every point is in the prime-order subgroup (in parallel).
pub fn in_group<C: ark_ec::short_weierstrass::SWCurveConfig>(points: &[ark_ec::short_weierstrass::Affine<C>]) -> bool {
    use rayon::prelude::*;
    points.par_iter().all(|p| p.is_in_correct_subgroup_assuming_on_curve())
}

/// Decodes LEM points from `bytes` (in parallel), checking each is on the curve.
pub fn read_lem_points<P: Point + Send>(bytes: &[u8]) -> Option<Vec<P>> {
    use rayon::prelude::*;
    if bytes.len() % P::LEN != 0 {
        return None;
    }
    bytes.par_chunks_exact(P::LEN).map(P::from_lem).collect()
}

/// LEM bytes of `points`.
pub fn write_lem_points<P: Point + Sync>(points: &[P]) -> Vec<u8> {
    use rayon::prelude::*;
    let mut out = vec![0u8; points.len() * P::LEN];
    out.par_chunks_exact_mut(P::LEN).zip(points).for_each(|(o, p)| p.lem(o));
    out
}

/// The U (or, with `compressed`, C) bytes of `points`.
pub fn transcript_bytes<P: Point + Sync>(points: &[P], compressed: bool) -> Vec<u8> {
    use rayon::prelude::*;
    let len = if compressed { P::LEN / 2 } else { P::LEN };
    let mut out = vec![0u8; points.len() * len];
    out.par_chunks_exact_mut(len).zip(points).for_each(
        |(o, p)| {
            if compressed {
                p.compressed(o)
            } else {
                p.uncompressed(o)
            }
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{G1Affine, G2Affine};
    use ark_ec::CurveGroup;
    use ark_ff::UniformRand;

    fn round_trips<P: Point>(p: P) {
        assert_eq!(P::from_lem(&p.lem_bytes()), Some(p));
        assert_eq!(P::from_uncompressed(&p.uncompressed_bytes()), Some(p));
        let mut c = vec![0; P::LEN / 2];
        p.compressed(&mut c);
        assert_eq!(P::from_compressed(&c), Some(p));
    }

    #[test]
    fn encodings_round_trip() {
        let rng = &mut ark_std::test_rng();
        for _ in 0..20 {
            round_trips((G1Affine::generator() * ark_bn254::Fr::rand(rng)).into_affine());
            round_trips((G2Affine::generator() * ark_bn254::Fr::rand(rng)).into_affine());
        }
        round_trips(G1Affine::zero());
        round_trips(G2Affine::zero());
    }

    #[test]
    fn generator_uncompressed_is_big_endian() {
        let u = G1Affine::generator().uncompressed_bytes();
        assert_eq!(u[31], 1);
        assert_eq!(u[63], 2);
        assert!(u[..31].iter().chain(&u[32..63]).all(|b| *b == 0));
    }

    #[test]
    fn off_curve_and_non_canonical_points_are_refused() {
        let mut b = G1Affine::generator().lem_bytes();
        b[40] ^= 1;
        assert_eq!(G1Affine::from_lem(&b), None);
        let mut b = vec![0xff; 64];
        b[63] = 0x00;
        assert_eq!(G1Affine::from_lem(&b), None);
        // On the twist but outside the prime-order subgroup: decoded, then refused by `in_group`.
        let mut x = ark_bn254::Fq2::from(1u64);
        let outside = loop {
            if let Some(y) = G2Affine::y_of(&x) {
                let p = G2Affine::new_unchecked(x, y);
                if !p.is_in_correct_subgroup_assuming_on_curve() {
                    break p;
                }
            }
            x += ark_bn254::Fq2::from(1u64);
        };
        assert_eq!(G2Affine::from_lem(&outside.lem_bytes()), Some(outside));
        assert!(!in_group(&[G2Affine::generator(), outside]));
    }
}
