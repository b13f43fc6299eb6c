//! The encrypted object format (envelope v1), which nodes store and prove like any bytes.
//!
//! ```text
//! header  "DDCE" | 1 | chunk_log2 | 0 0 | plaintext length (u64 LE) | nonce prefix (16)
//!         | the data key wrapped to the writer (144 bytes, `wrap.rs`)
//! chunks  XChaCha20-Poly1305(data key, nonce = prefix | index (u64 LE), chunk, aad)
//!         aad = SHA-256("ddc-chunk-v1" | header[..32] | object binding) | index (u64 LE) | last (u8)
//! ```
//!
//! Every chunk but the last holds `2^chunk_log2` plaintext bytes and 16 of tag, so a range read
//! fetches and opens only the chunks it covers. The aad binds each chunk to its header, its
//! place, the end of the object, and the object's bucket and stored key: a node can neither
//! reorder, truncate or extend chunks, nor serve one object's chunks under another's name.

use super::wrap::{Wrap, WRAP_LEN};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ddc_primitives::ids::BucketId;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub const MAGIC: &[u8; 4] = b"DDCE";
pub const VERSION: u8 = 1;
/// 64 KiB plaintext chunks: a 0.024% tag overhead, and a range read opens at most 64 KiB extra.
pub const DEFAULT_CHUNK_LOG2: u8 = 16;
pub const TAG_LEN: usize = 16;
const FIXED_LEN: usize = 32;
pub const HEADER_LEN: usize = FIXED_LEN + WRAP_LEN;

/// An object's symmetric key: fresh for every write.
pub type DataKey = Zeroizing<[u8; 32]>;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvelopeError {
    #[error("not an encrypted DDC object (no DDCE header): it was stored in plain text")]
    NotEncrypted,
    #[error("encrypted object format version {0} is not supported (this client reads version 1)")]
    Version(u8),
    #[error("the encrypted object's header is malformed: {0}")]
    Header(&'static str),
    #[error("chunk {0} failed authentication: the ciphertext was altered, or belongs to another object")]
    Chunk(u64),
    #[error("the encrypted object is truncated: {got} bytes, its header announces {want}")]
    Length { got: u64, want: u64 },
    #[error("the data key is not wrapped to this account: {0}")]
    NotRecipient(String),
    #[error("the data key's wrap failed authentication: it was altered, or is for another object or version")]
    Wrap,
    #[error("the data key was wrapped by {0}, a key this bucket does not publish for its owner or writers")]
    UntrustedSender(String),
}

/// The stored length of a `plaintext_len`-byte object in the default chunk size.
pub fn ciphertext_len(plaintext_len: u64) -> u64 {
    Header::new(plaintext_len, [0; 16], Wrap::default()).ciphertext_len()
}

/// What ties an object's ciphertext to its place: the bucket and the key it is stored under.
pub fn object_binding(bucket: BucketId, stored_key: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"ddc-object-v1");
    h.update(bucket.to_le_bytes());
    h.update(stored_key.as_bytes());
    h.finalize().into()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub chunk_log2: u8,
    pub plaintext_len: u64,
    pub nonce_prefix: [u8; 16],
    /// The data key, wrapped to the writer itself.
    pub wrap: Wrap,
}

impl Header {
    pub fn new(plaintext_len: u64, nonce_prefix: [u8; 16], wrap: Wrap) -> Self {
        Self { chunk_log2: DEFAULT_CHUNK_LOG2, plaintext_len, nonce_prefix, wrap }
    }

    fn fixed(&self) -> [u8; FIXED_LEN] {
        let mut b = [0u8; FIXED_LEN];
        b[..4].copy_from_slice(MAGIC);
        b[4] = VERSION;
        b[5] = self.chunk_log2;
        b[8..16].copy_from_slice(&self.plaintext_len.to_le_bytes());
        b[16..32].copy_from_slice(&self.nonce_prefix);
        b
    }

    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[..FIXED_LEN].copy_from_slice(&self.fixed());
        b[FIXED_LEN..].copy_from_slice(&self.wrap.to_bytes());
        b
    }

    /// Parses the first [`HEADER_LEN`] bytes of an object.
    pub fn parse(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        if bytes.len() < 5 || &bytes[..4] != MAGIC {
            return Err(EnvelopeError::NotEncrypted);
        }
        if bytes[4] != VERSION {
            return Err(EnvelopeError::Version(bytes[4]));
        }
        if bytes.len() < HEADER_LEN {
            return Err(EnvelopeError::Header("shorter than a header"));
        }
        let chunk_log2 = bytes[5];
        if !(10..=24).contains(&chunk_log2) || bytes[6..8] != [0, 0] {
            return Err(EnvelopeError::Header("chunk size out of range"));
        }
        Ok(Self {
            chunk_log2,
            plaintext_len: u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes")),
            nonce_prefix: bytes[16..32].try_into().expect("16 bytes"),
            wrap: Wrap::parse(&bytes[FIXED_LEN..HEADER_LEN])?,
        })
    }

    pub fn chunk_len(&self) -> u64 {
        1 << self.chunk_log2
    }

    /// Chunks in the object: an empty object still has one (empty, authenticated) chunk.
    pub fn chunks(&self) -> u64 {
        self.plaintext_len.div_ceil(self.chunk_len()).max(1)
    }

    /// The whole stored object's length.
    pub fn ciphertext_len(&self) -> u64 {
        HEADER_LEN as u64 + self.plaintext_len + self.chunks() * TAG_LEN as u64
    }

    /// The stored bytes `[start, end)` holding plaintext `[a, b)`, and the index of their first
    /// chunk; `b` is clamped to the object's length.
    pub fn ciphertext_range(&self, a: u64, b: u64) -> (u64, u64, u64) {
        let b = b.min(self.plaintext_len);
        let sealed = self.chunk_len() + TAG_LEN as u64;
        let first = (a >> self.chunk_log2).min(self.chunks() - 1);
        let last = (b.max(a + 1) - 1) >> self.chunk_log2;
        let last = last.min(self.chunks() - 1);
        let start = HEADER_LEN as u64 + first * sealed;
        (start, (HEADER_LEN as u64 + (last + 1) * sealed).min(self.ciphertext_len()), first)
    }

    /// What a wrap of this object's key is bound to: the object and this very write.
    pub fn wrap_binding(&self, object: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"ddc-wrap-binding-v1");
        h.update(object);
        h.update(self.fixed());
        h.finalize().into()
    }
}

/// Seals or opens an object's chunks in order (or from any chunk index, for ranges).
pub struct ChunkCipher {
    cipher: XChaCha20Poly1305,
    aad_base: [u8; 32],
    prefix: [u8; 16],
    chunks: u64,
}

impl ChunkCipher {
    pub fn new(key: &DataKey, header: &Header, object: &[u8; 32]) -> Self {
        let mut h = Sha256::new();
        h.update(b"ddc-chunk-v1");
        h.update(header.fixed());
        h.update(object);
        Self {
            cipher: XChaCha20Poly1305::new(key.as_slice().into()),
            aad_base: h.finalize().into(),
            prefix: header.nonce_prefix,
            chunks: header.chunks(),
        }
    }

    fn nonce_aad(&self, index: u64) -> (XNonce, [u8; 41]) {
        let mut nonce = [0u8; 24];
        nonce[..16].copy_from_slice(&self.prefix);
        nonce[16..].copy_from_slice(&index.to_le_bytes());
        let mut aad = [0u8; 41];
        aad[..32].copy_from_slice(&self.aad_base);
        aad[32..40].copy_from_slice(&index.to_le_bytes());
        aad[40] = u8::from(index + 1 == self.chunks);
        (nonce.into(), aad)
    }

    pub fn seal(&self, index: u64, plaintext: &[u8]) -> Vec<u8> {
        let (nonce, aad) = self.nonce_aad(index);
        self.cipher.encrypt(&nonce, Payload { msg: plaintext, aad: &aad }).expect("XChaCha20-Poly1305 seals any length")
    }

    pub fn open(&self, index: u64, sealed: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        let (nonce, aad) = self.nonce_aad(index);
        self.cipher.decrypt(&nonce, Payload { msg: sealed, aad: &aad }).map_err(|_| EnvelopeError::Chunk(index))
    }
}

/// Opens a stream of stored bytes chunk by chunk, from chunk `first` on: feed it what arrives,
/// take plaintext out. `finish` checks that the stream ended where the header says.
pub struct Opener {
    cipher: ChunkCipher,
    sealed_len: usize,
    buf: Vec<u8>,
    index: u64,
    end: u64,
}

impl Opener {
    /// Opens chunks `first..end` (`end` is exclusive; `header.chunks()` for the rest).
    pub fn new(cipher: ChunkCipher, header: &Header, first: u64, end: u64) -> Self {
        let sealed_len = header.chunk_len() as usize + TAG_LEN;
        Self { cipher, sealed_len, buf: Vec::with_capacity(sealed_len), index: first, end }
    }

    /// Appends stored bytes; returns the plaintext of every chunk they complete.
    pub fn push(&mut self, mut bytes: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let take = (self.sealed_len - self.buf.len()).min(bytes.len());
            self.buf.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.buf.len() == self.sealed_len {
                if self.index >= self.end {
                    return Err(EnvelopeError::Header("more chunks than the header announces"));
                }
                out.extend(self.cipher.open(self.index, &self.buf)?);
                self.buf.clear();
                self.index += 1;
            }
        }
        Ok(out)
    }

    /// The last (short) chunk; fails when chunks are missing.
    pub fn finish(mut self) -> Result<Vec<u8>, EnvelopeError> {
        let out = if self.buf.is_empty() && self.index == self.end {
            Vec::new()
        } else if self.index + 1 == self.end && self.buf.len() >= TAG_LEN {
            let last = self.cipher.open(self.index, &self.buf)?;
            self.index += 1;
            last
        } else {
            return Err(EnvelopeError::Chunk(self.index));
        };
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wrap::EncryptionKey;

    fn sealed_object(data: &[u8], key: &EncryptionKey, object: &[u8; 32]) -> (Header, DataKey, Vec<u8>) {
        let dk = Zeroizing::new([7u8; 32]);
        let mut header = Header::new(data.len() as u64, [9; 16], Wrap::default());
        header.chunk_log2 = 10;
        header.wrap = key.wrap(&dk, &key.public(), &header.wrap_binding(object));
        let cipher = ChunkCipher::new(&dk, &header, object);
        let mut out = header.to_bytes().to_vec();
        for i in 0..header.chunks() {
            let piece = data.chunks(1024).nth(i as usize).unwrap_or(&[]);
            out.extend(cipher.seal(i, piece));
        }
        assert_eq!(out.len() as u64, header.ciphertext_len());
        (header, dk, out)
    }

    fn open_all(stored: &[u8], key: &EncryptionKey, object: &[u8; 32], step: usize) -> Result<Vec<u8>, EnvelopeError> {
        let header = Header::parse(stored)?;
        let dk = key.unwrap(&header.wrap, &header.wrap_binding(object), |_| false)?;
        let mut o = Opener::new(ChunkCipher::new(&dk, &header, object), &header, 0, header.chunks());
        let mut out = Vec::new();
        for piece in stored[HEADER_LEN..].chunks(step) {
            out.extend(o.push(piece)?);
        }
        out.extend(o.finish()?);
        Ok(out)
    }

    #[test]
    fn round_trips_tampering_and_ranges() {
        let key = EncryptionKey::from_secret([3; 32]);
        let object = object_binding(1, "a.bin");
        for len in [0usize, 1, 1023, 1024, 1025, 5000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31) as u8).collect();
            let (header, dk, stored) = sealed_object(&data, &key, &object);
            for step in [1, 7, 1040, 1 << 20] {
                assert_eq!(open_all(&stored, &key, &object, step).unwrap(), data, "len {len} step {step}");
            }
            // Another object's name, a flipped bit anywhere, a missing tail: all refused.
            assert!(open_all(&stored, &key, &object_binding(1, "b.bin"), 64).is_err());
            assert!(open_all(&stored, &key, &object_binding(2, "a.bin"), 64).is_err());
            for at in [0, 5, 9, 20, 40, 100, HEADER_LEN, stored.len() - 1] {
                let mut bad = stored.clone();
                bad[at] ^= 1;
                assert!(open_all(&bad, &key, &object, 64).is_err(), "flip at {at} of {len}");
            }
            if len > 0 {
                assert!(open_all(&stored[..stored.len() - 1], &key, &object, 64).is_err());
            }
            // Every range opens from its own chunks only.
            for (a, b) in [(0, 1), (0, len as u64), (1000, 1030), (1024, 2048), (4999, 6000)] {
                if a >= len as u64 {
                    continue;
                }
                let (s, e, first) = header.ciphertext_range(a, b);
                let last_exclusive = first + (e - s).div_ceil(1040);
                let mut o = Opener::new(ChunkCipher::new(&dk, &header, &object), &header, first, last_exclusive);
                let mut plain = o.push(&stored[s as usize..e as usize]).unwrap();
                plain.extend(o.finish().unwrap());
                let off = (a - first * 1024) as usize;
                let want = &data[a as usize..(b as usize).min(len)];
                assert_eq!(&plain[off..off + want.len()], want, "range {a}..{b} of {len}");
            }
        }
    }

    #[test]
    fn headers_refuse_clearly() {
        assert_eq!(Header::parse(b"hello world"), Err(EnvelopeError::NotEncrypted));
        assert_eq!(Header::parse(b"DDCE\x02...."), Err(EnvelopeError::Version(2)));
        assert_eq!(Header::parse(b"DDCE\x01"), Err(EnvelopeError::Header("shorter than a header")));
    }
}
