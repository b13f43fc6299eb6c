//! Contract addresses as users write them: SS58 (what `cargo contract instantiate` prints) or
//! `0x` and 64 hex digits.

use crate::AccountId;
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
#[error("contract address {text:?}: {why}")]
pub struct AddressError {
    pub text: String,
    pub why: String,
}

/// Parses an SS58 address (any network prefix; the checksum is checked) or `0x…` hex.
pub fn parse_account(text: &str) -> Result<AccountId, AddressError> {
    let trimmed = text.trim();
    let bad = |why: String| AddressError { text: text.to_string(), why };
    if let Some(hex) = trimmed.strip_prefix("0x") {
        let bytes = hex::decode(hex).map_err(|e| bad(format!("bad hex: {e}")))?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| bad(format!("{} bytes, not 32", b.len())))?;
        return Ok(AccountId::from(bytes));
    }
    let id = subxt::utils::AccountId32::from_str(trimmed)
        .map_err(|e| bad(format!("neither SS58 nor 0x and 64 hex digits ({e})")))?;
    Ok(AccountId::from(id.0))
}

/// The SS58 form with the generic Substrate prefix 42, as `substrate-contracts-node` shows it.
pub fn to_ss58(account: &AccountId) -> String {
    subxt::utils::AccountId32(*<AccountId as AsRef<[u8; 32]>>::as_ref(account)).to_string()
}
