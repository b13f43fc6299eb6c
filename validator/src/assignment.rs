//! Which validators answer for which vnode replica in an epoch. Every validator computes the
//! same answer from public data (the epoch seed and the admitted validators), so the work is
//! split without coordination, every replica is covered by `quorum` validators, and nobody can
//! pick its replicas before the seed is known.

use ddc_chain::AccountId;
use ddc_primitives::ids::{ClusterId, Epoch, VNodeIndex};
use sha2::{Digest, Sha256};

fn score(seed: &[u8; 32], cluster: ClusterId, epoch: Epoch, vnode: VNodeIndex, validator: &AccountId) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"ddc/assignment/v1")
        .chain_update(seed)
        .chain_update(cluster.to_le_bytes())
        .chain_update(epoch.to_le_bytes())
        .chain_update(vnode.to_le_bytes())
        .chain_update(validator)
        .finalize()
        .into()
}

/// The validators of a replica, first the one that submits at once, then its backups
/// (rendezvous hashing: the `quorum` lowest scores).
pub fn assigned(
    seed: &[u8; 32],
    cluster: ClusterId,
    epoch: Epoch,
    vnode: VNodeIndex,
    validators: &[AccountId],
    quorum: u32,
) -> Vec<AccountId> {
    let mut ranked: Vec<([u8; 32], AccountId)> =
        validators.iter().map(|v| (score(seed, cluster, epoch, vnode, v), *v)).collect();
    ranked.sort_unstable();
    ranked.dedup_by_key(|(_, v)| *v);
    ranked.into_iter().take(quorum.max(1) as usize).map(|(_, v)| v).collect()
}

/// Where `me` stands for a replica: `Some(0)` submits at once, `Some(r)` is the r-th backup.
pub fn rank(
    seed: &[u8; 32],
    cluster: ClusterId,
    epoch: Epoch,
    vnode: VNodeIndex,
    validators: &[AccountId],
    quorum: u32,
    me: &AccountId,
) -> Option<usize> {
    assigned(seed, cluster, epoch, vnode, validators, quorum).iter().position(|v| v == me)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validators(n: u8) -> Vec<AccountId> {
        (0..n).map(|i| AccountId::from([i + 1; 32])).collect()
    }

    #[test]
    fn every_replica_gets_quorum_distinct_validators_and_the_work_spreads() {
        let vs = validators(5);
        let mut load = [0usize; 5];
        for vnode in 0..300 {
            let a = assigned(&[7; 32], 1, 4, vnode, &vs, 2);
            assert_eq!(a.len(), 2);
            assert_ne!(a[0], a[1]);
            load[vs.iter().position(|v| *v == a[0]).unwrap()] += 1;
        }
        // 300 replicas over 5 validators: 60 each expected as primary; far from 0 or 300.
        assert!(load.iter().all(|&n| (30..=90).contains(&n)), "{load:?}");
    }

    #[test]
    fn fewer_validators_than_the_quorum_all_serve() {
        let vs = validators(1);
        assert_eq!(assigned(&[1; 32], 0, 0, 3, &vs, 3), vs);
        assert_eq!(rank(&[1; 32], 0, 0, 3, &vs, 3, &vs[0]), Some(0));
        assert_eq!(rank(&[1; 32], 0, 0, 3, &vs, 3, &AccountId::from([9; 32])), None);
    }

    #[test]
    fn the_assignment_follows_the_seed() {
        let vs = validators(8);
        let a: Vec<_> = (0..32).map(|v| assigned(&[1; 32], 0, 0, v, &vs, 1)).collect();
        let b: Vec<_> = (0..32).map(|v| assigned(&[2; 32], 0, 0, v, &vs, 1)).collect();
        assert_eq!(a, (0..32).map(|v| assigned(&[1; 32], 0, 0, v, &vs, 1)).collect::<Vec<_>>(), "deterministic");
        assert_ne!(a, b, "another seed, another assignment");
    }
}
