//! [`ChainClient`] over the embedded chain's RPC, signing with an sr25519 key.

use crate::client::{ChainClient, ChainError, EventBatch, Head, Receipt};
use crate::keys::Signer;
use crate::rpc::*;
use crate::{AccountId, Balance, Event};
use async_trait::async_trait;
use scale::{Decode, Encode};
use serde::{de::DeserializeOwned, Serialize};
use tokio::sync::Mutex;

pub struct EmbeddedClient {
    http: reqwest::Client,
    url: String,
    signer: Signer,
    genesis: [u8; 32],
    /// Serialises this client's calls so that nonces stay in order.
    nonce_lock: Mutex<()>,
}

fn events(hexes: &[String]) -> Result<Vec<Event>, ChainError> {
    hexes
        .iter()
        .map(|h| {
            let bytes = from_hex(h).map_err(ChainError::Protocol)?;
            Event::decode(&mut &bytes[..]).map_err(|e| ChainError::Protocol(format!("event: {e}")))
        })
        .collect()
}

impl EmbeddedClient {
    /// Connects to the chain at `url` (e.g. `http://127.0.0.1:9944`).
    pub async fn connect(url: &str, signer: Signer) -> Result<Self, ChainError> {
        let mut client = Self {
            http: reqwest::Client::new(),
            url: url.trim_end_matches('/').to_string(),
            signer,
            genesis: [0; 32],
            nonce_lock: Mutex::new(()),
        };
        let head: HeadResponse = client.post("head", &()).await?;
        client.genesis = from_hex(&head.genesis)
            .ok()
            .and_then(|g| g.try_into().ok())
            .ok_or_else(|| ChainError::Protocol("genesis is not 32 bytes".into()))?;
        Ok(client)
    }

    async fn post<Req: Serialize + ?Sized, Resp: DeserializeOwned>(
        &self,
        method: &str,
        req: &Req,
    ) -> Result<Resp, ChainError> {
        let url = format!("{}/rpc/{method}", self.url);
        let unreachable = |e: reqwest::Error| ChainError::Unreachable { url: url.clone(), reason: e.to_string() };
        let resp = self.http.post(&url).json(req).send().await.map_err(unreachable)?;
        if !resp.status().is_success() {
            let status = resp.status();
            let err: ErrorResponse = resp.json().await.unwrap_or(ErrorResponse { error: status.to_string() });
            return Err(ChainError::Rejected(err.error));
        }
        resp.json().await.map_err(|e| ChainError::Protocol(e.to_string()))
    }

    /// Moves a manual-time chain's clock (tests and simulations).
    pub async fn set_time(&self, now_ms: u64) -> Result<(), ChainError> {
        self.post::<_, HeadResponse>("dev/set_time", &SetTimeRequest { now_ms }).await.map(|_| ())
    }
}

#[async_trait]
impl crate::client::ManualClock for EmbeddedClient {
    async fn set_time(&self, now_ms: u64) -> Result<(), ChainError> {
        EmbeddedClient::set_time(self, now_ms).await
    }
}

#[async_trait]
impl ChainClient for EmbeddedClient {
    fn account(&self) -> AccountId {
        self.signer.account()
    }

    async fn head(&self) -> Result<Head, ChainError> {
        let h: HeadResponse = self.post("head", &()).await?;
        Ok(Head { number: h.number, now_ms: h.now_ms })
    }

    async fn query_raw(&self, data: Vec<u8>) -> Result<Vec<u8>, ChainError> {
        let req = QueryRequest { origin: to_hex(self.account().as_ref()), data: to_hex(&data) };
        let resp: QueryResponse = self.post("query", &req).await?;
        from_hex(&resp.output).map_err(ChainError::Protocol)
    }

    async fn submit_raw(&self, value: Balance, data: Vec<u8>) -> Result<Receipt, ChainError> {
        let _serial = self.nonce_lock.lock().await;
        let origin = self.account();
        let acct: AccountResponse = self.post("account", &AccountRequest { account: to_hex(origin.as_ref()) }).await?;
        let payload = SignedCall::payload(&self.genesis, &origin, acct.nonce, value, &data);
        let signature = self.signer.sign(&payload);
        let call = SignedCall { origin, nonce: acct.nonce, value, data, signature };
        let resp: SubmitResponse = self.post("submit", &SubmitRequest { call: to_hex(&call.encode()) }).await?;
        Ok(Receipt {
            block: resp.block,
            output: from_hex(&resp.output).map_err(ChainError::Protocol)?,
            reverted: resp.reverted,
            events: events(&resp.events)?,
        })
    }

    async fn events_since(&self, from: u64) -> Result<EventBatch, ChainError> {
        let resp: EventsResponse = self.post("events", &EventsRequest { from }).await?;
        let blocks =
            resp.blocks.iter().map(|b| Ok((b.number, events(&b.events)?))).collect::<Result<_, ChainError>>()?;
        Ok(EventBatch { blocks, head: resp.head })
    }

    async fn balance(&self, account: AccountId) -> Result<Balance, ChainError> {
        let resp: AccountResponse = self.post("account", &AccountRequest { account: to_hex(account.as_ref()) }).await?;
        resp.free.parse().map_err(|_| ChainError::Protocol(format!("balance {:?}", resp.free)))
    }
}
