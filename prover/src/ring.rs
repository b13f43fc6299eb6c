//! Where an object lives: its key hashes onto the cluster's ring of vnodes, and its R replicas sit
//! on consecutive vnodes from there (the seed's topology: `ring_tokens[i] = (u32::MAX / n) · i`).

use ddc_primitives::ids::{BucketId, VNodeIndex};
use sha2::{Digest, Sha256};

/// The object's position on the ring: the first 4 bytes of `SHA-256(bucket_le ‖ key)`.
pub fn routing_key(bucket: BucketId, key: &str) -> u32 {
    let h = Sha256::new().chain_update(bucket.to_le_bytes()).chain_update(key.as_bytes()).finalize();
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

/// The vnode whose segment `[token_i, token_{i+1})` holds `routing`.
pub fn segment(routing: u32, vnode_count: u32) -> VNodeIndex {
    assert!(vnode_count > 0, "a cluster has vnodes");
    (routing / (u32::MAX / vnode_count)).min(vnode_count - 1)
}

/// The vnodes of an object's replicas, primary first; at most `vnode_count` of them.
pub fn replicas(routing: u32, vnode_count: u32, replication: u32) -> Vec<VNodeIndex> {
    let first = segment(routing, vnode_count);
    (0..replication.clamp(1, vnode_count)).map(|k| (first + k) % vnode_count).collect()
}

/// The replica vnodes of `key` in `bucket`.
pub fn placement(bucket: BucketId, key: &str, vnode_count: u32, replication: u32) -> Vec<VNodeIndex> {
    replicas(routing_key(bucket, key), vnode_count, replication)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn segments_follow_the_seed_tokens() {
        let n = 16;
        let step = u32::MAX / n;
        for i in 0..n {
            assert_eq!(segment(step * i, n), i);
            assert_eq!(segment(step * i + step - 1, n), i);
        }
        assert_eq!(segment(u32::MAX, n), n - 1);
        assert_eq!(replicas(step * 15, n, 3), [15, 0, 1]);
        assert_eq!(replicas(0, 2, 3), [0, 1], "no more replicas than vnodes");
    }

    proptest! {
        #[test]
        fn replicas_are_distinct_consecutive_vnodes(routing: u32, n in 1u32..300, r in 1u32..8) {
            let set = replicas(routing, n, r);
            prop_assert_eq!(set.len() as u32, r.min(n));
            for w in set.windows(2) {
                prop_assert_eq!(w[1], (w[0] + 1) % n);
            }
        }
    }
}
