//! Ingest throughput: bytes → 1 KiB chunks → Poseidon leaves → committed root, in memory and on
//! disk, on one core and on all; and our leaf hash against arkworks' native Poseidon sponge.

use criterion::{SamplingMode, Throughput};
use ddc_benches::baseline::{chunk_leaf, poseidon_config};
use ddc_benches::fixtures::{random_bytes, CHUNK_BYTES};
use ddc_benches::measure::{bench, criterion, mib_s, ratio, timed};
use ddc_circuits::merkle::{MemTree, TreeShape};
use ddc_primitives::packing::leaf_hash;
use ddc_prover::ingest::ingest;
use ddc_prover::tree::open_tree;
use rayon::ThreadPoolBuilder;

const INGEST_BYTES: usize = 8 << 20;
/// Bytes hashed per call in the leaf-hash comparison.
const HASH_BYTES: usize = 1 << 20;
/// The tree a vnode commits to (2^30 chunks, 8-ary).
const DEPTH: u32 = 30;

fn main() {
    let mut c = criterion();
    let data = random_bytes(INGEST_BYTES);
    let shape = TreeShape::default_for_depth(DEPTH).expect("valid depth");
    let all = rayon::current_num_threads();
    let pool = |n| ThreadPoolBuilder::new().num_threads(n).build().expect("thread pool");

    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Bytes(INGEST_BYTES as u64)).sampling_mode(SamplingMode::Flat);
    for (label, pool) in [("1thread", pool(1)), ("all_threads", pool(all))] {
        let memory = bench(
            &mut group,
            &format!("mem/{label}"),
            || (),
            |_| {
                timed(|| {
                    pool.install(|| {
                        let mut tree = MemTree::new(shape);
                        ingest(&mut tree, &data[..], CHUNK_BYTES, |_| {}).expect("ingest");
                        tree.root().expect("root")
                    })
                })
            },
        );
        let disk = bench(
            &mut group,
            &format!("disk/{label}"),
            || (),
            |_| {
                let dir = tempfile::tempdir().expect("temporary directory");
                timed(|| {
                    pool.install(|| {
                        let mut tree = open_tree(dir.path(), shape).expect("open tree");
                        ingest(&mut tree, &data[..], CHUNK_BYTES, |_| {}).expect("ingest");
                        tree.store_mut().sync().expect("sync");
                        tree.root().expect("root")
                    })
                })
            },
        );
        let threads = pool.current_num_threads();
        println!(
            "RESULT ingest {label} threads={threads} mem_mib_s={} disk_mib_s={}",
            mib_s(INGEST_BYTES, memory),
            mib_s(INGEST_BYTES, disk)
        );
    }
    group.finish();

    // Leaf hashing alone, one core, no rayon: our width-13 chain against the arkworks sponge.
    let config = poseidon_config();
    let chunks = || data[..HASH_BYTES].chunks(CHUNK_BYTES);
    let mut group = c.benchmark_group("leaf_hash");
    group.throughput(Throughput::Bytes(HASH_BYTES as u64)).sampling_mode(SamplingMode::Flat);
    let ours = bench(&mut group, "ddc_poseidon", || (), |_| timed(|| chunks().map(leaf_hash).collect::<Vec<_>>()));
    let theirs = bench(
        &mut group,
        "arkworks_sponge",
        || (),
        |_| timed(|| chunks().map(|c| chunk_leaf(&config, c)).collect::<Vec<_>>()),
    );
    group.finish();
    println!(
        "RESULT leaf_hash 1thread ddc_mib_s={} arkworks_sponge_mib_s={} speedup={}",
        mib_s(HASH_BYTES, ours),
        mib_s(HASH_BYTES, theirs),
        ratio(theirs, ours)
    );
    c.final_summary();
}
