//! `ddc sim`: a seeded, deterministic fault-injection simulation of a whole DDC network, in the
//! manner of FoundationDB's simulator: one thread, a simulated clock and network, every choice
//! drawn from one seed, so that a failing seed replays exactly.
//!
//! What is real: the contract's rules (the native executor, the same code as the ink!
//! contract), each node's storage engine on disk with its commit and proof steps, Groth16
//! proofs of a small circuit shape (INSECURE keys from a public seed), and the validators'
//! batch check. What is modelled: the daemons' decisions on each tick (`node`, `validator`,
//! following the daemons' rules), the network between them, and time.
//!
//! Faults (`faults`): nodes crash (torn files included) and restart, are cut off from the chain,
//! are slow or partitioned from validators; validators go offline; blocks are delayed; and some
//! nodes turn faulty at a drawn epoch: they drop chunks, replay proofs, or walk away.
//!
//! Invariants, checked as the run goes (`world`):
//! - money is conserved: the chain's balances sum to their genesis total, and the contract's
//!   books equal its balance;
//! - no honest node is slashed (a faulty node's epochs before its fault began count as honest);
//! - every faulty node is slashed by the epoch its detection odds predict: the chance of having
//!   escaped every verified epoch since its fault began stays above 10⁻⁶ until it is caught;
//! - no acknowledged write is lost: after every restart of an honest node, and at the end, each
//!   object it holds reads back as its last acknowledged write, and deleted ones stay deleted.

pub mod chain;
pub mod faults;
pub mod node;
mod report;
pub mod validator;
mod world;

pub use report::{Catch, SimReport};

use std::path::PathBuf;

/// The simulated network's shape and run.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub seed: u64,
    pub epochs: u64,
    pub nodes: usize,
    /// How many of the nodes turn faulty, each at an epoch drawn from the seed.
    pub faulty: usize,
    pub vnodes: u32,
    pub validators: usize,
    pub quorum: u32,
    /// Ticks per epoch: the daemons act once per tick (half of them in the commit phase).
    pub ticks_per_epoch: u64,
    pub faults: faults::Rates,
    /// Overrides the bound on an honest node's unavailable ticks in a row (default: two ticks
    /// short of the commit phase and the dispute window). Past the protocol's tolerance honest
    /// nodes miss commitments and rebuttals and are slashed: the tests use it to show the
    /// invariant checks fail when they should.
    pub max_outage_run: Option<u64>,
    /// Where the nodes keep their storage (a fresh directory per run).
    pub dir: PathBuf,
}

impl SimConfig {
    pub fn new(seed: u64, epochs: u64, dir: PathBuf) -> Self {
        SimConfig {
            seed,
            epochs,
            nodes: 5,
            faulty: 2,
            vnodes: 10,
            validators: 3,
            quorum: 2,
            ticks_per_epoch: 8,
            faults: faults::Rates::default(),
            max_outage_run: None,
            dir,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// An invariant broke: the seed replays the run exactly.
    #[error("seed {seed}, epoch {epoch}, tick {tick}: {what}\n  replay: ddc sim --seed {seed} --epochs {epochs}")]
    Violation { seed: u64, epochs: u64, epoch: u64, tick: u64, what: String },
    #[error("simulation setup: {0}")]
    Setup(String),
}

/// Runs one simulation; `Err(Violation)` names the seed that replays it.
pub fn run(config: SimConfig) -> Result<SimReport, SimError> {
    run_with(config, &mut |_| {})
}

/// [`run`], calling `epoch_done` as each epoch ends (for a progress bar).
pub fn run_with(config: SimConfig, epoch_done: &mut dyn FnMut(u64)) -> Result<SimReport, SimError> {
    let rt = tokio::runtime::Builder::new_current_thread().build().map_err(|e| SimError::Setup(e.to_string()))?;
    rt.block_on(async move { world::World::start(config).await?.run(epoch_done).await })
}
