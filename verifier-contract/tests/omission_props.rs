//! Receipts against commitments over random histories, on the embedded chain's native executor.
//!
//! A model node hosts vnode 0 for Ferdie's bucket: it appends writes to its log, compacts it into
//! new generations, and commits every epoch. Ferdie reports every receipt he holds against every
//! commitment; the node answers each pending claim with what it kept (the owner's newer order, or
//! its own receipt of the move). Honest histories are never faulted; a history in which the node
//! committed without an object Ferdie still holds is faulted, finally, within the epoch.

use crate::common::flows::{pos_setup, Pos, DISPUTE, NODE_STAKE};
use crate::common::omission::{commit, fault, order, receipt, sign, signed, stake};
use crate::common::*;
use ddc_verifier_contract::logic::{Error, Justification, Order, Receipt, VerificationMode, ORDER_DOMAIN};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The model node's log capacity, in chunks: the proofs fixture's tree (depth 3).
const CAPACITY: u64 = 8;
const VNODE: u32 = 0;

#[derive(Clone, Debug)]
enum Op {
    Write {
        key: u8,
        chunks: u64,
    },
    Delete {
        key: u8,
    },
    /// Rewrites the log into the next generation, keeping every live object.
    Compact,
    /// The same, silently dropping the `pick`-th live object (dishonest).
    CompactDropping {
        pick: usize,
    },
    /// Commits the vnode; with `shrink`, one chunk fewer than the log holds (dishonest).
    Epoch {
        shrink: bool,
    },
}

fn op(dishonest: bool) -> BoxedStrategy<Op> {
    let honest = prop_oneof![
        4 => (0u8..4, 1u64..=3).prop_map(|(key, chunks)| Op::Write { key, chunks }),
        2 => (0u8..4).prop_map(|key| Op::Delete { key }),
        1 => Just(Op::Compact),
        2 => Just(Op::Epoch { shrink: false }),
    ];
    if !dishonest {
        return honest.boxed();
    }
    prop_oneof![
        8 => honest,
        1 => (0usize..4).prop_map(|pick| Op::CompactDropping { pick }),
        1 => Just(Op::Epoch { shrink: true }),
    ]
    .boxed()
}

/// One object version in the current generation's log.
#[derive(Clone, Copy, Debug)]
struct Entry {
    order: Order,
    first: u64,
    chunks: u64,
}

/// Ferdie (the writer, holding receipts) and Bob (the node, holding orders and move receipts).
struct World {
    c: Contract<Native>,
    p: Pos,
    epoch: u64,
    version: u64,
    /// Ferdie's receipts, and the version of each object he still has stored.
    receipts: Vec<(Receipt, [u8; 64])>,
    live: BTreeMap<u8, u64>,
    /// Bob's log, his newest signed order per key, and his receipts of objects moved into the
    /// current generation.
    generation: u32,
    log: Vec<Entry>,
    chunk_count: u64,
    orders: BTreeMap<u8, (Order, [u8; 64])>,
    moves: BTreeMap<(u8, u64), (Receipt, [u8; 64])>,
    misbehaved: bool,
}

/// What one epoch's audit found.
#[derive(Debug, PartialEq)]
enum Audit {
    Clean,
    Faulted,
}

impl World {
    fn new() -> Self {
        let mut c = Contract { rt: Native::new() };
        let p = pos_setup(&mut c, VerificationMode::Proofs, 4);
        World {
            c,
            p,
            epoch: 0,
            version: 0,
            receipts: Vec::new(),
            live: BTreeMap::new(),
            generation: 0,
            log: Vec::new(),
            chunk_count: 0,
            orders: BTreeMap::new(),
            moves: BTreeMap::new(),
            misbehaved: false,
        }
    }

    fn node_stake(&mut self) -> u128 {
        let node = self.p.vnodes[VNODE as usize];
        stake(&mut self.c, &self.p, node)
    }

    /// Ferdie signs an order; Bob keeps it and acknowledges it with a receipt for `chunks`.
    fn acknowledge(&mut self, key: u8, delete: bool, chunks: u64) -> Order {
        self.version += 1;
        let o = order(key, self.version, delete);
        self.orders.insert(key, (o, sign(FERDIE, ORDER_DOMAIN, &o)));
        let r = receipt(&self.p, o, VNODE, self.generation, self.chunk_count, chunks);
        self.receipts.push(signed(&self.p, Receipt { liable_from: self.epoch, ..r }));
        o
    }

    fn apply(&mut self, op: &Op) -> Option<Audit> {
        match *op {
            Op::Write { key, chunks } => {
                if self.chunk_count + chunks <= CAPACITY {
                    let order = self.acknowledge(key, false, chunks);
                    self.log.push(Entry { order, first: self.chunk_count, chunks });
                    self.chunk_count += chunks;
                    self.live.insert(key, order.version);
                }
            }
            Op::Delete { key } => {
                if self.live.remove(&key).is_some() {
                    self.acknowledge(key, true, 0);
                }
            }
            Op::Compact => self.compact(None),
            Op::CompactDropping { pick } => self.compact(Some(pick)),
            Op::Epoch { shrink } => return Some(self.epoch_end(shrink)),
        }
        None
    }

    /// Rewrites the objects whose newest order is a write into the next generation, signing a
    /// receipt of each move; `drop` leaves one out.
    fn compact(&mut self, drop: Option<usize>) {
        let newest = |e: &Entry| self.orders.get(&e.order.key_hash[0]).is_some_and(|(o, _)| *o == e.order);
        let mut kept: Vec<Entry> = self.log.iter().copied().filter(newest).collect();
        if let Some(pick) = drop.filter(|_| !kept.is_empty()) {
            kept.remove(pick % kept.len());
            self.misbehaved = true;
        }
        self.generation += 1;
        self.moves.clear();
        self.chunk_count = 0;
        for e in &mut kept {
            e.first = self.chunk_count;
            self.chunk_count += e.chunks;
            let r = receipt(&self.p, e.order, VNODE, self.generation, e.first, e.chunks);
            self.moves.insert((e.order.key_hash[0], e.order.version), signed(&self.p, r));
        }
        self.log = kept;
    }

    /// Whether a commitment of `count` chunks leaves out an object Ferdie still has stored.
    fn omits_live(&self, count: u64) -> bool {
        self.live.iter().any(|(key, version)| {
            !self
                .log
                .iter()
                .any(|e| (e.order.key_hash[0], e.order.version) == (*key, *version) && e.first + e.chunks <= count)
        })
    }

    /// Bob's answer to a pending claim on receipt `r`, from what he kept.
    fn justification(&self, r: &Receipt) -> Option<Justification> {
        let key = r.order.key_hash[0];
        if let Some((order, signature)) = self.orders.get(&key).filter(|(o, _)| o.version > r.order.version) {
            return Some(Justification::Superseded { order: *order, signature: *signature });
        }
        let (receipt, signature) = self.moves.get(&(key, r.order.version))?;
        Some(Justification::Moved { receipt: *receipt, signature: *signature })
    }

    /// Commits, lets Ferdie report every receipt, lets Bob rebut, and finalises what stands.
    fn epoch_end(&mut self, shrink: bool) -> Audit {
        let (e, p) = (self.epoch, &self.p);
        let count = if shrink && self.chunk_count > 0 {
            self.misbehaved = true;
            self.chunk_count - 1
        } else {
            self.chunk_count
        };
        let omits_live = self.omits_live(count);
        self.c.rt.set_time(p.at(e, 1));
        commit(&mut self.c, p, VNODE, e, count, self.generation);
        self.c.rt.set_time(p.at(e, 2));
        for (r, sig) in &self.receipts {
            match self.c.tx::<_, ()>(FERDIE, "report_omission", (*r, *sig, e)) {
                Err(Error::NotOmitted) => continue,
                Err(Error::FaultExists) => break,
                Err(other) => panic!("report of {r:?} in epoch {e}: {other:?}"),
                Ok(()) => {}
            }
            if fault(&mut self.c, p, VNODE, e).is_some_and(|f| f.is_final) {
                break;
            }
            let Some(answer) = self.justification(r) else { break };
            match self.c.tx::<_, ()>(BOB, "rebut_omission", (p.cluster, VNODE, e, answer)) {
                Ok(()) => assert_eq!(fault(&mut self.c, p, VNODE, e), None, "a rebuttal clears the fault"),
                Err(Error::JustificationInvalid) => break,
                Err(other) => panic!("rebuttal of {r:?} in epoch {e}: {other:?}"),
            }
        }
        self.c.rt.set_time(p.at(e, 2 + DISPUTE));
        if fault(&mut self.c, p, VNODE, e).is_some_and(|f| !f.is_final) {
            self.c.ok::<_, u128>(ALICE, "finalize_fault", (p.cluster, e, VNODE));
        }
        let found = fault(&mut self.c, p, VNODE, e);
        assert!(found.is_none_or(|f| f.is_final), "every fault is settled by the epoch's end");
        assert!(!omits_live || found.is_some(), "epoch {e}: a live object left out went unpunished");
        assert!(found.is_none() || self.misbehaved, "epoch {e}: an honest node was faulted");
        self.epoch += 1;
        if found.is_some() {
            Audit::Faulted
        } else {
            Audit::Clean
        }
    }
}

fn cases() -> u32 {
    std::env::var("DDC_OMISSION_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)
}

/// Runs `ops`, then a last honest epoch, stopping at the first faulted epoch.
fn run(ops: &[Op]) -> (World, Audit) {
    let mut w = World::new();
    for op in ops.iter().chain([&Op::Epoch { shrink: false }]) {
        if let Some(Audit::Faulted) = w.apply(op) {
            return (w, Audit::Faulted);
        }
    }
    (w, Audit::Clean)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// An honest node — appending, deleting on signed orders, compacting with receipts of its
    /// moves — survives every receipt its writer holds, in every epoch, and keeps its stake.
    #[test]
    fn an_honest_node_survives_every_receipt(ops in prop::collection::vec(op(false), 1..40)) {
        let (mut w, audit) = run(&ops);
        prop_assert_eq!(audit, Audit::Clean);
        prop_assert_eq!(w.node_stake(), NODE_STAKE);
    }

    /// A node that drops or truncates objects is faulted, finally, in the first epoch whose
    /// commitment leaves out an object the writer still has; and never without misbehaving.
    #[test]
    fn a_node_that_drops_live_data_is_slashed_that_epoch(ops in prop::collection::vec(op(true), 1..40)) {
        let (mut w, audit) = run(&ops);
        if audit == Audit::Faulted {
            prop_assert!(fault(&mut w.c, &w.p, VNODE, w.epoch - 1).is_some_and(|f| f.is_final));
            prop_assert!(w.misbehaved);
            prop_assert!(w.node_stake() < NODE_STAKE);
        }
    }
}
