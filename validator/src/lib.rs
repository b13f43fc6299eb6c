//! The DDC validator daemon (`ddc validator`). Each epoch it takes part in the seed's
//! commit-reveal, works out which vnode replicas it answers for (a deterministic assignment over
//! the admitted validators, so every replica is covered by `quorum` of them), asks their nodes
//! for proofs over HTTP, batch-verifies them (N + 3 pairings), records the results on-chain in
//! the cluster's mode (proof batches or attestations), reports and finalizes faults, samples
//! retrievability of random chunks with their Merkle paths, and settles revenues.
//!
//! Layout: `config` (settings), `assignment` (who checks what), `secrets` (durable seed
//! secrets), `fetch` (proofs and chunks over HTTP), `check` (batch verification), `epoch` (the
//! per-epoch driver), `server` (health, metrics, status), `daemon` (startup and shutdown).

pub mod assignment;
pub mod check;
pub mod config;
pub mod daemon;
pub mod epoch;
pub mod fetch;
pub mod metrics;
pub mod secrets;
pub mod server;
pub mod status;
