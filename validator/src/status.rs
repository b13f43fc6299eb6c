//! What the validator did in recent epochs, served at `/v1/status` for operators and dashboards.

use ddc_primitives::ids::{ClusterId, Epoch};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Epoch reports kept.
const KEEP: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub cluster_id: ClusterId,
    pub epoch: Epoch,
    /// Replicas assigned to this validator (as primary or backup).
    pub assigned: u32,
    pub valid: u32,
    pub invalid: u32,
    /// No proof came (refused, unreachable, timed out, nothing committed).
    pub missing: u32,
    /// Proofs recorded on-chain by this validator (or attested).
    pub submitted: u32,
    pub faults_reported: u32,
    /// Batch verification of `valid + invalid` proofs.
    pub verify_ms: f64,
    pub qos_ok: u32,
    pub qos_failed: u32,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Status {
    pub account: String,
    pub epochs: VecDeque<EpochReport>,
}

impl Status {
    pub fn record(&mut self, report: EpochReport) {
        self.epochs.retain(|r| (r.cluster_id, r.epoch) != (report.cluster_id, report.epoch));
        self.epochs.push_back(report);
        while self.epochs.len() > KEEP {
            self.epochs.pop_front();
        }
    }
}
