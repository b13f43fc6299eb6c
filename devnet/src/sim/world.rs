//! The simulated world: the chain, the nodes, the validators, the user, the fault plan and the
//! invariant checks, advanced one tick at a time in an order drawn from the seed.

use super::chain::{delayed, Ledger, SimChain};
use super::faults::{Change, Plan};
use super::node::{Answer, Role, SimNode};
use super::report::{Catch, SimReport};
use super::validator::{Network, SimValidator};
use super::{SimConfig, SimError};
use ddc_chain::{AccountId, Balance, ChainError, Ddc, Event};
use ddc_circuits::storage::compound::{generate_keys, Prover};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::encode_vk;
use ddc_primitives::ids::{BucketId, ClusterId, Epoch, NodeId, VNodeIndex};
use ddc_prover::ring::placement;
use ddc_prover::shape::circuit_shape;
use ddc_verifier_contract::logic::{ProtocolConfig, VerificationConfig, VerificationMode};
use ddc_verifier_contract::native::State;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

const START_MS: u64 = 1_000_000;
const TICK_MS: u64 = 1_000;
const ENDOWMENT: Balance = 1_000_000_000_000;
const NODE_STAKE: Balance = 1_000_000;
const VALIDATOR_STAKE: Balance = 1_000_000;
const PENALTY: Balance = 10_000;
const DEPOSIT: Balance = 100_000_000;
/// A faulty node still unslashed when its odds of escaping every verified epoch fall below
/// this breaks the detection invariant.
const ESCAPE_ODDS: f64 = 1e-6;
/// Epochs after an epoch until its faults are final (reported by the end of the next epoch,
/// final a dispute window later, with a validator outage of slack).
const DECIDED_AFTER: Epoch = 3;
/// Objects the user writes: keys and sizes (1–3 chunks).
const KEYS: usize = 40;

/// The circuit the simulation proves: depth 6 (64 chunks per vnode), 2 challenges, 32-byte
/// chunks. Detection odds depend on the challenge count, not on the shape's size.
fn params() -> StorageParams {
    StorageParams::new(6, 2, 32).expect("a valid shape")
}

/// The simulation's proving key: INSECURE, from a public seed (made once per process).
fn prover() -> &'static (Prover, Vec<u8>) {
    static KEYS: OnceLock<(Prover, Vec<u8>)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let pk = generate_keys(&params(), &mut ChaCha20Rng::seed_from_u64(0x1A5EC)).expect("key generation");
        let vk = encode_vk(&pk.vk);
        (Prover::new(params(), pk).expect("prover"), vk)
    })
}

/// The user's view: each key's last acknowledged write (`None` once deleted).
#[derive(Clone, Debug)]
struct Acked {
    version: u64,
    bytes: Option<Vec<u8>>,
}

pub struct World {
    cfg: SimConfig,
    rng: ChaCha20Rng,
    ledger: Arc<Mutex<Ledger>>,
    total: Balance,
    contract: AccountId,
    cluster: ClusterId,
    bucket: BucketId,
    hosts: Vec<NodeId>,
    user: SimChain,
    nodes: Vec<SimNode>,
    validators: Vec<SimValidator>,
    plan: Plan,
    acked: BTreeMap<String, Acked>,
    versions: BTreeMap<String, u64>,
    events_seen: usize,
    escape: Vec<f64>,
    report: SimReport,
    tick: u64,
}

fn account(tag: u8, i: usize) -> AccountId {
    let mut a = [tag; 32];
    a[31] = i as u8;
    AccountId::from(a)
}

fn setup(e: ChainError) -> SimError {
    SimError::Setup(e.to_string())
}

impl World {
    /// Genesis, governance, providers' nodes, the manager's cluster, validators and the user's
    /// funded bucket, as the devnet sets them up.
    pub async fn start(cfg: SimConfig) -> Result<Self, SimError> {
        let (admin, manager, user) = (account(1, 0), account(2, 0), account(3, 0));
        let providers: Vec<AccountId> = (0..cfg.nodes).map(|i| account(10, i)).collect();
        let vals: Vec<AccountId> = (0..cfg.validators).map(|i| account(50, i)).collect();
        let everyone = [admin, manager, user].into_iter().chain(providers.iter().copied()).chain(vals.iter().copied());
        let contract = AccountId::from([0xCC; 32]);
        let mut state = State::genesis(contract, admin, everyone.map(|a| (a, ENDOWMENT)), true);
        state.now_ms = START_MS;
        let total = state.balances.values().sum();
        let ledger = Ledger::new(state);
        let chain = |a: AccountId| SimChain::new(ledger.clone(), a);

        let (admin_c, manager_c, user_c) = (chain(admin), chain(manager), chain(user));
        let protocol = ProtocolConfig {
            validator_stake: VALIDATOR_STAKE,
            false_report_penalty: PENALTY,
            missed_reveal_penalty: PENALTY,
            max_batch: 16,
            ..ProtocolConfig::default()
        };
        admin_c.act::<_, ()>(0, "admin_set_protocol_config", protocol).await.map_err(setup)?;
        let shape = circuit_shape(&params());
        let vk_hash: [u8; 32] =
            admin_c.act(0, "admin_set_verifying_key", (shape, prover().1.clone(), true)).await.map_err(setup)?;

        std::fs::create_dir_all(&cfg.dir).map_err(|e| SimError::Setup(e.to_string()))?;
        let mut nodes = Vec::new();
        for (i, p) in providers.iter().enumerate() {
            let c = chain(*p);
            let name = format!("node-{i}");
            let id = c.node_create(1_000, format!("{{\"url\":\"sim://{name}\"}}"), 100).await.map_err(setup)?;
            c.act::<_, ()>(0, "node_trust_manager", manager).await.map_err(setup)?;
            let dir = cfg.dir.join(&name);
            nodes.push(SimNode::new(name, id, c, dir, params()).map_err(|e| SimError::Setup(e.to_string()))?);
        }
        let ids: Vec<NodeId> = nodes.iter().map(|n| n.node_id).collect();
        let cluster = manager_c.cluster_create(cfg.vnodes, ids, String::new()).await.map_err(setup)?;
        manager_c.act::<_, ()>(0, "cluster_reserve_resource", (cluster, 1u32)).await.map_err(setup)?;

        let mut validators = Vec::new();
        for (i, v) in vals.iter().enumerate() {
            let c = chain(*v);
            c.act::<_, ()>(VALIDATOR_STAKE, "validator_bond", ()).await.map_err(setup)?;
            admin_c.act::<_, ()>(0, "admin_admit_validator", *v).await.map_err(setup)?;
            validators.push(SimValidator::new(format!("validator-{i}"), c, cfg.quorum));
        }

        let epoch_len_ms = cfg.ticks_per_epoch * TICK_MS;
        let verification = VerificationConfig {
            mode: VerificationMode::Proofs,
            shape,
            vk_hash,
            epoch_len_ms,
            node_stake: NODE_STAKE,
            unbonding_ms: epoch_len_ms,
            dispute_window_ms: epoch_len_ms / 2,
            attest_threshold: cfg.quorum,
            slash_bp: 5_000,
            reporter_reward_bp: 1_000,
            max_consecutive_faults: 3,
            validator_fee_bp: 500,
        };
        manager_c.act::<_, ()>(0, "cluster_set_verification", (cluster, verification)).await.map_err(setup)?;
        let bucket = user_c.bucket_create("{\"replication\":1}".into(), cluster).await.map_err(setup)?;
        user_c.act::<_, ()>(0, "bucket_alloc_into_cluster", (bucket, 1u32)).await.map_err(setup)?;
        user_c.act::<_, ()>(DEPOSIT, "account_deposit", ()).await.map_err(setup)?;
        let hosts = manager_c.cluster_get(cluster).await.map_err(setup)?.cluster.vnodes;

        let mut rng = ChaCha20Rng::seed_from_u64(cfg.seed);
        // The faulty nodes, their faults, and when each begins (after a few honest epochs, and
        // early enough to be decided before the run ends).
        let mut order: Vec<usize> = (0..cfg.nodes).collect();
        order.shuffle(&mut rng);
        let latest = cfg.epochs.saturating_sub(DECIDED_AFTER + 8).max(3);
        for &n in order.iter().take(cfg.faulty) {
            nodes[n].role = match rng.gen_range(0..3) {
                0 => Role::Dropper { fraction: rng.gen_range(0.05..0.5) },
                1 => Role::Forger,
                _ => Role::Absent,
            };
            nodes[n].onset = rng.gen_range(2..=latest);
        }
        // A node is unavailable at most `max_run` ticks in a row: two ticks short of the
        // commit phase and of the dispute window.
        let max_run = cfg.max_outage_run.unwrap_or((cfg.ticks_per_epoch / 2).saturating_sub(2).max(1));
        let plan = Plan::new(cfg.faults, max_run, cfg.nodes, cfg.validators);
        let report = SimReport { seed: cfg.seed, epochs: cfg.epochs, ..SimReport::default() };
        let escape = vec![1.0; cfg.nodes];
        Ok(World {
            cfg,
            rng,
            ledger,
            total,
            contract,
            cluster,
            bucket,
            hosts,
            user: user_c,
            nodes,
            validators,
            plan,
            acked: BTreeMap::new(),
            versions: BTreeMap::new(),
            events_seen: 0,
            escape,
            report,
            tick: 0,
        })
    }

    fn epoch(&self) -> Epoch {
        self.tick / self.cfg.ticks_per_epoch
    }

    fn violation(&self, what: String) -> SimError {
        SimError::Violation { seed: self.cfg.seed, epochs: self.cfg.epochs, epoch: self.epoch(), tick: self.tick, what }
    }

    pub async fn run(mut self, epoch_done: &mut dyn FnMut(u64)) -> Result<SimReport, SimError> {
        let ticks = self.cfg.epochs * self.cfg.ticks_per_epoch;
        for t in 0..ticks {
            self.tick = t;
            self.faults(t)?;
            {
                let mut l = self.ledger.lock().expect("ledger lock");
                l.state.now_ms = START_MS + t * TICK_MS;
                l.stalled = t < self.plan.stall_until;
            }
            for (n, node) in self.nodes.iter().enumerate() {
                node.chain.set_cut(t < self.plan.nodes[n].cut_until);
            }
            self.workload(t)?;
            self.actors(t).await?;
            self.check_money()?;
            self.check_events()?;
            if t % self.cfg.ticks_per_epoch == 0 {
                self.check_detection().await?;
            }
            if (t + 1) % self.cfg.ticks_per_epoch == 0 {
                epoch_done(self.epoch());
            }
        }
        for n in 0..self.nodes.len() {
            if self.nodes[n].storage.is_some() {
                self.check_writes(n)?;
            }
        }
        self.report.ticks = ticks;
        self.report.final_state = self.state_hash();
        self.report.commitments_checked = self.nodes.iter().map(|n| n.commitments_checked).sum();
        self.report.proofs_built = self.nodes.iter().map(|n| n.proofs_built.get().0).sum();
        self.report.proving_secs = self.nodes.iter().map(|n| n.proofs_built.get().1.as_secs_f64()).sum();
        self.finish_catches();
        Ok(self.report)
    }

    /// Faults that begin now, onsets, and restarts of nodes whose outage ended.
    fn faults(&mut self, t: u64) -> Result<(), SimError> {
        let e = self.epoch();
        for (n, node) in self.nodes.iter_mut().enumerate() {
            if e >= node.onset && self.plan.nodes[n].bounded {
                self.plan.nodes[n].bounded = false;
                if node.role == Role::Absent {
                    self.plan.nodes[n].gone = true;
                    node.storage = None;
                }
            }
        }
        for change in self.plan.draw(t, &mut self.rng) {
            tracing::debug!(tick = t, ?change, "fault");
            match change {
                Change::Crash { node, .. } => {
                    self.report.node_crashes += 1;
                    self.report.torn_files += self.nodes[node].crash(&mut self.rng);
                }
                Change::Cut { .. } => self.report.chain_cutoffs += 1,
                Change::Slow { .. } => self.report.slow_spans += 1,
                Change::Partition { .. } => self.report.partitions += 1,
                Change::Stall { .. } => self.report.block_delays += 1,
                Change::ValidatorOffline { .. } => self.report.validator_outages += 1,
            }
        }
        let head = self.ledger.lock().expect("ledger lock").block;
        for n in 0..self.nodes.len() {
            if self.nodes[n].storage.is_none() && !self.plan.down(n, t) {
                self.nodes[n]
                    .restart(params(), head)
                    .map_err(|e| self.violation(format!("restart of node-{n}: {e}")))?;
                self.report.node_restarts += 1;
                self.check_writes(n)?;
            }
        }
        Ok(())
    }

    /// The user's puts, overwrites and deletes, each through the node hosting its key.
    fn workload(&mut self, t: u64) -> Result<(), SimError> {
        for _ in 0..self.rng.gen_range(0..=2) {
            let key = format!("obj-{}", self.rng.gen_range(0..KEYS));
            let vnode = placement(self.bucket, &key, self.cfg.vnodes, 1)[0];
            let n = self.host(vnode);
            let version = self.versions.get(&key).copied().unwrap_or(0) + 1;
            self.versions.insert(key.clone(), version);
            let bytes = if self.rng.gen_bool(0.2) {
                None
            } else {
                let len = self.rng.gen_range(1..=96);
                Some((0..len).map(|_| self.rng.gen_range(1..=255u8)).collect::<Vec<u8>>())
            };
            if self.plan.down(n, t) {
                self.report.writes_refused += 1;
                continue;
            }
            let stored = self.nodes[n]
                .write(self.cluster, vnode, self.bucket, &key, version, bytes.as_deref())
                .map_err(|e| self.violation(format!("write to node-{n}: {e}")))?;
            tracing::debug!(
                tick = t,
                node = n,
                vnode,
                key,
                version,
                len = bytes.as_ref().map(|b| b.len()),
                stored,
                "write"
            );
            if stored {
                self.report.writes_acked += 1;
                self.acked.insert(key, Acked { version, bytes });
            } else {
                self.report.writes_refused += 1;
            }
        }
        Ok(())
    }

    fn host(&self, vnode: VNodeIndex) -> usize {
        let id = self.hosts[vnode as usize];
        self.nodes.iter().position(|n| n.node_id == id).expect("a cluster node")
    }

    /// Every running node and online validator acts once, in an order drawn from the seed.
    async fn actors(&mut self, t: u64) -> Result<(), SimError> {
        let mut order: Vec<(bool, usize)> =
            (0..self.nodes.len()).map(|n| (true, n)).chain((0..self.validators.len()).map(|v| (false, v))).collect();
        order.shuffle(&mut self.rng);
        let (prover, _) = prover();
        for (is_node, i) in order {
            if is_node {
                if self.plan.down(i, t) || self.nodes[i].storage.is_none() {
                    continue;
                }
                let hosted: Vec<VNodeIndex> =
                    (0..self.cfg.vnodes).filter(|v| self.hosts[*v as usize] == self.nodes[i].node_id).collect();
                let result = self.nodes[i].step(self.cluster, &hosted, NODE_STAKE, 4, prover, &mut self.rng).await;
                tracing::debug!(node = i, tick = t, ?result, "node step");
                match result {
                    Ok(()) => {}
                    Err(super::node::NodeError::Chain(e)) if delayed(&e) => {}
                    Err(e) => return Err(self.violation(format!("node-{i}: {e}"))),
                }
            } else {
                if t < self.plan.validators[i] {
                    continue;
                }
                let mut net = Net { nodes: &self.nodes, plan: &self.plan, t, prover };
                match self.validators[i].step(self.cluster, &mut net, &mut self.rng).await {
                    Ok(()) => {}
                    Err(e) if delayed(&e) => {}
                    Err(e) => return Err(self.violation(format!("validator-{i}: {e}"))),
                }
            }
        }
        Ok(())
    }

    /// SHA-256 over the contract's storage and every balance, in key order.
    fn state_hash(&self) -> String {
        use sha2::Digest;
        let l = self.ledger.lock().expect("ledger lock");
        let mut h = sha2::Sha256::new();
        for (k, v) in &l.state.storage {
            h.update((k.len() as u64).to_le_bytes());
            h.update(k);
            h.update((v.len() as u64).to_le_bytes());
            h.update(v);
        }
        for (a, b) in &l.state.balances {
            h.update(a);
            h.update(b.to_le_bytes());
        }
        hex::encode(h.finalize())
    }

    fn check_money(&mut self) -> Result<(), SimError> {
        let l = self.ledger.lock().expect("ledger lock");
        let sum: Balance = l.state.balances.values().sum();
        let (held, balance) = (l.state.held(), l.state.balance(&self.contract));
        drop(l);
        if sum != self.total {
            return Err(self.violation(format!("money is not conserved: {sum} ≠ {}", self.total)));
        }
        if held != balance {
            return Err(self.violation(format!("the contract's books ({held}) ≠ its balance ({balance})")));
        }
        self.report.money_checks += 1;
        Ok(())
    }

    /// New events: passes and faults counted; a final fault against an honest node breaks an
    /// invariant; the first one against a faulty node is its catch.
    fn check_events(&mut self) -> Result<(), SimError> {
        let events: Vec<Event> = {
            let l = self.ledger.lock().expect("ledger lock");
            let new = l.events[self.events_seen..].iter().flat_map(|(_, e)| e.iter().cloned()).collect();
            self.events_seen = l.events.len();
            new
        };
        for event in events {
            match event {
                Event::Passed { .. } => self.report.passes += 1,
                Event::ProofsVerified { vnodes, .. } => self.report.proofs_verified_on_chain += vnodes.len() as u64,
                Event::FaultReported { .. } => self.report.faults_reported += 1,
                Event::FaultRebutted { .. } => self.report.faults_rebutted += 1,
                Event::FaultFinal { epoch, vnode, node_id, slashed, .. } => {
                    let n = self.nodes.iter().position(|x| x.node_id == node_id).expect("a cluster node");
                    let node = &self.nodes[n];
                    // A node's proof of epoch `x` is built during `x + 1`: a fault that begins
                    // then (lost data, a node gone) rightly fails the epoch before it too.
                    if node.role_at(epoch + 1) == Role::Honest {
                        self.report.honest_slashed += 1;
                        return Err(self.violation(format!(
                            "honest {} slashed {slashed} for vnode {vnode} in epoch {epoch}",
                            node.name
                        )));
                    }
                    self.report.faults_final_faulty += 1;
                    let catch = self.catch(n);
                    catch.caught_epoch = Some(catch.caught_epoch.map_or(epoch, |c| c.min(epoch)));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// At each epoch boundary, the epoch whose faults are now final: every faulty node not yet
    /// caught escaped it with the odds its challenges give; too unlikely an escape is a failure.
    async fn check_detection(&mut self) -> Result<(), SimError> {
        let Some(x) = self.epoch().checked_sub(DECIDED_AFTER) else { return Ok(()) };
        let seeded = self.user.epoch_seed(self.cluster, x).await.map_err(|e| self.violation(e.to_string()))?.is_some();
        if !seeded {
            self.report.epochs_without_seed += 1;
            return Ok(());
        }
        for n in 0..self.nodes.len() {
            let node = &self.nodes[n];
            if node.role == Role::Honest || x < node.onset {
                continue;
            }
            let caught = self.report.catches.iter().find(|c| c.node == node.name).and_then(|c| c.caught_epoch);
            if caught.is_some_and(|c| c <= x) {
                continue;
            }
            let p = self.detection(n, x).await?;
            self.escape[n] *= 1.0 - p;
            self.catch(n).epochs_escaped += 1;
            if self.escape[n] < ESCAPE_ODDS {
                let node = &self.nodes[n];
                return Err(self.violation(format!(
                    "faulty {} ({:?} since epoch {}) not slashed for epoch {x}: its odds of escaping so far are {:.2e}",
                    node.name, node.role, node.onset, self.escape[n]
                )));
            }
        }
        Ok(())
    }

    /// The chance that epoch `x`'s challenges expose faulty node `n`.
    async fn detection(&self, n: usize, x: Epoch) -> Result<f64, SimError> {
        let node = &self.nodes[n];
        let k = params().challenges as i32;
        let mut escape = 1.0;
        for v in (0..self.cfg.vnodes).filter(|v| self.hosts[*v as usize] == node.node_id) {
            let cm = self.user.commitment_get(self.cluster, v, x).await.map_err(|e| self.violation(e.to_string()))?;
            match (node.role, cm) {
                (Role::Absent, _) | (_, None) => return Ok(1.0),
                (_, Some(cm)) if cm.chunk_count == 0 => {}
                (Role::Forger, Some(_)) => return Ok(1.0),
                (Role::Dropper { .. }, Some(cm)) => {
                    let dropped = node.dropped.iter().find(|(d, _)| *d == v).map_or(0, |(_, d)| *d);
                    escape *= (1.0 - dropped as f64 / cm.chunk_count as f64).powi(k);
                }
                (Role::Honest, _) => {}
            }
        }
        Ok(1.0 - escape)
    }

    /// The record of faulty node `n`'s catch, made on first use.
    fn catch(&mut self, n: usize) -> &mut Catch {
        let node = &self.nodes[n];
        let i = match self.report.catches.iter().position(|c| c.node == node.name) {
            Some(i) => i,
            None => {
                self.report.catches.push(Catch {
                    node: node.name.clone(),
                    role: format!("{:?}", node.role),
                    onset_epoch: node.onset,
                    caught_epoch: None,
                    epochs_escaped: 0,
                    escape_odds: 1.0,
                });
                self.report.catches.len() - 1
            }
        };
        &mut self.report.catches[i]
    }

    fn finish_catches(&mut self) {
        for n in 0..self.nodes.len() {
            if self.nodes[n].role != Role::Honest {
                let odds = self.escape[n];
                self.catch(n).escape_odds = odds;
            }
        }
        self.report.catches.sort_by(|a, b| a.node.cmp(&b.node));
    }

    /// Every object an honest node holds reads back as its last acknowledged write.
    fn check_writes(&mut self, n: usize) -> Result<(), SimError> {
        if self.nodes[n].role_at(self.epoch()) != Role::Honest {
            return Ok(());
        }
        let storage = self.nodes[n].storage();
        let mut checked = 0;
        for (key, acked) in &self.acked {
            let vnode = placement(self.bucket, key, self.cfg.vnodes, 1)[0];
            if self.host(vnode) != n {
                continue;
            }
            let read =
                storage.reader(self.cluster, vnode, self.bucket, key).map_err(|e| self.violation(e.to_string()))?;
            let got = match read {
                None => None,
                Some(r) => {
                    let mut buf = vec![0u8; r.meta.len as usize];
                    r.read_at(&mut buf, 0).map_err(|e| self.violation(e.to_string()))?;
                    Some((r.meta.version, buf))
                }
            };
            let ok = match (&acked.bytes, &got) {
                (None, None) => true,
                (Some(b), Some((v, g))) => *v == acked.version && b == g,
                _ => false,
            };
            if !ok {
                return Err(self.violation(format!(
                    "node-{n} lost an acknowledged write: {key} v{} reads back as {:?}",
                    acked.version,
                    got.map(|(v, g)| (v, g.len()))
                )));
            }
            checked += 1;
        }
        self.report.objects_checked += checked;
        Ok(())
    }
}

/// The simulated network between validators and nodes.
struct Net<'a> {
    nodes: &'a [SimNode],
    plan: &'a Plan,
    t: u64,
    prover: &'a Prover,
}

impl Network for Net<'_> {
    fn proof(&mut self, node: NodeId, c: ClusterId, vnode: VNodeIndex, epoch: Epoch, seed: [u8; 32]) -> Answer {
        let Some(n) = self.nodes.iter().position(|x| x.node_id == node) else {
            return Answer::NotNow(format!("no node {node}"));
        };
        let spans = &self.plan.nodes[n];
        if self.plan.down(n, self.t) || self.nodes[n].storage.is_none() || self.t < spans.partitioned_until {
            return Answer::NotNow("unreachable".into());
        }
        if self.t < spans.slow_until {
            return Answer::NotNow("still proving".into());
        }
        self.nodes[n].answer(c, vnode, epoch, seed, self.prover)
    }
}
