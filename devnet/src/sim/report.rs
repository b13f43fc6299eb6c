//! What a simulation run did and found: the faults it injected, the work done, and how each
//! faulty node was caught. Reports of several seeds add up.

use ddc_primitives::ids::Epoch;
use std::fmt;

/// How a faulty node was caught.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Catch {
    pub node: String,
    pub role: String,
    pub onset_epoch: Epoch,
    /// The epoch of the first final fault against it (the epoch before the onset when its
    /// fault already failed that epoch's proof).
    pub caught_epoch: Option<Epoch>,
    /// Verified epochs from the onset on that it escaped (its proofs passed).
    pub epochs_escaped: u64,
    /// The odds of escaping those epochs, from its challenges: the invariant is that they never
    /// fall below 10⁻⁶ while it is not caught.
    pub escape_odds: f64,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SimReport {
    pub seed: u64,
    /// SHA-256 of the chain's final state (SCALE): equal runs end in equal states.
    pub final_state: String,
    pub epochs: u64,
    pub ticks: u64,
    pub node_crashes: u64,
    pub torn_files: u64,
    /// Restarts of crashed nodes, each reopening storage with crash repair.
    pub node_restarts: u64,
    pub chain_cutoffs: u64,
    pub slow_spans: u64,
    pub partitions: u64,
    pub block_delays: u64,
    pub validator_outages: u64,
    pub writes_acked: u64,
    pub writes_refused: u64,
    pub objects_checked: u64,
    pub commitments_checked: u64,
    pub proofs_built: u64,
    /// Wall time spent proving (the bulk of a run).
    pub proving_secs: f64,
    pub proofs_verified_on_chain: u64,
    pub passes: u64,
    pub faults_reported: u64,
    pub faults_rebutted: u64,
    pub faults_final_faulty: u64,
    pub honest_slashed: u64,
    pub epochs_without_seed: u64,
    pub money_checks: u64,
    pub catches: Vec<Catch>,
}

impl SimReport {
    /// Adds another run's counts (the totals of several seeds).
    pub fn add(&mut self, r: &SimReport) {
        self.epochs += r.epochs;
        self.ticks += r.ticks;
        self.node_crashes += r.node_crashes;
        self.torn_files += r.torn_files;
        self.node_restarts += r.node_restarts;
        self.chain_cutoffs += r.chain_cutoffs;
        self.slow_spans += r.slow_spans;
        self.partitions += r.partitions;
        self.block_delays += r.block_delays;
        self.validator_outages += r.validator_outages;
        self.writes_acked += r.writes_acked;
        self.writes_refused += r.writes_refused;
        self.objects_checked += r.objects_checked;
        self.commitments_checked += r.commitments_checked;
        self.proofs_built += r.proofs_built;
        self.proving_secs += r.proving_secs;
        self.proofs_verified_on_chain += r.proofs_verified_on_chain;
        self.passes += r.passes;
        self.faults_reported += r.faults_reported;
        self.faults_rebutted += r.faults_rebutted;
        self.faults_final_faulty += r.faults_final_faulty;
        self.honest_slashed += r.honest_slashed;
        self.epochs_without_seed += r.epochs_without_seed;
        self.money_checks += r.money_checks;
        self.catches.extend(r.catches.iter().cloned());
    }

    /// One line on a seed's faulty nodes.
    pub fn catches_line(&self) -> String {
        if self.catches.is_empty() {
            return "no faulty node".into();
        }
        let each = self.catches.iter().map(|c| match c.caught_epoch {
            Some(e) => format!(
                "{} {} from epoch {} slashed for epoch {e} ({} epochs escaped, odds {:.2})",
                c.node, c.role, c.onset_epoch, c.epochs_escaped, c.escape_odds
            ),
            None => format!(
                "{} {} from epoch {} not caught yet ({} epochs escaped, odds {:.2})",
                c.node, c.role, c.onset_epoch, c.epochs_escaped, c.escape_odds
            ),
        });
        each.collect::<Vec<_>>().join("; ")
    }
}

impl fmt::Display for SimReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  faults injected: {} node crashes ({} torn files, {} restarts with crash repair), {} chain cut-offs, {} slow spans, {} partitions, \
             {} block delays, {} validator outages",
            self.node_crashes,
            self.torn_files,
            self.node_restarts,
            self.chain_cutoffs,
            self.slow_spans,
            self.partitions,
            self.block_delays,
            self.validator_outages
        )?;
        writeln!(
            f,
            "  storage: {} writes acknowledged, {} refused; {} read-backs matched; {} honest commitments \
             opened at every chunk",
            self.writes_acked, self.writes_refused, self.objects_checked, self.commitments_checked
        )?;
        writeln!(f, "  proving: {} Groth16 proofs built by nodes in {:.1} s", self.proofs_built, self.proving_secs)?;
        writeln!(
            f,
            "  chain: {} passes ({} proofs verified on-chain), {} faults reported, {} rebutted, {} final against \
             faulty nodes, {} against honest ones; {} epochs without a seed; money conserved at {} checks",
            self.passes,
            self.proofs_verified_on_chain,
            self.faults_reported,
            self.faults_rebutted,
            self.faults_final_faulty,
            self.honest_slashed,
            self.epochs_without_seed,
            self.money_checks
        )?;
        let caught: Vec<&Catch> = self.catches.iter().filter(|c| c.caught_epoch.is_some()).collect();
        let most = caught.iter().map(|c| c.epochs_escaped).max().unwrap_or(0);
        let least_odds = self.catches.iter().map(|c| c.escape_odds).fold(1.0, f64::min);
        write!(
            f,
            "  faulty nodes: {} caught, {} not caught yet; at most {most} verified epochs escaped before a catch; \
             lowest odds of an escape seen {least_odds:.2e}",
            caught.len(),
            self.catches.len() - caught.len()
        )
    }
}
