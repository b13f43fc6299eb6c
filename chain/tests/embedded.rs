//! The contract flows of the drink tests, run through the embedded chain: a real chain node
//! in-process on a loopback port, signed calls over its HTTP RPC, blocks on a timer, and a
//! restart from disk.

#[path = "../../verifier-contract/tests/common/mod.rs"]
mod common;

use common::flows;
use common::{Contract, Runtime, NAMES};
use ddc_chain::embedded::{server, ChainConfig, EmbeddedClient, Node};
use ddc_chain::{AccountId, Balance, ChainClient, Ddc, Event, Signer};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// A chain node serving on loopback, driven from synchronous flows.
struct Embedded {
    rt: tokio::runtime::Runtime,
    clients: HashMap<AccountId, EmbeddedClient>,
    events: Vec<Event>,
    _dir: tempfile::TempDir,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// Opens (or reopens) the chain in `dir` and serves it on a free loopback port.
fn start(dir: &std::path::Path, rt: &tokio::runtime::Runtime) -> (Arc<Node>, String) {
    let config = ChainConfig { data_dir: dir.to_path_buf(), block_time: Duration::from_millis(2), manual_time: true };
    let node = Node::open(config).unwrap();
    let url = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = server::router(node.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        tokio::spawn(node.clone().run(std::future::pending()));
        url
    });
    (node, url)
}

impl Embedded {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let rt = runtime();
        let (_, url) = start(dir.path(), &rt);
        let clients = rt.block_on(async {
            let mut clients = HashMap::new();
            for name in NAMES {
                let client = EmbeddedClient::connect(&url, Signer::dev(&name.to_lowercase()).unwrap()).await.unwrap();
                clients.insert(client.account(), client);
            }
            clients
        });
        Self { rt, clients, events: Vec::new(), _dir: dir }
    }

    fn any(&self) -> &EmbeddedClient {
        self.clients.values().next().expect("clients")
    }
}

impl Runtime for Embedded {
    fn call(&mut self, origin: AccountId, value: Balance, data: Vec<u8>) -> Vec<u8> {
        let client = &self.clients[&origin];
        let receipt = self.rt.block_on(client.submit_raw(value, data)).expect("included");
        self.events.extend(receipt.events);
        receipt.output
    }
    fn set_time(&mut self, now_ms: u64) {
        self.rt.block_on(self.any().set_time(now_ms)).unwrap();
    }
    fn balance(&mut self, who: AccountId) -> Balance {
        self.rt.block_on(self.any().balance(who)).unwrap()
    }
    fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }
}

fn embedded() -> Contract<Embedded> {
    Contract { rt: Embedded::new() }
}

#[test]
fn seed_worked_example_on_the_embedded_chain() {
    flows::seed_worked_example(&mut embedded());
}

#[test]
fn rent_that_streamed_is_never_locked_on_the_embedded_chain() {
    flows::arrears(&mut embedded());
}

#[test]
fn an_unseeded_epoch_pays_nobody_on_the_embedded_chain() {
    flows::silent_epoch(&mut embedded());
}

#[test]
fn proofs_mode_epochs_on_the_embedded_chain() {
    flows::proofs_epochs(&mut embedded());
}

#[test]
fn receipts_catch_omission_on_the_embedded_chain() {
    common::omission::receipts_catch_omission(&mut embedded());
}

#[test]
fn attestation_mode_on_the_embedded_chain() {
    flows::attestation_epoch(&mut embedded());
}

#[test]
fn the_chain_keeps_its_state_across_a_restart_and_refuses_bad_calls() {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let (_, url) = start(dir.path(), &rt);
    let (node_id, included) = rt.block_on(async {
        let bob = EmbeddedClient::connect(&url, Signer::dev("bob").unwrap()).await.unwrap();
        let (id, receipt): (u32, _) =
            bob.transact(0, "node_create", (10u128, String::from("{\"url\":\"http://x\"}"), 100u32)).await.unwrap();
        // A call with a forged signature is refused before it runs.
        let forged = ddc_chain::rpc::SignedCall {
            origin: bob.account(),
            nonce: 1,
            value: 0,
            data: vec![0; 4],
            signature: [7; 64],
        };
        let resp = reqwest::Client::new()
            .post(format!("{url}/rpc/submit"))
            .json(&ddc_chain::rpc::SubmitRequest { call: ddc_chain::rpc::to_hex(&scale::Encode::encode(&forged)) })
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        assert!(resp.text().await.unwrap().contains("bad signature"));
        (id, receipt.block)
    });
    drop(rt); // the node stops with its runtime; what it acknowledged is on disk
    let rt = runtime();
    let (_, url) = start(dir.path(), &rt);
    rt.block_on(async {
        let alice = EmbeddedClient::connect(&url, Signer::dev("alice").unwrap()).await.unwrap();
        assert!(alice.head().await.unwrap().number >= included, "the acknowledged block is on disk");
        let status = alice.node_get(node_id).await.unwrap();
        assert_eq!(status.params, "{\"url\":\"http://x\"}");
        assert_eq!(status.node.provider_id, Signer::dev("bob").unwrap().account());
    });
}

#[test]
fn a_websocket_subscriber_sees_each_new_block_and_its_events() {
    use futures_util::StreamExt;
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let (_, url) = start(dir.path(), &rt);
    rt.block_on(async {
        let ws_url = format!("{}/rpc/subscribe", url.replace("http://", "ws://"));
        let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
        let bob = EmbeddedClient::connect(&url, Signer::dev("bob").unwrap()).await.unwrap();
        let receipt_block =
            bob.submit_raw(0, ddc_chain::calls::call_data("node_trust_manager", bob.account())).await.unwrap().block;
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.unwrap().unwrap().unwrap();
            let block: ddc_chain::rpc::BlockEvents = serde_json::from_str(msg.to_text().unwrap()).unwrap();
            if block.number == receipt_block {
                assert_eq!(block.events.len(), 1, "the GrantPermission event");
                break;
            }
            assert!(block.number < receipt_block, "block {} skipped", receipt_block);
        }
    });
}
