//! The Substrate backend's pure encoding and decoding, checked against a real pallet-contracts
//! runtime without a node: drink's sandbox runtime (the same pallet-contracts as a
//! `substrate-contracts-node`) with the contracts' wasm (`scripts/build-contract.sh`) deployed.
//! Its own metadata drives the backend; its own types decode what the backend built, and what
//! the runtime produced (dry-run results, `System::Events`) goes through the backend's decoders.

use ddc_chain::calls::call_data as ink_call;
use ddc_chain::substrate::decode::{contract_events, decode_dry_run, Only, StorageDeposit};
use ddc_chain::substrate::encode::{call_data, contracts_call, dry_run_args, Weight};
use ddc_chain::substrate::parse_account;
use ddc_chain::{AccountId, Event, Signer};
use ddc_verifier_contract::logic::{Error as ContractError, NodeStatus, TOKEN};
use ddc_verifier_contract::{decode_event, DDC_EVENT_TOPIC, SEED_EVENT_TOPICS};
use drink::frame_support::storage::{storage_prefix, unhashed};
use drink::minimal::{MinimalSandbox, RuntimeCall, RuntimeEvent};
use drink::pallet_contracts::{self, Determinism};
use drink::sandbox_api::prelude::*;
use drink::{AccountId32, Sandbox};
use scale::{DecodeAll, Encode};
use subxt::{ArcMetadata, Metadata};

const GAS: drink::Weight = drink::Weight::from_parts(1_000_000_000_000_000, 64 * 1024 * 1024);

fn wasm(name: &str) -> Vec<u8> {
    let path = format!("{}/../target/contract/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}; build it with scripts/build-contract.sh"))
}

fn id(a: AccountId) -> AccountId32 {
    AccountId32::new(*a.as_ref())
}

fn alice() -> AccountId {
    Signer::dev("alice").unwrap().account()
}

/// A dry run's result as the runtime's own types hold it.
struct Reference {
    gas_consumed: Weight,
    gas_required: Weight,
    storage_deposit: StorageDeposit,
    output: Option<(u32, Vec<u8>)>,
    /// Events the result carries after the fields the backend reads.
    events: usize,
}

struct Chain {
    sandbox: MinimalSandbox,
    core: AccountId,
    metadata: ArcMetadata,
}

/// The sandbox runtime's metadata, SCALE-encoded as `state_getMetadata` serves it, read by subxt.
fn runtime_metadata() -> ArcMetadata {
    let bytes = <MinimalSandbox as Sandbox>::get_metadata().encode();
    Metadata::decode_from(&bytes).expect("subxt reads the sandbox runtime's metadata").arc()
}

impl Chain {
    fn new() -> Self {
        let mut sandbox = MinimalSandbox::default();
        sandbox.mint_into(&id(alice()), 1_000_000 * TOKEN).unwrap();
        let mut deploy = |code: Vec<u8>, data: Vec<u8>| {
            let r = sandbox.deploy_contract(code, 0, data, vec![], id(alice()), GAS, None);
            let r = r.result.unwrap_or_else(|e| panic!("deploy: {e:?}"));
            assert!(!r.result.did_revert(), "constructor reverted");
            AccountId::from(<[u8; 32]>::from(r.account_id))
        };
        let verifier = deploy(wasm("ddc_groth16_verifier"), ink_call("new", ()));
        let core = deploy(wasm("ddc_verifier_contract"), ink_call("new", (verifier, true)));
        sandbox.reset_events();
        Self { sandbox, core, metadata: runtime_metadata() }
    }

    /// What `ContractsApi_call` answers for `args` (the backend's encoding): the runtime's
    /// `bare_call` with the decoded arguments, as the runtime API implements it, state kept
    /// unchanged; SCALE-encoded, with the runtime's own reading of the result.
    fn contracts_api_call(&mut self, args: &[u8]) -> (Vec<u8>, Reference) {
        type Args = (AccountId32, AccountId32, u128, Option<drink::Weight>, Option<u128>, Vec<u8>);
        let (origin, dest, value, gas, limit, input) = Args::decode_all(&mut &args[..]).expect("runtime API args");
        let r = self
            .sandbox
            .dry_run(|s| s.call_contract(dest, value, input, origin, gas.unwrap_or(GAS), limit, Determinism::Enforced));
        let weight = |w: drink::Weight| Weight { ref_time: w.ref_time(), proof_size: w.proof_size() };
        let reference = Reference {
            gas_consumed: weight(r.gas_consumed),
            gas_required: weight(r.gas_required),
            storage_deposit: match r.storage_deposit {
                pallet_contracts::StorageDeposit::Charge(v) => StorageDeposit::Charge(v),
                pallet_contracts::StorageDeposit::Refund(v) => StorageDeposit::Refund(v),
            },
            output: r.result.as_ref().ok().map(|o| (o.flags.bits(), o.data.clone())),
            events: r.events.as_ref().map_or(0, |e| e.len()),
        };
        (r.encode(), reference)
    }

    /// `System::Events` as storage holds it.
    fn raw_events(&mut self) -> Vec<u8> {
        let key = storage_prefix(b"System", b"Events");
        self.sandbox.execute_with(|| unhashed::get_raw(&key)).unwrap_or_default()
    }

    /// The contract's events as drink's own types decode them.
    fn reference_events(&mut self) -> Vec<Event> {
        let core = id(self.core);
        let mut out = Vec::new();
        for record in self.sandbox.events() {
            if let RuntimeEvent::Contracts(pallet_contracts::Event::ContractEmitted { contract, data }) = record.event {
                if contract == core {
                    let topics: Vec<[u8; 32]> = record.topics.iter().map(|t| t.0).collect();
                    out.push(decode_event(&topics, &data).expect("one of the contract's events"));
                }
            }
        }
        out
    }

    /// Makes the next events count as the block's `n`th extrinsic's.
    fn set_extrinsic(&mut self, n: u32) {
        let key = storage_prefix(b"System", b"ExecutionPhase");
        self.sandbox.execute_with(|| unhashed::put_raw(&key, &(0u8, n).encode()));
    }

    /// The backend's path of `submit_raw` without the network: dry run, then `Contracts::call`
    /// built from the metadata with the dry run's gas and deposit, decoded by the runtime as its
    /// own `RuntimeCall` and dispatched signed by Alice.
    fn submit(&mut self, value: u128, data: Vec<u8>) -> Vec<u8> {
        let (dry, _) = self.contracts_api_call(&dry_run_args(&alice(), &self.core, value, &data));
        let dry = decode_dry_run(&self.metadata, &dry).expect("dry run decodes");
        let out = dry.result.clone().expect("dry run ran");
        assert!(!out.reverted(), "dry run reverted");
        let gas = dry.gas_required.with_margin(10);
        let call = contracts_call(&self.metadata, &self.core, value, gas, dry.deposit_limit(), data.clone()).unwrap();
        let bytes = call_data(&self.metadata, &call).expect("Contracts::call encodes");
        let call = RuntimeCall::decode_all(&mut &bytes[..]).expect("the runtime decodes the call");
        match &call {
            RuntimeCall::Contracts(pallet_contracts::Call::call {
                dest,
                value: v,
                gas_limit,
                storage_deposit_limit,
                data: d,
            }) => {
                assert_eq!(*dest, drink::frame_support::sp_runtime::MultiAddress::Id(id(self.core)));
                assert_eq!(*v, value);
                assert_eq!((gas_limit.ref_time(), gas_limit.proof_size()), (gas.ref_time, gas.proof_size));
                assert_eq!(storage_deposit_limit.as_ref().map(|c| c.0), dry.deposit_limit());
                assert_eq!(*d, data);
            }
            other => panic!("not Contracts::call: {other:?}"),
        }
        self.sandbox.runtime_call(call, Some(id(alice()))).expect("Contracts::call dispatches");
        out.data
    }
}

/// The seed's 11 events as its SDK and indexers read them: name, fields in order, and which
/// fields are topics (`*`). Stated here on their own, from ddc_bucket 0.5.2, so the test can fail.
const SEED_EVENTS: [(&str, &[&str]); 11] = [
    ("BucketCreated", &["*bucket_id", "*owner_id"]),
    ("BucketAllocated", &["*bucket_id", "*cluster_id", "resource"]),
    ("BucketSettlePayment", &["*bucket_id", "*cluster_id"]),
    ("ClusterCreated", &["*cluster_id", "*manager", "cluster_params"]),
    ("ClusterNodeReplaced", &["*cluster_id", "*node_id", "vnode_index"]),
    ("ClusterReserveResource", &["*cluster_id", "resource"]),
    ("ClusterDistributeRevenues", &["*cluster_id", "*provider_id"]),
    ("NodeCreated", &["*node_id", "*provider_id", "rent_per_month", "node_params"]),
    ("Deposit", &["*account_id", "value"]),
    ("GrantPermission", &["*account_id", "permission"]),
    ("RevokePermission", &["*account_id", "permission"]),
];

#[test]
fn contract_metadata_has_the_seeds_events_and_the_signature_topics_the_backend_expects() {
    let path = format!("{}/../target/contract/ddc_verifier_contract.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}; run scripts/build-contract.sh"));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = json["spec"]["events"].as_array().expect("spec.events");
    let by_label = |label: &str| events.iter().find(|e| e["label"] == label).unwrap_or_else(|| panic!("no {label}"));
    let topic = |t: Option<[u8; 32]>| serde_json::Value::from(format!("0x{}", hex::encode(t.unwrap())));
    assert_eq!(events.len(), 12, "the seed's 11 events and DdcEvent");
    assert_eq!(by_label("DdcEvent")["signature_topic"], topic(DDC_EVENT_TOPIC));
    for ((label, fields), expected_topic) in SEED_EVENTS.iter().zip(SEED_EVENT_TOPICS) {
        let e = by_label(label);
        assert_eq!(e["signature_topic"], topic(expected_topic), "{label}");
        let got: Vec<String> = e["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| format!("{}{}", if a["indexed"] == true { "*" } else { "" }, a["label"].as_str().unwrap()))
            .collect();
        assert_eq!(got, *fields, "{label}");
    }
}

#[test]
fn contracts_call_dispatches_in_the_runtime_and_its_events_decode() {
    let mut c = Chain::new();
    c.set_extrinsic(0);
    let first = c.submit(0, ink_call("node_create", (10 * TOKEN, String::from("{\"url\":\"http://n1\"}"), 100u32)));
    assert_eq!(<Result<Result<u32, ContractError>, u8>>::decode_all(&mut &first[..]).unwrap(), Ok(Ok(1)));
    c.set_extrinsic(1);
    c.submit(0, ink_call("node_create", (20 * TOKEN, String::from("{\"url\":\"http://n2\"}"), 50u32)));

    // The effect, read back through the backend's dry-run path (`query_raw`).
    let args = dry_run_args(&alice(), &c.core, 0, &ink_call("node_get", 2u32));
    let (raw, _) = c.contracts_api_call(&args);
    let dry = decode_dry_run(&c.metadata, &raw).unwrap();
    let out = dry.result.expect("ran");
    assert!(!out.reverted());
    let node =
        <Result<Result<NodeStatus, ContractError>, u8>>::decode_all(&mut &out.data[..]).unwrap().unwrap().unwrap();
    assert_eq!((node.node.provider_id, node.node.rent_per_month), (alice(), 20 * TOKEN));

    // The runtime's real event records, as `System::Events` stores them.
    let raw = c.raw_events();
    let expected = c.reference_events();
    assert_eq!(expected.len(), 2);
    assert!(matches!(expected[0], Event::NodeCreated { node_id: 1, .. }));
    let all = contract_events(&c.metadata, &raw, &c.core, Only::Block).expect("events decode");
    assert_eq!(all, expected);
    // By extrinsic: the first call ran as the block's extrinsic 0, the second as extrinsic 1.
    assert_eq!(contract_events(&c.metadata, &raw, &c.core, Only::Extrinsic(0)).unwrap(), expected[..1]);
    assert_eq!(contract_events(&c.metadata, &raw, &c.core, Only::Extrinsic(1)).unwrap(), expected[1..]);
    assert!(contract_events(&c.metadata, &raw, &c.core, Only::Extrinsic(2)).unwrap().is_empty());
    // Another emitter's events are not ours; an empty block has none.
    assert!(contract_events(&c.metadata, &raw, &alice(), Only::Block).unwrap().is_empty());
    assert!(contract_events(&c.metadata, &[], &c.core, Only::Block).unwrap().is_empty());
    assert!(contract_events(&c.metadata, &[0], &c.core, Only::Block).unwrap().is_empty());
    // Truncated records are an error, not silently fewer events.
    assert!(contract_events(&c.metadata, &raw[..raw.len() - 1], &c.core, Only::Block).is_err());
}

#[test]
fn dry_run_results_decode() {
    let mut c = Chain::new();
    c.submit(0, ink_call("node_create", (TOKEN, String::new(), 10u32)));

    // A message that writes: gas and a storage deposit charged, compared with the runtime's own
    // decoding of the same bytes.
    let data = ink_call("node_create", (TOKEN, String::from("more"), 10u32));
    let (raw, reference) = c.contracts_api_call(&dry_run_args(&alice(), &c.core, 0, &data));
    let dry = decode_dry_run(&c.metadata, &raw).unwrap();
    assert_eq!(dry.gas_consumed, reference.gas_consumed);
    assert_eq!(dry.gas_required, reference.gas_required);
    assert!(dry.gas_required.ref_time > 0);
    assert_eq!(dry.storage_deposit, reference.storage_deposit);
    assert!(matches!(dry.storage_deposit, StorageDeposit::Charge(v) if v > 0));
    let out = dry.result.as_ref().unwrap();
    assert_eq!(Some((out.flags, out.data.clone())), reference.output);
    assert!(reference.events > 0, "the trailing events were there to skip");

    // A message that returns `Err`: REVERT, and the contract's error in the output.
    let (raw, _) = c.contracts_api_call(&dry_run_args(&alice(), &c.core, 0, &ink_call("node_get", 99u32)));
    let out = decode_dry_run(&c.metadata, &raw).unwrap().result.unwrap();
    assert!(out.reverted());
    let err = <Result<Result<NodeStatus, ContractError>, u8>>::decode_all(&mut &out.data[..]).unwrap();
    assert_eq!(err, Ok(Err(ContractError::NodeDoesNotExist)));

    // No contract at the address: the runtime's DispatchError, named from the metadata.
    let (raw, _) = c.contracts_api_call(&dry_run_args(&alice(), &alice(), 0, &ink_call("node_get", 1u32)));
    let err = decode_dry_run(&c.metadata, &raw).unwrap().result.unwrap_err();
    assert!(err.contains("Contracts::ContractNotFound"), "{err}");

    // Garbage is an error, not a panic.
    assert!(decode_dry_run(&c.metadata, &raw[..3]).is_err());
}

/// The backend names a reverted on-chain call by the text subxt gives its `DispatchError`.
#[test]
fn reverted_extrinsic_is_named_contract_reverted() {
    let mut c = Chain::new();
    let call = contracts_call(
        &c.metadata,
        &c.core,
        0,
        Weight { ref_time: GAS.ref_time(), proof_size: GAS.proof_size() },
        None,
        ink_call("node_get", 99u32),
    )
    .unwrap();
    let bytes = call_data(&c.metadata, &call).unwrap();
    let call = RuntimeCall::decode_all(&mut &bytes[..]).unwrap();
    let err = c.sandbox.runtime_call(call, Some(id(alice()))).expect_err("reverts");
    let named = subxt::error::DispatchError::decode_from(err.error.encode(), c.metadata.clone()).unwrap();
    assert!(named.to_string().contains("ContractReverted"), "{named}");
}

#[test]
fn contract_addresses_parse_as_ss58_or_hex() {
    let a = alice();
    let ss58 = ddc_chain::substrate::address::to_ss58(&a);
    assert_eq!(ss58, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    assert_eq!(parse_account(&ss58).unwrap(), a);
    assert_eq!(parse_account(&format!("0x{}", hex::encode(a))).unwrap(), a);
    assert!(parse_account("0x1234").is_err());
    assert!(parse_account("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ").is_err(), "bad checksum");
    assert!(parse_account("").is_err());
}
