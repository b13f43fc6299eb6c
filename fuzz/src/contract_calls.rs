//! Sequences of arbitrary ink! call data against the contract's rules, run natively as the
//! embedded chain runs them. After every call the contract's books must equal its balance and no
//! money may appear or vanish; a dry run must predict the call exactly; a view must answer the
//! same whoever asks.

use ddc_chain::keys::dev_account;
use ddc_verifier_contract::logic::{AccountId, Balance, TOKEN};
use ddc_verifier_contract::native::{selector, State, MESSAGES};
use std::sync::OnceLock;

const NAMES: [&str; 5] = ["alice", "bob", "charlie", "dave", "eve"];
const VALUES: [Balance; 4] = [0, 1, TOKEN, 1_000 * TOKEN];

struct Fixture {
    accounts: Vec<AccountId>,
    genesis: State,
    selectors: Vec<[u8; 4]>,
    /// The messages that change nothing (`mutates: false` in the contract's ink! metadata).
    views: Vec<[u8; 4]>,
}

fn views() -> Vec<[u8; 4]> {
    let text =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../verifier-contract/wasm/ddc_verifier_contract.json"));
    let metadata: serde_json::Value = serde_json::from_str(text).expect("the contract's ink! metadata");
    let messages = metadata["spec"]["messages"].as_array().expect("messages");
    let selector = |m: &serde_json::Value| {
        let hex = m["selector"].as_str().expect("a selector").trim_start_matches("0x");
        hex::decode(hex).expect("hex").try_into().expect("4 bytes")
    };
    messages.iter().filter(|m| !m["mutates"].as_bool().expect("mutates")).map(selector).collect()
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let accounts: Vec<AccountId> = NAMES.iter().map(|n| dev_account(n).expect("dev account")).collect();
        let contract = AccountId::from([0xcc; 32]);
        let balances = accounts.iter().map(|a| (*a, 1_000_000 * TOKEN));
        let genesis = State::genesis(contract, accounts[0], balances, true);
        Fixture { accounts, genesis, selectors: MESSAGES.iter().map(|m| selector(m)).collect(), views: views() }
    })
}

/// Each call is `caller ‖ value ‖ clock step ‖ message ‖ length ‖ arguments`; message 255 takes
/// the next four bytes as a raw selector.
pub fn run(data: &[u8]) {
    let f = fixture();
    let mut state = f.genesis.clone();
    let total: Balance = state.balances.values().sum();
    let mut input = data;
    while let [caller, value, step, message, len, rest @ ..] = input {
        let caller = f.accounts[*caller as usize % f.accounts.len()];
        let value = VALUES[*value as usize % VALUES.len()];
        state.now_ms += u64::from(*step) * 1_000;
        let (mut call, rest) = match (*message, rest) {
            (255, [a, b, c, d, rest @ ..]) => (vec![*a, *b, *c, *d], rest),
            (255, _) => return,
            (m, rest) => (f.selectors[m as usize % f.selectors.len()].to_vec(), rest),
        };
        let n = (*len as usize).min(rest.len());
        call.extend_from_slice(&rest[..n]);
        input = &rest[n..];

        let predicted = state.dry_run(caller, value, &call).map(|(out, events)| (out.data, out.reverted, events));
        // The Substrate backend runs every view from the contract's own account.
        if value == 0 && f.views.iter().any(|v| call.starts_with(v)) {
            let anyone = state.dry_run(state.contract, 0, &call).map(|(out, events)| (out.data, out.reverted, events));
            assert_eq!(anyone, predicted, "a view answers the same whoever asks");
        }
        let ran = state.call(caller, value, &call).map(|(out, events)| (out.data, out.reverted, events));
        match (&predicted, &ran) {
            (Ok((data, reverted, events)), Ok((d, r, e))) => {
                assert_eq!((data, reverted), (d, r), "the dry run predicts the call");
                if !reverted {
                    assert_eq!(events, e, "the dry run predicts the events");
                }
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("dry run {predicted:?} and call {ran:?} disagree"),
        }
        assert_eq!(state.held(), state.balance(&state.contract), "the contract's books equal its balance");
        assert_eq!(state.balances.values().sum::<Balance>(), total, "no money is created or lost");
    }
}
