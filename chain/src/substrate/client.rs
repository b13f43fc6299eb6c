//! [`ChainClient`] over a Substrate node's JSON-RPC (subxt, dynamic API), for the DDC core
//! contract deployed in pallet-contracts.

use super::decode::{contract_events, decode_dry_run, decode_instantiate_dry_run, DryRun, Only};
use super::encode::{contracts_call, dry_run_args, instantiate_dry_run_args, instantiate_with_code, ContractCall};
use crate::client::{ChainClient, ChainError, EventBatch, Head, Receipt};
use crate::keys::Signer;
use crate::{AccountId, Balance};
use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt};
use std::time::Duration;
use subxt::client::OnlineClientAtBlock;
use subxt::config::substrate::SubstrateExtrinsicParamsBuilder;
use subxt::error::TransactionEventsError;
use subxt::ext::scale_decode::DecodeAsType;
use subxt::extrinsics::ExtrinsicEvents;
use subxt::rpcs::client::ReconnectingRpcClient;
use subxt::utils::{AccountId32, MultiSignature};
use subxt::{OnlineClient, SubstrateConfig};
use tokio::sync::Mutex;

/// The most blocks one [`ChainClient::events_since`] call reads; callers continue from `head + 1`.
pub const MAX_EVENT_BLOCKS: u64 = 256;
/// Blocks whose events are fetched at once.
const PARALLEL_BLOCKS: usize = 8;
/// Percent added to the dry run's gas: state can change before the block runs the call.
const GAS_MARGIN_PERCENT: u64 = 10;
/// How long [`SubstrateClient::connect`] keeps trying to reach the node.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

type At = OnlineClientAtBlock<SubstrateConfig>;
/// A finalized extrinsic's events, or why it failed.
type Outcome = Result<ExtrinsicEvents<SubstrateConfig>, TransactionEventsError>;

pub struct SubstrateClient {
    api: OnlineClient<SubstrateConfig>,
    url: String,
    contract: AccountId,
    signer: Signer,
    /// Serialises this client's submissions and holds the next nonce to use: the finalized
    /// state the chain's nonce is read from can trail the blocks this client has waited for.
    next_nonce: Mutex<u64>,
}

impl subxt::tx::Signer<SubstrateConfig> for Signer {
    fn account_id(&self) -> AccountId32 {
        AccountId32(*<AccountId as AsRef<[u8; 32]>>::as_ref(&self.account()))
    }
    fn sign(&self, payload: &[u8]) -> MultiSignature {
        MultiSignature::Sr25519(Signer::sign(self, payload))
    }
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct AccountInfo {
    data: AccountData,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct AccountData {
    free: u128,
}

fn bytes32(a: &AccountId) -> [u8; 32] {
    *<AccountId as AsRef<[u8; 32]>>::as_ref(a)
}

impl SubstrateClient {
    /// Connects to the node at `url` (`ws://127.0.0.1:9944`), reconnecting by itself later, and
    /// checks that `contract` is a contract there.
    pub async fn connect(url: &str, contract: AccountId, signer: Signer) -> Result<Self, ChainError> {
        let client = Self { api: open(url).await?, url: url.to_string(), contract, signer, next_nonce: Mutex::new(0) };
        let at = client.at_finalized().await?;
        if !client.is_contract(&at, &contract).await? {
            return Err(ChainError::Rejected(format!(
                "no contract at {} on {url}: deploy the DDC core contract (docs/substrate.md)",
                super::address::to_ss58(&contract)
            )));
        }
        Ok(client)
    }

    /// Uploads `code` and instantiates it with `constructor` (selector ‖ SCALE arguments) and
    /// `salt`, signed by `signer`, and connects to the new contract once its block is final.
    pub async fn deploy(
        url: &str,
        signer: Signer,
        code: Vec<u8>,
        constructor: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<Self, ChainError> {
        let api = open(url).await?;
        let mut client =
            Self { api, url: url.to_string(), contract: signer.account(), signer, next_nonce: Mutex::new(0) };
        let at = client.at_finalized().await?;
        let args = instantiate_dry_run_args(&client.account(), &code, &constructor, &salt);
        let out = at
            .runtime_apis()
            .call_raw("ContractsApi_instantiate", Some(args.as_slice()))
            .await
            .map_err(client.fail("ContractsApi_instantiate"))?;
        let dry = decode_instantiate_dry_run(&at.metadata(), &out)?;
        let (gas, deposit) = (dry.gas_required.with_margin(GAS_MARGIN_PERCENT), dry.deposit_limit());
        let made = dry.result.map_err(|e| ChainError::Rejected(format!("instantiation dry run: {e}")))?;
        if made.result.reverted() {
            return Err(ChainError::Rejected(format!(
                "the constructor reverted: 0x{}",
                hex::encode(&made.result.data)
            )));
        }
        client.contract = made.account_id.into();
        let call = instantiate_with_code(gas, deposit, code, constructor, salt);
        let mut next_nonce = client.next_nonce.lock().await;
        let (block_at, outcome) = client.submit(&at, &call, &mut next_nonce).await?;
        outcome.map_err(|e| ChainError::Rejected(format!("instantiating: {e}")))?;
        drop(next_nonce);
        if !client.is_contract(&block_at, &client.contract).await? {
            return Err(ChainError::Protocol("instantiated, but no contract at the dry run's address".into()));
        }
        Ok(client)
    }

    async fn is_contract(&self, at: &At, account: &AccountId) -> Result<bool, ChainError> {
        let info = subxt::dynamic::storage::<([u8; 32],), subxt::dynamic::Value>("Contracts", "ContractInfoOf");
        let found = at.storage().try_fetch(info, (bytes32(account),)).await.map_err(self.fail("ContractInfoOf"))?;
        Ok(found.is_some())
    }

    /// Signs `call` at the next nonce (the chain's, or `next_nonce` if the finalized state trails
    /// this client's own submissions), submits it and waits for its block to be final.
    async fn submit(&self, at: &At, call: &ContractCall, next_nonce: &mut u64) -> Result<(At, Outcome), ChainError> {
        let mut tx = at.transactions();
        let me = subxt::tx::Signer::<SubstrateConfig>::account_id(&self.signer);
        let nonce = tx.account_nonce(&me).await.map_err(self.fail("account nonce"))?.max(*next_nonce);
        let params = SubstrateExtrinsicParamsBuilder::<SubstrateConfig>::new().nonce(nonce).build();
        let progress =
            tx.sign_and_submit_then_watch(call, &self.signer, params).await.map_err(self.fail("submitting"))?;
        let in_block = progress.wait_for_finalized().await.map_err(self.fail("waiting for finality"))?;
        *next_nonce = nonce + 1;
        let block_at = in_block.at().await.map_err(self.fail("finalized block"))?;
        Ok((block_at, in_block.wait_for_success().await))
    }

    /// The DDC core contract this client calls.
    pub fn contract(&self) -> AccountId {
        self.contract
    }

    /// Maps a subxt error: a dropped connection is [`ChainError::Unreachable`] (the client
    /// reconnects; try again), anything else an unexpected answer.
    fn fail<E: Into<subxt::Error>>(&self, what: &'static str) -> impl Fn(E) -> ChainError + '_ {
        move |e| {
            let e: subxt::Error = e.into();
            if e.is_disconnected_will_reconnect() {
                ChainError::Unreachable { url: self.url.clone(), reason: format!("{what}: {e}") }
            } else {
                ChainError::Protocol(format!("{what}: {e}"))
            }
        }
    }

    async fn at_finalized(&self) -> Result<At, ChainError> {
        self.api.at_current_block().await.map_err(self.fail("finalized block"))
    }

    /// `ContractsApi_call` from `origin` at `at`.
    async fn dry_run(&self, at: &At, origin: &AccountId, value: Balance, data: &[u8]) -> Result<DryRun, ChainError> {
        let args = dry_run_args(origin, &self.contract, value, data);
        let out = at
            .runtime_apis()
            .call_raw("ContractsApi_call", Some(args.as_slice()))
            .await
            .map_err(self.fail("ContractsApi_call"))?;
        decode_dry_run(&at.metadata(), &out)
    }

    /// A dry run that could not run the message at all (trap, out of gas, no contract).
    fn ran(dry: DryRun) -> Result<super::decode::ExecReturn, ChainError> {
        dry.result.map_err(|e| ChainError::Rejected(format!("dry run: {e}")))
    }
}

#[async_trait]
impl ChainClient for SubstrateClient {
    fn account(&self) -> AccountId {
        self.signer.account()
    }

    async fn head(&self) -> Result<Head, ChainError> {
        let at = self.at_finalized().await?;
        let now = subxt::dynamic::storage::<(), u64>("Timestamp", "Now");
        let now_ms = at.storage().fetch(now, ()).await.map_err(self.fail("Timestamp::Now"))?;
        let now_ms = now_ms.decode().map_err(self.fail("Timestamp::Now"))?;
        Ok(Head { number: at.block_number(), now_ms })
    }

    async fn query_raw(&self, data: Vec<u8>) -> Result<Vec<u8>, ChainError> {
        let at = self.at_finalized().await?;
        // From the contract's own account, whoever asks: a view's answer does not depend on its
        // caller, and the node answers a repeated (block, call) from its cache, so every daemon
        // shares one interpretation of each view per block.
        Ok(Self::ran(self.dry_run(&at, &self.contract, 0, &data).await?)?.data)
    }

    async fn submit_raw(&self, value: Balance, data: Vec<u8>) -> Result<Receipt, ChainError> {
        let mut next_nonce = self.next_nonce.lock().await;
        let at = self.at_finalized().await?;
        let dry = self.dry_run(&at, &self.account(), value, &data).await?;
        let (gas, deposit) = (dry.gas_required.with_margin(GAS_MARGIN_PERCENT), dry.deposit_limit());
        let out = Self::ran(dry)?;
        if out.reverted() {
            // The contract refused: nothing to submit; typed callers decode its error.
            return Ok(Receipt { block: at.block_number(), output: out.data, reverted: true, events: Vec::new() });
        }
        let call = contracts_call(at.metadata_ref(), &self.contract, value, gas, deposit, data.clone())?;
        let (block_at, outcome) = self.submit(&at, &call, &mut next_nonce).await?;
        let events = match outcome {
            Ok(events) => events,
            Err(TransactionEventsError::ExtrinsicFailed(e)) => {
                let reason = e.to_string();
                // The state changed since the dry run and the contract refused after all:
                // replay at the call's block to hand typed callers the contract's error.
                if reason.contains("ContractReverted") {
                    let again = Self::ran(self.dry_run(&block_at, &self.account(), value, &data).await?)?;
                    if again.reverted() {
                        let block = block_at.block_number();
                        return Ok(Receipt { block, output: again.data, reverted: true, events: Vec::new() });
                    }
                }
                return Err(ChainError::Rejected(reason));
            }
            Err(e) => return Err(self.fail("transaction events")(e)),
        };
        let index = u32::try_from(events.extrinsic_index())
            .map_err(|_| ChainError::Protocol("extrinsic index out of range".into()))?;
        let records = events.all_events_in_block().bytes();
        let events = contract_events(block_at.metadata_ref(), records, &self.contract, Only::Extrinsic(index))?;
        Ok(Receipt { block: block_at.block_number(), output: out.data, reverted: false, events })
    }

    async fn events_since(&self, from: u64) -> Result<EventBatch, ChainError> {
        let finalized = self.at_finalized().await?.block_number();
        let head = finalized.min(from.saturating_add(MAX_EVENT_BLOCKS - 1));
        let blocks: Vec<_> = futures_util::stream::iter(from..=head)
            .map(|number| async move {
                let at = self.api.at_block(number).await.map_err(self.fail("block"))?;
                let records = at.events().fetch().await.map_err(self.fail("System::Events"))?;
                let events = contract_events(at.metadata_ref(), records.bytes(), &self.contract, Only::Block)?;
                Ok::<_, ChainError>((number, events))
            })
            .buffered(PARALLEL_BLOCKS)
            .try_filter(|(_, events)| std::future::ready(!events.is_empty()))
            .try_collect()
            .await?;
        Ok(EventBatch { blocks, head })
    }

    async fn balance(&self, account: AccountId) -> Result<Balance, ChainError> {
        let at = self.at_finalized().await?;
        let entry = subxt::dynamic::storage::<([u8; 32],), AccountInfo>("System", "Account");
        let info = at.storage().try_fetch(entry, (bytes32(&account),)).await.map_err(self.fail("System::Account"))?;
        match info {
            None => Ok(0),
            Some(info) => Ok(info.decode().map_err(self.fail("System::Account"))?.data.free),
        }
    }
}

/// A subxt client of the node at `url`, over an RPC connection that reconnects by itself.
async fn open(url: &str) -> Result<OnlineClient<SubstrateConfig>, ChainError> {
    let unreachable = |reason: String| ChainError::Unreachable { url: url.to_string(), reason };
    let rpc = tokio::time::timeout(CONNECT_TIMEOUT, ReconnectingRpcClient::builder().build(url))
        .await
        .map_err(|_| unreachable(format!("no connection within {CONNECT_TIMEOUT:?}")))?
        .map_err(|e| unreachable(e.to_string()))?;
    OnlineClient::<SubstrateConfig>::from_rpc_client(rpc).await.map_err(|e| unreachable(e.to_string()))
}
