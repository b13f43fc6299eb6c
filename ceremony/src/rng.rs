//! snarkjs's deterministic randomness, bit for bit: ffjavascript's ChaCha20 stream and the way
//! it samples field elements and curve points. Verifiers rebuild two things from it, so both
//! must match exactly: the G2 point a transcript hash maps to, and every key of a beacon.

use crate::encoding::Coord;
use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInt, Field, Fp, FpConfig};
use sha2::{Digest, Sha256};

/// ChaCha20 with a 256-bit key, a zero nonce and a 128-bit block counter, as ffjavascript runs it.
pub struct ChaCha {
    state: [u32; 16],
    block: [u32; 16],
    idx: usize,
}

impl ChaCha {
    pub fn new(seed: [u32; 8]) -> Self {
        let mut state = [0u32; 16];
        state[..4].copy_from_slice(&[0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
        state[4..12].copy_from_slice(&seed);
        Self { state, block: [0; 16], idx: 16 }
    }

    /// Seeded from the first 32 bytes of `hash`, read as big-endian words.
    pub fn from_hash(hash: &[u8]) -> Self {
        let mut seed = [0u32; 8];
        for (w, c) in seed.iter_mut().zip(hash[..32].chunks_exact(4)) {
            *w = u32::from_be_bytes(c.try_into().expect("4 bytes"));
        }
        Self::new(seed)
    }

    pub fn next_u32(&mut self) -> u32 {
        if self.idx == 16 {
            self.refill();
        }
        self.idx += 1;
        self.block[self.idx - 1]
    }

    /// The first word drawn is the high half.
    pub fn next_u64(&mut self) -> u64 {
        let hi = self.next_u32() as u64;
        (hi << 32) | self.next_u32() as u64
    }

    pub fn next_bool(&mut self) -> bool {
        self.next_u32() & 1 == 1
    }

    fn refill(&mut self) {
        let mut x = self.state;
        for _ in 0..10 {
            quarter(&mut x, 0, 4, 8, 12);
            quarter(&mut x, 1, 5, 9, 13);
            quarter(&mut x, 2, 6, 10, 14);
            quarter(&mut x, 3, 7, 11, 15);
            quarter(&mut x, 0, 5, 10, 15);
            quarter(&mut x, 1, 6, 11, 12);
            quarter(&mut x, 2, 7, 8, 13);
            quarter(&mut x, 3, 4, 9, 14);
        }
        for (o, (a, b)) in self.block.iter_mut().zip(x.iter().zip(&self.state)) {
            *o = a.wrapping_add(*b);
        }
        self.idx = 0;
        for w in 12..16 {
            self.state[w] = self.state[w].wrapping_add(1);
            if self.state[w] != 0 {
                break;
            }
        }
    }
}

fn quarter(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

/// ffjavascript's `F.fromRng`: four 64-bit draws, low limb first, masked to the modulus' 254
/// bits, redrawn while not below the modulus. The integer `v` is then taken as a Montgomery
/// form, so the element is `v / R`: a quirk every snarkjs key inherits.
fn field<P: FpConfig<4>>(rng: &mut ChaCha) -> Fp<P, 4> {
    loop {
        let mut limbs = [0u64; 4];
        limbs.iter_mut().for_each(|l| *l = rng.next_u64());
        limbs[3] &= (1 << 62) - 1;
        let v = BigInt(limbs);
        if v < P::MODULUS {
            return Fp(v, core::marker::PhantomData);
        }
    }
}

pub fn fr(rng: &mut ChaCha) -> Fr {
    field(rng)
}

/// ffjavascript's `G.fromRng`: draw `x` and a sign until `x³ + b` is a square, take the root
/// with that sign, then clear the cofactor (G2 only; G1's is 1).
fn point<C: SWCurveConfig>(
    rng: &mut ChaCha,
    x_of: impl Fn(&mut ChaCha) -> C::BaseField,
) -> ark_ec::short_weierstrass::Affine<C>
where
    C::BaseField: Coord,
{
    loop {
        let x = x_of(rng);
        let greatest = rng.next_bool();
        if let Some(y) = (x.square() * x + C::COEFF_B).sqrt() {
            let y = if greatest ^ y.is_negative() { -y } else { y };
            let p = ark_ec::short_weierstrass::Affine::<C>::new_unchecked(x, y);
            return p.mul_by_cofactor_to_group().into_affine();
        }
    }
}

pub fn g1(rng: &mut ChaCha) -> G1Affine {
    point::<ark_bn254::g1::Config>(rng, |r| field(r))
}

pub fn g2(rng: &mut ChaCha) -> G2Affine {
    point::<ark_bn254::g2::Config>(rng, |r| {
        let c0: Fq = field(r);
        Fq2::new(c0, field(r))
    })
}

/// snarkjs's `hashToG2`: the G2 point a transcript hash commits a contribution to.
pub fn hash_to_g2(hash: &[u8]) -> G2Affine {
    g2(&mut ChaCha::from_hash(hash))
}

/// The randomness of a beacon: `2^iterations_exp` rounds of SHA-256 over the beacon's value.
pub fn beacon(beacon_hash: &[u8], iterations_exp: u8) -> ChaCha {
    let mut h = beacon_hash.to_vec();
    for _ in 0..(1u64 << iterations_exp) {
        h = Sha256::digest(&h).to_vec();
    }
    ChaCha::from_hash(&h)
}

/// A seed from the OS's randomness and the participant's text, as snarkjs draws a
/// contribution's: BLAKE2b(64 random bytes ‖ text).
pub fn entropy(text: &str) -> ChaCha {
    use rand::RngCore;
    let mut os = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut os);
    ChaCha::from_hash(&crate::blake2b::Blake2b::digest_of(&[&os, text.as_bytes()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Golden values printed by ffjavascript 0.3 / snarkjs 0.7.6 (tools/node), so that a change
    // here cannot silently break `snarkjs powersoftau verify` and `zkey verify`.

    #[test]
    fn chacha_matches_ffjavascript() {
        let mut rng = ChaCha::new([1, 2, 3, 4, 5, 6, 7, 8]);
        let words: Vec<u32> = (0..20).map(|_| rng.next_u32()).collect();
        assert_eq!(
            words,
            [
                2291208717, 2715286880, 1416238553, 4170631896, 311912724, 2096473245, 2663528302, 2947898305,
                1171138527, 4066554118, 1598815824, 1331018903, 4275377581, 2401186972, 3977139214, 1817675323,
                4002199677, 2558236986, 2290969732, 3530802522
            ]
        );
    }

    #[test]
    fn samples_match_ffjavascript() {
        use crate::encoding::Point;
        let hash: Vec<u8> = (0u8..64).collect();
        assert_eq!(
            hex::encode(hash_to_g2(&hash).uncompressed_bytes()),
            "097197b18b86f218d43cf232ae11cb0318f9ff79c8315ba8cc3494ece86bd08c0993c1f526542d4ea0f7960fe68c321263da35704524158f53a5ec1f6ae3cc0c07e5f5e692f511f13c16f270392204a3e2ebf321f8b80f73d87faaea048b7bf01f619cecd6aebc1a35e6397979d76d2caa56e4cacbc10cd20d93cf715a0dd968"
        );
        let mut rng = ChaCha::new([9, 8, 7, 6, 5, 4, 3, 2]);
        assert_eq!(
            fr(&mut rng).to_string(),
            "5618786936197541931810456707359766598975470052309700722529393429403316125300"
        );
        assert_eq!(
            hex::encode(g1(&mut rng).uncompressed_bytes()),
            "07d3b672a23280fbd90fafd05bd37907abeab2db43a1efd9ab8ac864eececbed141b40d3b05161e325082d63a13b1f35f5299865b5ed61164d9ec03d9ab85155"
        );
    }

    #[test]
    fn sampled_points_are_in_the_groups() {
        let mut rng = ChaCha::new([1, 2, 3, 4, 5, 6, 7, 8]);
        for _ in 0..4 {
            let p = g1(&mut rng);
            assert!(p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve());
            let q = g2(&mut rng);
            assert!(q.is_on_curve() && q.is_in_correct_subgroup_assuming_on_curve());
        }
    }
}
