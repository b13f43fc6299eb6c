//! The simulated chain: the contract's rules (the native executor, the same code the ink!
//! contract runs) under a clock the simulation moves. Every call is its own block. Each daemon
//! model holds a [`SimChain`] signing as its own account, so it talks to the chain through the
//! same typed calls (`Ddc`) as the real daemons.

use ddc_chain::client::{ChainClient, ChainError, EventBatch, Head, Receipt};
use ddc_chain::{async_trait, AccountId, Balance, Event};
use ddc_verifier_contract::native::State;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The chain's whole state.
pub struct Ledger {
    pub state: State,
    pub block: u64,
    /// Events by block, oldest first.
    pub events: Vec<(u64, Vec<Event>)>,
    /// Blocks are delayed: calls wait (their callers retry on a later tick); queries still
    /// answer from the last block.
    pub stalled: bool,
}

impl Ledger {
    pub fn new(state: State) -> Arc<Mutex<Self>> {
        Arc::new(Mutex::new(Ledger { state, block: 0, events: Vec::new(), stalled: false }))
    }
}

/// One account's view of the simulated chain.
#[derive(Clone)]
pub struct SimChain {
    ledger: Arc<Mutex<Ledger>>,
    account: AccountId,
    /// This client cannot reach the chain (a partition between it and every chain node).
    cut: Arc<AtomicBool>,
}

const URL: &str = "sim://chain";

impl SimChain {
    pub fn new(ledger: Arc<Mutex<Ledger>>, account: AccountId) -> Self {
        Self { ledger, account, cut: Arc::new(AtomicBool::new(false)) }
    }

    pub fn set_cut(&self, cut: bool) {
        self.cut.store(cut, Ordering::Relaxed);
    }

    fn ledger(&self) -> Result<MutexGuard<'_, Ledger>, ChainError> {
        if self.cut.load(Ordering::Relaxed) {
            return Err(ChainError::Unreachable { url: URL.into(), reason: "partitioned from the chain".into() });
        }
        Ok(self.ledger.lock().expect("ledger lock"))
    }
}

/// Whether a call failed only because its block is late (the caller tries again).
pub fn delayed(e: &ChainError) -> bool {
    matches!(e, ChainError::Unreachable { .. })
}

#[async_trait]
impl ChainClient for SimChain {
    fn account(&self) -> AccountId {
        self.account
    }

    async fn head(&self) -> Result<Head, ChainError> {
        let l = self.ledger()?;
        Ok(Head { number: l.block, now_ms: l.state.now_ms })
    }

    async fn query_raw(&self, data: Vec<u8>) -> Result<Vec<u8>, ChainError> {
        let l = self.ledger()?;
        let (out, _) = l.state.dry_run(self.account, 0, &data).map_err(|e| ChainError::Rejected(e.to_string()))?;
        Ok(out.data)
    }

    async fn submit_raw(&self, value: Balance, data: Vec<u8>) -> Result<Receipt, ChainError> {
        let mut l = self.ledger()?;
        if l.stalled {
            return Err(ChainError::Unreachable { url: URL.into(), reason: "the next block is delayed".into() });
        }
        let (out, events) =
            l.state.call(self.account, value, &data).map_err(|e| ChainError::Rejected(e.to_string()))?;
        l.block += 1;
        let block = l.block;
        if !events.is_empty() {
            l.events.push((block, events.clone()));
        }
        Ok(Receipt { block, output: out.data, reverted: out.reverted, events })
    }

    async fn events_since(&self, from: u64) -> Result<EventBatch, ChainError> {
        let l = self.ledger()?;
        let start = l.events.partition_point(|(n, _)| *n < from);
        Ok(EventBatch { blocks: l.events[start..].to_vec(), head: l.block })
    }

    async fn balance(&self, account: AccountId) -> Result<Balance, ChainError> {
        Ok(self.ledger()?.state.balance(&account))
    }
}
