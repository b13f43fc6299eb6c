//! The `ddc` binary as a user runs it.

use crate::node_tools;
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
    let node = node_tools::node();
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
        let files = ["verification_key.json", "public.json", "proof.json"].map(|f| out.join(f));
        node_tools::snarkjs(&[Path::new("groth16"), Path::new("verify"), &files[0], &files[1], &files[2]])
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
        .arg(node_tools::script("evm-verify.mjs"))
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

    // The same bytecode in revm, another EVM, whose BN254 precompiles are substrate-bn's (not
    // arkworks', which our prover uses), with an explicit gas limit: a pairing check starved of
    // gas makes the verifier return false rather than revert.
    let o = Command::new(&node)
        .arg(node_tools::script("evm-verify.mjs"))
        .arg(sol.join("DdcStorageVerifier.sol"))
        .arg("--bytecode")
        .output()
        .expect("runs evm-verify.mjs");
    assert!(o.status.success(), "solc: {}", String::from_utf8_lossy(&o.stderr));
    let compiled: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let init = hex::decode(compiled["bytecode"].as_str().unwrap()).unwrap();
    let selector = hex::decode(compiled["selector"].as_str().unwrap()).unwrap();
    for (i, file) in files.iter().enumerate() {
        let cd: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        let (ok, output, gas) = revm_call(&init, &evm_calldata(&selector, &cd), 1_000_000);
        assert!(ok, "{}: the call failed", file.display());
        let valid = output.len() == 32 && output[31] == 1 && output[..31].iter().all(|b| *b == 0);
        assert_eq!(valid, i == 0, "revm on {}: {output:?}", file.display());
        if i == 0 {
            assert_eq!(serde_json::json!(gas), results[0]["gas"], "revm and anvil charge the same gas");
            eprintln!("revm verification of an honest proof: {gas} gas");
        }
    }
    let cd: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let (_, output, _) = revm_call(&init, &evm_calldata(&selector, &cd), 60_000);
    assert!(output.iter().all(|b| *b == 0), "a starved honest call does not verify");
}

/// `verifyProof(uint256[2],uint256[4],uint256[2],uint256[3])` calldata: static ABI, one word per
/// number.
fn evm_calldata(selector: &[u8], cd: &serde_json::Value) -> Vec<u8> {
    let mut data = selector.to_vec();
    for key in ["a", "b", "c", "input"] {
        for n in cd[key].as_array().unwrap() {
            let n: num_bigint_dec::Dec = n.as_str().unwrap().parse().unwrap();
            data.extend_from_slice(&n.0);
        }
    }
    data
}

/// A decimal string as a 32-byte big-endian word.
mod num_bigint_dec {
    pub struct Dec(pub [u8; 32]);
    impl std::str::FromStr for Dec {
        type Err = String;
        fn from_str(s: &str) -> Result<Self, String> {
            let mut w = [0u8; 32];
            for d in s.bytes() {
                let mut carry = (d as char).to_digit(10).ok_or("not decimal")?;
                for b in w.iter_mut().rev() {
                    let x = *b as u32 * 10 + carry;
                    *b = x as u8;
                    carry = x >> 8;
                }
                if carry != 0 {
                    return Err("over 256 bits".into());
                }
            }
            Ok(Dec(w))
        }
    }
}

/// Deploys `init` in a fresh revm and calls it with `data` as a transaction of `gas` gas;
/// returns (success, output, gas used by the transaction).
fn revm_call(init: &[u8], data: &[u8], gas: u64) -> (bool, Vec<u8>, u64) {
    use revm::context::{Context, TxEnv};
    use revm::database::CacheDB;
    use revm::database_interface::EmptyDB;
    use revm::primitives::{address, Address, Bytes, TxKind};
    use revm::{ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};
    const CALLER: Address = address!("0x1000000000000000000000000000000000000001");
    let mut evm = Context::mainnet().with_db(CacheDB::<EmptyDB>::default()).build_mainnet();
    let tx = |kind, data: &[u8], gas, nonce| {
        TxEnv::builder()
            .caller(CALLER)
            .kind(kind)
            .data(Bytes::copy_from_slice(data))
            .gas_limit(gas)
            .gas_price(0)
            .nonce(nonce)
            .build()
            .expect("a legacy transaction")
    };
    let deployed = evm.transact_commit(tx(TxKind::Create, init, 10_000_000, 0)).expect("deploys");
    let contract = deployed.created_address().expect("a contract address");
    let r = evm.transact(tx(TxKind::Call(contract), data, gas, 1)).expect("executes").result;
    (r.is_success(), r.output().map(|b| b.to_vec()).unwrap_or_default(), r.tx_gas_used())
}

/// A whole ceremony through `ddc ceremony` for the smallest shape: phase 1 with two
/// participants, one of them air-gapped (challenge/response), and a beacon; phase 2 with three
/// participants and a beacon; `finalize` writes keys that are not INSECURE and that
/// `prove-file` and `verify` use; snarkjs checks both ceremony files.
#[test]
fn a_ceremony_makes_keys_that_prove_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let run = |args: &[&str]| -> String {
        let o = ddc(args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    let shape = ["--depth", "2", "--challenges", "1", "--chunk-bytes", "32"];
    let beacon = ["--hash", "00112233445566778899aabbccddeeff", "--iterations-exp", "10", "--name", "beacon"];

    run(&["ceremony", "phase1", "new", "--power", "11", "--out", &d("0.ptau")]);
    let alice = run(&["ceremony", "phase1", "contribute", &d("0.ptau"), "--out", &d("1.ptau"), "--name", "alice"]);
    run(&["ceremony", "phase1", "export-challenge", &d("1.ptau"), "--out", &d("challenge")]);
    let bob = run(&["ceremony", "phase1", "respond", &d("challenge"), "--out", &d("response"), "--entropy", "bob"]);
    run(&[
        "ceremony",
        "phase1",
        "import-response",
        &d("1.ptau"),
        "--response",
        &d("response"),
        "--out",
        &d("2.ptau"),
        "--name",
        "bob",
    ]);
    run(&[&["ceremony", "phase1", "beacon", &d("2.ptau"), "--out", &d("3.ptau")][..], &beacon].concat());
    run(&["ceremony", "phase1", "prepare", &d("3.ptau"), "--out", &d("final.ptau")]);
    let listed = run(&["ceremony", "phase1", "verify", &d("final.ptau")]);
    // Each participant finds the hash they were shown.
    let hex = |s: &str| s.split_whitespace().collect::<String>();
    let hash_of = |out: &str| hex(&out.lines().skip(1).take(4).collect::<Vec<_>>().join(" "));
    for (who, out) in [("alice", &alice), ("bob", &bob)] {
        let found = listed.contains(&format!("{who}\n")) && hex(&listed).contains(&hash_of(out));
        assert!(found, "{who} not listed: {listed}\n{who} was shown: {out}");
    }

    run(&[&["export", "r1cs", "--out", &d("circuit.r1cs")][..], &shape].concat());
    run(&[
        "ceremony",
        "phase2",
        "setup",
        "--r1cs",
        &d("circuit.r1cs"),
        "--ptau",
        &d("final.ptau"),
        "--out",
        &d("0.zkey"),
    ]);
    for (i, who) in ["alice", "bob", "carol"].into_iter().enumerate() {
        let (from, to) = (d(&format!("{i}.zkey")), d(&format!("{}.zkey", i + 1)));
        run(&["ceremony", "phase2", "contribute", &from, "--out", &to, "--name", who, "--entropy", who]);
    }
    run(&[&["ceremony", "phase2", "beacon", &d("3.zkey"), "--out", &d("final.zkey")][..], &beacon].concat());
    let (ok, out) = node_tools::snarkjs(&["powersoftau".into(), "verify".into(), d("final.ptau")]);
    assert!(ok && out.contains("Powers of Tau Ok!"), "{out}");
    let (ok, out) =
        node_tools::snarkjs(&["zkey".into(), "verify".into(), d("circuit.r1cs"), d("final.ptau"), d("final.zkey")]);
    assert!(ok && out.contains("ZKey Ok!"), "{out}");

    let (keys, zkey, r1cs, ptau) = (d("keys"), d("final.zkey"), d("circuit.r1cs"), d("final.ptau"));
    let fin =
        [&["ceremony", "finalize", "--zkey", &zkey, "--r1cs", &r1cs][..], &["--ptau", &ptau, "--keys", &keys], &shape]
            .concat();
    let printed = run(&fin);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("keys/storage-d2-a8-k1-c32.manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["insecure"], false);
    assert!(printed.contains(manifest["vk_sha256"].as_str().unwrap()), "{printed}");
    assert!(manifest["origin"].as_str().unwrap().starts_with("ceremony: zkey sha256"));

    std::fs::write(d("data.bin"), (0..150u32).map(|i| (i * 7) as u8).collect::<Vec<_>>()).unwrap();
    let seed = "2a".repeat(32);
    let proved = run(&[
        &["prove-file", &d("data.bin"), "--keys", &keys, "--seed", &seed, "--out", &d("proof.json")][..],
        &shape,
    ]
    .concat());
    assert!(!proved.contains("INSECURE"), "{proved}");
    run(&["verify", &d("proof.json"), "--keys", &keys, "--file", &d("data.bin")]);

    // The circuit of another shape (one more level of the 8-ary tree) is refused at finalize.
    run(&["export", "r1cs", "--depth", "4", "--challenges", "1", "--chunk-bytes", "32", "--out", &d("other.r1cs")]);
    let (other, k2) = (d("other.r1cs"), d("k2"));
    let fin_other =
        [&["ceremony", "finalize", "--zkey", &zkey, "--r1cs", &other][..], &["--ptau", &ptau, "--keys", &k2], &shape]
            .concat();
    let o = ddc(&fin_other);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("is not the circuit of shape"), "{err}");
}
