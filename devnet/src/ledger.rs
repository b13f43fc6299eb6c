//! The devnet's report, built only from the chain's events (the contract decides; the ledger
//! only counts), plus proving times scraped from the nodes' metrics.

use crate::network::{Devnet, NodeHandle};
use ddc_chain::{AccountId, ChainClient, ChainError, Event};
use ddc_primitives::ids::{ClusterId, Epoch, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeReport {
    pub node_id: NodeId,
    pub provider: String,
    pub name: String,
    pub url: String,
    /// Set up to drop chunks (fault injection).
    pub faulty: bool,
    pub commitments: u32,
    pub proofs_passed: u32,
    /// Final faults: epochs of a vnode without a valid proof.
    pub proofs_failed: u32,
    pub faults_rebutted: u32,
    /// Commitments shown to leave out acknowledged writes (by a user's receipt, or by the
    /// node's own earlier commitment), final at once.
    pub omissions: u32,
    pub revenue_paid: u128,
    pub stake_slashed: u128,
    /// Vnodes flagged for replacement after consecutive faults.
    pub flagged_vnodes: Vec<u32>,
    pub proofs_built: u64,
    pub prove_seconds_avg: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: Epoch,
    pub seed: Option<String>,
    pub commitments: u32,
    pub passed: u32,
    pub faults_reported: u32,
    pub faults_final: u32,
    pub faults_rebutted: u32,
    /// Omissions proven against the epoch's commitments.
    pub omissions: u32,
    /// `submit_proofs` batches verified on-chain.
    pub proof_batches: u32,
    pub settled: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidatorReport {
    pub account: String,
    pub name: String,
    pub url: String,
    pub seed_commits: u32,
    pub reveals: u32,
    pub proofs_submitted: u32,
    pub faults_reported: u32,
    pub penalized: u128,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub cluster_id: ClusterId,
    pub chain_url: String,
    pub epoch_ms: u64,
    pub circuit: String,
    pub head: u64,
    pub current_epoch: Option<Epoch>,
    /// Epochs `[0, settled_through)` are paid out.
    pub settled_through: Epoch,
    pub withheld: u128,
    pub nodes: Vec<NodeReport>,
    pub validators: Vec<ValidatorReport>,
    pub epochs: Vec<EpochReport>,
}

pub struct Ledger {
    pub report: Report,
    from: u64,
    by_provider: BTreeMap<AccountId, usize>,
    by_node: BTreeMap<NodeId, usize>,
    by_validator: BTreeMap<AccountId, usize>,
}

fn hex_of(a: &AccountId) -> String {
    ddc_chain::rpc::to_hex(a.as_ref())
}

impl Ledger {
    pub fn new(net: &Devnet) -> Self {
        let nodes: Vec<NodeReport> = net.nodes.iter().map(node_report).collect();
        let validators = net
            .validators
            .iter()
            .map(|v| ValidatorReport {
                account: hex_of(&v.account),
                name: v.name.clone(),
                url: v.url.clone(),
                ..Default::default()
            })
            .collect();
        Self {
            by_provider: net.nodes.iter().enumerate().map(|(i, n)| (n.provider, i)).collect(),
            by_node: net.nodes.iter().enumerate().map(|(i, n)| (n.node_id, i)).collect(),
            by_validator: net.validators.iter().enumerate().map(|(i, v)| (v.account, i)).collect(),
            report: Report {
                cluster_id: net.cluster_id,
                chain_url: net.chain_url.clone(),
                epoch_ms: net.config.epoch_ms,
                circuit: net.config.shape.name(),
                nodes,
                validators,
                ..Default::default()
            },
            from: 0,
        }
    }

    fn epoch(&mut self, epoch: Epoch) -> &mut EpochReport {
        let epochs = &mut self.report.epochs;
        let at = match epochs.binary_search_by_key(&epoch, |e| e.epoch) {
            Ok(i) => i,
            Err(i) => {
                epochs.insert(i, EpochReport { epoch, ..Default::default() });
                i
            }
        };
        &mut epochs[at]
    }

    fn node(&mut self, id: NodeId) -> Option<&mut NodeReport> {
        self.by_node.get(&id).map(|&i| &mut self.report.nodes[i])
    }

    fn validator(&mut self, a: &AccountId) -> Option<&mut ValidatorReport> {
        self.by_validator.get(a).map(|&i| &mut self.report.validators[i])
    }

    /// Applies one event of the chain.
    pub fn apply(&mut self, event: &Event) {
        let c = self.report.cluster_id;
        match event {
            Event::RootCommitted { cluster_id, epoch, node_id, .. } if *cluster_id == c => {
                self.epoch(*epoch).commitments += 1;
                if let Some(n) = self.node(*node_id) {
                    n.commitments += 1;
                }
            }
            Event::EpochSeed { cluster_id, epoch, seed } if *cluster_id == c => {
                self.epoch(*epoch).seed = seed.map(hex::encode);
            }
            Event::SeedCommitted { cluster_id, validator, .. } if *cluster_id == c => {
                if let Some(v) = self.validator(validator) {
                    v.seed_commits += 1;
                }
            }
            Event::SeedRevealed { cluster_id, validator, .. } if *cluster_id == c => {
                if let Some(v) = self.validator(validator) {
                    v.reveals += 1;
                }
            }
            Event::Passed { cluster_id, epoch, node_id, .. } if *cluster_id == c => {
                self.epoch(*epoch).passed += 1;
                if let Some(n) = self.node(*node_id) {
                    n.proofs_passed += 1;
                }
            }
            Event::ProofsVerified { cluster_id, epoch, vnodes, submitter } if *cluster_id == c => {
                self.epoch(*epoch).proof_batches += 1;
                if let Some(v) = self.validator(submitter) {
                    v.proofs_submitted += vnodes.len() as u32;
                }
            }
            Event::FaultReported { cluster_id, epoch, reporter, .. } if *cluster_id == c => {
                self.epoch(*epoch).faults_reported += 1;
                if let Some(v) = self.validator(reporter) {
                    v.faults_reported += 1;
                }
            }
            Event::OmissionReported { cluster_id, epoch, node_id, is_final: true, .. } if *cluster_id == c => {
                self.epoch(*epoch).omissions += 1;
                if let Some(n) = self.node(*node_id) {
                    n.omissions += 1;
                }
            }
            Event::FaultRebutted { cluster_id, epoch, node_id, .. } if *cluster_id == c => {
                self.epoch(*epoch).faults_rebutted += 1;
                if let Some(n) = self.node(*node_id) {
                    n.faults_rebutted += 1;
                }
            }
            Event::FaultFinal { cluster_id, epoch, node_id, slashed, .. } if *cluster_id == c => {
                self.epoch(*epoch).faults_final += 1;
                if let Some(n) = self.node(*node_id) {
                    n.proofs_failed += 1;
                    n.stake_slashed += slashed;
                }
            }
            Event::VNodeFlagged { cluster_id, vnode, node_id, .. } if *cluster_id == c => {
                if let Some(n) = self.node(*node_id) {
                    if !n.flagged_vnodes.contains(vnode) {
                        n.flagged_vnodes.push(*vnode);
                    }
                }
            }
            Event::ValidatorPenalized { validator, value } => {
                if let Some(v) = self.validator(validator) {
                    v.penalized += value;
                }
            }
            Event::ProviderPaid { cluster_id, provider_id, value } if *cluster_id == c => {
                if let Some(&i) = self.by_provider.get(provider_id) {
                    self.report.nodes[i].revenue_paid += value;
                }
            }
            Event::EpochsSettled { cluster_id, from, to, withheld } if *cluster_id == c => {
                for e in *from..*to {
                    self.epoch(e).settled = true;
                }
                self.report.settled_through = self.report.settled_through.max(*to);
                self.report.withheld += withheld;
            }
            _ => {}
        }
    }

    /// Follows the chain: applies the events of blocks not seen yet.
    pub async fn follow(&mut self, chain: &dyn ChainClient) -> Result<(), ChainError> {
        let batch = chain.events_since(self.from).await?;
        for (_, events) in &batch.blocks {
            for e in events {
                self.apply(e);
            }
        }
        self.from = batch.head + 1;
        self.report.head = batch.head;
        self.report.current_epoch = chain_epoch(chain, self.report.cluster_id).await;
        Ok(())
    }

    /// Proving times from each node's Prometheus metrics.
    pub async fn scrape(&mut self, http: &reqwest::Client) {
        for n in &mut self.report.nodes {
            let Ok(resp) = http.get(format!("{}/metrics", n.url)).send().await else { continue };
            let Ok(text) = resp.text().await else { continue };
            let (sum, count) = proof_seconds(&text);
            n.proofs_built = count;
            n.prove_seconds_avg = if count > 0 { sum / count as f64 } else { 0.0 };
        }
    }
}

async fn chain_epoch(chain: &dyn ChainClient, c: ClusterId) -> Option<Epoch> {
    use ddc_chain::Ddc;
    chain.cluster_epoch(c).await.ok().map(|i| i.epoch)
}

fn node_report(n: &NodeHandle) -> NodeReport {
    NodeReport {
        node_id: n.node_id,
        provider: hex_of(&n.provider),
        name: n.name.clone(),
        url: n.url.clone(),
        faulty: n.faulty,
        ..Default::default()
    }
}

/// Sums `ddc_node_proof_seconds_sum` and `_count` over the vnodes of a metrics page.
pub fn proof_seconds(metrics: &str) -> (f64, u64) {
    let mut sum = 0.0;
    let mut count = 0;
    for line in metrics.lines() {
        let value = |l: &str| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        if line.starts_with("ddc_node_proof_seconds_sum") {
            sum += value(line);
        } else if line.starts_with("ddc_node_proof_seconds_count") {
            count += value(line) as u64;
        }
    }
    (sum, count)
}

#[cfg(test)]
mod tests {
    #[test]
    fn proof_seconds_add_up_over_vnodes() {
        let text =
            "# HELP x\nddc_node_proof_seconds_sum{vnode=\"1\"} 1.5\nddc_node_proof_seconds_count{vnode=\"1\"} 3\n\
                    ddc_node_proof_seconds_sum{vnode=\"2\"} 0.5\nddc_node_proof_seconds_count{vnode=\"2\"} 1\n\
                    ddc_node_proof_seconds_bucket{vnode=\"2\",le=\"1\"} 1\n";
        assert_eq!(super::proof_seconds(text), (2.0, 4));
    }
}
