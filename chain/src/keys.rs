//! sr25519 keys, as users hold them for any Substrate chain. The named development accounts
//! (`//Alice`, `//Bob`, …) are public knowledge: INSECURE, for local networks only.

use crate::AccountId;
use schnorrkel::derive::{ChainCode, Derivation};
use schnorrkel::{ExpansionMode, MiniSecretKey, SecretKey};
use subxt_signer::sr25519::{self, Keypair};
use subxt_signer::{DeriveJunction, ExposeSecret, SecretUri};
use zeroize::Zeroizing;

pub use ddc_primitives::dev::{DEV_ACCOUNTS, DEV_ENDOWMENT};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("invalid secret URI or seed: {0}")]
    Uri(String),
}

/// A key that signs calls, and from which the user's other secrets (encryption keys) derive.
#[derive(Clone)]
pub struct Signer {
    pair: Keypair,
    /// The sr25519 secret scalar as polkadot-js exposes it (the first half of `secretKey`: the
    /// scalar times the cofactor), so that a browser derives the same keys from the same account.
    /// Not the nonce half: a soft derivation draws it at random.
    secret: Zeroizing<[u8; 32]>,
}

impl Signer {
    /// From a secret URI (`//Alice`, a mnemonic with derivations, or `0x…` seed hex).
    pub fn from_uri(uri: &str) -> Result<Self, KeyError> {
        let uri: SecretUri = uri.parse().map_err(|e| KeyError::Uri(format!("{e:?}")))?;
        let pair = Keypair::from_uri(&uri).map_err(|e| KeyError::Uri(format!("{e:?}")))?;
        let secret = uri_secret(&uri)?;
        // Our derivation must be subxt-signer's: the two public keys agree.
        if secret.to_public().to_bytes() != pair.public_key().0 {
            return Err(KeyError::Uri("the secret's derivation disagrees with its public key".into()));
        }
        let scalar = Zeroizing::new(secret.to_ed25519_bytes());
        Ok(Self { pair, secret: Zeroizing::new(scalar[..32].try_into().expect("32 of 64 bytes")) })
    }

    /// A 32-byte secret for `purpose`, derived from this key (HKDF-SHA256): the same account
    /// always derives the same one, and knowing one reveals neither the key nor other purposes'.
    pub fn derive_secret(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        hkdf::Hkdf::<sha2::Sha256>::new(Some(DERIVE_SALT), self.secret.as_slice())
            .expand(purpose.as_bytes(), out.as_mut_slice())
            .expect("32 bytes is a valid HKDF-SHA256 length");
        out
    }

    /// A daemon's key from its config: as [`Self::from_uri`], with a loud warning when it is a
    /// well-known development key, which anyone can sign with.
    pub fn operator(uri: &str) -> Result<Self, KeyError> {
        if uri.starts_with("//") {
            tracing::warn!("using the INSECURE development key {uri}: local networks only");
        }
        Self::from_uri(uri)
    }

    /// A named development account (`alice` → `//Alice`). INSECURE.
    pub fn dev(name: &str) -> Result<Self, KeyError> {
        if name.is_empty() {
            return Err(KeyError::Uri("empty name".into()));
        }
        Self::from_uri(&ddc_primitives::dev::dev_uri(name))
    }

    pub fn account(&self) -> AccountId {
        AccountId::from(self.pair.public_key().0)
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.pair.sign(message).0
    }
}

/// The salt of [`Signer::derive_secret`]'s HKDF.
pub const DERIVE_SALT: &[u8] = b"ddc-derive-secret-v1";

/// The sr25519 secret of `uri`, derived as subxt-signer (and Substrate, and polkadot-js) do: a
/// BIP-39 phrase's entropy through PBKDF2-HMAC-SHA512 (salt `mnemonic` + password, 2048
/// rounds) or a hex seed, expanded, then each junction (hard: a new mini secret; soft: the
/// key's own derivation).
fn uri_secret(uri: &SecretUri) -> Result<SecretKey, KeyError> {
    let bad = |e: String| KeyError::Uri(e);
    let phrase = uri.phrase.expose_secret();
    let mini: Zeroizing<[u8; 32]> = if let Some(h) = phrase.strip_prefix("0x") {
        let seed = hex::decode(h).map_err(|e| bad(format!("seed: {e}")))?;
        Zeroizing::new(seed.try_into().map_err(|_| bad("a seed is 32 bytes".into()))?)
    } else {
        let mnemonic: subxt_signer::bip39::Mnemonic = phrase.parse().map_err(|e| bad(format!("{e:?}")))?;
        let (entropy, len) = mnemonic.to_entropy_array();
        let salt = Zeroizing::new(format!("mnemonic{}", uri.password.as_ref().map_or("", |p| p.expose_secret())));
        let mut seed = Zeroizing::new([0u8; 64]);
        pbkdf2::pbkdf2_hmac::<sha2::Sha512>(&entropy[..len], salt.as_bytes(), 2048, seed.as_mut_slice());
        Zeroizing::new(seed[..32].try_into().expect("32 of 64 bytes"))
    };
    let root = MiniSecretKey::from_bytes(mini.as_slice()).map_err(|e| bad(format!("{e}")))?;
    Ok(uri.junctions.iter().fold(root.expand(ExpansionMode::Ed25519), |key, j| match j {
        DeriveJunction::Soft(cc) => key.derived_key_simple(ChainCode(*cc), []).0,
        DeriveJunction::Hard(cc) => {
            key.hard_derive_mini_secret_key(Some(ChainCode(*cc)), b"").0.expand(ExpansionMode::Ed25519)
        }
    }))
}

/// Whether `signature` is `account`'s sr25519 signature of `message`.
pub fn verify(account: &AccountId, message: &[u8], signature: &[u8; 64]) -> bool {
    let public = sr25519::PublicKey(*<AccountId as AsRef<[u8; 32]>>::as_ref(account));
    sr25519::verify(&sr25519::Signature(*signature), message, &public)
}

/// The account of a named development key.
pub fn dev_account(name: &str) -> Result<AccountId, KeyError> {
    Signer::dev(name).map(|s| s.account())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// polkadot-js (`@polkadot/util-crypto` 14: `keyFromPath` over the dev phrase) gives `//Alice`
    /// this public and secret key; a browser derives the same secrets from them.
    #[test]
    fn secrets_are_polkadot_js_ones() {
        let alice = Signer::from_uri("//Alice").unwrap();
        assert_eq!(
            hex::encode(alice.secret.as_slice()),
            // The first half of polkadot-js's `secretKey` 98319d4f…fedfff48925a225d…f4a66011.
            "98319d4ff8a9508c4bb0cf0b5a78d760a0b2082c02775e6e82370816fedfff48"
        );
        // Soft junctions, passwords and hex seeds take subxt-signer's route too (checked at
        // construction against its public key).
        for uri in ["//Alice/soft//hard", "//Alice/soft", "//Bob///password", &format!("0x{}", "11".repeat(32))] {
            let twice = [Signer::from_uri(uri).unwrap(), Signer::from_uri(uri).unwrap()];
            assert_eq!(twice[0].derive_secret("a"), twice[1].derive_secret("a"), "{uri} derives one secret");
        }
        let purposes =
            [alice.derive_secret("a"), alice.derive_secret("b"), Signer::dev("bob").unwrap().derive_secret("a")];
        assert_ne!(purposes[0], purposes[1]);
        assert_ne!(purposes[0], purposes[2]);
        assert_eq!(alice.derive_secret("a"), purposes[0]);
    }
}
