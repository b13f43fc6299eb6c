//! Ingest throughput: bytes → 1 KiB chunks → Poseidon leaves → committed root, in memory and on
//! disk, on one core and on all, with the AVX-512 IFMA leaf hashing (where the CPU has it) and
//! with the scalar one; and our leaf hash against arkworks' native Poseidon sponge.

use criterion::{SamplingMode, Throughput};
use ddc_benches::baseline::{chunk_leaf, poseidon_config};
use ddc_benches::fixtures::{random_bytes, CHUNK_BYTES};
use ddc_benches::measure::{bench, criterion, mib_s, ratio, timed};
use ddc_circuits::merkle::{MemTree, TreeShape};
use ddc_primitives::packing::{leaf_hash, leaf_hashes, leaf_hashes_scalar};
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
    #[cfg(target_arch = "x86_64")]
    let (paths, simd) =
        ([("", false), ("scalar/", true)], if ddc_primitives::poseidon::ifma::available() { "ifma" } else { "none" });
    #[cfg(not(target_arch = "x86_64"))]
    let (paths, simd) = ([("", false)], "none");
    let runs = [("1thread", 1), ("all_threads", all)];
    for ((label, threads), (path, scalar)) in runs.into_iter().flat_map(|r| paths.map(|p| (r, p))) {
        #[cfg(target_arch = "x86_64")]
        ddc_primitives::poseidon::ifma::force_scalar(scalar);
        let label = format!("{path}{label}");
        let pool = pool(threads);
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
            "RESULT ingest {label} threads={threads} simd={} mem_mib_s={} disk_mib_s={}",
            if scalar { "none" } else { simd },
            mib_s(INGEST_BYTES, memory),
            mib_s(INGEST_BYTES, disk)
        );
    }
    group.finish();
    #[cfg(target_arch = "x86_64")]
    ddc_primitives::poseidon::ifma::force_scalar(false);

    // Leaf hashing alone, one core, no rayon: our wide leaf (4 chunks in lockstep, as ingest
    // hashes them; scalar, and vectorized with 4 and 8 lanes) against the arkworks sponge and
    // against the previous leaf, three chained width-13 permutations (scalar, 4 lanes).
    let config = poseidon_config();
    let chunks = || data[..HASH_BYTES].chunks(CHUNK_BYTES);
    let mut group = c.benchmark_group("leaf_hash");
    group.throughput(Throughput::Bytes(HASH_BYTES as u64)).sampling_mode(SamplingMode::Flat);
    fn lanes<const L: usize>(data: &[u8], f: fn([&[u8]; L]) -> [ark_bn254::Fr; L]) -> Vec<ark_bn254::Fr> {
        data.chunks(CHUNK_BYTES * L)
            .flat_map(|g| f(core::array::from_fn(|i| &g[i * CHUNK_BYTES..][..CHUNK_BYTES])))
            .collect()
    }
    let hashed = &data[..HASH_BYTES];
    let scalar = bench(&mut group, "ddc_poseidon_scalar", || (), |_| timed(|| lanes::<4>(hashed, leaf_hashes_scalar)));
    let chain13 = bench(&mut group, "width13_chain_scalar", || (), |_| timed(|| lanes::<4>(hashed, width13_chain)));
    let ours = bench(&mut group, "ddc_poseidon", || (), |_| timed(|| lanes::<4>(hashed, leaf_hashes)));
    let eight = bench(&mut group, "ddc_poseidon_x8", || (), |_| timed(|| lanes::<8>(hashed, leaf_hashes)));
    assert_eq!(lanes::<8>(hashed, leaf_hashes), chunks().map(leaf_hash).collect::<Vec<_>>());
    let theirs = bench(
        &mut group,
        "arkworks_sponge",
        || (),
        |_| timed(|| chunks().map(|c| chunk_leaf(&config, c)).collect::<Vec<_>>()),
    );
    group.finish();
    println!(
        "RESULT leaf_hash 1thread simd={simd} ddc_mib_s={} ddc_x8_mib_s={} scalar_mib_s={} arkworks_sponge_mib_s={} \
         speedup={} vs_scalar={} x8_vs_scalar={} width13_chain_scalar_mib_s={} scalar_vs_width13_chain={}",
        mib_s(HASH_BYTES, ours),
        mib_s(HASH_BYTES, eight),
        mib_s(HASH_BYTES, scalar),
        mib_s(HASH_BYTES, theirs),
        ratio(theirs, ours),
        ratio(scalar, ours),
        ratio(scalar, eight),
        mib_s(HASH_BYTES, chain13),
        ratio(chain13, scalar)
    );
    c.final_summary();
}

/// The leaf before the wide permutation: 12 elements, then 11 beside the running hash, zero-padded,
/// each a width-13 permutation; `L` chunks in lockstep like `leaf_hashes_scalar`.
fn width13_chain<const L: usize>(chunks: [&[u8]; L]) -> [ark_bn254::Fr; L] {
    use ark_bn254::Fr;
    use ddc_primitives::packing::pack;
    let mut elems = chunks.map(pack);
    let mut states = [[Fr::from(0u64); 13]; L];
    for (state, e) in states.iter_mut().zip(elems.iter_mut()) {
        state[1..].iter_mut().zip(e).for_each(|(s, x)| *s = x);
    }
    ddc_primitives::poseidon::hash_lanes(&mut states);
    for _ in 0..2 {
        for (state, e) in states.iter_mut().zip(elems.iter_mut()) {
            let acc = state[0];
            *state = [Fr::from(0u64); 13];
            state[1] = acc;
            state[2..].iter_mut().zip(e).for_each(|(s, x)| *s = x);
        }
        ddc_primitives::poseidon::hash_lanes(&mut states);
    }
    states.map(|s| s[0])
}
