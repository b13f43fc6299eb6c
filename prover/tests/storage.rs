//! The storage engine: writes, versions, tombstones, compaction, commitments and crash repair.

use ddc_circuits::challenge::replica_seed;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::storage::{vanilla, StorageParams};
use ddc_primitives::encoding::fr_to_bytes;
use ddc_primitives::groth16::PublicInputs;
use ddc_primitives::packing::leaf_hash;
use ddc_prover::storage::{Storage, Written};
use std::fs::OpenOptions;

fn params() -> StorageParams {
    StorageParams::new(10, 4, 64).unwrap()
}

fn bytes(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u8).wrapping_mul(7) ^ salt).collect()
}

fn put(s: &Storage, vnode: u32, key: &str, version: u64, data: &[u8]) -> Written {
    s.put(1, vnode, 7, key, version, [version as u8; 32], data.len() as u64, &mut &data[..], None).unwrap()
}

fn read(s: &Storage, vnode: u32, key: &str) -> Option<Vec<u8>> {
    let r = s.reader(1, vnode, 7, key).unwrap()?;
    let mut buf = vec![0u8; r.meta.len as usize];
    r.read_at(&mut buf, 0).unwrap();
    Some(buf)
}

/// The root of `objects` laid out chunk by chunk, each zero-padded to whole chunks.
fn expected_root(objects: &[&[u8]]) -> [u8; 32] {
    let p = params();
    let mut tree = MemTree::new(p.shape());
    for o in objects {
        for c in o.chunks(p.chunk_bytes) {
            let mut padded = vec![0u8; p.chunk_bytes];
            padded[..c.len()].copy_from_slice(c);
            tree.append(leaf_hash(&padded)).unwrap();
        }
    }
    fr_to_bytes(&tree.root().unwrap())
}

#[test]
fn versions_tombstones_and_listing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), params()).unwrap();
    let a = bytes(1000, 1);
    assert!(matches!(put(&s, 0, "a", 10, &a), Written::Stored(_)));
    assert!(matches!(put(&s, 0, "a", 9, &bytes(5, 2)), Written::Superseded(_)), "an older version is a no-op");
    assert_eq!(read(&s, 0, "a").unwrap(), a);
    put(&s, 0, "b/1", 11, &bytes(64, 3));
    put(&s, 0, "b/2", 12, &bytes(0, 3));
    let listed: Vec<String> = s.list(1, 0, 7, "b/", 10).unwrap().into_iter().map(|(k, _)| k).collect();
    assert_eq!(listed, ["b/1", "b/2"]);
    assert!(matches!(s.delete(1, 0, 7, "a", 13, None).unwrap(), Written::Stored(_)));
    assert_eq!(read(&s, 0, "a"), None);
    assert!(matches!(put(&s, 0, "a", 12, &a), Written::Superseded(_)), "a delete wins over an older put");
    assert!(matches!(s.delete(1, 0, 7, "a", 13, None).unwrap(), Written::Superseded(_)), "a replay is a no-op");
    assert!(matches!(put(&s, 0, "a", 13, &a), Written::Conflict(_)), "another write of the same version is refused");
    assert_eq!(read(&s, 0, "a"), None);
    assert_eq!(s.dead_chunks(1, 0).unwrap(), 16);
    let (count, root) = s.state(1, 0).unwrap();
    assert_eq!(count, 17);
    assert_eq!(root, expected_root(&[&a, &bytes(64, 3)]));
}

#[test]
fn commitments_stay_provable_across_appends_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let p = params();
    let s = Storage::open(dir.path(), p).unwrap();
    let a = bytes(3000, 1);
    let b = bytes(2000, 2);
    put(&s, 3, "a", 1, &a);
    put(&s, 3, "b", 2, &b);
    let c0 = s.record_commit(1, 3, 0, None).unwrap();
    assert_eq!(c0.root, expected_root(&[&a, &b]));
    s.delete(1, 3, 7, "a", 3, None).unwrap();
    put(&s, 3, "c", 4, &bytes(100, 3));
    let after = s.compact(1, 3).unwrap();
    assert_eq!(after.generation, 1);
    assert_eq!(after.chunks, 32 + 2);
    assert_eq!(read(&s, 3, "b").unwrap(), b);
    let c1 = s.record_commit(1, 3, 1, None).unwrap();
    assert_eq!(c1.root, expected_root(&[&b, &bytes(100, 3)]));
    for (epoch, c) in [(0, c0), (1, c1)] {
        let seed = replica_seed(&[9; 32], 1, 3, 5, epoch);
        let (record, opened) = s.open_challenges(1, 3, epoch, seed).unwrap();
        assert_eq!(record, c);
        let root = ddc_primitives::encoding::fr_from_bytes(&c.root).unwrap();
        vanilla::verify(&p, &PublicInputs { root, chunk_count: c.chunk_count, seed }, &opened).unwrap();
    }
    s.prune(1, 3, 1).unwrap();
    assert!(s.open_challenges(1, 3, 0, replica_seed(&[9; 32], 1, 3, 5, 0)).is_err());
    assert!(!dir.path().join("replicas/c1-v3/gen-0").exists(), "the retired generation is deleted");
}

#[test]
fn a_crash_loses_nothing_acknowledged_and_repairs_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let a = bytes(5000, 1);
    {
        let s = Storage::open(dir.path(), params()).unwrap();
        put(&s, 2, "a", 1, &a);
    }
    let gen = dir.path().join("replicas/c1-v2/gen-0");
    // An unacknowledged write had reached the log and part of the tree when the node died.
    let log = OpenOptions::new().append(true).open(gen.join("chunks.log")).unwrap();
    std::io::Write::write_all(&mut &log, &[0xAB; 64 * 3 + 10]).unwrap();
    let leaves = OpenOptions::new().append(true).open(gen.join("tree/level-00.bin")).unwrap();
    std::io::Write::write_all(&mut &leaves, &[1; 32 * 2]).unwrap();
    let s = Storage::open(dir.path(), params()).unwrap();
    assert_eq!(read(&s, 2, "a").unwrap(), a);
    assert_eq!(s.state(1, 2).unwrap(), (79, expected_root(&[&a])));
    drop(s);
    // The tree lost its tail (synced after the log): it is rehashed from the log.
    let leaves = OpenOptions::new().write(true).open(gen.join("tree/level-00.bin")).unwrap();
    leaves.set_len(32 * 40).unwrap();
    let s = Storage::open(dir.path(), params()).unwrap();
    assert_eq!(s.state(1, 2).unwrap(), (79, expected_root(&[&a])));
    put(&s, 2, "b", 2, &bytes(10, 2));
    assert_eq!(s.state(1, 2).unwrap().1, expected_root(&[&a, &bytes(10, 2)]));
}

#[test]
fn manifests_rebuild_a_replica_to_its_committed_root() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), params()).unwrap();
    let objects = [bytes(700, 1), bytes(64, 2), bytes(1, 3)];
    for (i, o) in objects.iter().enumerate() {
        put(&s, 4, &format!("k{i}"), i as u64 + 1, o);
    }
    s.record_commit(1, 4, 5, None).unwrap();
    let manifest = s.manifest(1, 4, 5).unwrap();
    assert_eq!(manifest.entries.len(), 3);

    let other = tempfile::tempdir().unwrap();
    let t = Storage::open(other.path(), params()).unwrap();
    // Out of order, the rebuild refuses: the root would differ.
    assert!(t.restore(1, 4, &manifest.entries[1], &mut &objects[1][..]).is_err());
    for (e, o) in manifest.entries.iter().zip(&objects) {
        t.restore(1, 4, e, &mut &o[..]).unwrap();
    }
    assert_eq!(t.state(1, 4).unwrap(), (manifest.chunk_count, manifest.root));
    assert_eq!(t.object(1, 4, 7, "k0").unwrap(), s.object(1, 4, 7, "k0").unwrap());
}

fn stored(w: Written) -> ddc_prover::storage::index::ObjectMeta {
    match w {
        Written::Stored(m) => m,
        other => panic!("not stored: {other:?}"),
    }
}

/// What receipts promise: a write is owed from the epoch after the replica's last commitment
/// (kept across a restart), the order's signature stays with the version, and a version can be
/// found by its key's hash and in the generation it moved to.
#[test]
fn writes_are_owed_from_the_epoch_after_the_last_commitment() {
    let dir = tempfile::tempdir().unwrap();
    let a = bytes(300, 1);
    {
        let s = Storage::open(dir.path(), params()).unwrap();
        assert_eq!(stored(put(&s, 2, "a", 1, &a)).liable_from, 0, "no commitment yet: owed from epoch 0");
        s.record_commit(1, 2, 4, None).unwrap();
    }
    let s = Storage::open(dir.path(), params()).unwrap();
    let sig = [5u8; 64];
    let b = stored(s.put(1, 2, 7, "b", 2, [2; 32], 100, &mut &bytes(100, 2)[..], Some(sig)).unwrap());
    assert_eq!((b.liable_from, b.order_signature), (5, Some(sig)), "owed from the next epoch, order kept");
    assert_eq!(s.object(1, 2, 7, "b").unwrap().unwrap().order_signature, Some(sig));
    s.record_commit(1, 2, 3, None).unwrap();
    assert_eq!(stored(put(&s, 2, "c", 3, &a)).liable_from, 5, "an older epoch's record does not move it back");

    let key_hash: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(b"b").into();
    let (key, meta) = s.by_key_hash(1, 2, 7, &key_hash).unwrap().unwrap();
    assert_eq!((key.as_str(), meta.version), ("b", 2));
    s.delete(1, 2, 7, "a", 9, None).unwrap();
    let after = s.compact(1, 2).unwrap();
    let moved = s.located(1, 2, after.generation, (7, "b", 2)).unwrap().unwrap();
    assert_eq!((moved.generation, moved.first_chunk, moved.chunks), (1, 0, 2), "b moved to the front");
    assert_eq!(s.located(1, 2, after.generation, (7, "a", 1)).unwrap(), None, "a was deleted");
}

/// FAULT INJECTION: a shrunk commitment covers only the leading chunks, and is provable.
#[test]
fn a_shrunk_commitment_is_a_provable_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), params()).unwrap();
    let a = bytes(64 * 5, 3);
    put(&s, 1, "a", 1, &a);
    let c = s.record_commit(1, 1, 0, Some(1)).unwrap();
    assert_eq!((c.chunk_count, c.root), (1, expected_root(&[&a[..64]])));
    let seed = replica_seed(&[1; 32], 1, 1, 5, 0);
    let (_, opened) = s.open_challenges(1, 1, 0, seed).unwrap();
    let root = ddc_primitives::encoding::fr_from_bytes(&c.root).unwrap();
    vanilla::verify(&params(), &PublicInputs { root, chunk_count: 1, seed }, &opened).unwrap();
}
