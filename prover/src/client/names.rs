//! Encrypted object names: `~` and the base64url of a synthetic nonce and the sealed name.
//!
//! The nonce is a PRF of the name (HKDF-Expand under the writer's name key), so the same name
//! always encrypts to the same stored key and a `get` finds it, while different names reveal
//! nothing but their length. Per-bucket keys keep one bucket's names unlinkable to another's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use ddc_chain::Signer;
use ddc_primitives::ids::BucketId;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Stored keys of encrypted names start with this.
pub const MARK: char = '~';

pub struct NameKey(Zeroizing<[u8; 32]>);

impl NameKey {
    pub fn from_signer(signer: &Signer) -> Self {
        Self(signer.derive_secret("ddc-names-v1"))
    }

    fn bucket_key(&self, bucket: BucketId) -> Zeroizing<[u8; 32]> {
        let mut k = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(b"ddc-names-bucket"), self.0.as_slice())
            .expand(&bucket.to_le_bytes(), k.as_mut_slice())
            .expect("32-byte HKDF output");
        k
    }

    /// The stored key for `name` in `bucket`.
    pub fn seal(&self, bucket: BucketId, name: &str) -> String {
        let k = self.bucket_key(bucket);
        let mut nonce = [0u8; 24];
        Hkdf::<Sha256>::from_prk(k.as_slice())
            .expect("a 32-byte PRK")
            .expand(name.as_bytes(), &mut nonce)
            .expect("24 bytes");
        let sealed = XChaCha20Poly1305::new(k.as_slice().into())
            .encrypt(&nonce.into(), Payload { msg: name.as_bytes(), aad: b"ddc-name-v1" })
            .expect("seals any name");
        format!("{MARK}{}", URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat()))
    }

    /// The name behind a stored key, when it is one of ours (`None` for plain or others' names).
    pub fn open(&self, bucket: BucketId, stored: &str) -> Option<String> {
        let raw = URL_SAFE_NO_PAD.decode(stored.strip_prefix(MARK)?).ok()?;
        if raw.len() < 24 + 16 {
            return None;
        }
        let k = self.bucket_key(bucket);
        let name = XChaCha20Poly1305::new(k.as_slice().into())
            .decrypt(raw[..24].into(), Payload { msg: &raw[24..], aad: b"ddc-name-v1" })
            .ok()?;
        String::from_utf8(name).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deterministic_private_and_per_bucket() {
        let (alice, bob) = (Signer::dev("alice").unwrap(), Signer::dev("bob").unwrap());
        let k = NameKey::from_signer(&alice);
        let stored = k.seal(1, "photos/cat.jpg");
        assert_eq!(stored, k.seal(1, "photos/cat.jpg"));
        assert!(stored.starts_with(MARK) && !stored.contains("cat"));
        assert_ne!(stored, k.seal(2, "photos/cat.jpg"));
        assert_eq!(k.open(1, &stored).as_deref(), Some("photos/cat.jpg"));
        assert_eq!(k.open(2, &stored), None);
        assert_eq!(NameKey::from_signer(&bob).open(1, &stored), None);
        assert_eq!(k.open(1, "plain.txt"), None);
    }
}
