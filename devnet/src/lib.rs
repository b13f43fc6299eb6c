//! `ddc devnet`: a whole DDC network on loopback, in one process. The embedded chain runs the
//! contract's rules; governance registers the INSECURE development verifying key; providers
//! start storage nodes and trust a manager, who forms a cluster of vnodes over them with proof
//! verification on; a user funds a bucket and uploads a workload; validators bond, are admitted
//! and drive epochs. A ledger follows the chain's events into a report (per node: proofs passed
//! and failed, revenue paid, stake slashed; per epoch: seed and verification counts), served
//! with a live dashboard page.
//!
//! Layout: `config` (the network's shape), `network` (starting everything), `workload`,
//! `ledger` (the report, from events only), `dashboard` (HTTP), `run` (epochs until done),
//! `clock` (lockstep time: phases move when their work is on-chain, not when the wall clock says),
//! `pace` (the epoch length from a proof timed on this machine), and `sim` (`ddc sim`: the seeded
//! fault-injection simulation of a whole network over simulated time).

pub mod clock;
pub mod config;
pub mod dashboard;
pub mod ledger;
pub mod network;
pub mod pace;
pub mod run;
pub mod sim;
pub mod workload;

pub use config::{DevnetConfig, Fault};
pub use ledger::Report;
pub use network::Devnet;
