//! What the backend reads, decoded without a network so that it can be checked against a real
//! runtime: the `ContractsApi_call` and `ContractsApi_instantiate` dry-run results and the
//! contract's events in `System::Events`.

use super::encode::Weight;
use crate::{AccountId, Balance, ChainError, Event};
use scale::{Compact, Decode};
use subxt::error::DispatchError;
use subxt::events::Phase;
use subxt::ext::scale_decode::{visitor::IgnoreVisitor, DecodeAsType};
use subxt::{ArcMetadata, Metadata};

/// pallet-contracts' `ReturnFlags::REVERT`: the message returned `Err` (or trapped in ink!'s
/// `Result` encoding) and the runtime rolled its changes back.
pub const REVERT: u32 = 1;

/// `StorageDeposit<Balance>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Decode)]
pub enum StorageDeposit {
    Refund(Balance),
    Charge(Balance),
}

/// `ExecReturnValue`: the message's output.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct ExecReturn {
    pub flags: u32,
    pub data: Vec<u8>,
}

impl ExecReturn {
    pub fn reverted(&self) -> bool {
        self.flags & REVERT != 0
    }
}

/// `InstantiateReturnValue`: the constructor's output and the new contract's address.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct InstantiateReturn {
    pub result: ExecReturn,
    pub account_id: [u8; 32],
}

/// A `ContractExecResult` (what `ContractsApi_call` answers, `T` = [`ExecReturn`]) or a
/// `ContractInstantiateResult` (`ContractsApi_instantiate`, `T` = [`InstantiateReturn`]).
#[derive(Clone, Debug)]
pub struct DryRun<T = ExecReturn> {
    pub gas_consumed: Weight,
    /// The gas limit the call needs on-chain.
    pub gas_required: Weight,
    pub storage_deposit: StorageDeposit,
    /// `Err`: the call could not run (the contract trapped, ran out of gas, does not exist…),
    /// as the runtime's `DispatchError`, with module errors named (`Contracts::ContractTrapped`).
    pub result: Result<T, String>,
}

impl<T> DryRun<T> {
    /// The storage deposit limit to submit with: what the dry run was charged.
    pub fn deposit_limit(&self) -> Option<Balance> {
        match self.storage_deposit {
            StorageDeposit::Charge(c) => Some(c),
            StorageDeposit::Refund(_) => None,
        }
    }
}

fn protocol(what: &str) -> impl Fn(scale::Error) -> ChainError + '_ {
    move |e| ChainError::Protocol(format!("{what}: {e}"))
}

/// Decodes a `ContractExecResult` (`ContractsApi_call`).
pub fn decode_dry_run(metadata: &ArcMetadata, bytes: &[u8]) -> Result<DryRun, ChainError> {
    decode_contract_result(metadata, bytes)
}

/// Decodes a `ContractInstantiateResult` (`ContractsApi_instantiate`).
pub fn decode_instantiate_dry_run(
    metadata: &ArcMetadata,
    bytes: &[u8],
) -> Result<DryRun<InstantiateReturn>, ChainError> {
    decode_contract_result(metadata, bytes)
}

/// Trailing fields newer runtimes append (collected events) are ignored, as pallet-contracts
/// asks of clients.
fn decode_contract_result<T: Decode>(metadata: &ArcMetadata, bytes: &[u8]) -> Result<DryRun<T>, ChainError> {
    let input = &mut &bytes[..];
    let gas_consumed = Weight::decode(input).map_err(protocol("dry run gas_consumed"))?;
    let gas_required = Weight::decode(input).map_err(protocol("dry run gas_required"))?;
    let storage_deposit = StorageDeposit::decode(input).map_err(protocol("dry run storage_deposit"))?;
    let _debug_message = Vec::<u8>::decode(input).map_err(protocol("dry run debug_message"))?;
    let result = match u8::decode(input).map_err(protocol("dry run result"))? {
        0 => Ok(T::decode(input).map_err(protocol("dry run output"))?),
        1 => Err(dispatch_error(metadata, input)?),
        n => return Err(ChainError::Protocol(format!("dry run result: variant {n}"))),
    };
    Ok(DryRun { gas_consumed, gas_required, storage_deposit, result })
}

/// Reads one `sp_runtime::DispatchError` off `input`, named through the metadata.
fn dispatch_error(metadata: &ArcMetadata, input: &mut &[u8]) -> Result<String, ChainError> {
    let ty = metadata.dispatch_error_ty().ok_or_else(|| ChainError::Protocol("no DispatchError type".into()))?;
    let start = *input;
    subxt::ext::scale_decode::visitor::decode_with_visitor(input, ty, metadata.types(), IgnoreVisitor::new())
        .map_err(|e| ChainError::Protocol(format!("dry run DispatchError: {e}")))?;
    let bytes = &start[..start.len() - input.len()];
    DispatchError::decode_from(bytes, metadata.clone())
        .map(|e| e.to_string())
        .map_err(|e| ChainError::Protocol(format!("dry run DispatchError: {e}")))
}

/// Which records to take from a block's events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    /// Every record of the block.
    Block,
    /// The records of the block's `n`th extrinsic.
    Extrinsic(u32),
}

/// The DDC events that `contract` emitted, in order, from a block's SCALE `System::Events`
/// (`Vec<EventRecord>`), walking the records with the runtime metadata. A `ContractEmitted` of
/// `contract` that is none of its events (another signature topic, or undecodable) is an error:
/// the address is not the DDC core contract, or its version does not match this client.
pub fn contract_events(
    metadata: &Metadata,
    records: &[u8],
    contract: &AccountId,
    only: Only,
) -> Result<Vec<Event>, ChainError> {
    let input = &mut &records[..];
    let count = if records.is_empty() { 0 } else { Compact::<u32>::decode(input).map_err(protocol("events"))?.0 };
    let mut found = Vec::new();
    for _ in 0..count {
        let phase = Phase::decode(input).map_err(protocol("event phase"))?;
        let (pallet_index, variant_index) = <(u8, u8)>::decode(input).map_err(protocol("event index"))?;
        let pallet = metadata
            .pallet_by_event_index(pallet_index)
            .ok_or_else(|| ChainError::Protocol(format!("event of unknown pallet {pallet_index}")))?;
        let variant = pallet.event_variant_by_index(variant_index).ok_or_else(|| {
            ChainError::Protocol(format!("unknown event {variant_index} of pallet {}", pallet.name()))
        })?;
        let emitted = pallet.name() == "Contracts" && variant.name == "ContractEmitted";
        let (mut emitter, mut data) = (None, None);
        for field in &variant.fields {
            let start = *input;
            let fail = |e: &dyn std::fmt::Display| {
                ChainError::Protocol(format!("event {}::{}: {e}", pallet.name(), variant.name))
            };
            subxt::ext::scale_decode::visitor::decode_with_visitor(
                input,
                field.ty.id,
                metadata.types(),
                IgnoreVisitor::new(),
            )
            .map_err(|e| fail(&e))?;
            if emitted {
                let bytes = &mut &start[..start.len() - input.len()];
                match field.name.as_deref() {
                    Some("contract") => {
                        emitter = Some(
                            subxt::utils::AccountId32::decode_as_type(bytes, field.ty.id, metadata.types())
                                .map_err(|e| fail(&e))?,
                        )
                    }
                    Some("data") => {
                        data = Some(
                            Vec::<u8>::decode_as_type(bytes, field.ty.id, metadata.types()).map_err(|e| fail(&e))?,
                        )
                    }
                    _ => {}
                }
            }
        }
        let topics = Vec::<[u8; 32]>::decode(input).map_err(protocol("event topics"))?;
        let wanted = match only {
            Only::Block => true,
            Only::Extrinsic(n) => phase == Phase::ApplyExtrinsic(n),
        };
        let (Some(emitter), Some(data)) = (emitter, data) else { continue };
        if !wanted || emitter.0 != *<AccountId as AsRef<[u8; 32]>>::as_ref(contract) {
            continue;
        }
        let event = ddc_verifier_contract::decode_event(&topics, &data).map_err(|e| {
            ChainError::Protocol(format!("contract event: {e}: is the address the DDC core contract, of this version?"))
        })?;
        found.push(event);
    }
    Ok(found)
}
