//! The embedded chain's RPC: JSON over HTTP, `POST /rpc/<method>`, binary fields as `0x` hex.
//! Documented in `docs/chain-rpc.md`.

use crate::{AccountId, Balance};
use scale::{Decode, Encode};
use serde::{Deserialize, Serialize};

/// A signed contract call: what an extrinsic is on a Substrate chain.
#[derive(Clone, Debug, Encode, Decode, PartialEq, Eq)]
pub struct SignedCall {
    pub origin: AccountId,
    /// The origin's next nonce: each call is accepted once.
    pub nonce: u64,
    pub value: Balance,
    /// ink! call data for the DDC contract.
    pub data: Vec<u8>,
    pub signature: [u8; 64],
}

impl SignedCall {
    /// What the origin signs: bound to this chain's genesis, so a call cannot be replayed on another.
    pub fn payload(genesis: &[u8; 32], origin: &AccountId, nonce: u64, value: Balance, data: &[u8]) -> Vec<u8> {
        (b"ddc-embedded-call/v1", genesis, origin, nonce, value, data).encode()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HeadResponse {
    pub number: u64,
    pub now_ms: u64,
    pub genesis: String,
    pub contract: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QueryRequest {
    pub origin: String,
    pub data: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QueryResponse {
    pub output: String,
    pub reverted: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubmitRequest {
    /// A SCALE-encoded [`SignedCall`].
    pub call: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubmitResponse {
    pub block: u64,
    pub output: String,
    pub reverted: bool,
    /// SCALE-encoded contract events of this call.
    pub events: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountRequest {
    pub account: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountResponse {
    /// Decimal, as balances exceed JSON's safe integers.
    pub free: String,
    pub nonce: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventsRequest {
    pub from: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockEvents {
    pub number: u64,
    pub events: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventsResponse {
    pub head: u64,
    pub blocks: Vec<BlockEvents>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SetTimeRequest {
    pub now_ms: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: String,
}

pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn from_hex(s: &str) -> Result<Vec<u8>, String> {
    hex::decode(s.strip_prefix("0x").unwrap_or(s)).map_err(|e| format!("bad hex: {e}"))
}

pub fn account_from_hex(s: &str) -> Result<AccountId, String> {
    let bytes: [u8; 32] = from_hex(s)?.try_into().map_err(|_| "an account is 32 bytes".to_string())?;
    Ok(AccountId::from(bytes))
}
