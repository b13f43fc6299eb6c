//! Starting the network: chain, keys, governance, nodes, cluster, bucket, validators.

use crate::clock::{Clock, Gates};
use crate::config::{DevnetConfig, Engine, Fault, ADMIN, MANAGER, PROVIDERS, USER, VALIDATORS};
use ddc_chain::calls::call_data;
use ddc_chain::client::ManualClock;
use ddc_chain::embedded::{server, ChainConfig, EmbeddedClient, Node};
use ddc_chain::substrate::local::{DevRpc, LocalNode, LocalNodeError, NodeTime};
use ddc_chain::substrate::{address::to_ss58, SubstrateClient};
use ddc_chain::{AccountId, ChainClient, ChainError, Ddc, Signer};
use ddc_circuits::storage::keys::{load_vk, write_dev_keys, KeyError};
use ddc_primitives::dev::dev_uri;
use ddc_primitives::ids::{BucketId, ClusterId, NodeId};
use ddc_prover::config::{NodeConfig, ShapeConfig};
use ddc_prover::shape::circuit_shape;
use ddc_validator::config::ValidatorConfig;
use ddc_verifier_contract::logic::{ProtocolConfig, Validator, VerificationConfig, VerificationMode, TOKEN};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    #[error("chain: {0}")]
    Chain(#[from] ChainError),
    #[error("the embedded chain: {0}")]
    Node(#[from] ddc_chain::embedded::NodeError),
    #[error("the Substrate node: {0}")]
    LocalNode(#[from] LocalNodeError),
    #[error("development keys: {0}")]
    Keys(#[from] KeyError),
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error("timed out waiting for {0}")]
    Timeout(String),
    #[error("{0}")]
    Failed(String),
}

/// Stake each node bonds and validators bond, and what a false report or a missed reveal costs.
pub const NODE_STAKE: u128 = 100 * TOKEN;
pub const VALIDATOR_STAKE: u128 = 100 * TOKEN;
pub const PENALTY: u128 = 5 * TOKEN;
/// What the user deposits for rent.
pub const USER_DEPOSIT: u128 = 10_000 * TOKEN;
/// Each node's rent per month (so revenues are visible within a few short epochs).
pub const NODE_RENT: u64 = (1_000_000 * TOKEN) as u64;

#[derive(Clone, Debug)]
pub struct NodeHandle {
    pub name: String,
    pub provider: AccountId,
    pub node_id: NodeId,
    pub url: String,
    /// Set up to drop chunks (fault injection).
    pub faulty: bool,
}

#[derive(Clone, Debug)]
pub struct ValidatorHandle {
    pub name: String,
    pub account: AccountId,
    pub url: String,
}

pub struct Devnet {
    pub config: DevnetConfig,
    /// The lockstep clock, with `config.lockstep`.
    pub clock: Option<Clock>,
    pub chain_url: String,
    /// The core contract's address on a Substrate chain (`None` on the embedded chain).
    pub contract: Option<String>,
    pub cluster_id: ClusterId,
    pub bucket_id: BucketId,
    pub nodes: Vec<NodeHandle>,
    pub validators: Vec<ValidatorHandle>,
    /// Stops nodes and validators.
    daemons_stop: CancellationToken,
    daemons: Vec<JoinHandle<Result<(), String>>>,
    chain: ChainProcess,
}

/// What runs the chain, to stop it last.
enum ChainProcess {
    Embedded {
        stop: CancellationToken,
        task: JoinHandle<Result<(), ddc_chain::embedded::NodeError>>,
    },
    /// Killed when dropped.
    Substrate(LocalNode),
}

/// A running chain: its RPC, the core contract's address where it needs one, its process, and
/// what moves its clock in lockstep.
struct StartedChain {
    url: String,
    contract: Option<String>,
    process: ChainProcess,
    clock: Arc<dyn ManualClock>,
}

/// The embedded chain in this process, or a chopsticks node with the core contract deployed.
async fn start_chain(config: &DevnetConfig, dir: &Path) -> Result<StartedChain, DevnetError> {
    match &config.engine {
        Engine::Embedded => {
            let node = Node::open(ChainConfig {
                data_dir: dir.join("chain"),
                block_time: Duration::from_millis(config.block_ms),
                manual_time: config.lockstep,
            })?;
            let listener = tokio::net::TcpListener::bind(config.chain_listen)
                .await
                .map_err(io(format!("binding the chain RPC to {}", config.chain_listen)))?;
            let url = format!("http://{}", listener.local_addr().map_err(io("chain address"))?);
            ddc_chain::embedded::publish_rpc_url(&dir.join("chain"), &url).map_err(io("writing rpc.url"))?;
            let stop = CancellationToken::new();
            let app = server::router(node.clone());
            let rpc_stop = stop.clone();
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).with_graceful_shutdown(rpc_stop.cancelled_owned()).await;
            });
            let task = tokio::spawn(node.run(stop.clone().cancelled_owned()));
            tracing::info!(rpc = url, "embedded chain running");
            let clock = Arc::new(EmbeddedClient::connect(&url, signer(ADMIN)?).await?);
            Ok(StartedChain { url, contract: None, process: ChainProcess::Embedded { stop, task }, clock })
        }
        Engine::Substrate { spec, root } => {
            let time = if config.lockstep { NodeTime::Manual } else { NodeTime::Wall { block_ms: config.block_ms } };
            let (at, spec, log, port) =
                (root.clone(), spec.clone(), dir.join("substrate-node.log"), config.chain_listen.port());
            let node = tokio::task::spawn_blocking(move || LocalNode::start(&at, &spec, port, time, &log))
                .await
                .map_err(|e| DevnetError::Failed(format!("starting the node: {e}")))??;
            let url = node.url().to_string();
            let wasm = root.join("target/contract/ddc_verifier_contract_ddc_pos.wasm");
            let code =
                std::fs::read(&wasm).map_err(io(format!("reading {} (scripts/build-contract.sh)", wasm.display())))?;
            // The devnet's keys are INSECURE development keys: a dev-chain deployment.
            let constructor = call_data("new_with_extension", true);
            let deployed = SubstrateClient::deploy(&url, signer(ADMIN)?, code, constructor, Vec::new()).await?;
            let contract = to_ss58(&deployed.contract());
            tracing::info!(rpc = url, contract, log = %node.log().display(), "Substrate node (chopsticks) running");
            let clock = Arc::new(DevRpc::new(&url));
            Ok(StartedChain { url, contract: Some(contract), process: ChainProcess::Substrate(node), clock })
        }
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> DevnetError {
    let what = what.into();
    move |source| DevnetError::Io { what, source }
}

/// A loopback address with a port nobody uses right now.
fn free_addr() -> Result<SocketAddr, DevnetError> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(io("finding a free port"))?;
    l.local_addr().map_err(io("finding a free port"))
}

/// How long a daemon may take to register, bond or serve before the devnet gives up: a failure
/// detector, not a schedule. On a Substrate node that interprets the runtime, each step waits on
/// blocks that take seconds to build on a loaded machine.
const STARTUP_SECS: u64 = 300;

/// Polls `check` every 100 ms until it yields, for at most `secs`.
pub async fn wait_for<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    secs: u64,
    mut check: impl FnMut() -> F,
) -> Result<T, DevnetError> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return Ok(v);
        }
        if Instant::now() > deadline {
            return Err(DevnetError::Timeout(what.into()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Devnet {
    pub async fn client(&self, name: &str) -> Result<Arc<dyn ChainClient>, DevnetError> {
        client(&self.chain_url, self.contract.as_deref(), name).await
    }

    /// Starts everything and returns once validators are admitted and every node serves.
    pub async fn start(config: DevnetConfig) -> Result<Devnet, DevnetError> {
        let config = config.checked().map_err(|e| DevnetError::Failed(e.to_string()))?;
        let dir = config.data_dir.clone();
        std::fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;

        // The chain.
        let StartedChain { url: chain_url, contract, process: chain, clock: chain_clock } =
            start_chain(&config, &dir).await?;

        // Governance: protocol parameters and the INSECURE development verifying key.
        let keys_dir = dir.join("keys");
        let vk = match load_vk(&keys_dir, &config.shape) {
            Ok((vk, _)) => vk,
            Err(KeyError::Missing(..)) => {
                let params = config.shape;
                let d = keys_dir.clone();
                tokio::task::spawn_blocking(move || write_dev_keys(&d, &params))
                    .await
                    .map_err(|e| DevnetError::Failed(format!("key generation: {e}")))??;
                load_vk(&keys_dir, &config.shape)?.0
            }
            Err(e) => return Err(e.into()),
        };
        let admin = client(&chain_url, contract.as_deref(), ADMIN).await?;
        let protocol = ProtocolConfig {
            validator_stake: VALIDATOR_STAKE,
            false_report_penalty: PENALTY,
            missed_reveal_penalty: PENALTY,
            max_batch: 16,
            ..ProtocolConfig::default()
        };
        admin.act::<_, ()>(0, "admin_set_protocol_config", protocol).await?;
        let vk_hash: [u8; 32] =
            admin.act(0, "admin_set_verifying_key", (circuit_shape(&config.shape), vk, true)).await?;

        // Providers start their nodes; the nodes register themselves.
        let daemons_stop = CancellationToken::new();
        let mut daemons = Vec::new();
        let mut nodes = Vec::new();
        for (i, name) in PROVIDERS[..config.nodes].iter().enumerate() {
            let faulty = i >= config.nodes - config.faulty;
            let node_config = node_config(&config, &dir, &chain_url, contract.as_deref(), name, faulty)?;
            let url = node_config.public_url.clone();
            let stop = daemons_stop.clone();
            daemons.push(tokio::spawn(async move {
                ddc_prover::daemon::run(node_config, stop).await.map_err(|e| e.to_string())
            }));
            nodes.push((name.to_string(), url, faulty));
        }
        let mut handles = Vec::new();
        for (name, url, faulty) in nodes {
            let c = client(&chain_url, contract.as_deref(), &name).await?;
            let me = c.account();
            let node_id = wait_for(&format!("node {name} to register"), STARTUP_SECS, || async {
                c.node_list(0, 100, Some(me)).await.ok().and_then(|(n, _)| n.first().map(|n| n.node_id))
            })
            .await?;
            c.act::<_, ()>(0, "node_trust_manager", dev_account(MANAGER)).await?;
            handles.push(NodeHandle { name, provider: me, node_id, url, faulty });
        }

        // The manager's cluster.
        let manager = client(&chain_url, contract.as_deref(), MANAGER).await?;
        let ids: Vec<NodeId> = handles.iter().map(|n| n.node_id).collect();
        let cluster_id = manager.cluster_create(config.vnodes, ids, String::new()).await?;
        manager.act::<_, ()>(0, "cluster_reserve_resource", (cluster_id, 1u32)).await?;

        // Validators bond themselves; governance admits them.
        let mut validators = Vec::new();
        for name in &VALIDATORS[..config.validators] {
            let listen = free_addr()?;
            let mut vc =
                ValidatorConfig::local(dir.join(format!("validator-{name}")), listen, chain_url.clone(), dev_uri(name));
            vc.contract.clone_from(&contract);
            vc.quorum = config.quorum;
            vc.poll_ms = (config.block_ms).clamp(100, 500);
            vc.proof_timeout_ms = config.epoch_ms;
            let stop = daemons_stop.clone();
            daemons.push(tokio::spawn(
                async move { ddc_validator::daemon::run(vc, stop).await.map_err(|e| e.to_string()) },
            ));
            let account = dev_account(name);
            wait_for(&format!("validator {name} to bond"), STARTUP_SECS, || async {
                let v: Option<Validator> = admin.query("validator_get", account).await.ok()?;
                v.filter(|v| v.bond.amount >= VALIDATOR_STAKE).map(|_| ())
            })
            .await?;
            admin.act::<_, ()>(0, "admin_admit_validator", account).await?;
            validators.push(ValidatorHandle { name: name.to_string(), account, url: format!("http://{listen}") });
        }

        let http = reqwest::Client::new();
        for n in &handles {
            let url = format!("{}/health", n.url);
            wait_for(&format!("node {} to serve", n.name), STARTUP_SECS, || async {
                http.get(&url).send().await.ok().filter(|r| r.status().is_success()).map(|_| ())
            })
            .await?;
        }

        // Verification starts the epoch clock once every node serves and validators are in, so
        // nobody misses epoch 0.
        let verification = VerificationConfig {
            mode: VerificationMode::Proofs,
            shape: circuit_shape(&config.shape),
            vk_hash,
            epoch_len_ms: config.epoch_ms,
            node_stake: NODE_STAKE,
            unbonding_ms: config.epoch_ms,
            dispute_window_ms: config.epoch_ms / 2,
            attest_threshold: config.quorum.min(config.validators as u32).max(1),
            slash_bp: 5_000,
            reporter_reward_bp: 1_000,
            max_consecutive_faults: 3,
            validator_fee_bp: 500,
        };
        manager.act::<_, ()>(0, "cluster_set_verification", (cluster_id, verification)).await?;

        // The user's funded bucket.
        let user = client(&chain_url, contract.as_deref(), USER).await?;
        let params = format!("{{\"replication\":{}}}", config.replication);
        let bucket_id = user.bucket_create(params, cluster_id).await?;
        user.act::<_, ()>(0, "bucket_alloc_into_cluster", (bucket_id, 1u32)).await?;
        user.act::<_, ()>(USER_DEPOSIT, "account_deposit", ()).await?;

        let clock = config.lockstep.then(Clock::default);
        if let Some(clock) = &clock {
            let gates = Gates {
                cluster: cluster_id,
                vnodes: config.vnodes,
                validators: validators.iter().map(|v| v.account).collect(),
                honest_nodes: handles.iter().filter(|n| !n.faulty).map(|n| n.node_id).collect(),
                quorum: config.quorum,
            };
            let chain = client(&chain_url, contract.as_deref(), ADMIN).await?;
            let tick = Duration::from_millis(config.block_ms);
            tokio::spawn(clock.clone().drive(chain, chain_clock, gates, tick, daemons_stop.clone()));
            tracing::info!("lockstep: the chain's clock moves as each epoch phase's work lands");
        }
        Ok(Devnet {
            config,
            clock,
            chain_url,
            contract,
            cluster_id,
            bucket_id,
            nodes: handles,
            validators,
            daemons_stop,
            daemons,
            chain,
        })
    }

    /// Stops the daemons (they finish in-flight work), then the chain.
    pub async fn stop(self) -> Result<(), DevnetError> {
        self.daemons_stop.cancel();
        let mut failures = Vec::new();
        for d in self.daemons {
            match d.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(e),
                Err(e) => failures.push(e.to_string()),
            }
        }
        match self.chain {
            ChainProcess::Embedded { stop, task } => {
                stop.cancel();
                task.await.map_err(|e| DevnetError::Failed(e.to_string()))??;
            }
            ChainProcess::Substrate(node) => drop(node),
        }
        if !failures.is_empty() {
            return Err(DevnetError::Failed(format!("daemons failed: {}", failures.join("; "))));
        }
        Ok(())
    }
}

pub fn dev_account(name: &str) -> AccountId {
    Signer::dev(name).expect("a dev account name").account()
}

fn signer(name: &str) -> Result<Signer, DevnetError> {
    Signer::dev(name).map_err(|e| DevnetError::Failed(e.to_string()))
}

/// A client of the chain at `url` (and `contract`, on a Substrate chain) signing as dev account `name`.
pub async fn client(url: &str, contract: Option<&str>, name: &str) -> Result<Arc<dyn ChainClient>, DevnetError> {
    Ok(ddc_chain::connect(url, contract, signer(name)?).await?)
}

fn node_config(
    config: &DevnetConfig,
    dir: &Path,
    chain_url: &str,
    contract: Option<&str>,
    name: &str,
    faulty: bool,
) -> Result<NodeConfig, DevnetError> {
    let listen = free_addr()?;
    let s = config.shape;
    Ok(NodeConfig {
        data_dir: dir.join(format!("node-{name}")),
        listen,
        public_url: format!("http://{listen}"),
        chain: chain_url.to_string(),
        contract: contract.map(str::to_string),
        key: dev_uri(name),
        cluster_id: None,
        rent_per_month: NODE_RENT,
        capacity: 100,
        keys_dir: Some(dir.join("keys")),
        dev_keys: false,
        shape: ShapeConfig { depth: s.depth, arity: s.arity, challenges: s.challenges, chunk_bytes: s.chunk_bytes },
        write_quorum: 0,
        chain_cache_ms: 500,
        request_window_ms: 300_000,
        prove_concurrency: 1,
        poll_ms: config.block_ms.clamp(100, 500),
        peer_timeout_ms: 30_000,
        compact_min_chunks: 1 << 20,
        chaos_drop_fraction: if faulty && config.fault == Fault::Drop { config.drop_fraction } else { 0.0 },
        chaos_shrink: faulty && config.fault == Fault::Shrink,
    })
}
