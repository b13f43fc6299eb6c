//! The README's main command as a user runs it, on a small circuit: `ddc devnet --faulty 1
//! --exit --json` runs epochs until they are paid out and prints one JSON report in which the
//! faulty node was caught and slashed and every honest node was paid: a node that dropped chunks
//! by the validators, a node that shrank its commitments by the user's receipts.

use std::process::Command;

/// Runs `ddc devnet` on the small circuit with `fault_args`; the JSON report.
fn devnet(fault_args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ddc"))
        .args(["devnet", "--epochs", "2", "--faulty", "1", "--exit", "--json", "--lockstep"])
        .args(fault_args)
        .args(["--vnodes", "8", "--validators", "2", "--epoch-ms", "10000", "--block-ms", "100"])
        .args(["--depth", "12", "--challenges", "4", "--chunk-bytes", "64", "--objects", "16", "--object-kib", "4"])
        .args(["--chain-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("devnet"))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ddc devnet failed:\n{stderr}");
    assert!(stderr.contains("dashboard:  http://127.0.0.1:"), "it says where to look:\n{stderr}");
    serde_json::from_slice(&out.stdout).expect("one JSON report on stdout")
}

fn field(n: &serde_json::Value, name: &str) -> u64 {
    n[name].as_u64().unwrap_or_else(|| panic!("{name} in {n}"))
}

#[test]
fn the_devnet_catches_and_slashes_a_faulty_node_and_pays_the_honest_ones() {
    let report = devnet(&["--drop-fraction", "0.5"]);
    let nodes = report["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 4);
    for n in nodes {
        let (failed, slashed, paid) = (field(n, "proofs_failed"), field(n, "stake_slashed"), field(n, "revenue_paid"));
        if n["faulty"].as_bool().unwrap() {
            assert!(failed > 0 && slashed > 0, "the faulty node is caught and slashed: {n}");
        } else {
            assert!(failed == 0 && slashed == 0 && paid > 0, "an honest node is paid and never slashed: {n}");
        }
    }
    let epochs = report["epochs"].as_array().unwrap();
    // An epoch whose vnodes were all empty passes at commitment and never needs its seed.
    let verified: Vec<_> =
        epochs.iter().filter(|e| e["settled"].as_bool().unwrap() && e["proof_batches"].as_u64().unwrap() > 0).collect();
    assert!(!verified.is_empty() && verified.iter().all(|e| e["seed"].is_string()), "{report}");
}

#[test]
fn a_node_that_shrinks_its_commitments_is_slashed_on_the_users_receipts() {
    let report = devnet(&["--fault", "shrink"]);
    for n in report["nodes"].as_array().unwrap() {
        let (omissions, slashed) = (field(n, "omissions"), field(n, "stake_slashed"));
        if n["faulty"].as_bool().unwrap() {
            assert!(omissions > 0 && slashed > 0, "the shrinking node is convicted and slashed: {n}");
        } else {
            assert!(omissions == 0 && slashed == 0 && field(n, "revenue_paid") > 0, "honest nodes are paid: {n}");
        }
    }
    let counted: u64 = report["epochs"].as_array().unwrap().iter().map(|e| field(e, "omissions")).sum();
    assert!(counted > 0, "the report counts the omissions per epoch: {report}");
}
