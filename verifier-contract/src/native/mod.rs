//! The rules' host outside pallet-contracts: an in-memory contract account with storage and
//! balances, where every call is a transaction (its writes, transfers and events are applied only
//! if it succeeds, as pallet-contracts reverts a failed message). The embedded dev chain and the
//! native tests run the contract through it.

mod dispatch;

pub use dispatch::{dispatch, selector, DispatchError, Output, MESSAGES, PAYABLE};

use crate::logic::{self, AccountId, Balance, Error, Event, Host};
use ddc_primitives::groth16::ReplicaStatement;
use scale::{Decode, Encode};
use std::collections::BTreeMap;

/// Everything the chain keeps: the contract's storage and every account's free balance.
#[derive(Clone, Debug, Encode, Decode, PartialEq, Eq)]
pub struct State {
    pub contract: AccountId,
    pub storage: BTreeMap<Vec<u8>, Vec<u8>>,
    pub balances: BTreeMap<AccountId, Balance>,
    pub now_ms: u64,
}

/// One call in flight: reads go through its own writes to the state.
pub struct Call<'a> {
    state: &'a State,
    caller: AccountId,
    value: Balance,
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// What the contract paid out so far in this call.
    transfers: Vec<(AccountId, Balance)>,
    events: Vec<Event>,
}

impl<'a> Call<'a> {
    fn new(state: &'a State, caller: AccountId, value: Balance) -> Self {
        Call { state, caller, value, writes: BTreeMap::new(), transfers: Vec::new(), events: Vec::new() }
    }
}

impl Host for Call<'_> {
    fn caller(&self) -> AccountId {
        self.caller
    }
    fn transferred(&self) -> Balance {
        self.value
    }
    fn now_ms(&self) -> u64 {
        self.state.now_ms
    }
    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }
    fn sr25519_verify(&self, signer: &AccountId, message: &[u8], signature: &[u8; 64]) -> bool {
        use subxt_signer::sr25519::{verify, PublicKey, Signature};
        verify(&Signature(*signature), message, &PublicKey(*<AccountId as AsRef<[u8; 32]>>::as_ref(signer)))
    }
    fn transfer(&mut self, to: AccountId, value: Balance) -> logic::Result<()> {
        let paid: Balance = self.transfers.iter().map(|(_, v)| v).sum();
        let available = self.state.balance(&self.state.contract) + self.value - paid;
        if value > available {
            return Err(Error::TransferFailed);
        }
        self.transfers.push((to, value));
        Ok(())
    }
    fn emit(&mut self, event: Event) {
        self.events.push(event);
    }
    fn verify_proofs(&mut self, vk: &[u8], statements: &[ReplicaStatement], entropy: &[u8; 32]) -> logic::Result<bool> {
        use ddc_primitives::groth16::{verify_replicas, EncodingError as E};
        verify_replicas(vk, statements, entropy).map_err(|e| match e {
            E::VerifyingKey | E::VerifyingKeyInputs(_) => Error::VerifyingKeyInvalid,
            E::ProofLength(_) | E::ProofPoints => Error::ProofMalformed,
        })
    }
    fn check_vk(&mut self, vk: &[u8]) -> bool {
        ddc_primitives::groth16::check_vk(vk).is_ok()
    }
    fn read<K: Encode, V: Decode>(&self, key: &K) -> Option<V> {
        let key = key.encode();
        let bytes = match self.writes.get(&key) {
            Some(w) => w.as_deref(),
            None => self.state.storage.get(&key).map(Vec::as_slice),
        }?;
        V::decode(&mut &bytes[..]).ok()
    }
    fn write<K: Encode, V: Encode>(&mut self, key: &K, value: &V) {
        self.writes.insert(key.encode(), Some(value.encode()));
    }
    fn remove<K: Encode>(&mut self, key: &K) {
        self.writes.insert(key.encode(), None);
    }
}

impl State {
    /// A chain with `balances` at genesis and the contract deployed by `deployer`; `dev_chain`
    /// as the constructor's (whether clusters may pin insecure keys).
    pub fn genesis(
        contract: AccountId,
        deployer: AccountId,
        balances: impl IntoIterator<Item = (AccountId, Balance)>,
        dev_chain: bool,
    ) -> Self {
        let mut state =
            State { contract, storage: BTreeMap::new(), balances: balances.into_iter().collect(), now_ms: 0 };
        state
            .execute(deployer, 0, |h| {
                logic::init(h, dev_chain);
                Ok(())
            })
            .expect("initialising a fresh contract cannot fail");
        state
    }

    pub fn balance(&self, account: &AccountId) -> Balance {
        self.balances.get(account).copied().unwrap_or(0)
    }

    /// Runs a message as a transaction from `caller` sending `value`; on error nothing changes.
    pub fn execute<T>(
        &mut self,
        caller: AccountId,
        value: Balance,
        message: impl FnOnce(&mut Call) -> logic::Result<T>,
    ) -> logic::Result<(T, Vec<Event>)> {
        if self.balance(&caller) < value {
            return Err(Error::InsufficientBalance);
        }
        let mut call = Call::new(self, caller, value);
        let out = message(&mut call)?;
        let Call { writes, transfers, events, .. } = call;
        self.apply(caller, value, writes, transfers);
        Ok((out, events))
    }

    /// Runs ink! call data from `caller` sending `value`, as pallet-contracts would: a message
    /// that fails (or reverts) changes nothing.
    pub fn call(
        &mut self,
        caller: AccountId,
        value: Balance,
        data: &[u8],
    ) -> Result<(Output, Vec<Event>), DispatchError> {
        let (out, call) = self.evaluate(caller, value, data)?;
        if out.reverted {
            return Ok((out, Vec::new()));
        }
        let Call { writes, transfers, events, .. } = call;
        self.apply(caller, value, writes, transfers);
        Ok((out, events))
    }

    /// Runs ink! call data without keeping anything (a dry run, as `ContractsApi_call`).
    pub fn dry_run(
        &self,
        caller: AccountId,
        value: Balance,
        data: &[u8],
    ) -> Result<(Output, Vec<Event>), DispatchError> {
        self.evaluate(caller, value, data).map(|(out, call)| (out, call.events))
    }

    /// Dispatches a message over this state; its effects stay in the returned call.
    fn evaluate(&self, caller: AccountId, value: Balance, data: &[u8]) -> Result<(Output, Call<'_>), DispatchError> {
        if self.balance(&caller) < value {
            return Err(DispatchError::InsufficientBalance);
        }
        let mut call = Call::new(self, caller, value);
        let out = dispatch(&mut call, data)?;
        Ok((out, call))
    }

    fn apply(
        &mut self,
        caller: AccountId,
        value: Balance,
        writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        transfers: Vec<(AccountId, Balance)>,
    ) {
        for (key, value) in writes {
            match value {
                Some(v) => self.storage.insert(key, v),
                None => self.storage.remove(&key),
            };
        }
        self.move_balance(caller, self.contract, value);
        for (to, v) in transfers {
            self.move_balance(self.contract, to, v);
        }
    }

    /// Everything the contract owes or holds aside: deposits, cluster revenues, node and
    /// validator stake, the treasury and burned fees. It always equals the contract's balance.
    pub fn held(&self) -> Balance {
        use crate::logic::{tag, Account, Bond, Cluster, Validator};
        let sum = |t: u8, f: &dyn Fn(&[u8]) -> Balance| -> Balance {
            self.storage.iter().filter(|(k, _)| k.first() == Some(&t) && k.len() > 1).map(|(_, v)| f(v)).sum()
        };
        let value = |t: u8| self.storage.get(&vec![t]).map_or(0, |v| Balance::decode(&mut &v[..]).unwrap_or(0));
        sum(tag::ACCOUNT, &|v| Account::decode(&mut &v[..]).map_or(0, |a| a.deposit))
            + sum(tag::CLUSTER, &|v| Cluster::decode(&mut &v[..]).map_or(0, |c| c.revenues))
            + sum(tag::NODE_BOND, &|v| Bond::decode(&mut &v[..]).map_or(0, |b| b.amount))
            + sum(tag::VALIDATOR, &|v| Validator::decode(&mut &v[..]).map_or(0, |x| x.bond.amount))
            + value(tag::TREASURY)
            + value(tag::BURNED)
    }

    fn move_balance(&mut self, from: AccountId, to: AccountId, value: Balance) {
        if value == 0 {
            return;
        }
        *self.balances.entry(from).or_default() -= value;
        *self.balances.entry(to).or_default() += value;
    }
}
