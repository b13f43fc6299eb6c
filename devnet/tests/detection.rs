//! How often a node that deleted 10% of a vnode's chunks is caught: natively, over many epochs
//! with fresh seeds, the node tries to open the challenged chunks of its committed tree from
//! what it still holds. It fails (and so is reported) at the rate `1 − 0.9^K` predicts.

use ddc_circuits::challenge::replica_seed;
use ddc_circuits::merkle::MemTree;
use ddc_circuits::packing::leaf_hash;
use ddc_circuits::storage::vanilla::{self, VanillaError};
use ddc_circuits::storage::StorageParams;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const CHUNKS: usize = 1000;
const CHUNK: usize = 64;

fn detection_rate(k: usize, epochs: u64) -> f64 {
    let params = StorageParams::new(10, k, CHUNK).unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(k as u64);
    let data: Vec<u8> = (0..CHUNKS * CHUNK).map(|_| rng.gen()).collect();
    let mut tree = MemTree::new(params.shape());
    tree.extend(data.chunks(CHUNK).map(leaf_hash)).unwrap();
    let snapshot = tree.snapshot(CHUNKS as u64).unwrap();
    // The node deletes exactly 10% of the chunks (zeroed: the bytes are gone).
    let mut held = data.clone();
    let mut order: Vec<usize> = (0..CHUNKS).collect();
    order.shuffle(&mut rng);
    for &i in &order[..CHUNKS / 10] {
        held[i * CHUNK..(i + 1) * CHUNK].fill(0);
    }
    let mut caught = 0;
    for epoch in 0..epochs {
        let epoch_seed: [u8; 32] = rng.gen();
        let seed = replica_seed(&epoch_seed, 1, 5, 7, epoch);
        match vanilla::prove(&params, &snapshot, &held[..], seed) {
            Err(VanillaError::Corrupt(_)) => caught += 1,
            Ok(proof) => {
                let public =
                    ddc_primitives::groth16::PublicInputs { root: snapshot.root(), chunk_count: CHUNKS as u64, seed };
                vanilla::verify(&params, &public, &proof).expect("what the node still holds opens honestly");
            }
            Err(e) => panic!("{e}"),
        }
    }
    caught as f64 / epochs as f64
}

#[test]
fn a_node_missing_ten_percent_is_caught_as_often_as_predicted() {
    for (k, epochs) in [(8, 10_000), (32, 3_000)] {
        let predicted = 1.0 - 0.9f64.powi(k as i32);
        let measured = detection_rate(k, epochs);
        println!("K = {k}: caught in {:.2}% of {epochs} epochs, predicted {:.2}%", measured * 100.0, predicted * 100.0);
        assert!((measured - predicted).abs() <= 0.02, "K = {k}: measured {measured:.4}, predicted {predicted:.4}");
    }
}
