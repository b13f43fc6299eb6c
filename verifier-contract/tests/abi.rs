//! The native executor dispatches exactly the contract's ABI: every message of the ink! metadata
//! (built by `scripts/build-contract.sh`) has the same selector and payability natively.

use ddc_verifier_contract::native::{selector, MESSAGES, PAYABLE};

#[test]
fn native_dispatch_table_matches_the_ink_metadata() {
    let path = format!("{}/../target/contract/ddc_verifier_contract.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}; run scripts/build-contract.sh"));
    let metadata: serde_json::Value = serde_json::from_str(&text).unwrap();
    let messages = metadata["spec"]["messages"].as_array().expect("messages");
    let mut names: Vec<&str> = Vec::new();
    for m in messages {
        let label = m["label"].as_str().unwrap();
        let expected = format!("0x{}", hex::encode(selector(label)));
        assert_eq!(m["selector"].as_str().unwrap(), expected, "selector of {label}");
        assert_eq!(m["payable"].as_bool().unwrap(), PAYABLE.contains(&label), "payability of {label}");
        names.push(label);
    }
    let mut native: Vec<&str> = MESSAGES.to_vec();
    names.sort_unstable();
    native.sort_unstable();
    assert_eq!(names, native);
}

/// Clients of the seed's contract read its error codes by index: its 19 errors come first, in
/// its order (ddc_bucket 0.5.2).
#[test]
fn the_seeds_errors_keep_their_indices() {
    use ddc_verifier_contract::logic::Error::*;
    use scale::Encode;
    let seed = [
        BucketDoesNotExist,
        ClusterDoesNotExist,
        TooManyVNodes,
        ParamsTooBig,
        VNodeDoesNotExist,
        BucketClusterAlreadyConnected,
        BucketClusterNotSetup,
        NodeDoesNotExist,
        FlowDoesNotExist,
        AccountDoesNotExist,
        ParamsDoesNotExist,
        UnauthorizedProvider,
        UnauthorizedOwner,
        UnauthorizedClusterManager,
        ClusterManagerIsNotTrusted,
        TransferFailed,
        InsufficientBalance,
        InsufficientResources,
        Unauthorized,
    ];
    for (index, error) in seed.iter().enumerate() {
        assert_eq!(error.encode(), vec![index as u8], "{error:?}");
    }
}
