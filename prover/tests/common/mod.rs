//! A local network for node tests: an embedded chain on a loopback port, dev accounts, INSECURE
//! development keys of a small circuit, a cluster with verification on, a funded bucket, and
//! storage node daemons started in-process (or by the caller, as processes). The chain's clock
//! moves only when a test moves it, so no test depends on the machine's speed.

#![allow(dead_code)]

use ddc_chain::embedded::{server, ChainConfig, EmbeddedClient, Node};
use ddc_chain::{AccountId, Balance, ChainClient, Ddc, Signer};
use ddc_circuits::storage::keys::{load_vk, write_dev_keys};
use ddc_circuits::storage::StorageParams;
use ddc_prover::config::{NodeConfig, ShapeConfig};
use ddc_prover::shape::circuit_shape;
use ddc_verifier_contract::logic::{seed_commitment, ProtocolConfig, VerificationConfig, VerificationMode, TOKEN};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

pub const EPOCH_MS: u64 = 4_000;
pub const NODE_STAKE: Balance = 5 * TOKEN;
pub const MANAGER: &str = "eve";
pub const USER: &str = "ferdie";
pub const VALIDATOR: &str = "vera";

/// Depth 9 of arity 8 (512 chunks of 64 bytes per vnode), 2 challenges: keys in well under a second.
pub fn params() -> StorageParams {
    StorageParams { depth: 9, arity: 8, challenges: 2, chunk_bytes: 64 }.checked().unwrap()
}

pub struct Net {
    pub params: StorageParams,
    pub dir: tempfile::TempDir,
    pub chain_url: String,
    pub keys_dir: PathBuf,
    pub vk: Vec<u8>,
    pub cluster: u32,
    pub bucket: u32,
}

pub async fn client(url: &str, name: &str) -> EmbeddedClient {
    EmbeddedClient::connect(url, Signer::dev(name).unwrap()).await.unwrap()
}

pub fn account(name: &str) -> AccountId {
    Signer::dev(name).unwrap().account()
}

/// Polls `check` until it yields a value, or panics after `secs` seconds.
pub async fn wait_for<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    secs: u64,
    mut check: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `p`-quantile of sorted latencies (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Net {
    /// The chain and keys; no cluster yet.
    pub async fn start() -> Net {
        Self::start_with(params()).await
    }

    pub async fn start_with(params: StorageParams) -> Net {
        // `RUST_LOG=ddc_prover=info cargo test -- --nocapture` shows what the nodes say.
        let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "off".into());
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(format!("{filter},r1cs=off")))
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().unwrap();
        let config = ChainConfig {
            data_dir: dir.path().join("chain"),
            block_time: Duration::from_millis(20),
            manual_time: true,
        };
        let node = Node::open(config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let chain_url = format!("http://{}", listener.local_addr().unwrap());
        let app = server::router(node.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        tokio::spawn(node.run(std::future::pending()));
        let keys_dir = dir.path().join("keys");
        write_dev_keys(&keys_dir, &params).unwrap();
        let (vk, _) = load_vk(&keys_dir, &params).unwrap();
        Net { params, dir, chain_url, keys_dir, vk, cluster: 0, bucket: 0 }
    }

    pub async fn client(&self, name: &str) -> EmbeddedClient {
        client(&self.chain_url, name).await
    }

    /// A node's settings: provider `name`, data in the test directory, a fresh loopback port.
    pub fn node_config(&self, name: &str) -> NodeConfig {
        let port = free_port();
        let s = self.params;
        NodeConfig {
            data_dir: self.dir.path().join(format!("node-{name}")),
            listen: format!("127.0.0.1:{port}").parse().unwrap(),
            public_url: format!("http://127.0.0.1:{port}"),
            chain: self.chain_url.clone(),
            contract: None,
            key: ddc_primitives::dev::dev_uri(name),
            cluster_id: None,
            rent_per_month: (10 * TOKEN) as u64,
            capacity: 100,
            keys_dir: Some(self.keys_dir.clone()),
            dev_keys: false,
            shape: ShapeConfig { depth: s.depth, arity: s.arity, challenges: s.challenges, chunk_bytes: s.chunk_bytes },
            write_quorum: 0,
            chain_cache_ms: 300,
            request_window_ms: 60_000,
            prove_concurrency: 1,
            poll_ms: 100,
            peer_timeout_ms: 10_000,
            compact_min_chunks: 1 << 20,
            chaos_drop_fraction: 0.0,
            chaos_shrink: false,
        }
    }

    /// The node id `provider` registered for `url`, once it has.
    pub async fn registered(&self, provider: &str) -> u32 {
        let c = self.client(provider).await;
        let me = c.account();
        wait_for("node registration", 30, || async {
            c.node_list(0, 100, Some(me)).await.ok().and_then(|(n, _)| n.first().map(|n| n.node_id))
        })
        .await
    }

    /// Admin and providers' side: verifying key, trust; then the manager's cluster over `nodes`
    /// with Proofs-mode verification, and the user's funded bucket of replication `r`.
    pub async fn form_cluster(&mut self, providers: &[&str], nodes: &[u32], vnodes: u32, r: u32) {
        let admin = self.client("alice").await;
        let protocol = ProtocolConfig { validator_stake: 10 * TOKEN, max_batch: 16, ..ProtocolConfig::default() };
        admin.act::<_, ()>(0, "admin_set_protocol_config", protocol).await.unwrap();
        let vk_hash: [u8; 32] = admin
            .act(0, "admin_set_verifying_key", (circuit_shape(&self.params), self.vk.clone(), true))
            .await
            .unwrap();
        for p in providers {
            self.client(p).await.act::<_, ()>(0, "node_trust_manager", account(MANAGER)).await.unwrap();
        }
        let manager = self.client(MANAGER).await;
        self.cluster = manager.act(0, "cluster_create", (vnodes, nodes.to_vec(), String::new())).await.unwrap();
        manager.act::<_, ()>(0, "cluster_reserve_resource", (self.cluster, 10u32)).await.unwrap();
        let config = VerificationConfig {
            mode: VerificationMode::Proofs,
            shape: circuit_shape(&self.params),
            vk_hash,
            epoch_len_ms: EPOCH_MS,
            node_stake: NODE_STAKE,
            unbonding_ms: 1_000,
            dispute_window_ms: 1_000,
            attest_threshold: 1,
            slash_bp: 5_000,
            reporter_reward_bp: 1_000,
            max_consecutive_faults: 3,
            validator_fee_bp: 500,
        };
        manager.act::<_, ()>(0, "cluster_set_verification", (self.cluster, config)).await.unwrap();
        self.bucket = self.bucket_for(USER, r, 1000 * TOKEN).await;
        let v = self.client(VALIDATOR).await;
        v.act::<_, ()>(10 * TOKEN, "validator_bond", ()).await.unwrap();
        admin.act::<_, ()>(0, "admin_admit_validator", account(VALIDATOR)).await.unwrap();
    }

    /// A bucket of `owner` in the cluster, with `deposit` paid in.
    pub async fn bucket_for(&self, owner: &str, r: u32, deposit: Balance) -> u32 {
        let user = self.client(owner).await;
        let params = format!("{{\"replication\":{r}}}");
        let bucket: u32 = user.act(0, "bucket_create", (params, self.cluster)).await.unwrap();
        user.act::<_, ()>(0, "bucket_alloc_into_cluster", (bucket, 1u32)).await.unwrap();
        if deposit > 0 {
            user.act::<_, ()>(deposit, "account_deposit", ()).await.unwrap();
        }
        bucket
    }

    /// Runs the next epoch on the chain's clock and returns it: moves the clock to its start,
    /// waits until every vnode is committed (so the commitments hold every write acknowledged
    /// before this call), commits and reveals the validator's share of the seed, and moves the
    /// clock to the epoch's end, where its seed is final and the nodes prove.
    pub async fn drive_epoch(&self) -> u64 {
        let v = self.client(VALIDATOR).await;
        let c = self.cluster;
        let info = v.cluster_epoch(c).await.unwrap();
        let (epoch, start) = (info.epoch + 1, info.start_ms + info.len_ms);
        v.set_time(start).await.unwrap();
        let vnodes = v.cluster_get(c).await.unwrap().cluster.vnodes.len() as u32;
        for vnode in 0..vnodes {
            wait_for("every vnode's commitment", 60, || async {
                v.commitment_get(c, vnode, epoch).await.ok().flatten()
            })
            .await;
        }
        let secret = [epoch as u8 ^ 0x5a; 32];
        v.seed_commit(c, epoch, seed_commitment(&secret, &v.account(), c, epoch)).await.unwrap();
        v.set_time(start + info.len_ms / 2).await.unwrap();
        v.seed_reveal(c, epoch, secret).await.unwrap();
        v.set_time(start + info.len_ms).await.unwrap();
        epoch
    }
}

/// A node daemon running in this process.
pub struct RunningNode {
    pub name: String,
    pub url: String,
    pub config: NodeConfig,
    pub stop: CancellationToken,
    pub task: tokio::task::JoinHandle<Result<(), ddc_prover::daemon::DaemonError>>,
}

pub fn spawn_node(name: &str, config: NodeConfig) -> RunningNode {
    let stop = CancellationToken::new();
    let task = tokio::spawn(ddc_prover::daemon::run(config.clone(), stop.clone()));
    RunningNode { name: name.into(), url: config.public_url.clone(), config, stop, task }
}

impl RunningNode {
    pub async fn healthy(&self) {
        let url = format!("{}/health", self.url);
        wait_for("node health", 60, || async { reqwest::get(&url).await.ok().filter(|r| r.status().is_success()) })
            .await;
    }
    pub async fn shutdown(self) {
        self.stop.cancel();
        self.task.await.unwrap().unwrap();
    }
}
