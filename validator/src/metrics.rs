//! Prometheus metrics of the validator, served at `/metrics`.

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

pub struct Metrics {
    registry: Registry,
    /// Proofs checked, by result: valid, invalid, missing (no proof came), empty.
    pub proofs: IntCounterVec,
    /// Time of one batch verification, by how it went (batch, or batch then singles).
    pub verify_seconds: HistogramVec,
    pub submissions: IntCounterVec,
    /// Retrievability samples: chunk fetch latency and results per node.
    pub qos_seconds: HistogramVec,
    pub qos: IntCounterVec,
    pub epoch: IntGaugeVec,
    pub chain_errors: IntCounterVec,
}

fn counter(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    IntCounterVec::new(Opts::new(name, help), labels).expect("metric")
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let proofs = counter("ddc_validator_proofs_total", "Proofs checked, by result", &["result"]);
        let verify_seconds = HistogramVec::new(
            HistogramOpts::new("ddc_validator_verify_seconds", "Time to verify an epoch's proofs")
                .buckets(vec![0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]),
            &["path"],
        )
        .expect("metric");
        let submissions =
            counter("ddc_validator_submissions_total", "Chain calls, by call and result", &["call", "result"]);
        let qos_seconds = HistogramVec::new(
            HistogramOpts::new("ddc_validator_qos_seconds", "Latency of sampled chunk reads")
                .buckets(vec![0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]),
            &["node"],
        )
        .expect("metric");
        let qos = counter("ddc_validator_qos_total", "Sampled chunk reads, by node and result", &["node", "result"]);
        let epoch = IntGaugeVec::new(Opts::new("ddc_validator_epoch", "The current epoch per cluster"), &["cluster"])
            .expect("metric");
        let chain_errors = counter("ddc_validator_chain_errors_total", "Failed chain reads", &["call"]);
        for m in [
            Box::new(proofs.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(verify_seconds.clone()),
            Box::new(submissions.clone()),
            Box::new(qos_seconds.clone()),
            Box::new(qos.clone()),
            Box::new(epoch.clone()),
            Box::new(chain_errors.clone()),
        ] {
            registry.register(m).expect("unique metric");
        }
        Self { registry, proofs, verify_seconds, submissions, qos_seconds, qos, epoch, chain_errors }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("text encoding");
        String::from_utf8(out).expect("utf-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
