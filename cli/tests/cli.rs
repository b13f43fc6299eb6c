//! The `ddc` binary as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

fn ddc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ddc")).args(args).output().expect("runs ddc")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn circuit_info_json_meets_the_constraint_budgets() {
    for (chunk, budget) in [("1024", 5_000), ("32", 4_000)] {
        let out = ddc(&["circuit", "info", "--depth", "30", "--challenges", "32", "--chunk-bytes", chunk, "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("one JSON object");
        let per = v["constraints_per_challenge"].as_u64().unwrap();
        assert!(per <= budget, "{chunk}-byte chunks: {per} constraints per challenge > {budget}");
        assert_eq!(v["public_inputs"], 3);
        assert!(v["constraints"].as_u64().unwrap() >= 32 * per - 32);
    }
}

#[test]
fn bad_parameters_get_a_clear_error() {
    let out = ddc(&["circuit", "info", "--arity", "3"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("arity must be 2, 4 or 8"));
}

#[test]
fn setup_prove_file_and_verify_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = d.join("data.bin");
    std::fs::write(&file, (0..50_000u32).map(|i| (i * 7 % 256) as u8).collect::<Vec<_>>()).unwrap();
    let keys = d.join("keys");
    let shape = ["--depth", "9", "--challenges", "4", "--chunk-bytes", "256"];
    let p = |x: &Path| x.to_str().unwrap().to_string();

    let out = ddc(&[&["setup", "--out", &p(&keys)][..], &shape].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("INSECURE"));
    assert!(std::fs::read_dir(&keys).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains(".INSECURE.pk")));

    let proof = d.join("proof.json");
    let seed = "07".repeat(32);
    let out =
        ddc(&[&["prove-file", &p(&file), "--keys", &p(&keys), "--seed", &seed, "--out", &p(&proof)][..], &shape]
            .concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = ddc(&["verify", &p(&proof), "--keys", &p(&keys), "--file", &p(&file)]);
    assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).starts_with("VALID"));

    // The same proof for a different file, and a tampered proof, are both rejected.
    let other = d.join("other.bin");
    std::fs::write(&other, vec![1u8; 50_000]).unwrap();
    let out = ddc(&["verify", &p(&proof), "--keys", &p(&keys), "--file", &p(&other)]);
    assert_eq!(out.status.code(), Some(1));
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&proof).unwrap()).unwrap();
    v["chunk_count"] = (v["chunk_count"].as_u64().unwrap() + 1).into();
    std::fs::write(&proof, v.to_string()).unwrap();
    let out = ddc(&["verify", &p(&proof), "--keys", &p(&keys)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("INVALID"));
}

/// Verifiers independent of this project check exported proofs and refuse tampered ones:
/// `snarkjs groth16 verify` (npm snarkjs) on `ddc export snarkjs`'s files, and the Solidity
/// verifier of `ddc export solidity` compiled by solc-js and called on anvil (tools/node, pinned).
#[test]
fn independent_verifiers_accept_exported_proofs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let node = root.join("tools/node/node_modules/.bin/node");
    let cli = root.join("tools/node/node_modules/snarkjs/build/cli.cjs");
    assert!(node.exists() && cli.exists(), "snarkjs missing: run scripts/node-tools.sh (scripts/setup.sh --tests)");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let file = d.join("data.bin");
    std::fs::write(&file, (0..20_000u32).map(|i| (i * 13 % 251) as u8).collect::<Vec<_>>()).unwrap();
    let (keys, proof, out) = (d.join("keys"), d.join("proof.json"), d.join("snarkjs"));
    let shape = ["--depth", "9", "--challenges", "4", "--chunk-bytes", "256"];
    let run = |args: Vec<&str>| {
        let o = ddc(&args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    run([&["setup", "--out", &p(&keys)][..], &shape].concat());
    let seed = "2a".repeat(32);
    run([&["prove-file", &p(&file), "--keys", &p(&keys), "--seed", &seed, "--out", &p(&proof)][..], &shape].concat());
    run(vec!["export", "snarkjs", &p(&proof), "--keys", &p(&keys), "--out", &p(&out)]);

    let verify = || {
        let o = Command::new(&node)
            .arg(&cli)
            .args(["groth16", "verify"])
            .args(["verification_key.json", "public.json", "proof.json"].map(|f| out.join(f)))
            .output()
            .expect("runs snarkjs");
        (o.status.success(), stdout(&o))
    };
    let (ok, text) = verify();
    assert!(ok && text.contains("OK!"), "snarkjs refused an honest proof: {text}");

    let edit = |name: &str, f: &dyn Fn(&mut serde_json::Value)| {
        let path = out.join(name);
        let original = std::fs::read(&path).unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&original).unwrap();
        f(&mut v);
        std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
        let (ok, text) = verify();
        std::fs::write(&path, original).unwrap();
        assert!(!ok && !text.contains("OK!"), "snarkjs accepted a tampered {name}: {text}");
    };
    // Another chunk_count, another seed; A and C swapped.
    edit("public.json", &|v| v[1] = serde_json::json!("21"));
    edit("public.json", &|v| v[2] = serde_json::json!("12345"));
    edit("proof.json", &|v| {
        let a = v["pi_a"].clone();
        v["pi_a"] = v["pi_c"].clone();
        v["pi_c"] = a;
    });
    assert!(verify().0, "the restored files verify again");

    // The Solidity verifier, compiled by solc-js and run on anvil (a real EVM, from npm).
    let sol = d.join("solidity");
    run(vec!["export", "solidity", &p(&proof), "--keys", &p(&keys), "--out", &p(&sol)]);
    let calldata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sol.join("calldata.json")).unwrap()).unwrap();
    let mut files = vec![sol.join("calldata.json")];
    let tampered: [(&str, fn(&mut serde_json::Value)); 4] = [
        ("seed", |v| v["input"][2] = serde_json::json!("12345")),
        ("count", |v| v["input"][1] = serde_json::json!("21")),
        ("a_c_swapped", |v| {
            let a = v["a"].clone();
            v["a"] = v["c"].clone();
            v["c"] = a;
        }),
        ("b_coordinates_swapped", |v| {
            let b = v["b"].clone();
            v["b"] = serde_json::json!([b[1], b[0], b[3], b[2]]);
        }),
    ];
    for (name, f) in tampered {
        let mut v = calldata.clone();
        f(&mut v);
        let path = sol.join(format!("{name}.json"));
        std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
        files.push(path);
    }
    let o = Command::new(&node)
        .arg(root.join("tools/node/evm-verify.mjs"))
        .arg(sol.join("DdcStorageVerifier.sol"))
        .args(&files)
        .output()
        .expect("runs evm-verify.mjs");
    assert!(o.status.success(), "evm-verify: {}", String::from_utf8_lossy(&o.stderr));
    let results: Vec<serde_json::Value> =
        stdout(&o).lines().map(|l| serde_json::from_str(l).expect("one JSON line per calldata file")).collect();
    assert_eq!(results.len(), files.len());
    assert_eq!(results[0]["valid"], true, "the EVM refused an honest proof: {results:?}");
    for r in &results[1..] {
        assert_eq!(r["valid"], false, "the EVM accepted a tampered proof: {r}");
    }
    eprintln!("EVM verification of an honest proof: {} gas", results[0]["gas"]);
}
