//! A real Substrate node on loopback: chopsticks' block builder and RPC over the DDC runtime
//! wasm, started from a raw dev chain spec by `tools/node/ddc-chain.mjs` (pinned in
//! `tools/node/package.json`, installed by `scripts/setup.sh --tests`). Blocks are built as
//! transactions arrive and are final at once; each block moves the chain's clock by 12 s, so
//! time on it follows blocks, not the wall clock. Tests and `scripts/substrate-chain.sh` use it.

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

/// A running node; killed when dropped.
pub struct LocalNode {
    child: Child,
    url: String,
    log: PathBuf,
}

impl LocalNode {
    /// Starts a node of the chain spec `spec` on `127.0.0.1:port` (0: a free port), with the
    /// tools under `root` (the repository), logging to `log`; returns once its RPC serves.
    pub fn start(root: &Path, spec: &Path, port: u16, log: &Path) -> Result<Self, LocalNodeError> {
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
