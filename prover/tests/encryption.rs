//! Client-side encryption against a real node and the embedded chain: encrypted puts and gets,
//! ranges across chunks, encrypted names, no plaintext on the node's disk, a tampered chunk
//! refused, sharing, re-sharing of later writes, unsharing, and non-recipients refused.

use crate::common::*;
use ddc_chain::{Ddc, Signer};
use ddc_circuits::storage::StorageParams;
use ddc_prover::client::envelope::{ciphertext_len, EnvelopeError};
use ddc_prover::client::secure::{BucketKeys, SecureClient, SecureError};
use ddc_prover::client::{ClientError, ObjectClient};
use ddc_prover::view::{account_hex, BucketParams};

const MARKER: &[u8] = b"PLAINTEXT-MARKER-7f3a";

/// `len` bytes with the marker every 1,000 bytes.
fn data(len: usize, salt: u8) -> Vec<u8> {
    let mut d: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(13).wrapping_add(salt)).collect();
    for at in (0..len.saturating_sub(MARKER.len())).step_by(1000) {
        d[at..at + MARKER.len()].copy_from_slice(MARKER);
    }
    d
}

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_contain(&p, needle)
        } else {
            std::fs::read(&p).unwrap().windows(needle.len()).any(|w| w == needle)
        }
    })
}

fn envelope_error(e: SecureError) -> EnvelopeError {
    match e {
        SecureError::Envelope(e) => e,
        e => panic!("expected an envelope error, got {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_objects_round_trip_share_and_refuse_tampering() {
    // Room for a few 200 KB objects: 2^15 chunks of 64 bytes per vnode.
    let mut net = Net::start_with(StorageParams { depth: 15, ..params() }.checked().unwrap()).await;
    let node = spawn_node("bob", net.node_config("bob"));
    let id = net.registered("bob").await;
    net.form_cluster(&["bob"], &[id], 1, 1).await;
    node.healthy().await;
    let b = net.bucket;
    let (owner, reader, outsider) =
        (Signer::dev(USER).unwrap(), Signer::dev("dave").unwrap(), Signer::dev("zoe").unwrap());
    let secure = |s: &Signer| SecureClient::new(ObjectClient::new(&node.url, Some(s.clone())), s);
    let (alice, dave, zoe) = (secure(&owner), secure(&reader), secure(&outsider));
    let keys = || async { BucketKeys::new(&net.client(USER).await.bucket_get(b).await.unwrap()) };

    // Round trips of every size class, whole and in ranges across chunk boundaries.
    let big = data(200_000, 1);
    for (key, bytes) in [("empty", vec![]), ("small", data(100, 2)), ("chunk", data(65_536, 3)), ("big", big.clone())] {
        let (receipt, _) = alice.put_bytes(b, key, &bytes, None).await.unwrap();
        assert_eq!(receipt.len, ciphertext_len(bytes.len() as u64), "{key}: nodes store the ciphertext");
        assert_eq!(alice.get_bytes(b, key, None, None).await.unwrap(), bytes, "{key}");
    }
    for (a, z) in [(0, 1), (65_530, 65_542), (1_000, 140_000), (131_072, 200_000), (199_999, 300_000)] {
        let got = alice.get_bytes(b, "big", Some((a, z)), None).await.unwrap();
        assert_eq!(got, big[a as usize..(z as usize).min(big.len())], "range {a}..{z}");
    }
    // A file streams through the same format.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file.bin");
    std::fs::write(&path, &big).unwrap();
    alice.put_file(b, "file", &path, None, |_| {}).await.unwrap();
    assert_eq!(alice.get_bytes(b, "file", None, None).await.unwrap(), big);

    // Encrypted names: the node sees neither the name nor the data.
    let stored = alice.stored_key(b, "secret/plan.txt", true);
    alice.put_bytes(b, &stored, &data(5_000, 4), None).await.unwrap();
    let listed: Vec<String> = alice.objects.list(b, "").await.unwrap().objects.into_iter().map(|o| o.key).collect();
    assert!(listed.contains(&stored) && !listed.iter().any(|k| k.contains("plan")), "{listed:?}");
    assert_eq!(alice.name_of(b, &stored).as_deref(), Some("secret/plan.txt"));
    assert!(!files_contain(&node.config.data_dir, MARKER), "plaintext on the node's disk");
    assert!(!files_contain(&node.config.data_dir, b"secret/plan"), "a plaintext name on the node's disk");

    // A flipped ciphertext byte fails the chunk it is in, with a clear error.
    let mut stored_bytes = alice.objects.get_bytes(b, "big").await.unwrap();
    stored_bytes[200_000 / 2] ^= 0x20;
    alice.objects.put_bytes(b, "big", stored_bytes).await.unwrap();
    let e = envelope_error(alice.get_bytes(b, "big", None, None).await.unwrap_err());
    assert_eq!(e, EnvelopeError::Chunk(1));
    assert!(e.to_string().contains("chunk 1 failed authentication"), "{e}");
    // Plain objects are told apart.
    alice.objects.put_bytes(b, "plain", b"hello".to_vec()).await.unwrap();
    assert_eq!(envelope_error(alice.get_bytes(b, "plain", None, None).await.unwrap_err()), EnvelopeError::NotEncrypted);

    // Sharing: the owner publishes Dave as a reader with his key, and its own key.
    let user = net.client(USER).await;
    let mut params = BucketParams::parse("{\"replication\":1}");
    params.readers.push(account_hex(&reader.account()));
    params.encryption_keys.insert(account_hex(&reader.account()), hex::encode(dave.public_key()));
    params.encryption_keys.insert(account_hex(&owner.account()), hex::encode(alice.public_key()));
    user.act::<_, ()>(0, "bucket_change_params", (b, serde_json::to_string(&params).unwrap())).await.unwrap();
    let k = keys().await;
    alice.share(b, "small", &reader.account(), &dave.public_key(), Some(&k)).await.unwrap();
    let dave_reads = |key: &'static str| {
        let (dave, k) = (&dave, &k);
        async move { dave.get_bytes(b, key, None, Some(k)).await }
    };
    let got = wait_for("the node to see Dave as a reader", 30, || async { dave_reads("small").await.ok() }).await;
    assert_eq!(got, data(100, 2));
    // Without the bucket's published keys, Dave does not trust the wrap's sender.
    let e = envelope_error(dave.get_bytes(b, "small", None, None).await.unwrap_err());
    assert!(matches!(e, EnvelopeError::UntrustedSender(_)), "{e}");
    // An object not shared with Dave stays closed to him, though he may read the bucket.
    let e = envelope_error(dave_reads("chunk").await.unwrap_err());
    assert!(matches!(e, EnvelopeError::NotRecipient(_)), "{e}");
    // A later write of a shared key is re-wrapped to Dave.
    let (_, shared) = alice.put_bytes(b, "small", &data(3_000, 5), Some(&k)).await.unwrap();
    assert_eq!(shared, vec![reader.account()]);
    assert_eq!(dave_reads("small").await.unwrap(), data(3_000, 5));
    // Zoe is no reader: the node refuses her.
    match zoe.get_bytes(b, "small", None, Some(&k)).await.unwrap_err() {
        SecureError::Client(ClientError::Api { status: 403, .. }) => {}
        e => panic!("expected 403, got {e}"),
    }
    // Unsharing: Dave keeps read access to the bucket, but later writes are not for him.
    alice.unshare(b, "small", &reader.account()).await.unwrap();
    alice.put_bytes(b, "small", &data(4_000, 6), Some(&k)).await.unwrap();
    let e = envelope_error(dave_reads("small").await.unwrap_err());
    assert!(matches!(e, EnvelopeError::NotRecipient(_)), "{e}");
    assert_eq!(alice.get_bytes(b, "small", None, Some(&k)).await.unwrap(), data(4_000, 6));
    node.shutdown().await;
}
