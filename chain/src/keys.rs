//! sr25519 keys, as users hold them for any Substrate chain. The named development accounts
//! (`//Alice`, `//Bob`, …) are public knowledge: INSECURE, for local networks only.

use crate::AccountId;
use subxt_signer::sr25519::{self, Keypair};
use subxt_signer::SecretUri;

pub use ddc_primitives::dev::{DEV_ACCOUNTS, DEV_ENDOWMENT};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("invalid secret URI or seed: {0}")]
    Uri(String),
}

/// A key that signs calls.
#[derive(Clone)]
pub struct Signer {
    pair: Keypair,
}

impl Signer {
    /// From a secret URI (`//Alice`, a mnemonic with derivations, or `0x…` seed hex).
    pub fn from_uri(uri: &str) -> Result<Self, KeyError> {
        let uri: SecretUri = uri.parse().map_err(|e| KeyError::Uri(format!("{e:?}")))?;
        Ok(Self { pair: Keypair::from_uri(&uri).map_err(|e| KeyError::Uri(format!("{e:?}")))? })
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

/// Whether `signature` is `account`'s sr25519 signature of `message`.
pub fn verify(account: &AccountId, message: &[u8], signature: &[u8; 64]) -> bool {
    let public = sr25519::PublicKey(*<AccountId as AsRef<[u8; 32]>>::as_ref(account));
    sr25519::verify(&sr25519::Signature(*signature), message, &public)
}

/// The account of a named development key.
pub fn dev_account(name: &str) -> Result<AccountId, KeyError> {
    Signer::dev(name).map(|s| s.account())
}
