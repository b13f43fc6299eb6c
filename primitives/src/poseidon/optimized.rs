//! The optimized Poseidon permutation (Poseidon paper, appendix B), equal to the textbook one.
//!
//! Two rewritings, both exact:
//! 1. Round constants move backwards through the linear layers so that each partial round adds
//!    a single scalar, and the remainder is folded into the last full round before them.
//! 2. Each partial round's dense MDS `N` factors as `M'' · M'` with `M' = diag(1, N̂)` and `M''`
//!    sparse (first row, first column, identity). `M'` commutes with a partial round's S-box, so
//!    it is pushed back into the previous round, ending in the last full round's "pre-sparse"
//!    matrix. A partial round then costs `2t - 1` multiplications instead of `t²`.
//!
//! The tables are derived once per process from [`super::params`].

use super::{params, sbox, FULL_ROUNDS, MAX_WIDTH, WIDE};
use ark_bn254::Fr;
use ark_ff::{Field, One, Zero};
use std::sync::OnceLock;

/// Precomputed constants of one width.
pub struct Optimized {
    pub width: usize,
    pub partial_rounds: usize,
    /// Added to the input before the first round.
    pub first_ark: Vec<Fr>,
    /// Constants added after the S-box of each full round but the last, `(FULL_ROUNDS - 1) * t`.
    pub full_ark: Vec<Fr>,
    /// The scalar added after each partial round's S-box.
    pub partial_ark: Vec<Fr>,
    /// The MDS matrix, row-major.
    pub mds: Vec<Fr>,
    /// Linear layer of the last full round before the partial rounds.
    pub pre_sparse: Vec<Fr>,
    /// Per partial round `[n00, u_1..u_{t-1}, z_1..z_{t-1}]`.
    pub sparse: Vec<Fr>,
}

type Matrix = Vec<Vec<Fr>>;

fn mat_mul(a: &Matrix, b: &Matrix) -> Matrix {
    let n = a.len();
    (0..n).map(|i| (0..n).map(|j| (0..n).map(|k| a[i][k] * b[k][j]).sum()).collect()).collect()
}

fn mat_vec(a: &Matrix, v: &[Fr]) -> Vec<Fr> {
    a.iter().map(|row| row.iter().zip(v).map(|(x, y)| *x * y).sum()).collect()
}

/// Gauss-Jordan inverse; MDS matrices and their minors are invertible by construction.
fn mat_inv(a: &Matrix) -> Matrix {
    let n = a.len();
    let mut m: Matrix = a.clone();
    let mut inv: Matrix =
        (0..n).map(|i| (0..n).map(|j| if i == j { Fr::one() } else { Fr::zero() }).collect()).collect();
    for col in 0..n {
        let pivot = (col..n).find(|&r| !m[r][col].is_zero()).expect("MDS minor is singular");
        m.swap(col, pivot);
        inv.swap(col, pivot);
        let p = m[col][col].inverse().expect("non-zero pivot");
        for j in 0..n {
            m[col][j] *= p;
            inv[col][j] *= p;
        }
        for r in 0..n {
            if r != col && !m[r][col].is_zero() {
                let f = m[r][col];
                for j in 0..n {
                    let (mc, ic) = (m[col][j], inv[col][j]);
                    m[r][j] -= f * mc;
                    inv[r][j] -= f * ic;
                }
            }
        }
    }
    inv
}

impl Optimized {
    fn derive(width: usize) -> Self {
        let p = params(width);
        let t = width;
        let half = FULL_ROUNDS / 2;
        let rounds = p.rounds();
        let rp = p.partial_rounds;
        let m: Matrix = (0..t).map(|i| p.mds[i * t..(i + 1) * t].to_vec()).collect();
        let m_inv = mat_inv(&m);
        let c = |r: usize| p.ark[r * t..(r + 1) * t].to_vec();

        // k_r = M⁻¹ c_{r+1}: round r adds it after its S-box, before its linear layer.
        let mut k: Vec<Vec<Fr>> = (0..rounds)
            .map(|r| if r + 1 < rounds { mat_vec(&m_inv, &c(r + 1)) } else { vec![Fr::zero(); t] })
            .collect();
        for r in (half..half + rp).rev() {
            let mut tail = k[r].clone();
            tail[0] = Fr::zero();
            let moved = mat_vec(&m_inv, &tail);
            for (dst, v) in k[r - 1].iter_mut().zip(moved) {
                *dst += v;
            }
            k[r][1..].iter_mut().for_each(|x| *x = Fr::zero());
        }

        let mut sparse = vec![Fr::zero(); rp * (2 * t - 1)];
        let mut cur = m.clone();
        for r in (half..half + rp).rev() {
            let n_hat: Matrix = (1..t).map(|i| cur[i][1..].to_vec()).collect();
            let n_hat_inv = mat_inv(&n_hat);
            let out = &mut sparse[(r - half) * (2 * t - 1)..(r - half + 1) * (2 * t - 1)];
            out[0] = cur[0][0];
            for j in 0..t - 1 {
                out[1 + j] = (0..t - 1).map(|i| cur[0][1 + i] * n_hat_inv[i][j]).sum();
                out[t + j] = cur[1 + j][0];
            }
            let mut m_prime: Matrix = vec![vec![Fr::zero(); t]; t];
            m_prime[0][0] = Fr::one();
            for i in 1..t {
                m_prime[i][1..].copy_from_slice(&n_hat[i - 1]);
            }
            cur = mat_mul(&m_prime, &m);
        }

        let full_ark = (0..half).chain(half + rp..rounds - 1).flat_map(|r| k[r].clone()).collect();
        Optimized {
            width,
            partial_rounds: rp,
            first_ark: c(0),
            full_ark,
            partial_ark: (half..half + rp).map(|r| k[r][0]).collect(),
            mds: m.into_iter().flatten().collect(),
            pre_sparse: cur.into_iter().flatten().collect(),
            sparse,
        }
    }
}

/// The optimized tables of `width`, each derived on first use.
pub fn tables(width: usize) -> &'static Optimized {
    static TABLES: [OnceLock<Optimized>; MAX_WIDTH] = [const { OnceLock::new() }; MAX_WIDTH];
    let slot = match width {
        WIDE => 0,
        2..=MAX_WIDTH => width - 1,
        _ => panic!("Poseidon width {width} unsupported"),
    };
    TABLES[slot].get_or_init(|| Optimized::derive(width))
}

/// `state ← m · state` for the first `rows` outputs (the rest left stale), dot products with
/// lazy Montgomery reduction.
#[inline(always)]
fn dense<const T: usize>(m: &[Fr], state: &mut [Fr; T], rows: usize) {
    let out: [Fr; T] = core::array::from_fn(|i| {
        if i >= rows {
            return Fr::zero();
        }
        let row: &[Fr; T] = m[i * T..(i + 1) * T].try_into().expect("row of width T");
        Fr::sum_of_products(row, state)
    });
    *state = out;
}

#[inline(always)]
fn full_round<const T: usize, const L: usize>(
    o: &Optimized,
    states: &mut [[Fr; T]; L],
    i: usize,
    m: &[Fr],
    rows: usize,
) {
    for state in states.iter_mut() {
        state.iter_mut().for_each(|s| *s = sbox(*s));
        if let Some(k) = o.full_ark.get(i * T..(i + 1) * T) {
            for (s, c) in state.iter_mut().zip(k) {
                *s += c;
            }
        }
    }
    for state in states.iter_mut() {
        dense(m, state, rows);
    }
}

/// `L` independent permutations of width `T` advanced in lockstep. A partial round is a chain of
/// dependent multiplications; interleaving independent states lets the CPU overlap them.
/// With `first_only`, only `state[0]` (a hash output) is computed by the last linear layer,
/// saving `t(t-1)` multiplications; the other elements are then meaningless.
pub fn permute_lanes<const T: usize, const L: usize>(states: &mut [[Fr; T]; L], first_only: bool) {
    let o = tables(T);
    let half = FULL_ROUNDS / 2;
    for state in states.iter_mut() {
        for (s, c) in state.iter_mut().zip(&o.first_ark) {
            *s += c;
        }
    }
    for i in 0..half {
        full_round(o, states, i, if i + 1 == half { &o.pre_sparse } else { &o.mds }, T);
    }
    for (r, a) in o.partial_ark.iter().enumerate() {
        let sp = &o.sparse[r * (2 * T - 1)..(r + 1) * (2 * T - 1)];
        let first_row: &[Fr; T] = sp[..T].try_into().expect("T entries");
        for state in states.iter_mut() {
            state[0] = sbox(state[0]) + a;
        }
        for state in states.iter_mut() {
            let x0 = state[0];
            let new0 = Fr::sum_of_products(first_row, state);
            for j in 1..T {
                state[j] += sp[T + j - 1] * x0;
            }
            state[0] = new0;
        }
    }
    for i in half..FULL_ROUNDS {
        let rows = if first_only && i + 1 == FULL_ROUNDS { 1 } else { T };
        full_round(o, states, i, &o.mds, rows);
    }
}

/// The permutation of width `state.len()` (only `state[0]` if `first_only`); allocation-free.
pub fn permute(state: &mut [Fr], first_only: bool) {
    macro_rules! dispatch {
        ($($t:literal)*) => {
            match state.len() {
                $($t => permute_lanes::<$t, 1>(core::array::from_mut(state.try_into().expect("length checked")), first_only),)*
                t => panic!("Poseidon width {t} unsupported"),
            }
        };
    }
    dispatch!(2 3 4 5 6 7 8 9 10 11 12 13 35)
}
