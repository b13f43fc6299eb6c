//! The weight formula of the DDC runtime's `ddc-pos` chain extension, measured: the extension's
//! own work (`verify_replicas` from the encoded key and statements, deriving each replica seed,
//! and `check_vk`) for 1, 16 and 64 statements on one thread, as a runtime runs it. Fits `a + b·n` to the medians and prints
//! what the runtime charges against it (the constants in `ddc_runtime::ddc_pos`).

use ddc_benches::fixtures::{rng, ProveFixture, CHUNK_BYTES};
use ddc_benches::measure::{bench, criterion, stage, timed};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::challenge::replica_seed;
use ddc_primitives::encoding::fr_to_bytes;
use ddc_primitives::groth16::{check_vk, encode_proof, encode_vk, verify_replicas, ReplicaStatement};
use ddc_runtime::ddc_pos::{verify_weight, CHECK_VK_WEIGHT, MARGIN};
use std::cell::OnceCell;
use std::time::Duration;

const DEPTH: u32 = 20;
const SIZES: [usize; 3] = [1, 16, 64];
const ENTROPY: [u8; 32] = [7; 32];

struct Inputs {
    vk: Vec<u8>,
    statements: Vec<ReplicaStatement>,
}

impl Inputs {
    fn new() -> Self {
        let params = StorageParams::new(DEPTH, 1, CHUNK_BYTES).expect("valid shape");
        let f = ProveFixture::new(params);
        let mut r = rng(2);
        let statements: Vec<ReplicaStatement> = stage("64 proofs", || {
            (0..64u32)
                .map(|vnode| {
                    let replica = ([9; 32], 1, vnode, 100 + vnode, 7);
                    let seed = replica_seed(&replica.0, replica.1, replica.2, replica.3, replica.4);
                    let (public, vanilla) = f.committed.statement(&params, seed);
                    let proof = f.prover.prove(&public, &vanilla, &mut r).expect("the statement holds");
                    (fr_to_bytes(&public.root), public.chunk_count, replica, encode_proof(&proof))
                })
                .collect()
        });
        let vk = encode_vk(f.prover.verifying_key());
        assert_eq!(verify_replicas(&vk, &statements, &ENTROPY), Ok(true));
        Self { vk, statements }
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    // A runtime verifies on one thread: so does the measurement.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a one-thread pool");
    pool.install(|| {
        let mut c = criterion();
        let inputs = OnceCell::new();
        let setup = || inputs.get_or_init(Inputs::new);
        let mut group = c.benchmark_group("ddc-pos");
        let mut medians = Vec::new();
        for n in SIZES {
            let d = bench(&mut group, &format!("verify_replicas/{n}"), setup, |x| {
                timed(|| verify_replicas(&x.vk, &x.statements[..n], &ENTROPY))
            });
            medians.push(d);
        }
        let check = bench(&mut group, "check_vk", setup, |x| timed(|| check_vk(&x.vk).is_ok()));
        group.finish();
        let (Some(t1), Some(t64), Some(check)) = (medians[0], medians[2], check) else {
            return; // filtered out
        };
        let b = (us(t64) - us(t1)) / 63.0;
        let a = us(t1) - b;
        println!("RESULT ddc-pos measured: base_us={a:.0} per_proof_us={b:.0} check_vk_us={:.0}", us(check));
        for (n, d) in SIZES.iter().zip(&medians) {
            let charged = verify_weight(*n as u32).ref_time() as f64 / 1e6;
            let measured = d.map_or(f64::NAN, us);
            println!(
                "RESULT ddc-pos n={n}: measured_us={measured:.0} charged_us={charged:.0} charged/measured={:.2} (margin {MARGIN})",
                charged / measured
            );
        }
        let charged = CHECK_VK_WEIGHT.ref_time() as f64 / 1e6;
        println!("RESULT ddc-pos check_vk: charged/measured={:.2}", charged / us(check));
        c.final_summary();
    });
}
