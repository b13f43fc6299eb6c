//! Prometheus metrics of the storage node, served at `/metrics`.

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

pub struct Metrics {
    registry: Registry,
    /// Live bytes per vnode replica.
    pub bytes_stored: IntGaugeVec,
    pub requests: IntCounterVec,
    pub request_seconds: HistogramVec,
    pub proof_seconds: HistogramVec,
    pub proofs: IntCounterVec,
    /// Milliseconds from an epoch's start until this node's commitment landed.
    pub commit_lag_ms: IntGaugeVec,
    pub chain_errors: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let bytes_stored =
            IntGaugeVec::new(Opts::new("ddc_node_bytes_stored", "Live object bytes per vnode replica"), &["vnode"])
                .expect("metric");
        let requests = IntCounterVec::new(
            Opts::new("ddc_node_requests_total", "HTTP requests by route and status"),
            &["route", "status"],
        )
        .expect("metric");
        let request_seconds = HistogramVec::new(
            HistogramOpts::new("ddc_node_request_seconds", "HTTP request latency by route"),
            &["route"],
        )
        .expect("metric");
        let proof_seconds = HistogramVec::new(
            HistogramOpts::new("ddc_node_proof_seconds", "Time to build a storage proof")
                .buckets(vec![0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]),
            &["vnode"],
        )
        .expect("metric");
        let proofs = IntCounterVec::new(Opts::new("ddc_node_proofs_total", "Proofs built, by result"), &["result"])
            .expect("metric");
        let commit_lag_ms = IntGaugeVec::new(
            Opts::new("ddc_node_commit_lag_ms", "Time from epoch start to the vnode's commitment"),
            &["vnode"],
        )
        .expect("metric");
        let chain_errors =
            IntCounterVec::new(Opts::new("ddc_node_chain_errors_total", "Failed chain calls"), &["call"])
                .expect("metric");
        for m in [
            Box::new(bytes_stored.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(requests.clone()),
            Box::new(request_seconds.clone()),
            Box::new(proof_seconds.clone()),
            Box::new(proofs.clone()),
            Box::new(commit_lag_ms.clone()),
            Box::new(chain_errors.clone()),
        ] {
            registry.register(m).expect("unique metric");
        }
        Self { registry, bytes_stored, requests, request_seconds, proof_seconds, proofs, commit_lag_ms, chain_errors }
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
