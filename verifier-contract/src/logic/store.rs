//! Typed storage over the host's raw key-value store. Every map lives under its own one-byte tag,
//! so one contract call reads and writes only the entries it touches (like `ink::storage::Mapping`,
//! but usable from the native chain as well).

use super::host::Host;
use core::marker::PhantomData;
use scale::{Decode, Encode};

pub struct Map<const TAG: u8, K, V>(PhantomData<(K, V)>);

impl<const TAG: u8, K: Encode, V: Encode + Decode> Map<TAG, K, V> {
    pub fn get(h: &impl Host, key: &K) -> Option<V> {
        h.read(&(TAG, key))
    }

    pub fn contains(h: &impl Host, key: &K) -> bool {
        Self::get(h, key).is_some()
    }

    pub fn insert(h: &mut impl Host, key: &K, value: &V) {
        h.write(&(TAG, key), value)
    }

    pub fn remove(h: &mut impl Host, key: &K) {
        h.remove(&(TAG, key))
    }
}

/// A single value under its tag.
pub struct Value<const TAG: u8, V>(PhantomData<V>);

impl<const TAG: u8, V: Encode + Decode + Default> Value<TAG, V> {
    pub fn get(h: &impl Host) -> V {
        h.read(&TAG).unwrap_or_default()
    }

    pub fn set(h: &mut impl Host, value: &V) {
        h.write(&TAG, value)
    }
}
