//! What the backend sends, built without a network so that it can be checked against a real
//! runtime: the `Contracts::call` extrinsic's call (from the runtime metadata, through subxt's
//! dynamic API) and the SCALE arguments of the `ContractsApi_call` dry run.

use crate::{AccountId, Balance, ChainError};
use scale::{Decode, Encode};
use scale_info::TypeDef;
use subxt::dynamic::Value;
use subxt::ext::scale_value::Composite;
use subxt::tx::DynamicPayload;
use subxt::Metadata;

/// `sp_weights::Weight`: the gas limit of a contract call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct Weight {
    #[codec(compact)]
    pub ref_time: u64,
    #[codec(compact)]
    pub proof_size: u64,
}

impl Weight {
    /// With `percent` more of both parts: state can change between the dry run and the block.
    pub fn with_margin(self, percent: u64) -> Self {
        let up = |v: u64| v.saturating_add(v / 100 * percent);
        Self { ref_time: up(self.ref_time), proof_size: up(self.proof_size) }
    }
}

/// A dynamic `Contracts::call` payload.
pub type ContractCall = DynamicPayload<Composite<()>>;

fn bytes32(a: &AccountId) -> [u8; 32] {
    *<AccountId as AsRef<[u8; 32]>>::as_ref(a)
}

/// `dest` as the runtime's lookup source wants it: `MultiAddress::Id(account)` on runtimes whose
/// lookup is `AccountIdLookup` (substrate-contracts-node, drink), the bare account otherwise.
fn dest_value(metadata: &Metadata, dest: &AccountId) -> Result<Value, ChainError> {
    let missing = || ChainError::Protocol("the runtime has no Contracts::call(dest, …)".into());
    let call = metadata.pallet_by_name("Contracts").and_then(|p| p.call_variant_by_name("call")).ok_or_else(missing)?;
    let field = call.fields.iter().find(|f| f.name.as_deref() == Some("dest")).ok_or_else(missing)?;
    let ty = metadata.types().resolve(field.ty.id).ok_or_else(missing)?;
    let account = Value::from_bytes(bytes32(dest));
    Ok(match &ty.type_def {
        TypeDef::Variant(v) if v.variants.iter().any(|v| v.name == "Id") => Value::unnamed_variant("Id", [account]),
        _ => account,
    })
}

/// `Contracts::call { dest, value, gas_limit, storage_deposit_limit, data }`.
pub fn contracts_call(
    metadata: &Metadata,
    dest: &AccountId,
    value: Balance,
    gas_limit: Weight,
    storage_deposit_limit: Option<Balance>,
    data: Vec<u8>,
) -> Result<ContractCall, ChainError> {
    let fields = Composite::named([
        ("dest".to_string(), dest_value(metadata, dest)?),
        ("value".to_string(), Value::u128(value)),
        ("gas_limit".to_string(), weight_value(gas_limit)),
        ("storage_deposit_limit".to_string(), option_value(storage_deposit_limit)),
        ("data".to_string(), Value::from_bytes(data)),
    ]);
    Ok(subxt::dynamic::tx("Contracts", "call", fields))
}

/// `Contracts::instantiate_with_code { value, gas_limit, storage_deposit_limit, code, data, salt }`.
pub fn instantiate_with_code(
    gas_limit: Weight,
    storage_deposit_limit: Option<Balance>,
    code: Vec<u8>,
    data: Vec<u8>,
    salt: Vec<u8>,
) -> ContractCall {
    let fields = Composite::named([
        ("value".to_string(), Value::u128(0)),
        ("gas_limit".to_string(), weight_value(gas_limit)),
        ("storage_deposit_limit".to_string(), option_value(storage_deposit_limit)),
        ("code".to_string(), Value::from_bytes(code)),
        ("data".to_string(), Value::from_bytes(data)),
        ("salt".to_string(), Value::from_bytes(salt)),
    ]);
    subxt::dynamic::tx("Contracts", "instantiate_with_code", fields)
}

fn weight_value(w: Weight) -> Value {
    Value::named_composite([
        ("ref_time", Value::u128(w.ref_time.into())),
        ("proof_size", Value::u128(w.proof_size.into())),
    ])
}

fn option_value(limit: Option<Balance>) -> Value {
    match limit {
        Some(l) => Value::unnamed_variant("Some", [Value::u128(l)]),
        None => Value::unnamed_variant("None", []),
    }
}

/// The SCALE call (pallet index ‖ call index ‖ arguments) that `call` becomes in an extrinsic.
pub fn call_data(metadata: &Metadata, call: &ContractCall) -> Result<Vec<u8>, ChainError> {
    subxt::ext::frame_decode::extrinsics::encode_call_data(
        call.pallet_name(),
        call.call_name(),
        call.call_data(),
        metadata,
        metadata.types(),
    )
    .map_err(|e| ChainError::Protocol(format!("encoding Contracts::call: {e}")))
}

/// The arguments of `ContractsApi_call(origin, dest, value, gas_limit, storage_deposit_limit,
/// input_data)`; no limits, so that the dry run reports what the call needs.
pub fn dry_run_args(origin: &AccountId, dest: &AccountId, value: Balance, data: &[u8]) -> Vec<u8> {
    (bytes32(origin), bytes32(dest), value, None::<Weight>, None::<Balance>, data).encode()
}

/// The arguments of `ContractsApi_instantiate(origin, value, gas_limit, storage_deposit_limit,
/// Code::Upload(code), data, salt)`, without limits.
pub fn instantiate_dry_run_args(origin: &AccountId, code: &[u8], data: &[u8], salt: &[u8]) -> Vec<u8> {
    /// `pallet_contracts::Code::Upload`.
    const UPLOAD: u8 = 0;
    (bytes32(origin), 0 as Balance, None::<Weight>, None::<Balance>, UPLOAD, code, data, salt).encode()
}
