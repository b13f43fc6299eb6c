//! `validator.toml`: what a validator operator sets (every field also as `DDC_VALIDATOR_*`).

use ddc_primitives::ids::ClusterId;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorConfig {
    /// Seed secrets (needed to reveal after a restart) live here.
    pub data_dir: PathBuf,
    /// Health, metrics and status endpoints.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The embedded dev chain's RPC URL, or a Substrate node's `ws://…` (with `contract`).
    #[serde(default = "default_chain")]
    pub chain: String,
    #[serde(default)]
    pub contract: Option<String>,
    /// The validator's secret key URI (sr25519). `//Name` dev keys are INSECURE.
    pub key: String,
    /// Clusters to validate; empty means every cluster with verification on.
    #[serde(default)]
    pub clusters: Vec<ClusterId>,
    /// Validators assigned to each vnode replica per epoch: the first submits at once, the
    /// others step in for what is still open halfway through the proof window.
    #[serde(default = "default_quorum")]
    pub quorum: u32,
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
    /// Timeout of one proof request (a node may still be proving).
    #[serde(default = "default_proof_timeout_ms")]
    pub proof_timeout_ms: u64,
    /// Attempts per proof before the node is reported.
    #[serde(default = "default_proof_attempts")]
    pub proof_attempts: u32,
    /// Random chunks fetched with their Merkle paths per epoch, for retrievability and latency.
    #[serde(default = "default_qos_samples")]
    pub qos_samples: u32,
    /// Settle buckets and distribute revenues of epochs past their dispute window.
    #[serde(default = "default_true")]
    pub settle: bool,
}

fn default_listen() -> SocketAddr {
    "127.0.0.1:9100".parse().expect("address")
}
fn default_chain() -> String {
    "http://127.0.0.1:9944".into()
}
fn default_quorum() -> u32 {
    2
}
fn default_poll_ms() -> u64 {
    500
}
fn default_proof_timeout_ms() -> u64 {
    60_000
}
fn default_proof_attempts() -> u32 {
    3
}
fn default_qos_samples() -> u32 {
    4
}
fn default_true() -> bool {
    true
}

impl ValidatorConfig {
    /// The environment prefix of overrides.
    pub const ENV_PREFIX: &'static str = "DDC_VALIDATOR_";

    pub fn load(path: Option<&std::path::Path>) -> Result<Self, ddc_chain::settings::SettingsError> {
        ddc_chain::settings::load(path, Self::ENV_PREFIX)
    }

    /// Settings with every default: for local networks and tests.
    pub fn local(data_dir: PathBuf, listen: SocketAddr, chain: String, key: String) -> Self {
        Self {
            data_dir,
            listen,
            chain,
            contract: None,
            key,
            clusters: Vec::new(),
            quorum: default_quorum(),
            poll_ms: default_poll_ms(),
            proof_timeout_ms: default_proof_timeout_ms(),
            proof_attempts: default_proof_attempts(),
            qos_samples: default_qos_samples(),
            settle: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_file_takes_the_defaults_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("validator.toml");
        std::fs::write(&path, "data_dir = \"v\"\nkey = \"//Vera\"\nquorum = 3\n").unwrap();
        let env = [("DDC_VALIDATOR_QUORUM".to_string(), "1".to_string())];
        let c: ValidatorConfig = ddc_chain::settings::load_from(Some(&path), ValidatorConfig::ENV_PREFIX, env).unwrap();
        assert_eq!((c.quorum, c.poll_ms, c.settle, c.chain.as_str()), (1, 500, true, "http://127.0.0.1:9944"));
        std::fs::write(&path, "data_dir = \"v\"\nkey = \"//Vera\"\nquorom = 3\n").unwrap();
        let err = ValidatorConfig::load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("quorom"), "a misspelt setting is named: {err}");
    }
}
