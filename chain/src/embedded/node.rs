//! Block production and persistence. Calls wait in a pool; each block executes them in order
//! at the block's timestamp, persists the whole chain (fsync + atomic rename), and only then
//! answers the callers: an acknowledged call survives a crash. Blocks without calls are not
//! written (a crash may forget them; they held nothing).

pub use crate::keys::DEV_ENDOWMENT;
use crate::keys::{dev_account, DEV_ACCOUNTS};
use crate::rpc::SignedCall;
use crate::{AccountId, Event};
use ddc_verifier_contract::native::State;
use scale::{Decode, Encode};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{oneshot, watch, Mutex};

/// Blocks whose events are kept for `events_since`.
pub const EVENT_HISTORY: usize = 100_000;
/// The contract's account on the embedded chain.
pub const CONTRACT: [u8; 32] = *b"ddc/embedded-contract/v1\0\0\0\0\0\0\0\0";

#[derive(Clone, Debug)]
pub struct ChainConfig {
    pub data_dir: PathBuf,
    pub block_time: Duration,
    /// Time moves only by `set_time` (tests); otherwise it is the wall clock.
    pub manual_time: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("chain state at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("chain state at {0} is corrupt")]
    Corrupt(PathBuf),
    #[error("bad signature")]
    BadSignature,
    #[error("stale nonce {got}: the next nonce of this account is {expected}")]
    Nonce { got: u64, expected: u64 },
    #[error("the chain is shutting down")]
    Stopped,
    #[error("the call was not included: {0}")]
    Rejected(String),
}

/// Everything persisted.
#[derive(Clone, Debug, Encode, Decode)]
pub struct Chain {
    pub genesis: [u8; 32],
    pub number: u64,
    pub state: State,
    pub nonces: BTreeMap<AccountId, u64>,
    /// Events of the recent blocks that had any, oldest first.
    pub events: VecDeque<(u64, Vec<Event>)>,
}

/// The result of an included call.
#[derive(Clone, Debug)]
pub struct Included {
    pub block: u64,
    pub output: Vec<u8>,
    pub reverted: bool,
    pub events: Vec<Event>,
}

type Pending = (SignedCall, oneshot::Sender<Result<Included, String>>);

pub struct Node {
    pub config: ChainConfig,
    chain: Mutex<Chain>,
    pool: Mutex<Vec<Pending>>,
    head: watch::Sender<u64>,
}

fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl Chain {
    fn genesis(now_ms: u64) -> Self {
        let balances = DEV_ACCOUNTS.iter().map(|n| (dev_account(n).expect("dev key"), DEV_ENDOWMENT));
        let alice = dev_account("alice").expect("dev key");
        // The embedded chain is a development chain: clusters may pin INSECURE development keys.
        let mut state = State::genesis(AccountId::from(CONTRACT), alice, balances, true);
        state.now_ms = now_ms;
        let genesis =
            Sha256::new().chain_update(b"ddc-embedded-genesis/v1").chain_update(state.encode()).finalize().into();
        Chain { genesis, number: 0, state, nonces: BTreeMap::new(), events: VecDeque::new() }
    }
}

impl Node {
    fn state_path(config: &ChainConfig) -> PathBuf {
        config.data_dir.join("chain.scale")
    }

    /// Opens the chain in `config.data_dir`, or starts one from genesis.
    pub fn open(config: ChainConfig) -> Result<Arc<Self>, NodeError> {
        let path = Self::state_path(&config);
        let io = |source| NodeError::Io { path: path.clone(), source };
        std::fs::create_dir_all(&config.data_dir).map_err(io)?;
        let chain = match std::fs::read(&path) {
            Ok(bytes) => Chain::decode(&mut &bytes[..]).map_err(|_| NodeError::Corrupt(path.clone()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let chain = Chain::genesis(if config.manual_time { 0 } else { wall_ms() });
                ddc_primitives::fs::write_atomic(&path, &chain.encode()).map_err(io)?;
                tracing::info!(genesis = hex::encode(chain.genesis), "started a new chain");
                chain
            }
            Err(e) => return Err(io(e)),
        };
        tracing::info!(block = chain.number, path = %path.display(), "chain opened");
        let (head, _) = watch::channel(chain.number);
        Ok(Arc::new(Self { config, chain: Mutex::new(chain), pool: Mutex::new(Vec::new()), head }))
    }

    pub async fn with_chain<T>(&self, f: impl FnOnce(&Chain) -> T) -> T {
        f(&*self.chain.lock().await)
    }

    /// Waits for the next block after `number`.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.head.subscribe()
    }

    /// Queues a signed call; resolves once its block is persisted.
    pub async fn submit(&self, call: SignedCall) -> Result<Included, NodeError> {
        let genesis = self.chain.lock().await.genesis;
        let payload = SignedCall::payload(&genesis, &call.origin, call.nonce, call.value, &call.data);
        if !crate::keys::verify(&call.origin, &payload, &call.signature) {
            return Err(NodeError::BadSignature);
        }
        let (tx, rx) = oneshot::channel();
        self.pool.lock().await.push((call, tx));
        rx.await.map_err(|_| NodeError::Stopped)?.map_err(NodeError::Rejected)
    }

    /// Sets the chain's clock (manual-time chains only).
    pub async fn set_time(&self, now_ms: u64) -> bool {
        if !self.config.manual_time {
            return false;
        }
        self.chain.lock().await.state.now_ms = now_ms;
        true
    }

    /// Produces one block: executes the pool, persists the chain, then answers the callers.
    /// A block without calls is persisted only when `persist` asks (at shutdown): it changed
    /// nothing but the clock and the height. A block that cannot be persisted stops the chain:
    /// its callers get an error, and the state on disk is the previous one.
    pub async fn produce_block(&self, persist: bool) -> Result<u64, NodeError> {
        let pending = std::mem::take(&mut *self.pool.lock().await);
        let mut chain = self.chain.lock().await;
        chain.number += 1;
        let number = chain.number;
        if !self.config.manual_time {
            chain.state.now_ms = wall_ms().max(chain.state.now_ms);
        }
        let mut answers = Vec::with_capacity(pending.len());
        let mut block_events = Vec::new();
        for (call, reply) in pending {
            let answer = execute(&mut chain, &call, number);
            if let Ok(included) = &answer {
                block_events.extend(included.events.iter().cloned());
            }
            answers.push((reply, answer));
        }
        if !block_events.is_empty() {
            chain.events.push_back((number, block_events));
            while chain.events.len() > EVENT_HISTORY {
                chain.events.pop_front();
            }
        }
        if persist || !answers.is_empty() {
            let path = Self::state_path(&self.config);
            if let Err(source) = ddc_primitives::fs::write_atomic(&path, &chain.encode()) {
                for (reply, _) in answers {
                    let _ = reply.send(Err("the chain could not persist the block".into()));
                }
                return Err(NodeError::Io { path, source });
            }
        }
        drop(chain);
        for (reply, answer) in answers {
            let _ = reply.send(answer);
        }
        self.head.send_replace(number);
        Ok(number)
    }

    /// Produces blocks every `block_time` until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) -> Result<(), NodeError> {
        let mut ticker = tokio::time::interval(self.config.block_time);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = ticker.tick() => {
                    self.produce_block(false).await?;
                }
                _ = &mut shutdown => {
                    // Calls still waiting get one last block, so nothing acknowledged is lost.
                    self.produce_block(true).await?;
                    tracing::info!("chain stopped");
                    return Ok(());
                }
            }
        }
    }
}

fn execute(chain: &mut Chain, call: &SignedCall, block: u64) -> Result<Included, String> {
    let expected = chain.nonces.get(&call.origin).copied().unwrap_or(0);
    if call.nonce != expected {
        return Err(NodeError::Nonce { got: call.nonce, expected }.to_string());
    }
    let (out, events) = chain.state.call(call.origin, call.value, &call.data).map_err(|e| e.to_string())?;
    chain.nonces.insert(call.origin, expected + 1);
    Ok(Included { block, output: out.data, reverted: out.reverted, events })
}

impl Chain {
    /// The events of block `number` (none if it had none or is older than the history).
    pub fn block_events(&self, number: u64) -> &[Event] {
        match self.events.binary_search_by_key(&number, |(n, _)| *n) {
            Ok(i) => &self.events[i].1,
            Err(_) => &[],
        }
    }
}
