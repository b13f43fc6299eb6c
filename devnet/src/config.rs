//! The devnet's shape: how many nodes, vnodes and validators, the circuit, the epoch length, and
//! how many nodes misbehave.

use ddc_circuits::storage::StorageParams;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Dev accounts by role (all INSECURE, funded at the embedded chain's genesis).
pub const ADMIN: &str = "alice";
pub const MANAGER: &str = "eve";
pub const USER: &str = "ferdie";
pub const PROVIDERS: [&str; 6] = ["bob", "charlie", "dave", "walter", "xena", "yuri"];
pub const VALIDATORS: [&str; 3] = ["vera", "victor", "zoe"];

#[derive(Clone, Debug)]
pub struct DevnetConfig {
    /// Chain state, node storage, keys and validator secrets live here.
    pub data_dir: PathBuf,
    pub nodes: usize,
    pub vnodes: u32,
    pub replication: u32,
    pub validators: usize,
    /// Validators assigned to each replica per epoch.
    pub quorum: u32,
    /// The last `faulty` nodes misbehave as `fault` says.
    pub faulty: usize,
    pub fault: Fault,
    pub drop_fraction: f64,
    pub epoch_ms: u64,
    pub block_ms: u64,
    pub shape: StorageParams,
    /// The workload: objects of `object_bytes` each.
    pub objects: usize,
    pub object_bytes: usize,
    /// The embedded chain's RPC and the dashboard; port 0 picks a free one.
    pub chain_listen: SocketAddr,
    pub dashboard_listen: SocketAddr,
    /// The chain's clock moves phase by phase once each phase's work is on-chain (see
    /// [`crate::clock`]), instead of with the wall clock: results independent of machine speed.
    pub lockstep: bool,
    /// Which chain the network runs on.
    pub engine: Engine,
}

/// The chain under the devnet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// The embedded dev chain: the contract's logic run natively, in this process.
    #[default]
    Embedded,
    /// A real Substrate node: chopsticks over the DDC runtime wasm, started from the raw dev
    /// chain spec `spec` (`ddc-chain-spec`), with the `ddc-pos` build of the core contract
    /// deployed on it. `root` is the repository, which holds `tools/node` and `target/contract`.
    Substrate { spec: PathBuf, root: PathBuf },
}

/// How a faulty node misbehaves (FAULT INJECTION).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fault {
    /// It silently zeroes `drop_fraction` of its chunks: its proofs fail, validators report it.
    #[default]
    Drop,
    /// It commits only each replica's first chunk: its proofs verify, the user's receipts
    /// convict it.
    Shrink,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(String),
}

impl DevnetConfig {
    /// Four nodes, 16 vnodes, R = 3, three validators, depth 16, 1 KiB chunks, 32 challenges per
    /// proof, 30 s epochs (`ddc devnet` sizes the epoch from a proof timed on the machine, see
    /// [`crate::pace`]).
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            nodes: 4,
            vnodes: 16,
            replication: 3,
            validators: 3,
            quorum: 2,
            faulty: 0,
            fault: Fault::Drop,
            drop_fraction: 0.1,
            epoch_ms: 30_000,
            block_ms: 250,
            shape: StorageParams { depth: 16, arity: 8, challenges: 32, chunk_bytes: 1024 },
            objects: 48,
            object_bytes: 64 << 10,
            chain_listen: "127.0.0.1:9944".parse().expect("address"),
            dashboard_listen: "127.0.0.1:8700".parse().expect("address"),
            lockstep: false,
            engine: Engine::Embedded,
        }
    }

    pub fn checked(self) -> Result<Self, ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if self.nodes == 0 || self.nodes > PROVIDERS.len() {
            return bad(format!("--nodes must be 1..={} (one dev account per provider)", PROVIDERS.len()));
        }
        if self.validators == 0 || self.validators > VALIDATORS.len() {
            return bad(format!("--validators must be 1..={}", VALIDATORS.len()));
        }
        if self.faulty > self.nodes {
            return bad(format!("--faulty {} exceeds --nodes {}", self.faulty, self.nodes));
        }
        if (self.vnodes as usize) < self.nodes || self.vnodes > 300 {
            return bad("--vnodes must be at least --nodes and at most 300".into());
        }
        if self.replication == 0 || self.replication > self.vnodes {
            return bad("--replication must be 1..=vnodes".into());
        }
        if !(0.0..=1.0).contains(&self.drop_fraction) {
            return bad("--drop-fraction must be within [0, 1]".into());
        }
        if self.epoch_ms < 4 * self.block_ms {
            return bad("an epoch must span at least four blocks".into());
        }
        self.shape.checked().map_err(|e| ConfigError::Invalid(format!("circuit shape: {e}")))?;
        Ok(self)
    }
}
