//! The corpus's first inputs, written by `cargo test -p ddc-fuzz --test integration write_seeds
//! -- --ignored`: valid encodings that the fuzzer then mutates. libFuzzer grows the corpus from
//! them (`cargo fuzz cmin` keeps it small).

use ddc_circuits::storage::keys::{load_vk, write_dev_keys};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::groth16::{check_vk, encode_proof};
use ddc_prover::storage::index::{encode, CommitRecord, Manifest, ManifestEntry, ObjectMeta, ReplicaMeta};
use ddc_verifier_contract::logic::{Balance, TOKEN};
use ddc_verifier_contract::native::MESSAGES;
use scale::Encode;
use std::path::PathBuf;

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
}

/// One call of `contract_calls`: `caller ‖ value ‖ clock step ‖ message ‖ length ‖ arguments`.
fn call(caller: u8, value: Balance, step: u8, message: &str, args: impl Encode) -> Vec<u8> {
    let values = [0, 1, TOKEN, 1_000 * TOKEN];
    let value = values.iter().position(|v| *v == value).expect("one of the fuzzer's values") as u8;
    let index = MESSAGES.iter().position(|m| *m == message).expect("a message") as u8;
    let args = args.encode();
    let mut out = vec![caller, value, step, index, u8::try_from(args.len()).expect("short arguments")];
    out.extend(args);
    out
}

#[test]
#[ignore = "writes the seed corpus"]
fn write_seeds() {
    let params = StorageParams { depth: 4, arity: 2, challenges: 1, chunk_bytes: 64 }.checked().unwrap();
    let keys = tempfile::tempdir().unwrap();
    write_dev_keys(keys.path(), &params).unwrap();
    let (vk_bytes, _) = load_vk(keys.path(), &params).unwrap();
    let vk = check_vk(&vk_bytes).unwrap();
    let proof = ark_groth16::Proof { a: vk.alpha_g1, b: vk.beta_g2, c: vk.gamma_abc_g1[0] };
    write("groth16_decode", "proof", &[[0].as_slice(), &encode_proof(&proof)].concat());
    write("groth16_decode", "vk", &[[1].as_slice(), &vk_bytes].concat());
    let prepared = ddc_primitives::groth16::encode_prepared(&ark_groth16::prepare_verifying_key(&vk));
    write("groth16_decode", "prepared", &[[2].as_slice(), &prepared].concat());

    let (bob, charlie, dave, eve) = (1, 2, 3, 4);
    let flow = [
        call(bob, 0, 0, "node_create", (10 * TOKEN, "bob-node".to_string(), 100u32)),
        call(charlie, 0, 0, "node_create", (10 * TOKEN, "charlie-node".to_string(), 100u32)),
        call(bob, 0, 0, "node_trust_manager", ddc_chain::keys::dev_account("eve").unwrap()),
        call(charlie, 0, 0, "node_trust_manager", ddc_chain::keys::dev_account("eve").unwrap()),
        call(eve, 0, 0, "cluster_create", (4u32, vec![0u32, 1], "cluster".to_string())),
        call(dave, 1_000 * TOKEN, 0, "account_deposit", ()),
        call(dave, 0, 0, "bucket_create", ("bucket".to_string(), 0u32)),
        call(dave, 0, 0, "bucket_alloc_into_cluster", (0u32, 10u32)),
        call(dave, 0, 200, "bucket_settle_payment", 0u32),
        call(eve, 0, 0, "cluster_distribute_revenues", 0u32),
        call(bob, TOKEN, 0, "node_bond", (0u32, 0u32)),
        call(0, 1_000 * TOKEN, 0, "validator_bond", ()),
        call(0, 0, 0, "admin_admit_validator", ddc_chain::keys::dev_account("alice").unwrap()),
        call(dave, 0, 0, "account_withdraw", TOKEN),
    ];
    write("contract_calls", "flow", &flow.concat());
    for (i, c) in flow.iter().enumerate() {
        write("contract_calls", &format!("call-{i:02}"), c);
    }

    write("signed_request", "genuine", &ddc_fuzz::signed_request::genuine());
    write("receipts", "genuine", &ddc_fuzz::receipts::genuine());

    let meta = ObjectMeta {
        version: 3,
        len: 100,
        sha256: [7; 32],
        first_chunk: 2,
        chunks: 2,
        generation: 1,
        deleted: false,
        liable_from: 4,
        order_signature: Some([9; 64]),
    };
    let replica = ReplicaMeta { generation: 1, chunks: 4, live_chunks: 2, retired: vec![(0, 8)], last_commit: Some(3) };
    let commit = CommitRecord { generation: 1, root: [5; 32], chunk_count: 4 };
    let entry = ManifestEntry { bucket: 1, key: "a".into(), meta: meta.clone() };
    let manifest = Manifest { cluster: 1, vnode: 2, epoch: 3, root: [5; 32], chunk_count: 4, entries: vec![entry] };
    for (kind, bytes) in [(0u8, encode(&meta)), (1, encode(&replica)), (2, encode(&commit)), (3, encode(&manifest))] {
        write("storage_records", &format!("kind-{kind}"), &[[kind].as_slice(), &bytes].concat());
    }
    write("replica_recovery", "three-objects", &[100, 64, 1, 0, 40, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 33]);
}
