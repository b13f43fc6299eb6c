//! The contracts' wasm (built by `scripts/build-contract.sh`) deployed into real pallet-contracts
//! in-process by drink, on two runtimes: the DDC runtime, whose `ddc-pos` chain extension checks
//! proofs natively, and drink's minimal sandbox, a pallet-contracts chain without it, where the
//! wasm verifier contract does. The same flows as the native tests, run through real calls, and
//! the on-chain cost (weight) of verifying storage proofs on each.

use crate::common;
use crate::sandbox;

use crate::common::flows;
use crate::common::*;
use ddc_verifier_contract::decode_event;
use ddc_verifier_contract::logic::{AccountId, Balance, Event, ProofItem, VerificationMode};
use drink::minimal::MinimalSandbox;
use drink::pallet_contracts::Determinism;
use drink::sandbox_api::prelude::*;
use drink::{AccountId32, Weight};
use sandbox::DdcSandbox;
use scale::Encode;

/// Enough for any call here; the weight actually used is what is reported.
const GAS: Weight = Weight::from_parts(1_000_000_000_000_000, 64 * 1024 * 1024);

struct Drink<S> {
    sandbox: S,
    core: AccountId32,
    events: Vec<Event>,
    /// Weight consumed by the last call.
    weight: Weight,
    /// System events already read.
    seen: usize,
}

fn wasm(name: &str) -> Vec<u8> {
    let path = format!("{}/../target/contract/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}; build it with scripts/build-contract.sh"))
}

fn id(a: AccountId) -> AccountId32 {
    AccountId32::new(*a.as_ref())
}

/// The harness for one sandbox type (the runtimes' types differ, the calls do not). With `$ext`
/// the core contract is instantiated to use the chain extension, else the verifier contract.
macro_rules! drink_runtime {
    ($sandbox:ty, $event:path, $ext:expr) => {
        impl Drink<$sandbox> {
            /// The core contract deployed (and the verifier contract it calls, where it needs
            /// one); `dev_chain` as the core's constructor takes it.
            fn new(dev_chain: bool) -> Self {
                let mut sandbox = <$sandbox>::default();
                for n in 1..=8 {
                    sandbox.mint_into(&id(account(n)), ENDOWMENT).unwrap();
                }
                let deploy = |sandbox: &mut $sandbox, code: Vec<u8>, data: Vec<u8>| {
                    let r = sandbox.deploy_contract(code, 0, data, vec![], id(account(ALICE)), GAS, None);
                    let r = r.result.unwrap_or_else(|e| panic!("deploy: {e:?}"));
                    assert!(!r.result.did_revert(), "constructor reverted");
                    r.account_id
                };
                let selector = ddc_verifier_contract::native::selector;
                let data = if $ext {
                    let mut data = selector("new_with_extension").to_vec();
                    dev_chain.encode_to(&mut data);
                    data
                } else {
                    let verifier = deploy(&mut sandbox, wasm("ddc_groth16_verifier"), selector("new").to_vec());
                    let mut data = selector("new").to_vec();
                    AccountId::from(<[u8; 32]>::from(verifier)).encode_to(&mut data);
                    dev_chain.encode_to(&mut data);
                    data
                };
                let core = if $ext { "ddc_verifier_contract_ddc_pos" } else { "ddc_verifier_contract" };
                let core = deploy(&mut sandbox, wasm(core), data);
                let seen = sandbox.events().len();
                Self { sandbox, core, events: Vec::new(), weight: Weight::zero(), seen }
            }
        }

        impl Runtime for Drink<$sandbox> {
            fn call(&mut self, origin: AccountId, value: Balance, data: Vec<u8>) -> Vec<u8> {
                let r = self.sandbox.call_contract(
                    self.core.clone(),
                    value,
                    data,
                    id(origin),
                    GAS,
                    None,
                    Determinism::Enforced,
                );
                self.weight = r.gas_consumed;
                // The block's event log grows across calls: read only what this call added.
                let log = self.sandbox.events();
                let new = log.get(self.seen..).unwrap_or(&log[..]).to_vec();
                self.seen = log.len();
                for record in new {
                    use $event as RuntimeEvent;
                    if let RuntimeEvent::Contracts(drink::pallet_contracts::Event::ContractEmitted { contract, data }) =
                        record.event
                    {
                        if contract == self.core {
                            // By signature topic, as clients read them: the seed's events are their own.
                            let topics: Vec<[u8; 32]> = record.topics.iter().map(|t| t.0).collect();
                            self.events.push(decode_event(&topics, &data).expect("one of the contract's events"));
                        }
                    }
                }
                let out = r.result.unwrap_or_else(|e| panic!("call trapped: {e:?}"));
                out.data
            }
            fn set_time(&mut self, now_ms: u64) {
                self.sandbox.set_timestamp(now_ms);
            }
            fn balance(&mut self, who: AccountId) -> Balance {
                self.sandbox.free_balance(&id(who))
            }
            fn take_events(&mut self) -> Vec<Event> {
                std::mem::take(&mut self.events)
            }
        }
    };
}

drink_runtime!(DdcSandbox, ddc_runtime::RuntimeEvent, true);
drink_runtime!(MinimalSandbox, drink::minimal::RuntimeEvent, false);

/// The DDC runtime, the chain the contracts are built for.
fn drink() -> Contract<Drink<DdcSandbox>> {
    Contract { rt: Drink::<DdcSandbox>::new(true) }
}

/// Any other pallet-contracts chain: proofs go to the wasm verifier contract.
fn drink_without_extension() -> Contract<Drink<MinimalSandbox>> {
    Contract { rt: Drink::<MinimalSandbox>::new(true) }
}

#[test]
fn seed_worked_example_in_pallet_contracts() {
    flows::seed_worked_example(&mut drink());
}

#[test]
fn proofs_mode_epochs_faults_rebuttals_and_gated_payouts_in_pallet_contracts() {
    flows::proofs_epochs(&mut drink());
}

#[test]
fn rent_that_streamed_is_never_locked_in_pallet_contracts() {
    flows::arrears(&mut drink());
}

#[test]
fn an_unseeded_epoch_pays_nobody_in_pallet_contracts() {
    flows::silent_epoch(&mut drink());
}

#[test]
fn insecure_keys_need_a_dev_chain_in_pallet_contracts() {
    flows::insecure_keys_need_a_dev_chain(&mut Contract { rt: Drink::<DdcSandbox>::new(false) });
}

#[test]
fn receipts_catch_omission_in_pallet_contracts() {
    common::omission::receipts_catch_omission(&mut drink());
}

#[test]
fn keys_are_immutable_in_pallet_contracts() {
    common::omission::key_rotation(&mut drink());
}

#[test]
fn attestation_mode_in_pallet_contracts() {
    flows::attestation_epoch(&mut drink());
}

#[test]
fn proofs_mode_with_the_verifier_contract_on_a_chain_without_the_extension() {
    flows::proofs_epochs(&mut drink_without_extension());
}

#[test]
fn keys_are_immutable_with_the_verifier_contract() {
    common::omission::key_rotation(&mut drink_without_extension());
}

/// The weight of one proof (a rebuttal, the dispute path) and of batches of 16 and 64
/// (`submit_proofs`), and of a settlement for scale.
fn verification_weights<S>(c: &mut Contract<Drink<S>>) -> Vec<(String, u32, Weight)>
where
    Drink<S>: Runtime,
{
    let p = flows::pos_setup(c, VerificationMode::Proofs, 82);
    let seed = p.run_epoch(c, 0, &[VERA, VICTOR], &[]);
    let mut report = Vec::new();
    let mut next = 0u32;
    for n in [1u32, 16, 64] {
        let items: Vec<ProofItem> = (next..next + n).map(|v| p.proof(&seed, 0, v)).collect();
        next += n;
        c.ok::<_, ()>(VERA, "submit_proofs", (p.cluster, 0u64, items));
        report.push((format!("submit_proofs, {n} proof(s)"), n, c.rt.weight));
    }
    c.ok::<_, ()>(VERA, "report_fault", (p.cluster, 0u64, 81u32));
    let rebuttal = p.proof(&seed, 0, 81).proof;
    c.ok::<_, ()>(flows::provider_of(p.vnodes[81]), "rebut_fault", (p.cluster, 0u64, 81u32, rebuttal));
    report.push(("rebut_fault (single proof)".into(), 1, c.rt.weight));
    c.rt.set_time(p.at(1, 1));
    c.ok::<_, ()>(ALICE, "bucket_settle_payment", 1u32);
    report.push(("bucket_settle_payment".into(), 0, c.rt.weight));
    report
}

fn ms(w: Weight) -> f64 {
    w.ref_time() as f64 / 1e9
}

fn print(chain: &str, report: &[(String, u32, Weight)]) {
    for (what, n, w) in report {
        let ms = ms(*w);
        let per = if *n > 0 { format!(", {:.2} ms per proof", ms / *n as f64) } else { String::new() };
        println!(
            "RESULT weight {chain}: {what}: ref_time {} ({ms:.2} ms, {:.2}% of a 2 s block{per}), proof_size {} B",
            w.ref_time(),
            ms / 20.0,
            w.proof_size()
        );
    }
}

/// The on-chain cost of verification with ref_time in ms of a 2 s block: through the DDC
/// runtime's extension, and in the wasm verifier contract elsewhere, in the same run (weights are
/// deterministic). Through the extension a proof in a batch of 64 must cost at most 3 ms, and a
/// single proof at least 30× less than in wasm (its floor is the call itself: a call to this
/// contract that verifies nothing, `bucket_settle_payment`, costs about 5.4 ms).
#[test]
fn weight_of_on_chain_verification() {
    let native = verification_weights(&mut drink());
    print("ddc-runtime (ddc-pos extension)", &native);
    let wasm = verification_weights(&mut drink_without_extension());
    print("pallet-contracts without the extension (verifier contract)", &wasm);
    let per_proof = |r: &[(String, u32, Weight)], i: usize| ms(r[i].2) / r[i].1 as f64;
    let (single, batch64) = (per_proof(&native, 3), per_proof(&native, 2));
    println!(
        "RESULT weight ratio wasm/native: single {:.1}x, batch of 64 {:.1}x per proof",
        per_proof(&wasm, 3) / single,
        per_proof(&wasm, 2) / batch64
    );
    assert!(per_proof(&wasm, 3) >= 30.0 * single, "a single proof costs {single:.2} ms");
    assert!(batch64 <= 3.0, "a proof in a batch of 64 costs {batch64:.2} ms");
}
