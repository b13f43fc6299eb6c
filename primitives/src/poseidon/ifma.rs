//! The optimized permutation of [`super::optimized`] on AVX-512 IFMA, one independent state per
//! SIMD lane (8 lanes in `zmm` registers, 4 in `ymm`), bit-identical to the scalar code.
//!
//! # Arithmetic
//!
//! Field elements are 5 limbs of 52 bits (radix 2^52) in Montgomery form with `R = 2^260`: the
//! limbs of `a` hold `a·R mod p`, up to a multiple of `p`. `vpmadd52luq`/`vpmadd52huq` add the low/high 52 bits of a
//! 52×52-bit product to a 64-bit accumulator, so a product is accumulated, unnormalized, into 10
//! 64-bit columns, and a Montgomery reduction (`redc`, word by word) divides by `R`.
//!
//! Values are kept *lazily reduced*: any integer below `2^260` whose limbs are below `2^52`
//! (normalized), not necessarily below `p`. The bounds that make this sound (`p < 2^253.6`):
//! - `redc(T) < T/R + p` (it adds `M·p` with `M < R`, then divides by `R`).
//! - Hence `mul(a, b) < a·b/2^260 + p`; for `a, b < 2^256` that is `< 2^252 + p < 2^254.01`.
//!   Every multiplication input is below `2^256`, except in the partial rounds, where the
//!   bounds are derived separately (every input, as any normalized value, is `< 2^260`).
//! - A dot product of `n ≤ 35` terms (the widest state) with constants `< p` and variables `< X`
//!   reduces once to `< 35·p·X/2^260 + p`.
//! - Column capacity: one product adds at most 10 terms `< 2^52` to a column, a reduction at
//!   most 10 more and carries `< 2^13`; 35 products plus a reduction stay below `2^60.5 < 2^64`.
//! - Constants are canonical (`< p`).
//!
//! The bound of every intermediate is derived where it is computed; the values only leave the
//! lanes through [`to_fr`], which reduces fully.

use super::optimized::tables;
use super::{FULL_ROUNDS, WIDE};
use ark_bn254::Fr;
use ark_ff::{BigInt, Field, PrimeField};
use core::arch::x86_64::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

const MASK: u64 = (1 << 52) - 1;
/// The modulus, little-endian 64-bit limbs.
const P64: [u64; 4] = [0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029];
/// The modulus in radix 2^52.
const P: [u64; 5] = to52(P64);
/// `-p^-1 mod 2^52`.
const P_INV: u64 = neg_inv52(P64[0]);
/// Partial rounds between two reductions of `state[1..]` at width `t` (see `partial_rounds`).
const fn reduce_every(t: usize) -> usize {
    if t <= 13 {
        16
    } else {
        6
    }
}

/// A 256-bit little-endian integer in radix 2^52.
const fn to52(x: [u64; 4]) -> [u64; 5] {
    [
        x[0] & MASK,
        ((x[0] >> 52) | (x[1] << 12)) & MASK,
        ((x[1] >> 40) | (x[2] << 24)) & MASK,
        ((x[2] >> 28) | (x[3] << 36)) & MASK,
        x[3] >> 16,
    ]
}

/// Inverse of [`to52`] for normalized limbs of a value below 2^256.
const fn from52(l: [u64; 5]) -> [u64; 4] {
    [l[0] | (l[1] << 52), (l[1] >> 12) | (l[2] << 40), (l[2] >> 24) | (l[3] << 28), (l[3] >> 36) | (l[4] << 16)]
}

const fn neg_inv52(p0: u64) -> u64 {
    // Newton: each step doubles the number of correct low bits (p0 is odd, p0·p0 ≡ 1 mod 8).
    let mut inv = p0;
    let mut i = 0;
    while i < 6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
        i += 1;
    }
    inv.wrapping_neg() & MASK
}

/// `x·2^260 mod p` (canonical) in radix 2^52: the Montgomery form of `x`.
fn to_mont(x: Fr) -> [u64; 5] {
    to52((x * two_pow(260)).into_bigint().0)
}

fn two_pow(e: u64) -> Fr {
    Fr::from(2u64).pow([e])
}

/// The lane operations the permutation needs. Implemented for 8 lanes (`__m512i`) and 4
/// (`__m256i`), whose methods require AVX-512F, IFMA and VL (the entry points check), and for
/// [`Emulated`] lanes, which the tests run on any CPU.
pub(crate) trait Vector: Copy {
    const LANES: usize;
    unsafe fn splat(x: u64) -> Self;
    unsafe fn add(self, b: Self) -> Self;
    /// `self >> 52`.
    unsafe fn carry(self) -> Self;
    /// `self & (2^52 - 1)`.
    unsafe fn low(self) -> Self;
    /// `self + lo52(a·b)` (low 52 bits of each of `a` and `b`).
    unsafe fn madd_lo(self, a: Self, b: Self) -> Self;
    /// `self + hi52(a·b)`.
    unsafe fn madd_hi(self, a: Self, b: Self) -> Self;
    /// Loads `LANES` words.
    unsafe fn load(src: *const u64) -> Self;
    /// Stores `LANES` words.
    unsafe fn store(self, dst: *mut u64);
}

#[derive(Clone, Copy)]
pub(crate) struct X8(__m512i);
#[derive(Clone, Copy)]
pub(crate) struct X4(__m256i);

impl Vector for X8 {
    const LANES: usize = 8;
    #[inline(always)]
    unsafe fn splat(x: u64) -> Self {
        unsafe { X8(_mm512_set1_epi64(x as i64)) }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        unsafe { X8(_mm512_add_epi64(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn carry(self) -> Self {
        unsafe { X8(_mm512_srli_epi64::<52>(self.0)) }
    }
    #[inline(always)]
    unsafe fn low(self) -> Self {
        unsafe { X8(_mm512_and_si512(self.0, _mm512_set1_epi64(MASK as i64))) }
    }
    #[inline(always)]
    unsafe fn madd_lo(self, a: Self, b: Self) -> Self {
        unsafe { X8(_mm512_madd52lo_epu64(self.0, a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn madd_hi(self, a: Self, b: Self) -> Self {
        unsafe { X8(_mm512_madd52hi_epu64(self.0, a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn load(src: *const u64) -> Self {
        unsafe { X8(_mm512_loadu_si512(src as *const _)) }
    }
    #[inline(always)]
    unsafe fn store(self, dst: *mut u64) {
        unsafe { _mm512_storeu_si512(dst as *mut _, self.0) }
    }
}

impl Vector for X4 {
    const LANES: usize = 4;
    #[inline(always)]
    unsafe fn splat(x: u64) -> Self {
        unsafe { X4(_mm256_set1_epi64x(x as i64)) }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        unsafe { X4(_mm256_add_epi64(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn carry(self) -> Self {
        unsafe { X4(_mm256_srli_epi64::<52>(self.0)) }
    }
    #[inline(always)]
    unsafe fn low(self) -> Self {
        unsafe { X4(_mm256_and_si256(self.0, _mm256_set1_epi64x(MASK as i64))) }
    }
    #[inline(always)]
    unsafe fn madd_lo(self, a: Self, b: Self) -> Self {
        unsafe { X4(_mm256_madd52lo_epu64(self.0, a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn madd_hi(self, a: Self, b: Self) -> Self {
        unsafe { X4(_mm256_madd52hi_epu64(self.0, a.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn load(src: *const u64) -> Self {
        unsafe { X4(_mm256_loadu_si256(src as *const _)) }
    }
    #[inline(always)]
    unsafe fn store(self, dst: *mut u64) {
        unsafe { _mm256_storeu_si256(dst as *mut _, self.0) }
    }
}

/// The lane operations in plain Rust on 8 lanes, exactly as the instructions define them (64-bit
/// wrapping adds; `vpmadd52luq`/`vpmadd52huq` on the low 52 bits of each operand). The generic
/// code runs on it on any CPU, so its arithmetic, lazy-reduction bounds and widths are tested
/// where the instructions are missing; only the intrinsics' mapping needs an IFMA CPU.
#[derive(Clone, Copy)]
pub(crate) struct Emulated([u64; 8]);

impl Emulated {
    #[inline(always)]
    fn zip(self, b: Self, f: impl Fn(u64, u64) -> u64) -> Self {
        Emulated(core::array::from_fn(|l| f(self.0[l], b.0[l])))
    }
    #[inline(always)]
    fn product(a: u64, b: u64) -> u128 {
        (a & MASK) as u128 * (b & MASK) as u128
    }
}

impl Vector for Emulated {
    const LANES: usize = 8;
    unsafe fn splat(x: u64) -> Self {
        Emulated([x; 8])
    }
    unsafe fn add(self, b: Self) -> Self {
        self.zip(b, u64::wrapping_add)
    }
    unsafe fn carry(self) -> Self {
        Emulated(self.0.map(|x| x >> 52))
    }
    unsafe fn low(self) -> Self {
        Emulated(self.0.map(|x| x & MASK))
    }
    unsafe fn madd_lo(self, a: Self, b: Self) -> Self {
        let p = a.zip(b, |a, b| Self::product(a, b) as u64 & MASK);
        self.add(p)
    }
    unsafe fn madd_hi(self, a: Self, b: Self) -> Self {
        let p = a.zip(b, |a, b| (Self::product(a, b) >> 52) as u64);
        self.add(p)
    }
    unsafe fn load(src: *const u64) -> Self {
        // SAFETY: the caller passes 8 readable words, as for the vector loads.
        Emulated(unsafe { core::ptr::read_unaligned(src as *const [u64; 8]) })
    }
    unsafe fn store(self, dst: *mut u64) {
        // SAFETY: the caller passes 8 writable words, as for the vector stores.
        unsafe { core::ptr::write_unaligned(dst as *mut [u64; 8], self.0) }
    }
}

/// One field element per lane, 5 limbs of 52 bits.
type Fe<V> = [V; 5];
/// An unreduced product (or sum of products): 10 columns of weight `2^(52k)`.
type Wide<V> = [V; 10];

#[inline(always)]
unsafe fn zero<V: Vector>() -> V {
    unsafe { V::splat(0) }
}

#[inline(always)]
unsafe fn splat5<V: Vector>(c: &[u64; 5]) -> Fe<V> {
    unsafe { [V::splat(c[0]), V::splat(c[1]), V::splat(c[2]), V::splat(c[3]), V::splat(c[4])] }
}

/// `t += a·b` (normalized limbs), column by column, no carries.
#[inline(always)]
unsafe fn mac<V: Vector>(t: &mut Wide<V>, a: &Fe<V>, b: &Fe<V>) {
    unsafe {
        for i in 0..5 {
            for j in 0..5 {
                t[i + j] = t[i + j].madd_lo(a[i], b[j]);
                t[i + j + 1] = t[i + j + 1].madd_hi(a[i], b[j]);
            }
        }
    }
}

/// `t += a·c` for a canonical constant `c`.
#[inline(always)]
unsafe fn mac_const<V: Vector>(t: &mut Wide<V>, a: &Fe<V>, c: &[u64; 5]) {
    unsafe { mac(t, a, &splat5(c)) }
}

/// Montgomery reduction: `t·2^-260 mod p`, as 5 unnormalized limbs of value `< t/2^260 + p`.
#[inline(always)]
unsafe fn redc<V: Vector>(mut t: Wide<V>) -> Fe<V> {
    unsafe {
        let p = splat5::<V>(&P);
        let p_inv = V::splat(P_INV);
        for i in 0..5 {
            // m ≡ -t_i·p^-1 (mod 2^52): t_i + m·p_0 ≡ 0 (mod 2^52); its carry moves up.
            let m = zero::<V>().madd_lo(t[i], p_inv);
            let ti = t[i].madd_lo(m, p[0]);
            t[i + 1] = t[i + 1].madd_hi(m, p[0]).add(ti.carry());
            for j in 1..5 {
                t[i + j] = t[i + j].madd_lo(m, p[j]);
                t[i + j + 1] = t[i + j + 1].madd_hi(m, p[j]);
            }
        }
        [t[5], t[6], t[7], t[8], t[9]]
    }
}

/// Carries limbs below `2^64` into normalized limbs; the value must be below `2^260`.
#[inline(always)]
unsafe fn normalize<V: Vector>(mut r: Fe<V>) -> Fe<V> {
    unsafe {
        for k in 0..4 {
            r[k + 1] = r[k + 1].add(r[k].carry());
            r[k] = r[k].low();
        }
        r
    }
}

// No closures (`array::from_fn`, iterator adaptors taking closures) in the vector code: a closure
// does not get the caller's target features, so the intrinsics in it would not be inlined.

/// Limb-wise `a + c` (unnormalized) for a constant `c`.
#[inline(always)]
unsafe fn add_const<V: Vector>(mut a: Fe<V>, c: &[u64; 5]) -> Fe<V> {
    unsafe {
        for k in 0..5 {
            a[k] = a[k].add(V::splat(c[k]));
        }
        a
    }
}

#[inline(always)]
unsafe fn add<V: Vector>(mut a: Fe<V>, b: &Fe<V>) -> Fe<V> {
    unsafe {
        for k in 0..5 {
            a[k] = a[k].add(b[k]);
        }
        a
    }
}

#[inline(always)]
unsafe fn wide_zero<V: Vector>() -> Wide<V> {
    unsafe { [zero::<V>(); 10] }
}

/// `a·b·2^-260 mod p`, normalized, `< a·b/2^260 + p`.
#[inline(always)]
unsafe fn mul<V: Vector>(a: &Fe<V>, b: &Fe<V>) -> Fe<V> {
    unsafe {
        let mut t = wide_zero();
        mac(&mut t, a, b);
        normalize(redc(t))
    }
}

/// `mul` by a canonical constant.
#[inline(always)]
unsafe fn mul_const<V: Vector>(a: &Fe<V>, c: &[u64; 5]) -> Fe<V> {
    unsafe { mul(a, &splat5(c)) }
}

/// Montgomery-form constants of one width, canonical, radix 2^52.
struct Tables {
    partial_rounds: usize,
    first_ark: Vec<[u64; 5]>,
    /// Per full round but the last, the constants added *after* its linear layer: the scalar
    /// form adds `k` before the linear layer `M`; `M·(x + k) = M·x + M·k`.
    round_const: Vec<[u64; 5]>,
    mds: Vec<[u64; 5]>,
    pre_sparse: Vec<[u64; 5]>,
    partial_ark: Vec<[u64; 5]>,
    sparse: Vec<[u64; 5]>,
    /// `2^260 mod p`, the Montgomery form of 1.
    one: [u64; 5],
    /// `2^520 mod p`: `mul(x, r2)` is the Montgomery form of a plain `x`.
    r2: [u64; 5],
    /// `2^256 mod p` (plain): `mul(x, c256)` is arkworks' Montgomery form (`R = 2^256`) of `x`.
    c256: [u64; 5],
}

impl Tables {
    fn derive(t: usize) -> Self {
        let o = tables(t);
        let conv = |v: &[Fr]| v.iter().map(|&x| to_mont(x)).collect::<Vec<_>>();
        let half = FULL_ROUNDS / 2;
        let mut round_const = Vec::with_capacity((FULL_ROUNDS - 1) * t);
        for i in 0..FULL_ROUNDS - 1 {
            let m = if i + 1 == half { &o.pre_sparse } else { &o.mds };
            let k = &o.full_ark[i * t..(i + 1) * t];
            for row in m.chunks(t) {
                round_const.push(to_mont(row.iter().zip(k).map(|(a, b)| *a * b).sum()));
            }
        }
        Tables {
            partial_rounds: o.partial_rounds,
            first_ark: conv(&o.first_ark),
            round_const,
            mds: conv(&o.mds),
            pre_sparse: conv(&o.pre_sparse),
            partial_ark: conv(&o.partial_ark),
            sparse: conv(&o.sparse),
            one: to_mont(Fr::from(1u64)),
            r2: to_mont(two_pow(260)),
            c256: to52(two_pow(256).into_bigint().0),
        }
    }
}

/// Widths with a vectorized permutation: 35 (leaves); 9 and 13 through [`permute_lanes`], which
/// the tests check against light-poseidon.
fn tables_of(t: usize) -> &'static Tables {
    static T9: OnceLock<Tables> = OnceLock::new();
    static T13: OnceLock<Tables> = OnceLock::new();
    static T35: OnceLock<Tables> = OnceLock::new();
    match t {
        9 => T9.get_or_init(|| Tables::derive(9)),
        13 => T13.get_or_init(|| Tables::derive(13)),
        WIDE => T35.get_or_init(|| Tables::derive(WIDE)),
        _ => panic!("no vectorized Poseidon of width {t}"),
    }
}

/// x^5 of every element. Inputs `< 2^256`: x² `< 2^252 + p < 2^254.01`,
/// x⁴ `< 2^248.02 + p < 2^253.63`, x⁵ `< 2^249.63 + p < 2^253.69`: outputs `< 2^253.7`.
/// Squares of all elements first, then fourth powers, then fifth: independent multiplications
/// next to each other keep the pipelines full.
#[inline(always)]
unsafe fn sbox_all<V: Vector, const N: usize>(s: &mut [Fe<V>; N]) {
    unsafe {
        let mut x = *s;
        for x in x.iter_mut() {
            *x = mul(x, x);
        }
        for x in x.iter_mut() {
            *x = mul(x, x);
        }
        for j in 0..N {
            s[j] = mul(&x[j], &s[j]);
        }
    }
}

/// `s ← m·s + c` for the first `rows` rows (the rest left stale). Inputs are S-box outputs
/// (`< 2^253.7`), so outputs are `< 35·p·2^253.7/2^260 + p + p < 2^254.84`.
#[inline(always)]
unsafe fn dense<V: Vector, const T: usize>(m: &[[u64; 5]], c: Option<&[[u64; 5]]>, s: &mut [Fe<V>; T], rows: usize) {
    unsafe {
        let mut out = *s;
        for (i, o) in out.iter_mut().enumerate().take(rows) {
            let row: &[[u64; 5]; T] = m[i * T..(i + 1) * T].try_into().expect("row of width T");
            let mut t = wide_zero();
            for j in 0..T {
                mac_const(&mut t, &s[j], &row[j]);
            }
            let r = redc(t);
            *o = normalize(match c {
                Some(c) => add_const(r, &c[i]),
                None => r,
            });
        }
        *s = out;
    }
}

/// The permutation of width `T` on every lane; only `state[0]` is computed by the last linear
/// layer if `first_only`. Inputs normalized, `< 2^254.84` (anything `≤ 2^256 - p` would do:
/// the first constants are added before the first S-box). Outputs `< 2^254.84` (dense).
#[inline(always)]
unsafe fn permute<V: Vector, const T: usize>(tab: &Tables, s: &mut [Fe<V>; T], first_only: bool) {
    unsafe {
        let half = FULL_ROUNDS / 2;
        for (x, c) in s.iter_mut().zip(&tab.first_ark) {
            *x = normalize(add_const(*x, c)); // < 2^254.84 + p < 2^255.34
        }
        for i in 0..half {
            // S-box inputs < 2^256 (first round: above; then dense outputs < 2^254.84).
            sbox_all(s);
            let m = if i + 1 == half { &tab.pre_sparse } else { &tab.mds };
            dense(m, Some(&tab.round_const[i * T..(i + 1) * T]), s, T);
        }
        partial_rounds(tab, s);
        for i in half..FULL_ROUNDS {
            // S-box inputs < 2^256: see `partial_rounds`, then dense outputs.
            sbox_all(s);
            let last = i + 1 == FULL_ROUNDS;
            let c = if last { None } else { Some(&tab.round_const[i * T..(i + 1) * T]) };
            dense(&tab.mds, c, s, if first_only && last { 1 } else { T });
        }
    }
}

/// The sparse partial rounds. Entry: every element `< 2^254.84` (dense outputs); exit: every
/// element `< 2^256`.
///
/// Per round, `x0 = sbox(s0) + a < 2^253.7 + p < 2^254.65`; `s_j += z_j·x0` (`j ≥ 1`) grows
/// `s_j` by `< p·2^254.65/2^260 + p < 1.03·p` and is never reduced below `p`, so every
/// `reduce_every(T)` rounds and after the last, `s_j ← mul(s_j, 1)`, which brings it back
/// under `p·2^257.82/2^260 + p < 2^253.9`. In between, `s_j` stays below `2^254.84 + R·1.03·p`
/// (normalized, `< 2^260` as the products require), and the new `s0 = n00·x0 + Σ u_j·s_j` is
/// `< T·p·s_max/2^260 + p`, which must stay below `2^256` for the next S-box:
/// - `T ≤ 13`, `R = 16`: `s_j < 2^257.82`, `s0 < 2^255.55` (24 would still be sound);
/// - `T = 35`, `R = 6`: `s_j < 8.57·p < 2^256.7`, `s0 < 4.53·p < 2^255.77` (7 would still be).
#[inline(always)]
unsafe fn partial_rounds<V: Vector, const T: usize>(tab: &Tables, s: &mut [Fe<V>; T]) {
    unsafe {
        let rp = tab.partial_rounds;
        for r in 0..rp {
            let sp = &tab.sparse[r * (2 * T - 1)..(r + 1) * (2 * T - 1)];
            // Σ_{j≥1} u_j·s_j does not depend on this round's S-box: start it first.
            let mut t = wide_zero();
            for j in 1..T {
                mac_const(&mut t, &s[j], &sp[j]);
            }
            let x2 = mul(&s[0], &s[0]);
            let x4 = mul(&x2, &x2);
            let mut x5 = wide_zero();
            mac(&mut x5, &x4, &s[0]);
            let x0 = normalize(add_const(redc(x5), &tab.partial_ark[r]));
            mac_const(&mut t, &x0, &sp[0]);
            for j in 1..T {
                let mut u = wide_zero();
                mac_const(&mut u, &x0, &sp[T + j - 1]);
                s[j] = normalize(add(redc(u), &s[j]));
            }
            s[0] = normalize(redc(t));
            if (r + 1) % reduce_every(T) == 0 || r + 1 == rp {
                for x in s[1..].iter_mut() {
                    *x = mul_const(x, &tab.one);
                }
            }
        }
    }
}

/// Lane `l` of a normalized vector element, as a 256-bit integer (value `< 2^256`).
#[inline(always)]
unsafe fn lane_words<V: Vector>(x: &Fe<V>, l: usize) -> [u64; 4] {
    let mut limbs = [[0u64; 8]; 5];
    for (dst, v) in limbs.iter_mut().zip(x) {
        unsafe { v.store(dst.as_mut_ptr()) };
    }
    from52(core::array::from_fn(|k| limbs[k][l]))
}

/// Subtracts `p` once if `x ≥ p`.
fn reduce_once(x: [u64; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for k in 0..4 {
        let (d, b1) = x[k].overflowing_sub(P64[k]);
        let (d, b2) = d.overflowing_sub(borrow as u64);
        out[k] = d;
        borrow = b1 || b2;
    }
    if borrow {
        x
    } else {
        out
    }
}

/// The field elements of lanes `0..V::LANES` (input `< 2^256`, see `mul` by `c256` below).
#[inline(always)]
unsafe fn to_fr<V: Vector>(tab: &Tables, x: &Fe<V>, out: &mut [Fr]) {
    unsafe {
        // x·2^256/2^260 ≡ (x's value)·2^256: arkworks' form, < 2^256·p/2^260 + p < 2p.
        let y = mul_const(x, &tab.c256);
        for (l, o) in out.iter_mut().enumerate().take(V::LANES) {
            *o = Fr::new_unchecked(BigInt(reduce_once(lane_words(&y, l))));
        }
    }
}

/// Vector of plain integers `< 2^256` (one per lane), converted to Montgomery form:
/// `mul(x, 2^520 mod p) < 2^256·p/2^260 + p < 2^254`.
#[inline(always)]
unsafe fn from_words<V: Vector>(tab: &Tables, words: &[[u64; 4]]) -> Fe<V> {
    unsafe {
        let mut limbs = [[0u64; 8]; 5];
        for (l, w) in words.iter().enumerate().take(V::LANES) {
            for (k, x) in to52(*w).into_iter().enumerate() {
                limbs[k][l] = x;
            }
        }
        let mut x = [zero::<V>(); 5];
        for (x, limbs) in x.iter_mut().zip(&limbs) {
            *x = V::load(limbs.as_ptr());
        }
        mul_const(&x, &tab.r2)
    }
}

/// Element `e` of a chunk (31 little-endian bytes; zero past the end), as a 256-bit integer.
#[inline(always)]
fn element_words(chunk: &[u8], e: usize) -> [u64; 4] {
    use crate::packing::BYTES_PER_ELEMENT;
    let mut buf = [0u8; 32];
    let start = (e * BYTES_PER_ELEMENT).min(chunk.len());
    let bytes = &chunk[start..(start + BYTES_PER_ELEMENT).min(chunk.len())];
    buf[..bytes.len()].copy_from_slice(bytes);
    core::array::from_fn(|k| u64::from_le_bytes(buf[8 * k..8 * k + 8].try_into().expect("8 bytes")))
}

/// `packing::leaf_hashes` of `V::LANES` chunks of one size with more than 12 elements: the same
/// chain (34 elements at width 35, then 33 beside the running hash, zero-padded), every lane a
/// chunk.
#[inline(always)]
unsafe fn leaves<V: Vector>(chunks: &[&[u8]], out: &mut [Fr]) {
    use crate::packing::elements_per_chunk;
    const T: usize = WIDE;
    unsafe {
        let tab = tables_of(T);
        let n = elements_per_chunk(chunks[0].len());
        let mut words = [[0u64; 4]; 8];
        macro_rules! element {
            ($e:expr) => {{
                for (w, c) in words.iter_mut().zip(chunks) {
                    *w = element_words(c, $e);
                }
                from_words::<V>(tab, &words)
            }};
        }
        // Elements are < 2^254 after conversion, the chained hash < 2^254.84: permutation inputs.
        let mut s: [Fe<V>; T] = [[zero::<V>(); 5]; T];
        for (j, x) in s[1..].iter_mut().enumerate() {
            *x = element!(j);
        }
        permute(tab, &mut s, true);
        let mut next = T - 1;
        while next < n {
            let acc = s[0];
            s = [[zero::<V>(); 5]; T];
            s[1] = acc;
            for (j, x) in s[2..].iter_mut().enumerate() {
                if next + j < n {
                    *x = element!(next + j);
                }
            }
            permute(tab, &mut s, true);
            next += T - 2;
        }
        to_fr(tab, &s[0], out);
    }
}

#[target_feature(enable = "avx512f,avx512ifma,avx512vl")]
unsafe fn leaves_x8(chunks: &[&[u8]], out: &mut [Fr]) {
    unsafe { leaves::<X8>(chunks, out) }
}

#[target_feature(enable = "avx512f,avx512ifma,avx512vl")]
unsafe fn leaves_x4(chunks: &[&[u8]], out: &mut [Fr]) {
    unsafe { leaves::<X4>(chunks, out) }
}

static SCALAR_ONLY: AtomicBool = AtomicBool::new(false);

/// Whether the vectorized code runs: this CPU has AVX-512F, IFMA and VL, and [`force_scalar`]
/// is off.
#[inline]
pub fn available() -> bool {
    !SCALAR_ONLY.load(Ordering::Relaxed)
        && std::is_x86_feature_detected!("avx512ifma")
        && std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512vl")
}

/// With `true`, [`available`] says no: callers (`packing::leaf_hashes`) take the scalar path, in
/// this whole process, until called with `false`. For benchmarks comparing the two paths; the
/// outputs are the same either way.
pub fn force_scalar(on: bool) {
    SCALAR_ONLY.store(on, Ordering::Relaxed);
}

/// `packing::leaf_hashes` of 8 (`zmm`) or 4 (`ymm`) chunks of one size longer than 12 elements
/// (372 bytes), into `out`.
///
/// # Panics
/// If the CPU lacks IFMA ([`available`]), on another number of chunks, chunks of unequal size
/// or a chunk of 12 elements or fewer (one permutation of a smaller width: use the scalar path).
pub fn leaf_hashes(chunks: &[&[u8]], out: &mut [Fr]) {
    use crate::packing::elements_per_chunk;
    assert!(available(), "AVX-512 IFMA unavailable");
    assert_eq!(chunks.len(), out.len());
    assert!(chunks.iter().all(|c| c.len() == chunks[0].len()), "chunks of one size");
    assert!(elements_per_chunk(chunks[0].len()) > super::MAX_INPUTS, "chunk of one permutation");
    // SAFETY: the CPU has the features the functions enable (checked above).
    match chunks.len() {
        8 => unsafe { leaves_x8(chunks, out) },
        4 => unsafe { leaves_x4(chunks, out) },
        n => panic!("{n} lanes: 4 or 8"),
    }
}

#[inline(always)]
unsafe fn permute_fr<V: Vector, const T: usize>(states: &mut [[Fr; T]], first_only: bool) {
    unsafe {
        let tab = tables_of(T);
        let mut s = [[zero::<V>(); 5]; T];
        let mut words = [[0u64; 4]; 8];
        for (j, x) in s.iter_mut().enumerate() {
            for (w, st) in words.iter_mut().zip(states.iter()) {
                *w = st[j].into_bigint().0;
            }
            *x = from_words::<V>(tab, &words);
        }
        permute(tab, &mut s, first_only);
        let mut col = [Fr::from(0u64); 8];
        for j in 0..if first_only { 1 } else { T } {
            to_fr(tab, &s[j], &mut col);
            for (st, x) in states.iter_mut().zip(col) {
                st[j] = x;
            }
        }
    }
}

macro_rules! permute_entry {
    ($name:ident, $v:ty, $t:literal) => {
        #[target_feature(enable = "avx512f,avx512ifma,avx512vl")]
        unsafe fn $name(states: &mut [[Fr; $t]], first_only: bool) {
            unsafe { permute_fr::<$v, $t>(states, first_only) }
        }
    };
}
permute_entry!(permute_9_x8, X8, 9);
permute_entry!(permute_9_x4, X4, 9);
permute_entry!(permute_13_x8, X8, 13);
permute_entry!(permute_13_x4, X4, 13);
permute_entry!(permute_35_x8, X8, 35);
permute_entry!(permute_35_x4, X4, 35);

/// The permutation of width 9, 13 or 35 on 8 or 4 states at once, equal to
/// `optimized::permute_lanes` (only `state[0]` is written back if `first_only`).
///
/// # Panics
/// If the CPU lacks IFMA, on another width or another number of states.
pub fn permute_lanes<const T: usize>(states: &mut [[Fr; T]], first_only: bool) {
    assert!(available(), "AVX-512 IFMA unavailable");
    let (ptr, len) = (states.as_mut_ptr(), states.len());
    macro_rules! call {
        ($f:ident, $t:literal) => {{
            // SAFETY: T == $t (matched below), so the cast keeps the layout; features checked.
            let states = unsafe { core::slice::from_raw_parts_mut(ptr as *mut [Fr; $t], len) };
            unsafe { $f(states, first_only) }
        }};
    }
    match (T, len) {
        (9, 8) => call!(permute_9_x8, 9),
        (9, 4) => call!(permute_9_x4, 9),
        (13, 8) => call!(permute_13_x8, 13),
        (13, 4) => call!(permute_13_x4, 13),
        (35, 8) => call!(permute_35_x8, 35),
        (35, 4) => call!(permute_35_x4, 35),
        (t, n) => panic!("no vectorized Poseidon of width {t} on {n} lanes"),
    }
}

/// Test hook: [`leaf_hashes`] of 8 chunks by the same generic code on [`Emulated`] lanes, on any
/// CPU.
#[doc(hidden)]
pub fn leaf_hashes_emulated(chunks: &[&[u8]], out: &mut [Fr]) {
    assert!(chunks.len() == 8 && out.len() == 8);
    // SAFETY: the emulated lanes need no CPU feature.
    unsafe { leaves::<Emulated>(chunks, out) }
}

/// Test hook: [`permute_lanes`] of 8 states by the generic code on [`Emulated`] lanes.
#[doc(hidden)]
pub fn permute_lanes_emulated<const T: usize>(states: &mut [[Fr; T]], first_only: bool) {
    assert_eq!(states.len(), 8);
    // SAFETY: the emulated lanes need no CPU feature.
    unsafe { permute_fr::<Emulated, T>(states, first_only) }
}

/// Test hook: `a·b·2^-260 mod p` lane by lane, on raw 256-bit integers (`< 2^256`, not
/// necessarily reduced), exactly as the permutation multiplies; 8 lanes. The result is
/// normalized and `< a·b/2^260 + p`, not reduced.
#[doc(hidden)]
pub fn mont_mul_raw(a: &[[u64; 4]; 8], b: &[[u64; 4]; 8]) -> [[u64; 4]; 8] {
    #[target_feature(enable = "avx512f,avx512ifma,avx512vl")]
    unsafe fn go(a: &[[u64; 4]; 8], b: &[[u64; 4]; 8]) -> [[u64; 4]; 8] {
        unsafe {
            let mut v = [[zero::<X8>(); 5]; 2];
            for (x, v) in [a, b].into_iter().zip(v.iter_mut()) {
                let mut limbs = [[0u64; 8]; 5];
                for (l, w) in x.iter().enumerate() {
                    for (k, limb) in to52(*w).into_iter().enumerate() {
                        limbs[k][l] = limb;
                    }
                }
                for (v, limbs) in v.iter_mut().zip(&limbs) {
                    *v = X8::load(limbs.as_ptr());
                }
            }
            let r = mul(&v[0], &v[1]);
            let mut out = [[0u64; 4]; 8];
            for (l, o) in out.iter_mut().enumerate() {
                *o = lane_words(&r, l);
            }
            out
        }
    }
    assert!(available(), "AVX-512 IFMA unavailable");
    // SAFETY: features checked.
    unsafe { go(a, b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert_eq!(from52(P), P64);
        assert_eq!(P[0].wrapping_mul(P_INV) & MASK, MASK, "p·(-p^-1) ≡ -1");
        assert_eq!(BigInt(P64), Fr::MODULUS);
        for x in [[0u64, 0, 0, 0], [u64::MAX; 4], [1, 2, 3, 4]] {
            assert_eq!(from52(to52(x)), x);
        }
    }
}
