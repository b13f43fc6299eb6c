//! BLAKE2b-512 whose mid-stream state can be saved and resumed.
//!
//! snarkjs stores, in each powers-of-tau contribution, the hasher state of the response just
//! before its public key (216 bytes: the pending block, `h`, the bytes compressed so far, the
//! bytes pending, 8 spare bytes). A verifier resumes it with the public key to get the response
//! hash. No BLAKE2 crate exposes its state, so this is the RFC 7693 function with that layout.

const IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const SIGMA: [[usize; 16]; 12] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

const BLOCK: usize = 128;

/// Length of a saved state.
pub const PARTIAL_LEN: usize = 216;

/// A BLAKE2b hasher with 64-byte output and no key.
#[derive(Clone)]
pub struct Blake2b {
    h: [u64; 8],
    /// Bytes compressed so far.
    compressed: u64,
    buf: [u8; BLOCK],
    /// Bytes pending in `buf`; the last block is kept until more input or the end arrives,
    /// because it must be compressed with the final flag.
    pos: usize,
}

impl Default for Blake2b {
    fn default() -> Self {
        Self::new()
    }
}

impl Blake2b {
    pub fn new() -> Self {
        let mut h = IV;
        h[0] ^= 0x0101_0000 ^ 64;
        Self { h, compressed: 0, buf: [0; BLOCK], pos: 0 }
    }

    /// The digest of `parts`, concatenated.
    pub fn digest_of(parts: &[&[u8]]) -> [u8; 64] {
        let mut h = Self::new();
        parts.iter().for_each(|p| h.update(p));
        h.finalize()
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.pos == BLOCK {
                self.compressed += BLOCK as u64;
                compress(&mut self.h, &self.buf, self.compressed, false);
                self.pos = 0;
            }
            let take = (BLOCK - self.pos).min(data.len());
            self.buf[self.pos..self.pos + take].copy_from_slice(&data[..take]);
            self.pos += take;
            data = &data[take..];
        }
    }

    pub fn finalize(mut self) -> [u8; 64] {
        self.buf[self.pos..].fill(0);
        compress(&mut self.h, &self.buf, self.compressed + self.pos as u64, true);
        let mut out = [0u8; 64];
        for (chunk, word) in out.chunks_exact_mut(8).zip(self.h) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    /// The state in snarkjs's 216-byte layout.
    pub fn save(&self) -> [u8; PARTIAL_LEN] {
        let mut out = [0u8; PARTIAL_LEN];
        out[..BLOCK].copy_from_slice(&self.buf);
        for (i, word) in self.h.iter().enumerate() {
            out[BLOCK + 8 * i..BLOCK + 8 * i + 8].copy_from_slice(&word.to_le_bytes());
        }
        out[192..200].copy_from_slice(&self.compressed.to_le_bytes());
        out[200..208].copy_from_slice(&(self.pos as u64).to_le_bytes());
        out
    }

    /// Resumes a state saved by [`Self::save`] or by snarkjs; `None` if it is inconsistent.
    pub fn resume(saved: &[u8; PARTIAL_LEN]) -> Option<Self> {
        let word = |i: usize| u64::from_le_bytes(saved[i..i + 8].try_into().expect("8 bytes"));
        let pos = word(200);
        let compressed = word(192);
        if pos > BLOCK as u64 || compressed % BLOCK as u64 != 0 || (pos == 0 && compressed != 0) {
            return None;
        }
        let mut h = [0u64; 8];
        h.iter_mut().enumerate().for_each(|(i, w)| *w = word(BLOCK + 8 * i));
        Some(Self { h, compressed, buf: saved[..BLOCK].try_into().expect("a block"), pos: pos as usize })
    }
}

fn compress(h: &mut [u64; 8], block: &[u8; BLOCK], counter: u64, last: bool) {
    let mut m = [0u64; 16];
    for (w, chunk) in m.iter_mut().zip(block.chunks_exact(8)) {
        *w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
    }
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= counter;
    if last {
        v[14] = !v[14];
    }
    for s in &SIGMA {
        g(&mut v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(&mut v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(&mut v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(&mut v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(&mut v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(&mut v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(&mut v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(&mut v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for i in 0..8 {
        h[i] ^= v[i] ^ v[i + 8];
    }
}

fn g(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(32);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(24);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(63);
}

#[cfg(test)]
mod tests {
    use super::*;
    use blake2::{Blake2b512, Digest};
    use proptest::prelude::*;

    proptest! {
        /// Agrees with the RustCrypto implementation, also across a save and resume at any cut.
        #[test]
        fn matches_rustcrypto(data in proptest::collection::vec(any::<u8>(), 0..600), cut in 0usize..600) {
            let cut = cut.min(data.len());
            let expected: [u8; 64] = Blake2b512::digest(&data).into();
            prop_assert_eq!(Blake2b::digest_of(&[&data]), expected);
            let mut h = Blake2b::new();
            h.update(&data[..cut]);
            let mut resumed = Blake2b::resume(&h.save()).unwrap();
            resumed.update(&data[cut..]);
            prop_assert_eq!(resumed.finalize(), expected);
        }
    }
}
