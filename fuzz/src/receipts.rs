//! The write receipts a user keeps (`receipt_store`, one JSON line each) from arbitrary text.
//! A receipt that parses converts to the contract's form and back unchanged, and the provider's
//! signature passes only on the receipt the provider signed, never as an order.

use ddc_chain::Signer;
use ddc_prover::receipt::{order, order_signed_by, SignedReceipt};
use ddc_prover::receipt_store;
use ddc_verifier_contract::logic::{signed_message, Receipt, RECEIPT_DOMAIN};
use std::path::Path;
use std::sync::OnceLock;

pub struct Fixture {
    pub provider: Signer,
    pub receipt: SignedReceipt,
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let provider = Signer::dev("bob").expect("dev key");
        let r = Receipt {
            cluster_id: 1,
            order: order(3, "photos/a.jpg", 1_765_000_000_000, Some([7; 32])),
            vnode: 5,
            node_id: 2,
            generation: 1,
            first_chunk: 64,
            chunks: 16,
            liable_from: 9,
            time_ms: 1_765_000_000_123,
        };
        let receipt = SignedReceipt::from_parts(r, provider.sign(&signed_message(RECEIPT_DOMAIN, &r)));
        Fixture { provider, receipt }
    })
}

/// The genuine receipt as a store line.
pub fn genuine() -> Vec<u8> {
    let mut line = serde_json::to_vec(&fixture().receipt).expect("serializes");
    line.push(b'\n');
    line
}

pub fn run(data: &[u8]) {
    let f = fixture();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(receipts) = receipt_store::parse(Path::new("fuzz.jsonl"), text) else { return };
    let provider = f.provider.account();
    for r in receipts {
        assert_eq!(SignedReceipt::from_parts(r.receipt(), r.signature), r);
        if r.signed_by(&provider) {
            let genuine = SignedReceipt { signature: r.signature, ..f.receipt };
            assert_eq!(r, genuine, "only the signed receipt passes");
        }
        assert!(!order_signed_by(&provider, &r.receipt().order, &r.signature), "a receipt's signature is no order's");
    }
}
