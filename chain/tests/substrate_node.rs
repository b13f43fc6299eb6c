//! The Substrate backend against a real node: by default a fresh chopsticks node over the DDC
//! runtime wasm (scripts/build-runtime.sh, scripts/setup.sh --tests), where the ddc-pos build
//! of the core contract is deployed first. `DDC_NODE_URL=ws://…` runs against another node
//! instead, with `DDC_CONTRACT=<core contract address>` or a contract deployed here;
//! `DDC_SIGNER` (default `//Alice`) signs.

use ddc_chain::calls::call_data;
use ddc_chain::substrate::address::to_ss58;
use ddc_chain::substrate::local::{LocalNode, NodeTime};
use ddc_chain::substrate::SubstrateClient;
use ddc_chain::{connect, ChainError, Ddc, Event, Signer};
use ddc_verifier_contract::logic::{Error as ContractError, NodeId, TOKEN};
use std::path::Path;

/// A node and the core contract on it; a local node lives as long as this.
struct Chain {
    url: String,
    contract: String,
    _local: Option<(LocalNode, tempfile::TempDir)>,
}

async fn chain() -> Chain {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (url, local) = match std::env::var("DDC_NODE_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let wasm = root.join("target/runtime/ddc_runtime.wasm");
            let code = std::fs::read(&wasm)
                .unwrap_or_else(|e| panic!("{}: {e}: run scripts/build-runtime.sh", wasm.display()));
            let dir = tempfile::tempdir().expect("temp dir");
            let spec = ddc_runtime::chain_spec::dev_chain_spec(&code).expect("dev chain spec");
            let spec_path = dir.path().join("ddc-dev.json");
            std::fs::write(&spec_path, serde_json::to_vec(&spec).unwrap()).expect("writing the spec");
            let node = LocalNode::start(&root, &spec_path, 0, NodeTime::Manual, &dir.path().join("node.log"))
                .expect("local node");
            (node.url().to_string(), Some((node, dir)))
        }
    };
    let contract = match std::env::var("DDC_CONTRACT") {
        Ok(contract) => contract,
        Err(_) => {
            let wasm = root.join("target/contract/ddc_verifier_contract_ddc_pos.wasm");
            let code = std::fs::read(&wasm)
                .unwrap_or_else(|e| panic!("{}: {e}: run scripts/build-contract.sh", wasm.display()));
            let deployed = SubstrateClient::deploy(&url, signer(), code, call_data("new_with_extension", true), vec![])
                .await
                .expect("deploying the core contract");
            to_ss58(&deployed.contract())
        }
    };
    Chain { url, contract, _local: local }
}

fn signer() -> Signer {
    Signer::from_uri(&std::env::var("DDC_SIGNER").unwrap_or_else(|_| "//Alice".into())).expect("DDC_SIGNER")
}

#[tokio::test]
async fn connect_accepts_only_known_chain_urls() {
    let err = |r: Result<_, ChainError>| r.err().map(|e| e.to_string()).expect("an error");
    let e = err(connect("ftp://127.0.0.1:9944", None, signer()).await);
    assert!(e.contains("http(s)://") && e.contains("ws(s)://"), "{e}");
    let e = err(connect("127.0.0.1:9944", None, signer()).await);
    assert!(e.contains("http(s)://"), "{e}");
    let e = err(connect("ws://127.0.0.1:1", None, signer()).await);
    assert!(e.contains("--contract"), "{e}");
    let e = err(connect("ws://127.0.0.1:1", Some("0x12"), signer()).await);
    assert!(e.contains("contract address"), "{e}");
}

#[tokio::test]
async fn calls_and_events_on_a_substrate_node() {
    let Chain { url, contract, _local } = chain().await;
    let chain = connect(&url, Some(&contract), signer()).await.expect("connect");
    let me = chain.account();

    // An address that is not a contract is refused at connect.
    let not_contract = ddc_chain::substrate::address::to_ss58(&me);
    let e = connect(&url, Some(&not_contract), signer()).await.err().expect("refused").to_string();
    assert!(e.contains("no contract"), "{e}");

    let head = chain.head().await.expect("head");
    assert!(head.now_ms > 0, "Timestamp::Now");
    assert!(chain.balance(me).await.expect("balance") > 0, "the signer needs funds");

    let params = format!("{{\"url\":\"http://substrate-test-{}\"}}", head.now_ms);
    let (node_id, receipt) =
        chain.transact::<_, NodeId>(0, "node_create", (10 * TOKEN, params.clone(), 100u32)).await.expect("node_create");
    assert!(!receipt.reverted);
    assert!(receipt.block > head.number, "included after the head it started from");
    let created =
        Event::NodeCreated { node_id, provider_id: me, rent_per_month: 10 * TOKEN, node_params: params.clone() };
    assert_eq!(receipt.events, vec![created.clone()]);

    let status = chain.node_get(node_id).await.expect("node_get");
    assert_eq!((status.node.provider_id, status.node.rent_per_month, &status.params), (me, 10 * TOKEN, &params));

    // Contract errors are typed, from queries and from calls (which are then not submitted).
    assert!(matches!(chain.node_get(u32::MAX).await, Err(ChainError::Contract(ContractError::NodeDoesNotExist))));
    let refused = chain.act::<_, ()>(0, "node_change_params", (u32::MAX, String::new())).await;
    assert!(matches!(refused, Err(ChainError::Contract(ContractError::NodeDoesNotExist))), "{refused:?}");

    // The finalized events, from the call's block on.
    let batch = chain.events_since(receipt.block).await.expect("events_since");
    assert!(batch.head >= receipt.block);
    let (block, events) = batch.blocks.first().expect("the call's block");
    assert_eq!((*block, events.contains(&created)), (receipt.block, true));
    let later = chain.events_since(batch.head + 1).await.expect("events_since past the head");
    assert!(later.blocks.iter().all(|(b, _)| *b > batch.head));
    println!("PASSED against {url}: node {node_id} created in block {}", receipt.block);
}
