//! The node's index records and peers' manifests (JSON in redb, and over the wire from peers)
//! from arbitrary bytes: whatever decodes re-encodes to a record that decodes to itself.

use ddc_prover::storage::index::{decode, encode, CommitRecord, Manifest, ObjectMeta, ReplicaMeta, ReplicaState};
use serde::{de::DeserializeOwned, Serialize};
use std::fmt::Debug;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(bytes: &[u8]) {
    if let Ok(record) = decode::<T>(bytes) {
        let again: T = decode(&encode(&record)).expect("an encoded record decodes");
        assert_eq!(again, record);
    }
}

pub fn run(data: &[u8]) {
    let Some((&kind, bytes)) = data.split_first() else { return };
    match kind % 5 {
        0 => round_trip::<ObjectMeta>(bytes),
        1 => round_trip::<ReplicaMeta>(bytes),
        2 => round_trip::<CommitRecord>(bytes),
        3 => round_trip::<Manifest>(bytes),
        _ => round_trip::<ReplicaState>(bytes),
    }
}
