//! The Substrate backend against a running node with the DDC contracts deployed
//! (`substrate-contracts-node --dev`; docs/substrate.md). Set `DDC_NODE_URL=ws://…` and
//! `DDC_CONTRACT=<core contract address>`; `DDC_SIGNER` (default `//Alice`) signs. Without
//! them the node test says it was skipped; the URL checks of `connect` always run.

use ddc_chain::{connect, ChainError, Ddc, Event, Signer};
use ddc_verifier_contract::logic::{Error as ContractError, NodeId, TOKEN};

fn node() -> Option<(String, String)> {
    Some((std::env::var("DDC_NODE_URL").ok()?, std::env::var("DDC_CONTRACT").ok()?))
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
    let Some((url, contract)) = node() else {
        println!("SKIPPED: set DDC_NODE_URL=ws://… and DDC_CONTRACT=… to run against a substrate-contracts-node");
        return;
    };
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
