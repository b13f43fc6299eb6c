//! Users' X25519 encryption keys and data-key wraps.
//!
//! A wrap seals an object's data key to one recipient, authenticated by the sender's own key
//! (as HPKE's auth mode does), so a reader knows which published key wrote it:
//!
//! ```text
//! wrap  sender public (32) | recipient public (32) | ephemeral public (32)
//!       | XChaCha20-Poly1305(kek, nonce = 0, data key, aad = binding)        (48)
//! kek = HKDF-SHA256(salt "ddc-wrap-v1", ikm = X25519(e, R) | X25519(s, R),
//!                   info = sender | recipient | ephemeral)
//! ```
//!
//! The kek is fresh with every ephemeral key, so its one nonce is never reused. The binding
//! names the object and the very write (its header), so a wrap cannot be moved to another
//! object or an older version of it.

use super::envelope::{DataKey, EnvelopeError};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use ddc_chain::Signer;
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

pub const WRAP_LEN: usize = 144;
/// The purpose a user's X25519 secret is derived for from their sr25519 key.
pub const X25519_PURPOSE: &str = "ddc-x25519-v1";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrap {
    pub sender: [u8; 32],
    pub recipient: [u8; 32],
    pub ephemeral: [u8; 32],
    pub sealed: [u8; 48],
}

impl Default for Wrap {
    fn default() -> Self {
        Self { sender: [0; 32], recipient: [0; 32], ephemeral: [0; 32], sealed: [0; 48] }
    }
}

impl Wrap {
    pub fn to_bytes(&self) -> [u8; WRAP_LEN] {
        let mut b = [0u8; WRAP_LEN];
        b[..32].copy_from_slice(&self.sender);
        b[32..64].copy_from_slice(&self.recipient);
        b[64..96].copy_from_slice(&self.ephemeral);
        b[96..].copy_from_slice(&self.sealed);
        b
    }

    pub fn parse(b: &[u8]) -> Result<Self, EnvelopeError> {
        if b.len() != WRAP_LEN {
            return Err(EnvelopeError::Header("a key wrap is 144 bytes"));
        }
        let at = |i: usize| -> [u8; 32] { b[i..i + 32].try_into().expect("32 bytes") };
        Ok(Self { sender: at(0), recipient: at(32), ephemeral: at(64), sealed: b[96..].try_into().expect("48 bytes") })
    }
}

fn kek(dh: [&[u8; 32]; 2], sender: &[u8; 32], recipient: &[u8; 32], ephemeral: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let ikm = Zeroizing::new([dh[0].as_slice(), dh[1].as_slice()].concat());
    let info = [sender.as_slice(), recipient, ephemeral].concat();
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(b"ddc-wrap-v1"), &ikm).expand(&info, out.as_mut_slice()).expect("32-byte HKDF output");
    out
}

/// A user's encryption key pair.
#[derive(Clone)]
pub struct EncryptionKey {
    secret: StaticSecret,
    public: [u8; 32],
}

impl EncryptionKey {
    /// The account's key: derived from its sr25519 key, so nothing more needs keeping safe.
    pub fn from_signer(signer: &Signer) -> Self {
        Self::from_secret(*signer.derive_secret(X25519_PURPOSE))
    }

    pub fn from_secret(secret: [u8; 32]) -> Self {
        let secret = StaticSecret::from(secret);
        Self { public: PublicKey::from(&secret).to_bytes(), secret }
    }

    pub fn public(&self) -> [u8; 32] {
        self.public
    }

    /// Seals `key` to `recipient`, bound to `binding`.
    pub fn wrap(&self, key: &DataKey, recipient: &[u8; 32], binding: &[u8; 32]) -> Wrap {
        let e = StaticSecret::from(rand::random::<[u8; 32]>());
        let ephemeral = PublicKey::from(&e).to_bytes();
        let r = PublicKey::from(*recipient);
        let (d1, d2) = (e.diffie_hellman(&r), self.secret.diffie_hellman(&r));
        let kek = kek([d1.as_bytes(), d2.as_bytes()], &self.public, recipient, &ephemeral);
        let sealed = XChaCha20Poly1305::new(kek.as_slice().into())
            .encrypt(&[0u8; 24].into(), Payload { msg: key.as_slice(), aad: binding })
            .expect("seals 32 bytes");
        Wrap {
            sender: self.public,
            recipient: *recipient,
            ephemeral,
            sealed: sealed.try_into().expect("32 + 16 bytes"),
        }
    }

    /// Opens a wrap addressed to this key; `trusted` says whether a sender other than ourselves
    /// is one the bucket publishes for its owner or writers.
    pub fn unwrap(
        &self,
        w: &Wrap,
        binding: &[u8; 32],
        trusted: impl Fn(&[u8; 32]) -> bool,
    ) -> Result<DataKey, EnvelopeError> {
        if w.recipient != self.public {
            return Err(EnvelopeError::NotRecipient(format!(
                "wrapped to encryption key {}, yours is {}",
                hex::encode(w.recipient),
                hex::encode(self.public)
            )));
        }
        if w.sender != self.public && !trusted(&w.sender) {
            return Err(EnvelopeError::UntrustedSender(hex::encode(w.sender)));
        }
        let (d1, d2) = (
            self.secret.diffie_hellman(&PublicKey::from(w.ephemeral)),
            self.secret.diffie_hellman(&PublicKey::from(w.sender)),
        );
        let kek = kek([d1.as_bytes(), d2.as_bytes()], &w.sender, &w.recipient, &w.ephemeral);
        let key = XChaCha20Poly1305::new(kek.as_slice().into())
            .decrypt(&[0u8; 24].into(), Payload { msg: &w.sealed, aad: binding })
            .map_err(|_| EnvelopeError::Wrap)?;
        Ok(Zeroizing::new(key.try_into().map_err(|_| EnvelopeError::Wrap)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_open_only_for_their_recipient_object_and_trusted_sender() {
        let (alice, bob, eve) = (
            EncryptionKey::from_secret([1; 32]),
            EncryptionKey::from_secret([2; 32]),
            EncryptionKey::from_secret([3; 32]),
        );
        let dk: DataKey = Zeroizing::new([42; 32]);
        let w = alice.wrap(&dk, &bob.public(), &[5; 32]);
        let from_alice = |s: &[u8; 32]| *s == alice.public();
        assert_eq!(*bob.unwrap(&w, &[5; 32], from_alice).unwrap(), *dk);
        assert!(matches!(eve.unwrap(&w, &[5; 32], |_| true), Err(EnvelopeError::NotRecipient(_))));
        assert_eq!(bob.unwrap(&w, &[6; 32], from_alice), Err(EnvelopeError::Wrap));
        assert!(matches!(bob.unwrap(&w, &[5; 32], |_| false), Err(EnvelopeError::UntrustedSender(_))));
        // Eve cannot pass a key of her own off as Alice's: the sender's DH is in the kek.
        let mut forged = eve.wrap(&Zeroizing::new([9; 32]), &bob.public(), &[5; 32]);
        forged.sender = alice.public();
        assert_eq!(bob.unwrap(&forged, &[5; 32], from_alice), Err(EnvelopeError::Wrap));
        let mut flipped = Wrap::parse(&w.to_bytes()).unwrap();
        flipped.sealed[0] ^= 1;
        assert_eq!(bob.unwrap(&flipped, &[5; 32], from_alice), Err(EnvelopeError::Wrap));
        // Alice reads what she wrapped to herself.
        let own = alice.wrap(&dk, &alice.public(), &[5; 32]);
        assert_eq!(*alice.unwrap(&own, &[5; 32], |_| false).unwrap(), *dk);
    }
}
