//! The README's main command as a user runs it, on a small circuit: `ddc devnet --faulty 1
//! --exit --json` runs epochs until they are paid out and prints one JSON report in which the
//! faulty node was caught and slashed and every honest node was paid: a node that dropped chunks
//! by the validators, a node that shrank its commitments by the user's receipts.

use std::process::Command;

/// Runs `ddc devnet` on the small circuit with `fault_args`; the JSON report.
fn devnet(fault_args: &[&str]) -> serde_json::Value {
    devnet_with(fault_args, &["--epochs", "2", "--epoch-ms", "10000", "--block-ms", "100"])
}

/// [`devnet`] with `timing`: `--epochs` (after the workload's), `--epoch-ms` and `--block-ms`.
fn devnet_with(fault_args: &[&str], timing: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ddc"))
        .args(["devnet", "--faulty", "1", "--exit", "--json", "--lockstep"])
        .args(fault_args)
        .args(timing)
        .args(["--vnodes", "8", "--validators", "2"])
        .args(["--depth", "12", "--challenges", "4", "--chunk-bytes", "64", "--objects", "16", "--object-kib", "4"])
        .args(["--chain-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("devnet"))
        // The repository: `--chain-spec` finds tools/node and target/contract there.
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
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
    caught_and_paid(&devnet(&["--drop-fraction", "0.5"]));
}

/// The same network on a real Substrate node: chopsticks over the DDC runtime wasm, the core
/// contract's `ddc-pos` build deployed, proofs verified by the runtime's extension.
///
/// Chopsticks interprets the runtime, which interprets the contract, so each distinct contract
/// query of a block costs the node's one thread a fresh interpretation. The daemons' queries all
/// run from one account, so the node's per-block cache answers each view once for all of them.
#[test]
fn on_a_substrate_node_the_faulty_node_is_slashed_and_the_honest_ones_paid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let wasm = root.join("target/runtime/ddc_runtime.wasm");
    let code = std::fs::read(&wasm).unwrap_or_else(|e| panic!("{}: {e}: run scripts/build-runtime.sh", wasm.display()));
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("ddc-dev.json");
    std::fs::write(&spec, serde_json::to_vec(&ddc_runtime::chain_spec::dev_chain_spec(&code).unwrap()).unwrap())
        .unwrap();
    // Every query is a contract dry run that the node interprets: the daemons poll it less often,
    // and one epoch after the workload's (the one the faulty node fails) is enough. In lockstep
    // the epoch length is chain time only; the longer one widens the devnet's wall-clock deadline.
    let timing = ["--epochs", "1", "--epoch-ms", "60000", "--block-ms", "1000"];
    let report = devnet_with(&["--drop-fraction", "0.5", "--chain-spec", spec.to_str().unwrap()], &timing);
    assert!(report["chain_url"].as_str().unwrap().starts_with("ws://"), "on the Substrate node: {report}");
    caught_and_paid(&report);
}

/// The faulty node was caught and slashed, every honest one paid, and the verified epochs had seeds.
fn caught_and_paid(report: &serde_json::Value) {
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
