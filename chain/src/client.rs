//! The chain as the daemons see it.

use crate::{AccountId, Balance, Event};
use async_trait::async_trait;
use ddc_verifier_contract::logic::Error as ContractError;

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The contract refused the call (nothing changed).
    #[error("the contract refused the call: {0:?}")]
    Contract(ContractError),
    #[error("the chain rejected the call: {0}")]
    Rejected(String),
    #[error("cannot reach the chain at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("unexpected answer from the chain: {0}")]
    Protocol(String),
}

/// The chain's newest block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Head {
    pub number: u64,
    pub now_ms: u64,
}

/// A call's fate once its block is final.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub block: u64,
    /// The message's ink!-encoded output (`Result<R, LangError>`).
    pub output: Vec<u8>,
    pub reverted: bool,
    pub events: Vec<Event>,
}

/// Contract events of finalized blocks `[from, head]`.
#[derive(Clone, Debug, Default)]
pub struct EventBatch {
    pub blocks: Vec<(u64, Vec<Event>)>,
    pub head: u64,
}

/// What the storage node and the validator need from a chain.
#[async_trait]
pub trait ChainClient: Send + Sync {
    /// The account that signs this client's calls.
    fn account(&self) -> AccountId;
    async fn head(&self) -> Result<Head, ChainError>;
    /// Runs ink! call data of a view against the newest state without keeping anything. A view's
    /// answer does not depend on who asks, so a backend may run it from any account.
    async fn query_raw(&self, data: Vec<u8>) -> Result<Vec<u8>, ChainError>;
    /// Signs and submits ink! call data with `value`, and waits until its block is final.
    async fn submit_raw(&self, value: Balance, data: Vec<u8>) -> Result<Receipt, ChainError>;
    /// The contract's events of finalized blocks from `from` on.
    async fn events_since(&self, from: u64) -> Result<EventBatch, ChainError>;
    /// An account's free balance.
    async fn balance(&self, account: AccountId) -> Result<Balance, ChainError>;
}

/// A development chain whose clock its driver moves (`--manual-time`): the embedded chain, or a
/// local chopsticks node ([`crate::substrate::local`]). Tests drive time; they never wait on it.
#[async_trait]
pub trait ManualClock: Send + Sync {
    /// Puts the chain's clock at `now_ms` (blocks from now on carry it).
    async fn set_time(&self, now_ms: u64) -> Result<(), ChainError>;
}

/// A shared client is a client: daemons and the devnet hold `Arc<dyn ChainClient>`.
#[async_trait]
impl<C: ChainClient + ?Sized> ChainClient for std::sync::Arc<C> {
    fn account(&self) -> AccountId {
        (**self).account()
    }
    async fn head(&self) -> Result<Head, ChainError> {
        (**self).head().await
    }
    async fn query_raw(&self, data: Vec<u8>) -> Result<Vec<u8>, ChainError> {
        (**self).query_raw(data).await
    }
    async fn submit_raw(&self, value: Balance, data: Vec<u8>) -> Result<Receipt, ChainError> {
        (**self).submit_raw(value, data).await
    }
    async fn events_since(&self, from: u64) -> Result<EventBatch, ChainError> {
        (**self).events_since(from).await
    }
    async fn balance(&self, account: AccountId) -> Result<Balance, ChainError> {
        (**self).balance(account).await
    }
}
