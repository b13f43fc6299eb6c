//! The storage engine of a node: for every vnode replica it hosts, an append-only chunk log and
//! the commitment tree over it (`replica`), plus one redb index for the whole node (`index`).
//!
//! A write is acknowledged only after its chunks, its tree nodes and its index record are on disk,
//! in that order; on open, a replica is cut back to what the index acknowledges and its tree is
//! cut back or rehashed to match, so `kill -9` at any moment loses nothing acknowledged and
//! leaves the tree equal to the log. Deletes are tombstones; [`Storage::compact`] rewrites a
//! replica's live objects into a new log generation, keeping the old one while a commitment that
//! may still be challenged refers to it.

pub mod index;
pub mod log;
pub mod replica;

use crate::tree::{DiskStore, StoreError};
use ark_bn254::Fr;
use ddc_circuits::merkle::Snapshot;
use ddc_circuits::merkle::TreeError;
use ddc_circuits::storage::vanilla::{self, ChunkSource, Opening, VanillaError, VanillaProof};
use ddc_circuits::storage::StorageParams;
use ddc_primitives::encoding::fr_to_bytes;
use ddc_primitives::ids::{BucketId, ClusterId, Epoch, VNodeIndex};
use index::{decode, encode, CommitRecord, Manifest, ManifestEntry, ObjectMeta, ReplicaMeta};
use index::{COMMITS, JOURNAL, LOCATIONS, MANIFESTS, OBJECTS, PROOFS, REPLICAS};
use log::LogReader;
use redb::{Database, ReadableTable};
use replica::Replica;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("storage corrupt: {0}")]
    Corrupt(String),
    #[error("the vnode replica is full: {chunks} of {capacity} chunks used")]
    Full { chunks: u64, capacity: u64 },
    #[error("index database: {0}")]
    Db(String),
    #[error("commitment tree: {0}")]
    Tree(String),
    #[error("no commitment of vnode {vnode} for epoch {epoch} on this node")]
    NoCommit { vnode: VNodeIndex, epoch: Epoch },
    #[error("vanilla proof: {0}")]
    Vanilla(#[from] VanillaError),
    #[error("resync of vnode {vnode}: expected chunk {expected}, the replica holds {found}")]
    OutOfOrder { vnode: VNodeIndex, expected: u64, found: u64 },
}

impl StorageError {
    pub fn io(path: &Path) -> impl Fn(std::io::Error) -> StorageError + '_ {
        move |source| StorageError::Io { path: path.to_path_buf(), source }
    }
}

impl From<StoreError> for StorageError {
    fn from(e: StoreError) -> Self {
        StorageError::Tree(e.to_string())
    }
}
impl From<TreeError<StoreError>> for StorageError {
    fn from(e: TreeError<StoreError>) -> Self {
        StorageError::Tree(e.to_string())
    }
}
macro_rules! db_errors {
    ($($t:ty),*) => {$(impl From<$t> for StorageError {
        fn from(e: $t) -> Self { StorageError::Db(e.to_string()) }
    })*};
}
db_errors!(redb::DatabaseError, redb::TransactionError, redb::TableError, redb::StorageError, redb::CommitError);

/// What a write did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    Stored(ObjectMeta),
    /// A newer version (or this very write, replayed) is already there: nothing changed.
    Superseded(ObjectMeta),
    /// A different write of the key with the same version is there: nothing changed, and this
    /// write is not stored (two writes signed in the same millisecond).
    Conflict(ObjectMeta),
}

/// Where an object's bytes are, for reads outside any lock.
pub struct ObjectReader {
    reader: LogReader,
    offset: u64,
    pub meta: ObjectMeta,
}

impl ObjectReader {
    /// Reads `buf.len()` bytes at `at` within the object.
    pub fn read_at(&self, buf: &mut [u8], at: u64) -> Result<(), StorageError> {
        self.reader.read_exact_at(buf, self.offset + at)
    }

    /// The log file and the object's offset in it.
    pub fn file(&self) -> Result<(std::fs::File, u64), StorageError> {
        Ok((self.reader.reopen()?, self.offset))
    }
}

struct Slot {
    meta: ReplicaMeta,
    replica: Replica,
}

type Key = (ClusterId, VNodeIndex);

pub struct Storage {
    dir: PathBuf,
    db: Database,
    params: StorageParams,
    slots: Mutex<HashMap<Key, Arc<Mutex<Slot>>>>,
}

/// Where a replica generation's log and tree are under the storage directory `dir`.
pub fn generation_dir(dir: &Path, (cluster, vnode): Key, generation: u32) -> PathBuf {
    dir.join("replicas").join(format!("c{cluster}-v{vnode}")).join(format!("gen-{generation}"))
}

impl Storage {
    /// Opens the node's storage in `dir`, for data committed with the circuit `params`.
    pub fn open(dir: &Path, params: StorageParams) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir).map_err(StorageError::io(dir))?;
        let db = Database::create(dir.join("index.redb"))?;
        let tx = db.begin_write()?;
        tx.open_table(OBJECTS)?;
        tx.open_table(REPLICAS)?;
        tx.open_table(COMMITS)?;
        tx.open_table(PROOFS)?;
        tx.open_table(MANIFESTS)?;
        tx.open_table(JOURNAL)?;
        tx.open_table(LOCATIONS)?;
        tx.commit()?;
        Ok(Self { dir: dir.to_path_buf(), db, params, slots: Mutex::new(HashMap::new()) })
    }

    pub fn params(&self) -> &StorageParams {
        &self.params
    }

    fn slot(&self, key: Key) -> Result<Arc<Mutex<Slot>>, StorageError> {
        let mut slots = self.slots.lock().expect("slots lock");
        if let Some(slot) = slots.get(&key) {
            return Ok(slot.clone());
        }
        let meta = self.replica_meta(key)?;
        let replica = Replica::open(
            &generation_dir(&self.dir, key, meta.generation),
            self.params.shape(),
            self.params.chunk_bytes,
            meta.chunks,
        )?;
        let slot = Arc::new(Mutex::new(Slot { meta, replica }));
        slots.insert(key, slot.clone());
        Ok(slot)
    }

    pub fn replica_meta(&self, key: Key) -> Result<ReplicaMeta, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(REPLICAS)?;
        Ok(match table.get(key)? {
            Some(v) => decode(v.value())?,
            None => ReplicaMeta::default(),
        })
    }

    /// Vnode replicas this node holds data for.
    pub fn replicas(&self) -> Result<Vec<(Key, ReplicaMeta)>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(REPLICAS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            out.push((k.value(), decode(v.value())?));
        }
        Ok(out)
    }

    /// The current `(chunk_count, root)` of a replica.
    pub fn state(&self, cluster: ClusterId, vnode: VNodeIndex) -> Result<(u64, [u8; 32]), StorageError> {
        let (_, count, root) = self.replica_state((cluster, vnode))?;
        Ok((count, root))
    }

    /// A replica's meta with its current `(chunk_count, root)`, read together under its lock: a
    /// compaction between two reads would pair one generation with the next one's root.
    pub fn replica_state(&self, key: Key) -> Result<(ReplicaMeta, u64, [u8; 32]), StorageError> {
        let slot = self.slot(key)?;
        let slot = slot.lock().expect("slot lock");
        let tree = slot.replica.tree();
        Ok((slot.meta.clone(), tree.len(), fr_to_bytes(&tree.root()?)))
    }

    pub fn object(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        key: &str,
    ) -> Result<Option<ObjectMeta>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(OBJECTS)?;
        table.get((cluster, vnode, bucket, key))?.map(|v| decode(v.value())).transpose()
    }

    /// Stores `len` bytes from `src` as version `version` of an object (or, with `deleted`, a
    /// tombstone and no bytes). Durable when it returns.
    #[allow(clippy::too_many_arguments)]
    pub fn put(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        key: &str,
        version: u64,
        sha256: [u8; 32],
        len: u64,
        src: &mut impl Read,
        order_signature: Option<[u8; 64]>,
    ) -> Result<Written, StorageError> {
        let template = ObjectMeta { version, len, sha256, order_signature, ..ObjectMeta::default() };
        self.write((cluster, vnode), bucket, key, template, src, None)
    }

    pub fn delete(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        key: &str,
        version: u64,
        order_signature: Option<[u8; 64]>,
    ) -> Result<Written, StorageError> {
        let template = ObjectMeta { version, deleted: true, order_signature, ..ObjectMeta::default() };
        self.write((cluster, vnode), bucket, key, template, &mut std::io::empty(), None)
    }

    /// Appends an entry of a peer's manifest exactly where it sat in the lost replica, so the
    /// rebuilt log hashes to the root the lost node committed.
    pub fn restore(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        entry: &ManifestEntry,
        src: &mut impl Read,
    ) -> Result<Written, StorageError> {
        self.write((cluster, vnode), entry.bucket, &entry.key, entry.meta.clone(), src, Some(entry.meta.first_chunk))
    }

    fn write(
        &self,
        key: Key,
        bucket: BucketId,
        name: &str,
        template: ObjectMeta,
        src: &mut impl Read,
        at_chunk: Option<u64>,
    ) -> Result<Written, StorageError> {
        let slot = self.slot(key)?;
        let mut slot = slot.lock().expect("slot lock");
        let previous = self.object(key.0, key.1, bucket, name)?;
        if let Some(p) = &previous {
            if p.version >= template.version && at_chunk.is_none() {
                let same = (p.deleted, p.len, p.sha256) == (template.deleted, template.len, template.sha256);
                if p.version == template.version && !same {
                    return Ok(Written::Conflict(p.clone()));
                }
                return Ok(Written::Superseded(p.clone()));
            }
        }
        if let Some(expected) = at_chunk {
            if slot.replica.len() != expected {
                return Err(StorageError::OutOfOrder { vnode: key.1, expected, found: slot.replica.len() });
            }
        }
        let (first_chunk, chunks) =
            if template.len > 0 { slot.replica.append(src, template.len)? } else { (slot.replica.len(), 0) };
        let liable_from = slot.meta.last_commit.map_or(0, |e| e + 1);
        let meta = ObjectMeta { first_chunk, chunks, generation: slot.meta.generation, liable_from, ..template };
        let mut replica_meta = slot.meta.clone();
        replica_meta.chunks = slot.replica.len();
        if !meta.deleted {
            replica_meta.live_chunks += chunks;
        }
        if let Some(p) = previous.filter(|p| !p.deleted && p.generation == replica_meta.generation) {
            replica_meta.live_chunks -= p.chunks;
        }
        let tx = self.db.begin_write()?;
        tx.open_table(OBJECTS)?.insert((key.0, key.1, bucket, name), encode(&meta).as_slice())?;
        tx.open_table(REPLICAS)?.insert(key, encode(&replica_meta).as_slice())?;
        if chunks > 0 {
            journal(&tx, key, bucket, name, &meta)?;
        }
        tx.commit()?;
        slot.meta = replica_meta;
        Ok(Written::Stored(meta))
    }

    /// A reader of a live object's bytes.
    pub fn reader(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        key: &str,
    ) -> Result<Option<ObjectReader>, StorageError> {
        let slot = self.slot((cluster, vnode))?;
        let slot = slot.lock().expect("slot lock");
        let Some(meta) = self.object(cluster, vnode, bucket, key)?.filter(|m| !m.deleted) else {
            return Ok(None);
        };
        let offset = meta.first_chunk * self.params.chunk_bytes as u64;
        Ok(Some(ObjectReader { reader: slot.replica.reader(), offset, meta }))
    }

    /// A reader of one version of an object, live or not, while its log generation is on disk.
    pub fn version_reader(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        key: &str,
        version: u64,
    ) -> Result<Option<ObjectReader>, StorageError> {
        let meta: ObjectMeta = {
            let tx = self.db.begin_read()?;
            let table = tx.open_table(LOCATIONS)?;
            match table.get((cluster, vnode, bucket, key, version))? {
                Some(v) => decode(v.value())?,
                None => return Ok(None),
            }
        };
        let slot = self.slot((cluster, vnode))?;
        let slot = slot.lock().expect("slot lock");
        let reader = if meta.generation == slot.meta.generation {
            slot.replica.reader()
        } else if slot.meta_retired(meta.generation).is_some() {
            let path = generation_dir(&self.dir, (cluster, vnode), meta.generation).join("chunks.log");
            LogReader::open(&path)?
        } else {
            return Ok(None);
        };
        let offset = meta.first_chunk * self.params.chunk_bytes as u64;
        Ok(Some(ObjectReader { reader, offset, meta: ObjectMeta { deleted: false, ..meta } }))
    }

    /// Objects of `bucket` in a replica whose key starts with `prefix`, from `after` on, in key order.
    pub fn list(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<(String, ObjectMeta)>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(OBJECTS)?;
        let mut out = Vec::new();
        for row in table.range((cluster, vnode, bucket, prefix)..)? {
            let (k, v) = row?;
            let (c, vn, b, name) = k.value();
            if (c, vn, b) != (cluster, vnode, bucket) || !name.starts_with(prefix) || out.len() >= limit {
                break;
            }
            out.push((name.to_string(), decode(v.value())?));
        }
        Ok(out)
    }

    /// Every object record of a replica (all buckets, tombstones included), in log order.
    pub fn entries(&self, cluster: ClusterId, vnode: VNodeIndex) -> Result<Vec<ManifestEntry>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(OBJECTS)?;
        let mut out = Vec::new();
        for row in table.range((cluster, vnode, 0, "")..)? {
            let (k, v) = row?;
            let (c, vn, bucket, name) = k.value();
            if (c, vn) != (cluster, vnode) {
                break;
            }
            out.push(ManifestEntry { bucket, key: name.to_string(), meta: decode(v.value())? });
        }
        out.sort_by_key(|e| (e.meta.generation, e.meta.first_chunk, e.meta.chunks));
        Ok(out)
    }

    /// The manifest of a replica's current log at `epoch`'s commitment.
    pub fn manifest(&self, cluster: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Result<Manifest, StorageError> {
        let commit = self.commit(cluster, vnode, epoch)?.ok_or(StorageError::NoCommit { vnode, epoch })?;
        let tx = self.db.begin_read()?;
        let table = tx.open_table(JOURNAL)?;
        let mut entries = Vec::new();
        for row in table
            .range((cluster, vnode, commit.generation, 0)..(cluster, vnode, commit.generation, commit.chunk_count))?
        {
            entries.push(decode::<ManifestEntry>(row?.1.value())?);
        }
        Ok(Manifest { cluster, vnode, epoch, root: commit.root, chunk_count: commit.chunk_count, entries })
    }

    /// Records this node's commitment of a replica's current state for `epoch` (idempotent: the
    /// first record stays). FAULT INJECTION (devnet and tests only): `shrink_to` commits only
    /// that many leading chunks, as a node that keeps less than it acknowledged would.
    pub fn record_commit(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        shrink_to: Option<u64>,
    ) -> Result<CommitRecord, StorageError> {
        if let Some(c) = self.commit(cluster, vnode, epoch)? {
            return Ok(c);
        }
        let slot = self.slot((cluster, vnode))?;
        let mut slot = slot.lock().expect("slot lock");
        let tree = slot.replica.tree();
        let chunk_count = shrink_to.map_or(tree.len(), |n| n.min(tree.len()));
        let root = fr_to_bytes(&tree.snapshot(chunk_count)?.root());
        let record = CommitRecord { generation: slot.meta.generation, root, chunk_count };
        // Writes from now on are owed from the next epoch's commitment on (their receipts say so).
        let mut meta = slot.meta.clone();
        meta.last_commit = Some(meta.last_commit.map_or(epoch, |e| e.max(epoch)));
        let tx = self.db.begin_write()?;
        tx.open_table(COMMITS)?.insert((cluster, vnode, epoch), encode(&record).as_slice())?;
        tx.open_table(REPLICAS)?.insert((cluster, vnode), encode(&meta).as_slice())?;
        tx.commit()?;
        slot.meta = meta;
        Ok(record)
    }

    pub fn commit(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
    ) -> Result<Option<CommitRecord>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(COMMITS)?;
        table.get((cluster, vnode, epoch))?.map(|v| decode(v.value())).transpose()
    }

    /// Runs `open` over the replica generation and tree snapshot of `epoch`'s commitment, from
    /// whichever log generation it was made over.
    fn at_commit<T>(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        open: impl FnOnce(&Replica, &Snapshot<'_, DiskStore>) -> Result<T, StorageError>,
    ) -> Result<(CommitRecord, T), StorageError> {
        let commit = self.commit(cluster, vnode, epoch)?.ok_or(StorageError::NoCommit { vnode, epoch })?;
        let slot = self.slot((cluster, vnode))?;
        let slot = slot.lock().expect("slot lock");
        let at = |replica: &Replica| -> Result<T, StorageError> {
            let snapshot = replica.tree().snapshot(commit.chunk_count)?;
            if fr_to_bytes(&snapshot.root()) != commit.root {
                return Err(StorageError::Corrupt(format!(
                    "vnode {vnode}: the tree no longer has epoch {epoch}'s root"
                )));
            }
            open(replica, &snapshot)
        };
        let out = if commit.generation == slot.meta.generation {
            at(&slot.replica)?
        } else {
            let retired = slot.meta_retired(commit.generation).ok_or_else(|| {
                StorageError::Corrupt(format!("vnode {vnode}: log generation {} is gone", commit.generation))
            })?;
            let dir = generation_dir(&self.dir, (cluster, vnode), commit.generation);
            at(&Replica::open(&dir, self.params.shape(), self.params.chunk_bytes, retired)?)?
        };
        Ok((commit, out))
    }

    /// Opens the challenged chunks of `epoch`'s commitment for `seed`.
    pub fn open_challenges(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        seed: Fr,
    ) -> Result<(CommitRecord, VanillaProof), StorageError> {
        self.at_commit(cluster, vnode, epoch, |replica, snapshot| {
            Ok(vanilla::prove(&self.params, snapshot, replica, seed)?)
        })
    }

    /// Chunk `index` of `epoch`'s commitment with its Merkle path: what a validator samples to
    /// check that data is retrievable, not only provable.
    pub fn open_chunk(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        index: u64,
    ) -> Result<(CommitRecord, Opening), StorageError> {
        self.at_commit(cluster, vnode, epoch, |replica, snapshot| {
            let mut chunk = vec![0u8; self.params.chunk_bytes];
            replica.read_chunk(index, &mut chunk)?;
            Ok(Opening { index, chunk, path: snapshot.path(index)? })
        })
    }

    /// FAULT INJECTION (devnet and tests only): silently zeroes `fraction` of the current
    /// chunks of a replica, as a disk that lost data would, leaving the tree and index as they
    /// were. Returns how many chunks were dropped.
    pub fn drop_chunks(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        fraction: f64,
        rng: &mut impl rand::Rng,
    ) -> Result<u64, StorageError> {
        let slot = self.slot((cluster, vnode))?;
        let mut slot = slot.lock().expect("slot lock");
        let zero = vec![0u8; self.params.chunk_bytes];
        let mut dropped = 0;
        for index in 0..slot.replica.len() {
            if rng.gen_bool(fraction.clamp(0.0, 1.0)) {
                slot.replica.overwrite_chunk(index, &zero)?;
                dropped += 1;
            }
        }
        slot.replica.sync()?;
        Ok(dropped)
    }

    pub fn proof(&self, cluster: ClusterId, vnode: VNodeIndex, epoch: Epoch) -> Result<Option<Vec<u8>>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(PROOFS)?;
        Ok(table.get((cluster, vnode, epoch))?.map(|v| v.value().to_vec()))
    }

    pub fn store_proof(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        epoch: Epoch,
        proof: &[u8],
    ) -> Result<(), StorageError> {
        let tx = self.db.begin_write()?;
        tx.open_table(PROOFS)?.insert((cluster, vnode, epoch), proof)?;
        tx.commit()?;
        Ok(())
    }

    /// Keeps a peer's manifest (the newest per vnode) for a future resync.
    pub fn store_manifest(&self, manifest: &Manifest) -> Result<(), StorageError> {
        let tx = self.db.begin_write()?;
        {
            let mut table = tx.open_table(MANIFESTS)?;
            let newer = match table.get((manifest.cluster, manifest.vnode))? {
                Some(v) => decode::<Manifest>(v.value())?.epoch > manifest.epoch,
                None => false,
            };
            if !newer {
                table.insert((manifest.cluster, manifest.vnode), encode(manifest).as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn peer_manifest(&self, cluster: ClusterId, vnode: VNodeIndex) -> Result<Option<Manifest>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(MANIFESTS)?;
        table.get((cluster, vnode))?.map(|v| decode(v.value())).transpose()
    }

    /// The current version of the object of `bucket` whose key hashes to `key_hash`.
    pub fn by_key_hash(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        bucket: BucketId,
        key_hash: &[u8; 32],
    ) -> Result<Option<(String, ObjectMeta)>, StorageError> {
        use sha2::{Digest, Sha256};
        Ok(self.entries(cluster, vnode)?.into_iter().find_map(|e| {
            (e.bucket == bucket && Sha256::digest(e.key.as_bytes()).as_slice() == key_hash).then_some((e.key, e.meta))
        }))
    }

    /// Where `version` of an object sits in log `generation`, if it was appended there.
    pub fn located(
        &self,
        cluster: ClusterId,
        vnode: VNodeIndex,
        generation: u32,
        (bucket, key, version): (BucketId, &str, u64),
    ) -> Result<Option<ObjectMeta>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(JOURNAL)?;
        for row in table.range((cluster, vnode, generation, 0)..=(cluster, vnode, generation, u64::MAX))? {
            let e: ManifestEntry = decode(row?.1.value())?;
            if (e.bucket, e.key.as_str(), e.meta.version) == (bucket, key, version) {
                return Ok(Some(e.meta));
            }
        }
        Ok(None)
    }

    /// Chunks of a replica held by deleted or overwritten objects.
    pub fn dead_chunks(&self, cluster: ClusterId, vnode: VNodeIndex) -> Result<u64, StorageError> {
        let meta = self.replica_meta((cluster, vnode))?;
        Ok(meta.chunks - meta.live_chunks)
    }

    /// Rewrites a replica's live objects into a new log generation (writes to this vnode wait).
    /// The old generation stays on disk for the commitments made over it; see [`Storage::prune`].
    pub fn compact(&self, cluster: ClusterId, vnode: VNodeIndex) -> Result<ReplicaMeta, StorageError> {
        let key = (cluster, vnode);
        let slot = self.slot(key)?;
        let mut slot = slot.lock().expect("slot lock");
        let old = slot.meta.clone();
        let generation = old.generation + 1;
        let dir = generation_dir(&self.dir, key, generation);
        if dir.exists() {
            // A compaction that crashed before its index commit: start it over.
            std::fs::remove_dir_all(&dir).map_err(StorageError::io(&dir))?;
        }
        let mut fresh = Replica::open(&dir, self.params.shape(), self.params.chunk_bytes, 0)?;
        let reader = slot.replica.reader();
        let chunk = self.params.chunk_bytes as u64;
        let mut moved = Vec::new();
        for entry in self.entries(cluster, vnode)? {
            let mut meta = entry.meta;
            if meta.deleted || meta.generation != old.generation {
                // Tombstones stay, without data, so an older version arriving late stays dead.
                meta = ObjectMeta { first_chunk: 0, chunks: 0, generation, ..meta };
            } else {
                let mut src = LogRange {
                    reader: &reader,
                    at: meta.first_chunk * chunk,
                    end: meta.first_chunk * chunk + meta.len,
                };
                let (first, chunks) = fresh.append(&mut src, meta.len)?;
                meta = ObjectMeta { first_chunk: first, chunks, generation, ..meta };
            }
            moved.push((entry.bucket, entry.key, meta));
        }
        let mut retired = old.retired.clone();
        retired.push((old.generation, old.chunks));
        let new = ReplicaMeta { generation, chunks: fresh.len(), live_chunks: fresh.len(), retired, ..old };
        let tx = self.db.begin_write()?;
        {
            let mut objects = tx.open_table(OBJECTS)?;
            for (bucket, name, meta) in &moved {
                objects.insert((cluster, vnode, *bucket, name.as_str()), encode(meta).as_slice())?;
                if meta.chunks > 0 {
                    journal(&tx, key, *bucket, name, meta)?;
                }
            }
            tx.open_table(REPLICAS)?.insert(key, encode(&new).as_slice())?;
        }
        tx.commit()?;
        *slot = Slot { meta: new.clone(), replica: fresh };
        Ok(new)
    }

    /// Forgets commitments and proofs of epochs before `before` and deletes the log generations
    /// no remaining commitment refers to.
    pub fn prune(&self, cluster: ClusterId, vnode: VNodeIndex, before: Epoch) -> Result<(), StorageError> {
        let key = (cluster, vnode);
        let slot = self.slot(key)?;
        let mut slot = slot.lock().expect("slot lock");
        let tx = self.db.begin_write()?;
        let mut referenced = Vec::new();
        {
            let mut commits = tx.open_table(COMMITS)?;
            let mut proofs = tx.open_table(PROOFS)?;
            let mut old = Vec::new();
            for row in commits.range((cluster, vnode, 0)..=(cluster, vnode, Epoch::MAX))? {
                let (k, v) = row?;
                let epoch = k.value().2;
                if epoch < before {
                    old.push(epoch);
                } else {
                    referenced.push(decode::<CommitRecord>(v.value())?.generation);
                }
            }
            for epoch in old {
                commits.remove((cluster, vnode, epoch))?;
                proofs.remove((cluster, vnode, epoch))?;
            }
        }
        let mut meta = slot.meta.clone();
        let (keep, gone): (Vec<_>, Vec<_>) = meta.retired.iter().partition(|(g, _)| referenced.contains(g));
        meta.retired = keep;
        tx.open_table(REPLICAS)?.insert(key, encode(&meta).as_slice())?;
        {
            let mut journal = tx.open_table(JOURNAL)?;
            for (g, _) in &gone {
                journal.retain_in((cluster, vnode, *g, 0)..=(cluster, vnode, *g, u64::MAX), |_, _| false)?;
            }
        }
        tx.commit()?;
        slot.meta = meta;
        for (generation, _) in gone {
            let dir = generation_dir(&self.dir, key, generation);
            std::fs::remove_dir_all(&dir).map_err(StorageError::io(&dir))?;
        }
        Ok(())
    }
}

/// Records an append in the journal and the version's location.
fn journal(
    tx: &redb::WriteTransaction,
    key: Key,
    bucket: BucketId,
    name: &str,
    meta: &ObjectMeta,
) -> Result<(), StorageError> {
    let entry = ManifestEntry { bucket, key: name.to_string(), meta: ObjectMeta { deleted: false, ..meta.clone() } };
    tx.open_table(JOURNAL)?.insert((key.0, key.1, meta.generation, meta.first_chunk), encode(&entry).as_slice())?;
    tx.open_table(LOCATIONS)?.insert((key.0, key.1, bucket, name, meta.version), encode(&entry.meta).as_slice())?;
    Ok(())
}

impl Slot {
    fn meta_retired(&self, generation: u32) -> Option<u64> {
        self.meta.retired.iter().find(|(g, _)| *g == generation).map(|(_, chunks)| *chunks)
    }
}

/// A byte range of a log as a reader.
struct LogRange<'a> {
    reader: &'a LogReader,
    at: u64,
    end: u64,
}

impl Read for LogRange<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min((self.end - self.at) as usize);
        self.reader.read_exact_at(&mut buf[..n], self.at).map_err(std::io::Error::other)?;
        self.at += n as u64;
        Ok(n)
    }
}
