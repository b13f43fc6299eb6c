//! Storage nodes against the embedded chain, all on loopback: signed writes replicated R=3 across
//! four nodes, rejected requests that store nothing, epoch commitments proved over HTTP and
//! verified, and a replaced node that rebuilds its vnodes from the survivors, checks them
//! against the committed root and proves them.

use crate::common::*;
use ddc_chain::{Ddc, Signer};
use ddc_circuits::challenge::replica_seed;
use ddc_primitives::encoding::fr_from_bytes;
use ddc_primitives::groth16::{decode_proof, decode_vk, verify, PublicInputs};
use ddc_prover::auth::RequestAuth;
use ddc_prover::client::{object_path, ClientError, ObjectClient};
use ddc_prover::receipt;
use ddc_prover::ring::placement;
use ddc_prover::server::internal::ProofRequest;
use std::collections::BTreeMap;

fn data(i: usize) -> Vec<u8> {
    (0..(i * 97 + 1)).map(|j| (j * 31 + i) as u8).collect()
}

fn api_status(e: ClientError) -> u16 {
    match e {
        ClientError::Api { status, .. } => status,
        e => panic!("expected an API error, got {e}"),
    }
}

/// A validator's request of a proof from a node, checked against the chain's commitment.
async fn proof_verifies(net: &Net, url: &str, vnode: u32, node_id: u32, epoch: u64) -> bool {
    let chain = net.client(VALIDATOR).await;
    let seed = chain.epoch_seed(net.cluster, epoch).await.unwrap().expect("seed final");
    let req = ProofRequest { cluster_id: net.cluster, vnode, epoch, seed };
    let resp = reqwest::Client::new().post(format!("{url}/v1/proof")).json(&req).send().await.unwrap();
    assert!(resp.status().is_success(), "proof request: {} {}", resp.status(), resp.text().await.unwrap());
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len(), 128);
    let commitment = chain.commitment_get(net.cluster, vnode, epoch).await.unwrap().expect("committed");
    let public = PublicInputs {
        root: fr_from_bytes(&commitment.root).unwrap(),
        chunk_count: commitment.chunk_count,
        seed: replica_seed(&seed, net.cluster, vnode, node_id, epoch),
    };
    verify(&decode_vk(&net.vk).unwrap(), &public, &decode_proof(&bytes).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_of_nodes_stores_serves_proves_and_heals() {
    let mut net = Net::start().await;
    let providers = ["bob", "charlie", "dave", "walter"];
    let mut nodes: Vec<RunningNode> = providers.iter().map(|p| spawn_node(p, net.node_config(p))).collect();
    let spare = spawn_node("xena", net.node_config("xena"));
    let mut ids = Vec::new();
    for p in providers {
        ids.push(net.registered(p).await);
    }
    let spare_id = net.registered("xena").await;
    net.form_cluster(&[&providers[..], &["xena"]].concat(), &ids, 8, 3).await;
    for n in &nodes {
        n.healthy().await;
    }
    let chain = net.client(USER).await;
    let topo: Vec<u32> = chain.cluster_get(net.cluster).await.unwrap().cluster.vnodes;
    let url_of = |id: u32| nodes[ids.iter().position(|x| *x == id).unwrap()].url.clone();
    let user = Signer::dev(USER).unwrap();
    let b = net.bucket;

    // Signed puts through one node land on three consecutive vnodes each.
    let via0 = ObjectClient::new(&nodes[0].url, Some(user.clone()));
    let mut stored = BTreeMap::new();
    for i in 0..12 {
        let key = format!("dir/object-{i}");
        let receipt = via0.put_bytes(b, &key, data(i)).await.unwrap();
        let want = placement(b, &key, 8, 3);
        assert_eq!(receipt.replicas.iter().map(|r| r.vnode).collect::<Vec<_>>(), want);
        assert!(receipt.replicas.iter().all(|r| r.durable && r.node_id == topo[r.vnode as usize]), "{receipt:?}");
        // Every replica answers with a receipt its node's provider signed, for this write.
        for r in &receipt.replicas {
            let signed = r.receipt.expect("a receipt per stored replica");
            let provider = chain.node_get(r.node_id).await.unwrap().node.provider_id;
            assert!(signed.signed_by(&provider), "{signed:?}");
            assert_eq!((signed.vnode, signed.version, signed.chunks > 0), (r.vnode, receipt.version, true));
            let mut forged = signed;
            forged.chunks -= 1;
            assert!(!forged.signed_by(&provider));
        }
        stored.insert(key, data(i));
    }
    // Reads through any node, whole or ranged; each replica's node holds its copy.
    for (n, node) in nodes.iter().enumerate() {
        let c = ObjectClient::new(&node.url, Some(user.clone()));
        for (key, bytes) in &stored {
            assert_eq!(&c.get_bytes(b, key).await.unwrap(), bytes, "{key} through node {n}");
        }
    }
    let (key, bytes) = stored.iter().nth(7).unwrap();
    let part = ObjectClient::new(&nodes[3].url, Some(user.clone())).get(b, key, Some((100, 300))).await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(&part.bytes().await.unwrap()[..], &bytes[100..300]);
    for v in placement(b, key, 8, 3) {
        let host = url_of(topo[v as usize]);
        let auth = RequestAuth::sign(&user, "GET", &object_path(b, key), ddc_prover::auth::EMPTY_SHA256);
        let mut req =
            reqwest::Client::new().get(format!("{host}{}", object_path(b, key))).header("x-ddc-forwarded", "1");
        for (k, val) in auth.headers() {
            req = req.header(k, val);
        }
        assert!(req.send().await.unwrap().status().is_success(), "vnode {v}'s host holds a copy");
    }
    let listing = ObjectClient::new(&nodes[2].url, Some(user.clone())).list(b, "dir/").await.unwrap();
    assert_eq!(
        listing.objects.iter().map(|o| o.key.clone()).collect::<Vec<_>>(),
        stored.keys().cloned().collect::<Vec<_>>()
    );

    // Unsigned, foreign, tampered, replayed and unpaid requests are refused and store nothing.
    let anon = ObjectClient::new(&nodes[1].url, None);
    assert_eq!(api_status(anon.put_bytes(b, "evil", vec![1; 10]).await.unwrap_err()), 401);
    assert_eq!(api_status(anon.get_bytes(b, "dir/object-1").await.unwrap_err()), 401, "private bucket");
    let zoe = ObjectClient::new(&nodes[1].url, Some(Signer::dev("zoe").unwrap()));
    assert_eq!(api_status(zoe.put_bytes(b, "evil", vec![1; 10]).await.unwrap_err()), 403);
    assert_eq!(api_status(zoe.get_bytes(b, "dir/object-1").await.unwrap_err()), 403);
    let path = object_path(b, "evil");
    let auth = RequestAuth::sign(&user, "PUT", &path, [0; 32]);
    let send = |auth: RequestAuth, body: Vec<u8>| {
        let mut req = reqwest::Client::new().put(format!("{}{path}", nodes[1].url)).body(body);
        for (k, v) in auth.headers() {
            req = req.header(k, v);
        }
        req.send()
    };
    assert_eq!(send(auth, vec![1; 10]).await.unwrap().status(), 400, "body other than signed");
    let sha: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest([1u8; 10]).into();
    let auth = RequestAuth::sign(&user, "PUT", &object_path(b, "once"), sha);
    let mut forged = auth.clone();
    forged.timestamp_ms += 1;
    let once = |auth: RequestAuth| {
        let mut req =
            reqwest::Client::new().put(format!("{}{}", nodes[1].url, object_path(b, "once"))).body(vec![1u8; 10]);
        let order = receipt::order(b, "once", auth.timestamp_ms, Some(sha));
        req = req.header(receipt::ORDER, hex::encode(receipt::sign_order(&user, &order)));
        for (k, v) in auth.headers() {
            req = req.header(k, v);
        }
        req.send()
    };
    let unordered = RequestAuth::sign(&user, "PUT", &object_path(b, "once"), sha);
    let mut req = reqwest::Client::new().put(format!("{}{}", nodes[1].url, object_path(b, "once"))).body(vec![1u8; 10]);
    for (k, v) in unordered.headers() {
        req = req.header(k, v);
    }
    assert_eq!(req.send().await.unwrap().status(), 400, "a write without the owner's signed order");
    assert_eq!(once(forged).await.unwrap().status(), 401, "signature over another timestamp");
    assert_eq!(once(auth.clone()).await.unwrap().status(), 201);
    assert_eq!(once(auth).await.unwrap().status(), 401, "replay");
    let broke = net.bucket_for("yuri", 3, 0).await;
    let yuri = ObjectClient::new(&nodes[1].url, Some(Signer::dev("yuri").unwrap()));
    let err = yuri.put_bytes(broke, "x", vec![1; 10]).await.unwrap_err();
    assert_eq!(api_status(err), 402, "no deposit, no rent");
    assert_eq!(api_status(via0.get_bytes(b, "evil").await.unwrap_err()), 404);
    assert_eq!(
        api_status(
            ObjectClient::new(&nodes[0].url, Some(Signer::dev("yuri").unwrap())).list(broke, "").await.unwrap_err()
        ),
        402
    );
    via0.delete(b, "once").await.unwrap();
    assert_eq!(api_status(via0.get_bytes(b, "once").await.unwrap_err()), 404);
    let metrics = reqwest::get(format!("{}/metrics", nodes[0].url)).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("ddc_node_bytes_stored") && metrics.contains("ddc_node_requests_total"), "{metrics}");

    // An epoch: every vnode committed, the seed revealed, proofs served over HTTP verify.
    let epoch = net.drive_epoch().await;
    let v = net.client(VALIDATOR).await;
    for vnode in 0..8u32 {
        let c = v.commitment_get(net.cluster, vnode, epoch).await.unwrap().expect("every vnode committed");
        assert_eq!(c.node_id, topo[vnode as usize]);
        if c.chunk_count > 0 {
            assert!(proof_verifies(&net, &url_of(c.node_id), vnode, c.node_id, epoch).await, "vnode {vnode}");
        }
    }
    // The proof is bound to its node: checked as another node's, it fails.
    let busy = (0..8u32).find(|vn| !stored.keys().all(|k| !placement(b, k, 8, 3).contains(vn))).unwrap();
    let other = *ids.iter().find(|id| **id != topo[busy as usize]).unwrap();
    assert!(!proof_verifies(&net, &url_of(topo[busy as usize]), busy, other, epoch).await);

    // Node 3 dies; the manager gives its vnodes to the spare, which rebuilds them.
    let dead = nodes.remove(3);
    let dead_id = ids[3];
    dead.shutdown().await;
    let manager = net.client(MANAGER).await;
    let taken: Vec<u32> = (0..8u32).filter(|v| topo[*v as usize] == dead_id).collect();
    assert!(!taken.is_empty());
    for vnode in &taken {
        manager.act::<_, ()>(0, "cluster_replace_node", (net.cluster, *vnode, spare_id)).await.unwrap();
    }
    spare.healthy().await;
    let spare_client = ObjectClient::new(&spare.url, None);
    let mut committed = Vec::new();
    for vnode in &taken {
        let c = v.commitment_get(net.cluster, *vnode, epoch).await.unwrap().unwrap();
        committed.push((*vnode, c.chunk_count, c.root));
    }
    // Resync runs in the background once the spare serves: wait on its state, not on time.
    wait_for("the spare to rebuild every vnode it took to its committed root", 60, || async {
        let replicas = spare_client.replicas().await.ok()?;
        let rebuilt = |&(vnode, count, root): &(u32, u64, [u8; 32])| {
            replicas.iter().any(|r| r.vnode == vnode && (r.chunk_count, r.root) == (count, root))
        };
        committed.iter().all(rebuilt).then_some(())
    })
    .await;
    let through_spare = ObjectClient::new(&spare.url, Some(user.clone()));
    for (key, bytes) in &stored {
        assert_eq!(&through_spare.get_bytes(b, key).await.unwrap(), bytes);
    }
    // The spare commits the rebuilt vnodes and its proofs verify.
    let next = net.drive_epoch().await;
    for vnode in &taken {
        let c = v.commitment_get(net.cluster, *vnode, next).await.unwrap().expect("the spare committed");
        assert_eq!(c.node_id, spare_id);
        if c.chunk_count > 0 {
            assert!(proof_verifies(&net, &spare.url, *vnode, spare_id, next).await, "spare's proof of vnode {vnode}");
        }
    }
    for n in nodes {
        n.shutdown().await;
    }
    spare.shutdown().await;
}
