//! A real Substrate node on loopback: chopsticks' block builder and RPC over the DDC runtime
//! wasm, started from a raw dev chain spec by `tools/node/ddc-chain.mjs` (pinned in
//! `tools/node/package.json`, installed by `scripts/setup.sh --tests`). Blocks are built as
//! transactions arrive, and on a timer, and are final at once; their timestamps follow the wall
//! clock, or with [`NodeTime::Manual`] only [`DevRpc::set_time`]. Tests, the devnet and
//! `scripts/substrate-chain.sh` use it.

use crate::client::{ChainError, ManualClock};
use async_trait::async_trait;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the node may take to load the runtime and build its first block.
const START_TIMEOUT: Duration = Duration::from_secs(120);
const LISTENING: &str = "ddc-chain listening ";

#[derive(Debug, thiserror::Error)]
pub enum LocalNodeError {
    #[error("{what} is missing at {path}: {fix}")]
    Missing { what: &'static str, path: PathBuf, fix: &'static str },
    #[error("starting the node: {0}")]
    Spawn(std::io::Error),
    #[error("the node exited before listening ({status}); its log, {log}:\n{tail}")]
    Exited { status: std::process::ExitStatus, log: PathBuf, tail: String },
    #[error("the node did not listen within {START_TIMEOUT:?}; its log: {0}")]
    Timeout(PathBuf),
}

/// How the node's clock moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeTime {
    /// A block every `block_ms` (and one per transaction), stamped with the wall clock.
    Wall { block_ms: u64 },
    /// Blocks only for transactions and [`DevRpc::set_time`]; the clock moves only by the latter.
    Manual,
}

/// A running node; killed when dropped.
pub struct LocalNode {
    child: Child,
    url: String,
    log: PathBuf,
}

impl LocalNode {
    /// Starts a node of the chain spec `spec` on `127.0.0.1:port` (0: a free port), with the
    /// tools under `root` (the repository), logging to `log`; returns once its RPC serves.
    pub fn start(root: &Path, spec: &Path, port: u16, time: NodeTime, log: &Path) -> Result<Self, LocalNodeError> {
        let tools = root.join("tools/node");
        let node = tools.join("node_modules/.bin/node");
        let missing = |what, path: &Path, fix| LocalNodeError::Missing { what, path: path.to_path_buf(), fix };
        if !node.exists() {
            return Err(missing("Node.js 22 with chopsticks", &node, "run scripts/setup.sh --tests"));
        }
        if !spec.exists() {
            return Err(missing("the chain spec", spec, "write it with ddc-chain-spec (scripts/substrate-chain.sh)"));
        }
        let out = std::fs::File::create(log).map_err(LocalNodeError::Spawn)?;
        let err = out.try_clone().map_err(LocalNodeError::Spawn)?;
        let mut child = Command::new(&node)
            .arg(tools.join("ddc-chain.mjs"))
            .arg(spec)
            .args(["--port", &port.to_string()])
            .args(match time {
                NodeTime::Wall { block_ms } => vec!["--block-ms".to_string(), block_ms.to_string()],
                NodeTime::Manual => vec!["--manual-time".to_string()],
            })
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(LocalNodeError::Spawn)?;
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if let Some(line) = text.lines().find_map(|l| l.strip_prefix(LISTENING)) {
                return Ok(Self { child, url: line.trim().to_string(), log: log.to_path_buf() });
            }
            if let Some(status) = child.try_wait().map_err(LocalNodeError::Spawn)? {
                let tail = text.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>();
                return Err(LocalNodeError::Exited { status, log: log.to_path_buf(), tail: tail.join("\n") });
            }
            if started.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                return Err(LocalNodeError::Timeout(log.to_path_buf()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The node's WebSocket RPC, `ws://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The node's log file.
    pub fn log(&self) -> &Path {
        &self.log
    }
}

impl Drop for LocalNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The node's development RPC (chopsticks' `dev_*` methods), over HTTP on the node's port.
#[derive(Clone)]
pub struct DevRpc {
    http: reqwest::Client,
    url: String,
}

impl DevRpc {
    /// For the node whose RPC is `ws://HOST:PORT`.
    pub fn new(ws_url: &str) -> Self {
        let url = ws_url.replacen("wss://", "https://", 1).replacen("ws://", "http://", 1);
        Self { http: reqwest::Client::new(), url }
    }

    async fn call(&self, method: &str, params: serde_json::Value) -> Result<serde_json::Value, ChainError> {
        let unreachable = |e: reqwest::Error| ChainError::Unreachable { url: self.url.clone(), reason: e.to_string() };
        let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let answer: serde_json::Value = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?
            .json()
            .await
            .map_err(unreachable)?;
        match answer.get("error") {
            Some(e) => Err(ChainError::Rejected(format!("{method}: {e}"))),
            None => Ok(answer.get("result").cloned().unwrap_or_default()),
        }
    }

    /// Builds a block now.
    pub async fn new_block(&self) -> Result<(), ChainError> {
        self.call("dev_newBlock", serde_json::json!([])).await.map(|_| ())
    }
}

#[async_trait]
impl ManualClock for DevRpc {
    /// `dev_timeTravel` to `now_ms`, then a block that carries it (1 ms later: pallet-timestamp
    /// wants every block later than the last).
    async fn set_time(&self, now_ms: u64) -> Result<(), ChainError> {
        self.call("dev_timeTravel", serde_json::json!([now_ms])).await?;
        self.new_block().await
    }
}
