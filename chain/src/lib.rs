//! The DDC chain client, shared by the storage node and the validator, and the embedded dev chain.
//!
//! [`ChainClient`] is everything the daemons need from a chain: dry-run queries, signed calls
//! that wait for inclusion, and finalized events. Calls are ink! call data (selector ‖ SCALE
//! arguments) for the DDC contract, so the same encoding serves the embedded chain (this crate's
//! [`embedded`] backend, which runs the contract's rules natively) and a Substrate node with the
//! wasm contract in pallet-contracts ([`substrate`]). [`connect`] picks the backend from the URL.

pub mod calls;
pub mod client;
pub mod embedded;
pub mod keys;
pub mod node_api;
pub mod reconnect;
pub mod rpc;
pub mod settings;
pub mod substrate;

/// For other crates' `ChainClient` implementations (the network simulation's chain).
pub use async_trait::async_trait;
pub use calls::Ddc;
pub use client::{ChainClient, ChainError, EventBatch, Head, Receipt};
pub use ddc_verifier_contract::logic::{AccountId, Balance, Event};
pub use keys::Signer;

/// A client for the chain at `chain`, signing with `signer`:
///
/// - `http://HOST:PORT`, `https://…`: the embedded dev chain (`ddc chain`), which holds one DDC
///   contract (`contract` is not needed);
/// - `embedded:DIR`: the embedded chain whose state is in `DIR`, at the RPC address it recorded
///   there;
/// - `ws://HOST:PORT`, `wss://…`: a Substrate node with pallet-contracts, where `contract` is the
///   DDC core contract's address (SS58 or `0x` hex).
///
/// Only a chain that cannot be reached is [`ChainError::Unreachable`] (worth retrying); a URL or
/// address that cannot work is [`ChainError::Rejected`].
pub async fn connect(
    chain: &str,
    contract: Option<&str>,
    signer: Signer,
) -> Result<std::sync::Arc<dyn ChainClient>, ChainError> {
    let refuse = |reason: String| ChainError::Rejected(format!("chain {chain:?}: {reason}"));
    if let Some(dir) = chain.strip_prefix("embedded:") {
        // Unreachable, not refused: the chain may simply not have started yet.
        let url = embedded::rpc_url_of(std::path::Path::new(dir)).map_err(|e| ChainError::Unreachable {
            url: chain.to_string(),
            reason: format!("no RPC address recorded in {dir} ({e}): is `ddc chain --data-dir {dir}` running?"),
        })?;
        return Ok(std::sync::Arc::new(embedded::EmbeddedClient::connect(&url, signer).await?));
    }
    match chain.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase()).as_deref() {
        Some("http" | "https") => {
            if contract.is_some() {
                tracing::warn!(
                    "{chain} is the embedded dev chain: its one DDC contract is used, --contract is ignored"
                );
            }
            Ok(std::sync::Arc::new(embedded::EmbeddedClient::connect(chain, signer).await?))
        }
        Some("ws" | "wss") => {
            let contract = contract.ok_or_else(|| {
                refuse("a Substrate node needs the DDC core contract's address (--contract, SS58 or 0x hex)".into())
            })?;
            let contract = substrate::parse_account(contract).map_err(|e| refuse(e.to_string()))?;
            Ok(std::sync::Arc::new(substrate::SubstrateClient::connect(chain, contract, signer).await?))
        }
        _ => Err(refuse(
            "not a chain URL: use http(s)://HOST:PORT for the embedded dev chain (`ddc chain`) or \
             ws(s)://HOST:PORT with a contract address for a Substrate node with pallet-contracts"
                .into(),
        )),
    }
}
