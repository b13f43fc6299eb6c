//! One contract-test harness over two runtimes: real pallet-contracts executing the wasm (drink)
//! and the embedded chain's native executor. The flows in `flows.rs` run unchanged on both.
#![allow(dead_code)]

pub mod flows;
pub mod omission;
pub mod proofs;

use ddc_verifier_contract::logic::{AccountId, Balance, Error, Event};
use ddc_verifier_contract::native::{selector, State};
use scale::{Decode, Encode};

/// A chain that runs the contract.
pub trait Runtime {
    /// Runs ink! call data (selector ‖ SCALE arguments); returns the message's encoded output.
    fn call(&mut self, origin: AccountId, value: Balance, data: Vec<u8>) -> Vec<u8>;
    fn set_time(&mut self, now_ms: u64);
    fn balance(&mut self, who: AccountId) -> Balance;
    /// The contract's events since the last call of this.
    fn take_events(&mut self) -> Vec<Event>;
}

pub struct Contract<R> {
    pub rt: R,
}

/// The development accounts `//Alice`, `//Bob`, … (sr25519, INSECURE): the same ids on every
/// runtime, and real keys where the chain checks signatures.
pub const NAMES: [&str; 8] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie", "Vera", "Victor"];

pub fn keypair(n: u8) -> subxt_signer::sr25519::Keypair {
    let uri: subxt_signer::SecretUri = format!("//{}", NAMES[n as usize - 1]).parse().expect("dev URI");
    subxt_signer::sr25519::Keypair::from_uri(&uri).expect("dev key")
}

pub fn account(n: u8) -> AccountId {
    static IDS: std::sync::OnceLock<Vec<AccountId>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| (1..=8).map(|n| AccountId::from(keypair(n).public_key().0)).collect())[n as usize - 1]
}

pub const ALICE: u8 = 1; // deployer: SuperAdmin
pub const BOB: u8 = 2;
pub const CHARLIE: u8 = 3;
pub const DAVE: u8 = 4;
pub const EVE: u8 = 5; // cluster manager
pub const FERDIE: u8 = 6; // user
pub const VERA: u8 = 7; // validator
pub const VICTOR: u8 = 8; // validator
/// Every test account starts with this much.
pub const ENDOWMENT: Balance = 1_000_000 * ddc_verifier_contract::logic::TOKEN;

impl<R: Runtime> Contract<R> {
    /// Calls `msg` with SCALE-encoded `args` (a tuple for several) and decodes its return value.
    pub fn send<A: Encode, T: Decode>(&mut self, who: u8, value: Balance, msg: &str, args: A) -> T {
        let mut data = selector(msg).to_vec();
        args.encode_to(&mut data);
        let out = self.rt.call(account(who), value, data);
        let result =
            <Result<T, u8>>::decode(&mut &out[..]).unwrap_or_else(|e| panic!("{msg}: undecodable output: {e}"));
        result.unwrap_or_else(|e| panic!("{msg}: ink! LangError {e}"))
    }

    /// A message that returns `Result<T, Error>`.
    pub fn tx<A: Encode, T: Decode>(&mut self, who: u8, msg: &str, args: A) -> Result<T, Error> {
        self.send(who, 0, msg, args)
    }

    pub fn ok<A: Encode, T: Decode>(&mut self, who: u8, msg: &str, args: A) -> T {
        self.tx(who, msg, args).unwrap_or_else(|e| panic!("{msg}: {e:?}"))
    }

    pub fn query<A: Encode, T: Decode>(&mut self, msg: &str, args: A) -> T {
        self.send(ALICE, 0, msg, args)
    }
}

/// The embedded chain's executor.
pub struct Native {
    pub state: State,
    events: Vec<Event>,
}

impl Native {
    /// A development deployment (clusters may pin insecure keys), as the flows' keys are.
    pub fn new() -> Self {
        Self::deployed(true)
    }

    pub fn deployed(dev_chain: bool) -> Self {
        let contract = AccountId::from([0xcc; 32]); // no key: only the contract spends it
        let balances = (1..=8).map(|n| (account(n), ENDOWMENT));
        Self { state: State::genesis(contract, account(ALICE), balances, dev_chain), events: Vec::new() }
    }
}

impl Runtime for Native {
    fn call(&mut self, origin: AccountId, value: Balance, data: Vec<u8>) -> Vec<u8> {
        let (out, events) = self.state.call(origin, value, &data).expect("dispatchable call");
        self.events.extend(events);
        out.data
    }
    fn set_time(&mut self, now_ms: u64) {
        self.state.now_ms = now_ms;
    }
    fn balance(&mut self, who: AccountId) -> Balance {
        self.state.balance(&who)
    }
    fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }
}
