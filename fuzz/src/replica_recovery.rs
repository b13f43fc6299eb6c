//! Crash recovery of a vnode replica's chunk log and commitment tree. Acknowledged appends are
//! followed by a crash that leaves arbitrary bytes after them: a written but unacknowledged
//! append, and torn tails in the log and in every tree level. Reopened with the acknowledged
//! count, the replica must hold exactly the acknowledged chunks and the root of a tree built
//! from them in memory.

use ddc_circuits::storage::vanilla::ChunkSource;
use ddc_circuits::storage::StorageParams;
use ddc_primitives::merkle::MemTree;
use ddc_primitives::packing::leaf_hash;
use ddc_prover::storage::replica::Replica;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

const CHUNK: usize = 64;

fn params() -> StorageParams {
    StorageParams { depth: 6, arity: 8, challenges: 1, chunk_bytes: CHUNK }
}

/// Where scratch replicas go: memory when the machine has a tmpfs.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.expect("a scratch directory")
}

fn append_garbage(path: &Path, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path).expect("open for a torn write");
    file.write_all(bytes).expect("torn write");
}

/// `objects ‖ torn ‖ tails…`: the sizes in bytes of up to 8 acknowledged appends (0 ends them),
/// the size of an unacknowledged append, then torn tails for the log and each level, each
/// `length ‖ bytes`. Object contents are derived from their index.
pub fn run(data: &[u8]) {
    let shape = params().shape();
    let dir = scratch();
    let mut input = data;
    let mut acknowledged: Vec<u8> = Vec::new();
    let mut replica = Replica::open(dir.path(), shape, CHUNK, 0).expect("a fresh replica");
    for i in 0..8u8 {
        let Some((&len, rest)) = input.split_first() else { break };
        input = rest;
        if len == 0 {
            break;
        }
        let object: Vec<u8> = (0..len).map(|b| b.wrapping_mul(31).wrapping_add(i)).collect();
        let padded = object.len().div_ceil(CHUNK) * CHUNK;
        replica.append(&mut &object[..], object.len() as u64).expect("an append fits");
        acknowledged.extend_from_slice(&object);
        acknowledged.resize(acknowledged.len() + padded - object.len(), 0);
    }
    let chunks = (acknowledged.len() / CHUNK) as u64;
    // The crash: an append that was written (log, then tree) but never acknowledged...
    if let Some((&len, rest)) = input.split_first() {
        input = rest;
        let torn = vec![0xa5u8; len as usize];
        replica.append(&mut &torn[..], torn.len() as u64).expect("an append fits");
    }
    drop(replica);
    // ...and torn bytes after everything written.
    let files = std::iter::once(dir.path().join("chunks.log"))
        .chain((0..=shape.height()).map(|l| dir.path().join("tree").join(format!("level-{l:02}.bin"))));
    for path in files {
        let Some((&len, rest)) = input.split_first() else { break };
        let take = (len as usize).min(rest.len());
        append_garbage(&path, &rest[..take]);
        input = &rest[take..];
    }

    let replica = Replica::open(dir.path(), shape, CHUNK, chunks).expect("recovery");
    let mut expected = MemTree::new(shape);
    expected.extend(acknowledged.chunks(CHUNK).map(leaf_hash)).expect("fits");
    assert_eq!(replica.len(), chunks);
    assert_eq!(replica.tree().root().expect("root"), expected.root().expect("root"), "recovered root");
    let mut buf = [0u8; CHUNK];
    for (i, chunk) in acknowledged.chunks(CHUNK).enumerate() {
        replica.read_chunk(i as u64, &mut buf).expect("an acknowledged chunk");
        assert_eq!(&buf[..], chunk, "chunk {i} reads back");
    }
}
