//! The raw chain spec of a DDC dev chain, for chopsticks (scripts/substrate-chain.sh): the
//! runtime's `GenesisBuilder` functions (those its runtime API serves) build the genesis state from its default config with the
//! dev accounts funded and `//Alice` as sudo, and every storage pair goes into `genesis.raw.top`
//! next to `:code`, the runtime wasm. INSECURE: the dev keys are public.

use crate::{AccountId, Balance, RuntimeGenesisConfig};
use alloc::{string::String, vec::Vec};
use ddc_primitives::dev::{dev_uri, DEV_ACCOUNTS, DEV_ENDOWMENT};
use frame_support::genesis_builder_helper::{build_config, create_default_config};
use serde_json::{json, Value};
use sp_core::{sr25519, Pair};

#[derive(Debug)]
pub enum SpecError {
    Config(String),
    Key(String),
}

impl core::fmt::Display for SpecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Config(e) => write!(f, "the runtime refused the genesis config: {e}"),
            Self::Key(e) => write!(f, "deriving a dev key: {e}"),
        }
    }
}

impl std::error::Error for SpecError {}

/// The account of the dev key `name` (`alice` → `//Alice`).
pub fn dev_account(name: &str) -> Result<AccountId, SpecError> {
    let pair =
        sr25519::Pair::from_string(&dev_uri(name), None).map_err(|e| SpecError::Key(format!("{name}: {e:?}")))?;
    Ok(pair.public().into())
}

/// The genesis storage pairs of the dev chain, sorted by key: the runtime's default config with
/// `balances` and `sudo` patched in, built as its `GenesisBuilder_build_config` builds it.
pub fn dev_genesis(code: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>, SpecError> {
    let accounts = DEV_ACCOUNTS.iter().map(|n| dev_account(n)).collect::<Result<Vec<_>, _>>()?;
    let mut config: Value = serde_json::from_slice(&create_default_config::<RuntimeGenesisConfig>())
        .map_err(|e| SpecError::Config(format!("default config: {e}")))?;
    let balances: Vec<(AccountId, Balance)> = accounts.iter().map(|a| (a.clone(), DEV_ENDOWMENT)).collect();
    config["balances"]["balances"] = json!(balances);
    config["sudo"]["key"] = json!(accounts[0]);
    let config = serde_json::to_vec(&config).map_err(|e| SpecError::Config(e.to_string()))?;

    let mut ext = sp_io::TestExternalities::new_empty();
    ext.execute_with(|| {
        build_config::<RuntimeGenesisConfig>(config).map_err(|e| SpecError::Config(format!("{e:?}")))?;
        sp_io::storage::set(sp_core::storage::well_known_keys::CODE, code);
        let mut pairs = Vec::new();
        let mut key = Vec::new();
        while let Some(next) = sp_io::storage::next_key(&key) {
            let value = sp_io::storage::get(&next).expect("next_key returned a stored key");
            pairs.push((next.clone(), value.to_vec()));
            key = next;
        }
        Ok(pairs)
    })
}

/// The raw chain spec JSON (`genesis.raw.top`, hex keys and values) chopsticks starts from.
pub fn dev_chain_spec(code: &[u8]) -> Result<Value, SpecError> {
    let hex = |b: &[u8]| sp_core::bytes::to_hex(b, false);
    let top: serde_json::Map<String, Value> =
        dev_genesis(code)?.iter().map(|(k, v)| (hex(k), Value::String(hex(v)))).collect();
    Ok(json!({
        "name": "DDC dev (INSECURE keys)",
        "id": "ddc_dev",
        "chainType": "Development",
        "properties": { "ss58Format": 42, "tokenDecimals": 12, "tokenSymbol": "DDC" },
        "genesis": { "raw": { "top": top, "childrenDefault": {} } }
    }))
}
