//! The fault schedule: drawn tick by tick from the seed. Honest nodes crash, are cut off from
//! the chain, are slow or partitioned from validators; validators go offline; blocks are
//! delayed. Honest parties' faults stay within the protocol's tolerance, which is what makes
//! "no honest node is slashed" a claim about the protocol: a node must be able to reach the
//! chain at some tick of every commit phase and of every dispute window. So a node's
//! unavailable ticks (down, cut off, or blocks delayed) never run longer than `max_run`, which
//! is two ticks shorter than the shorter of the two. Slowness and partitions from validators
//! are not bounded: they cost a rebuttal, never a slash. At most one validator is offline at a
//! time, so every replica keeps one of its `quorum ≥ 2` validators.

use rand::Rng;

/// Per-tick probabilities of each fault, and the longest span of each.
#[derive(Clone, Copy, Debug)]
pub struct Rates {
    pub crash: f64,
    pub cut: f64,
    pub slow: f64,
    pub partition: f64,
    pub stall: f64,
    pub validator_offline: f64,
    /// Longest crash, cut-off or block delay, in ticks (also bounded by `max_run`).
    pub outage_ticks: u64,
    /// Longest slow or partitioned span, in ticks.
    pub degraded_ticks: u64,
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            crash: 0.03,
            cut: 0.02,
            slow: 0.03,
            partition: 0.02,
            stall: 0.02,
            validator_offline: 0.03,
            outage_ticks: 2,
            degraded_ticks: 8,
        }
    }
}

/// Until which tick (exclusive) a node is in each state.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeSpans {
    pub down_until: u64,
    pub cut_until: u64,
    pub slow_until: u64,
    pub partitioned_until: u64,
    /// Faults stay within tolerance (an honest node, or a faulty one before its onset).
    pub bounded: bool,
    /// Gone for good (a faulty node that walked away).
    pub gone: bool,
}

/// A fault that starts at this tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Crash { node: usize, ticks: u64 },
    Cut { node: usize, ticks: u64 },
    Slow { node: usize, ticks: u64 },
    Partition { node: usize, ticks: u64 },
    Stall { ticks: u64 },
    ValidatorOffline { validator: usize, ticks: u64 },
}

pub struct Plan {
    pub rates: Rates,
    pub max_run: u64,
    pub nodes: Vec<NodeSpans>,
    pub validators: Vec<u64>,
    pub stall_until: u64,
    /// Each node's unavailable ticks in a row up to the tick before the one being drawn.
    run_before: Vec<u64>,
}

impl Plan {
    pub fn new(rates: Rates, max_run: u64, nodes: usize, validators: usize) -> Self {
        Plan {
            rates,
            max_run,
            nodes: vec![NodeSpans { bounded: true, ..NodeSpans::default() }; nodes],
            validators: vec![0; validators],
            stall_until: 0,
            run_before: vec![0; nodes],
        }
    }

    pub fn down(&self, n: usize, t: u64) -> bool {
        self.nodes[n].gone || t < self.nodes[n].down_until
    }

    /// The node cannot land a call at tick `t`.
    pub fn unavailable(&self, n: usize, t: u64) -> bool {
        self.down(n, t) || t < self.nodes[n].cut_until || t < self.stall_until
    }

    /// The longest run of unavailable ticks of node `n` through `t` and after: the spans in
    /// the plan all started by `t`, so they describe ticks from `t` on; earlier ones are history.
    fn longest_run(&self, n: usize, t: u64) -> u64 {
        let s = &self.nodes[n];
        let end = s.down_until.max(s.cut_until).max(self.stall_until).max(t) + 1;
        let (mut run, mut longest) = (self.run_before[n], self.run_before[n]);
        for tick in t..=end {
            run = if self.unavailable(n, tick) { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        longest
    }

    fn within_tolerance(&self, t: u64) -> bool {
        (0..self.nodes.len()).all(|n| !self.nodes[n].bounded || self.longest_run(n, t) <= self.max_run)
    }

    /// Applies an outage starting at `t` unless it would take an honest node past the tolerance.
    fn admit(&mut self, t: u64, apply: impl FnOnce(&mut Self)) -> bool {
        let (nodes, stall_until) = (self.nodes.clone(), self.stall_until);
        apply(self);
        if self.within_tolerance(t) {
            return true;
        }
        (self.nodes, self.stall_until) = (nodes, stall_until);
        false
    }

    /// Draws the faults that start at tick `t` and applies them to the plan.
    pub fn draw(&mut self, t: u64, rng: &mut impl Rng) -> Vec<Change> {
        let r = self.rates;
        if let Some(prev) = t.checked_sub(1) {
            for n in 0..self.nodes.len() {
                self.run_before[n] = if self.unavailable(n, prev) { self.run_before[n] + 1 } else { 0 };
            }
        }
        let mut changes = Vec::new();
        for n in 0..self.nodes.len() {
            if self.nodes[n].gone {
                continue;
            }
            if !self.down(n, t) && rng.gen_bool(r.crash) {
                let ticks = rng.gen_range(1..=r.outage_ticks);
                if self.admit(t, |p| p.nodes[n].down_until = t + ticks) {
                    changes.push(Change::Crash { node: n, ticks });
                }
            }
            if t >= self.nodes[n].cut_until && rng.gen_bool(r.cut) {
                let ticks = rng.gen_range(1..=r.outage_ticks);
                if self.admit(t, |p| p.nodes[n].cut_until = t + ticks) {
                    changes.push(Change::Cut { node: n, ticks });
                }
            }
            if t >= self.nodes[n].slow_until && rng.gen_bool(r.slow) {
                let ticks = rng.gen_range(1..=r.degraded_ticks);
                self.nodes[n].slow_until = t + ticks;
                changes.push(Change::Slow { node: n, ticks });
            }
            if t >= self.nodes[n].partitioned_until && rng.gen_bool(r.partition) {
                let ticks = rng.gen_range(1..=r.degraded_ticks);
                self.nodes[n].partitioned_until = t + ticks;
                changes.push(Change::Partition { node: n, ticks });
            }
        }
        if t >= self.stall_until && rng.gen_bool(r.stall) {
            let ticks = rng.gen_range(1..=r.outage_ticks);
            if self.admit(t, |p| p.stall_until = t + ticks) {
                changes.push(Change::Stall { ticks });
            }
        }
        let nobody_offline = self.validators.iter().all(|&until| until <= t);
        if nobody_offline && rng.gen_bool(r.validator_offline) {
            let validator = rng.gen_range(0..self.validators.len());
            let ticks = rng.gen_range(1..=r.outage_ticks);
            self.validators[validator] = t + ticks;
            changes.push(Change::ValidatorOffline { validator, ticks });
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn honest_nodes_never_lose_more_than_max_run_ticks_in_a_row() {
        let rates = Rates { crash: 0.3, cut: 0.3, stall: 0.3, ..Rates::default() };
        let mut plan = Plan::new(rates, 2, 3, 3);
        plan.nodes[2].bounded = false;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        let mut runs = [0u64; 3];
        let mut longest = [0u64; 3];
        for t in 0..5_000 {
            plan.draw(t, &mut rng);
            for n in 0..3 {
                runs[n] = if plan.unavailable(n, t) { runs[n] + 1 } else { 0 };
                longest[n] = longest[n].max(runs[n]);
            }
            assert!(plan.validators.iter().filter(|&&u| u > t).count() <= 1);
        }
        assert!(longest[0] <= 2 && longest[1] <= 2, "{longest:?}");
        assert!(longest[0] == 2, "the bound is reached, not avoided: {longest:?}");
    }
}
