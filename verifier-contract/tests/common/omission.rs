//! Receipts against commitments, on every runtime: a node that commits less than it
//! acknowledged is slashed on the writer's receipt, or at once on its own earlier commitment; a
//! node that compacted after the owner's delete, or moved the object, is not; and a rotated key
//! leaves older commitments checkable.

use super::flows::{pos_setup, provider_of, secret, Pos, DISPUTE, EPOCH, NODE_STAKE};
use super::proofs::{fixture, rotated, CHUNKS};
use super::*;
use ddc_verifier_contract::logic::{
    seed_commitment, signed_message, Error, Fault, Justification, Order, ProofItem, Receipt, Verification,
    VerificationConfig, VerificationMode, VerifyingKeyRecord, ORDER_DOMAIN, RECEIPT_DOMAIN, TOKEN,
};

pub fn sign(who: u8, domain: &[u8], payload: &impl Encode) -> [u8; 64] {
    keypair(who).sign(&signed_message(domain, payload)).0
}

/// Ferdie's order for version `version` of object `key` in bucket 1.
pub fn order(key: u8, version: u64, delete: bool) -> Order {
    let digest = if delete { [0; 32] } else { [key ^ version as u8; 32] };
    Order { bucket_id: 1, key_hash: [key; 32], version, digest, delete }
}

/// The receipt of `order` by the node hosting `vnode`, for chunks `[first, first + chunks)`.
pub fn receipt(p: &Pos, order: Order, vnode: u32, generation: u32, first: u64, chunks: u64) -> Receipt {
    let node_id = p.vnodes[vnode as usize];
    let cluster_id = p.cluster;
    Receipt { cluster_id, order, vnode, node_id, generation, first_chunk: first, chunks, liable_from: 0, time_ms: 0 }
}

pub fn signed(p: &Pos, r: Receipt) -> (Receipt, [u8; 64]) {
    (r, sign(provider_of(p.vnodes[r.vnode as usize]), RECEIPT_DOMAIN, &r))
}

pub fn stake<R: Runtime>(c: &mut Contract<R>, p: &Pos, node: u32) -> Balance {
    c.query::<_, Option<ddc_verifier_contract::logic::Bond>>("node_bond_get", (p.cluster, node)).map_or(0, |b| b.amount)
}

pub fn fault<R: Runtime>(c: &mut Contract<R>, p: &Pos, vnode: u32, epoch: u64) -> Option<Fault> {
    c.query("fault_get", (p.cluster, vnode, epoch))
}

pub fn commit<R: Runtime>(c: &mut Contract<R>, p: &Pos, vnode: u32, epoch: u64, chunks: u64, generation: u32) {
    let node = p.vnodes[vnode as usize];
    let args = (p.cluster, vnode, epoch, fixture().root(vnode), chunks, generation);
    c.ok::<_, ()>(provider_of(node), "commit_root", args);
}

/// Bob hosts vnodes 0 and 3, Charlie vnode 1, Dave vnode 2; Ferdie owns bucket 1 and holds the
/// receipts.
pub fn receipts_catch_omission<R: Runtime>(c: &mut Contract<R>) {
    let p = pos_setup(c, VerificationMode::Proofs, 4);
    let (bob, charlie, dave) = (p.vnodes[0], p.vnodes[1], p.vnodes[2]);

    // Epoch 0: Bob keeps 1 chunk of the 100 he acknowledged in vnode 0; Dave commits vnode 2 as
    // empty though he acknowledged 3 chunks; Charlie and vnode 3 are honest.
    c.rt.set_time(p.at(0, 1));
    commit(c, &p, 0, 0, 1, 0);
    commit(c, &p, 1, 0, CHUNKS, 0);
    commit(c, &p, 2, 0, 0, 0);
    commit(c, &p, 3, 0, CHUNKS, 0);
    assert_eq!(c.query::<_, Option<u32>>("pass_get", (p.cluster, 2u32, 0u64)), Some(dave), "empty: no proof due");

    // Epoch 1: Charlie commits vnode 1 as empty in the same generation: his own commitments
    // convict him, at once. Bob compacts vnode 3 into generation 1, 2 chunks.
    c.rt.set_time(p.at(1, 1));
    let before = stake(c, &p, charlie);
    c.rt.take_events();
    commit(c, &p, 1, 1, 0, 0);
    assert!(fault(c, &p, 1, 1).is_some_and(|f| f.is_final), "a shrunk commitment is a final fault");
    assert_eq!(c.query::<_, Option<u32>>("pass_get", (p.cluster, 1u32, 1u64)), None, "and gets no pass");
    assert_eq!(before - stake(c, &p, charlie), NODE_STAKE / 2);
    assert!(c.rt.take_events().iter().any(|e| matches!(e, Event::OmissionReported { is_final: true, .. })));
    commit(c, &p, 3, 1, 2, 1);
    let treasury: Balance = c.query("treasury", ());
    c.rt.set_time(p.at(1, 2));

    // Bob's 100-chunk receipt against his 1-chunk commitment: refused if tampered with or signed
    // by another key, then final at once, with the reporter rewarded.
    let (r, sig) = signed(&p, receipt(&p, order(1, 1, false), 0, 0, 0, 100));
    let tampered = Receipt { chunks: 1, ..r };
    assert_eq!(c.tx::<_, ()>(FERDIE, "report_omission", (tampered, sig, 0u64)), Err(Error::ReceiptInvalid));
    let forged = sign(CHARLIE, RECEIPT_DOMAIN, &r);
    assert_eq!(c.tx::<_, ()>(FERDIE, "report_omission", (r, forged, 0u64)), Err(Error::ReceiptInvalid));
    let replayed = Receipt { vnode: 1, node_id: charlie, ..r };
    assert_eq!(c.tx::<_, ()>(FERDIE, "report_omission", (replayed, sig, 0u64)), Err(Error::ReceiptInvalid));
    let later = Receipt { liable_from: 1, ..r };
    let later_sig = sign(BOB, RECEIPT_DOMAIN, &later);
    assert_eq!(c.tx::<_, ()>(FERDIE, "report_omission", (later, later_sig, 0u64)), Err(Error::ReceiptNotDue));
    let (ferdie, bob_stake) = (c.rt.balance(account(FERDIE)), stake(c, &p, bob));
    c.ok::<_, ()>(FERDIE, "report_omission", (r, sig, 0u64));
    let slashed = bob_stake - stake(c, &p, bob);
    assert_eq!(slashed, NODE_STAKE / 2);
    let earned = c.rt.balance(account(FERDIE)) - ferdie;
    // The receipt holder's reward, less the call's fee where the chain charges one.
    assert!(earned <= slashed / 10 && earned > slashed / 10 - TOKEN / 100, "reward {earned} of {slashed} slashed");
    assert!(fault(c, &p, 0, 0).is_some_and(|f| f.is_final && f.reporter == account(FERDIE)));
    assert_eq!(c.tx::<_, ()>(FERDIE, "report_omission", (r, sig, 0u64)), Err(Error::FaultExists));

    // Dave's empty vnode 2 loses its free pass on the receipt; Charlie's honest epoch 0 stands.
    let (r, sig) = signed(&p, receipt(&p, order(2, 1, false), 2, 0, 0, 3));
    c.ok::<_, ()>(FERDIE, "report_omission", (r, sig, 0u64));
    assert_eq!(c.query::<_, Option<u32>>("pass_get", (p.cluster, 2u32, 0u64)), None, "the free pass is revoked");
    let (r, sig) = signed(&p, receipt(&p, order(3, 1, false), 1, 0, 0, CHUNKS));
    assert_eq!(c.tx::<_, ()>(FERDIE, "report_omission", (r, sig, 0u64)), Err(Error::NotOmitted));

    // Vnode 3 compacted: object 4 (chunks 0..4 of generation 0) was deleted by Ferdie, object 5
    // (chunks 4..6) moved to chunks 0..2 of generation 1, object 6 (chunks 0..4) was dropped.
    let deleted = order(4, 2, true);
    let (r4, sig4) = signed(&p, receipt(&p, order(4, 1, false), 3, 0, 0, 4));
    c.ok::<_, ()>(FERDIE, "report_omission", (r4, sig4, 1u64));
    assert!(fault(c, &p, 3, 1).is_some_and(|f| !f.is_final), "a later generation awaits the node's answer");
    let not_owner = Justification::Superseded { order: deleted, signature: sign(BOB, ORDER_DOMAIN, &deleted) };
    assert_eq!(
        c.tx::<_, ()>(BOB, "rebut_omission", (p.cluster, 3u32, 1u64, not_owner)),
        Err(Error::JustificationInvalid)
    );
    let other = order(9, 2, true);
    let other_key = Justification::Superseded { order: other, signature: sign(FERDIE, ORDER_DOMAIN, &other) };
    assert_eq!(
        c.tx::<_, ()>(BOB, "rebut_omission", (p.cluster, 3u32, 1u64, other_key)),
        Err(Error::JustificationInvalid)
    );
    let proof = [0u8; 128];
    assert_eq!(c.tx::<_, ()>(BOB, "rebut_fault", (p.cluster, 1u64, 3u32, proof)), Err(Error::JustificationInvalid));
    let by_owner = Justification::Superseded { order: deleted, signature: sign(FERDIE, ORDER_DOMAIN, &deleted) };
    c.ok::<_, ()>(BOB, "rebut_omission", (p.cluster, 3u32, 1u64, by_owner));
    assert_eq!(fault(c, &p, 3, 1), None, "compaction after the owner's delete is legitimate");

    let (r5, sig5) = signed(&p, receipt(&p, order(5, 1, false), 3, 0, 4, 2));
    c.ok::<_, ()>(FERDIE, "report_omission", (r5, sig5, 1u64));
    let (past_end, sig) = signed(&p, receipt(&p, order(5, 1, false), 3, 1, 1, 2));
    let moved_badly = Justification::Moved { receipt: past_end, signature: sig };
    assert_eq!(
        c.tx::<_, ()>(BOB, "rebut_omission", (p.cluster, 3u32, 1u64, moved_badly)),
        Err(Error::JustificationInvalid)
    );
    let (moved, sig) = signed(&p, receipt(&p, order(5, 1, false), 3, 1, 0, 2));
    c.ok::<_, ()>(
        BOB,
        "rebut_omission",
        (p.cluster, 3u32, 1u64, Justification::Moved { receipt: moved, signature: sig }),
    );
    assert_eq!(fault(c, &p, 3, 1), None, "a moved object is still held");

    let (r6, sig6) = signed(&p, receipt(&p, order(6, 1, false), 3, 0, 0, 4));
    c.ok::<_, ()>(FERDIE, "report_omission", (r6, sig6, 1u64));
    assert_eq!(c.tx::<_, Balance>(ALICE, "finalize_fault", (p.cluster, 1u64, 3u32)), Err(Error::DisputeWindowOpen));
    c.rt.set_time(p.at(1, 2 + DISPUTE));
    let bob_stake = stake(c, &p, bob);
    let slashed: Balance = c.ok(ALICE, "finalize_fault", (p.cluster, 1u64, 3u32));
    assert!(slashed > 0 && stake(c, &p, bob) == bob_stake - slashed, "the same compaction without the delete");
    assert!(c.query::<_, Balance>("treasury", ()) > treasury);

    // An empty epoch does not clear the fault streak of vnode 2.
    c.send::<_, Result<(), Error>>(DAVE, NODE_STAKE, "node_bond", (p.cluster, dave)).unwrap();
    c.rt.set_time(p.at(2, 1));
    commit(c, &p, 2, 2, 0, 0);
    assert_eq!(c.query::<_, Option<u32>>("pass_get", (p.cluster, 2u32, 2u64)), Some(dave));
    assert_eq!(c.query::<_, u32>("vnode_fault_streak", (p.cluster, 2u32)), 1, "an empty pass proves nothing");
}

/// Keys are immutable: a second key for the same circuit is registered beside the first, the
/// first cannot be registered again, and a fault against a commitment made under the first key
/// is rebutted with a proof under it after the cluster moved to the second.
pub fn key_rotation<R: Runtime>(c: &mut Contract<R>) {
    let p = pos_setup(c, VerificationMode::Proofs, 4);
    let (f, g) = (fixture(), rotated());
    let old: VerificationConfig = c.query::<_, Option<Verification>>("cluster_verification", p.cluster).unwrap().config;
    assert_eq!(
        c.tx::<_, [u8; 32]>(ALICE, "admin_set_verifying_key", (f.shape(), f.vk.clone(), false)),
        Err(Error::VerifyingKeyExists),
        "a registered key is never replaced (nor its insecure flag cleared)"
    );
    let seed0 = p.run_epoch(c, 0, &[VERA, VICTOR], &[]);
    let new_hash: [u8; 32] = c.ok(ALICE, "admin_set_verifying_key", (f.shape(), g.vk.clone(), true));
    assert_ne!(new_hash, old.vk_hash);
    c.ok::<_, ()>(EVE, "cluster_set_verification", (p.cluster, VerificationConfig { vk_hash: new_hash, ..old }));
    let kept: Option<VerifyingKeyRecord> = c.query("verifying_key", old.vk_hash);
    assert_eq!(kept.map(|k| k.bytes), Some(f.vk.clone()), "the old key stays in place");

    // Epoch 0's commitments were made under the old key: a false report is rebutted under it.
    c.ok::<_, ()>(VERA, "report_fault", (p.cluster, 0u64, 1u32));
    c.ok::<_, ()>(provider_of(p.vnodes[1]), "rebut_fault", (p.cluster, 0u64, 1u32, p.proof(&seed0, 0, 1).proof));
    let items: Vec<ProofItem> = [0u32, 2, 3].iter().map(|v| p.proof(&seed0, 0, *v)).collect();
    c.ok::<_, ()>(VERA, "submit_proofs", (p.cluster, 0u64, items));

    // Epoch 1's commitments name the new key: old-key proofs fail, new-key proofs pass.
    c.rt.set_time(p.at(1, 1));
    for (vnode, node) in p.vnodes.iter().enumerate() {
        let args = (p.cluster, vnode as u32, 1u64, f.root(vnode as u32), CHUNKS, 0u32);
        c.ok::<_, ()>(provider_of(*node), "commit_root", args);
    }
    let cm: ddc_verifier_contract::logic::Commitment =
        c.query::<_, Option<_>>("commitment_get", (p.cluster, 0u32, 1u64)).unwrap();
    assert_eq!(cm.vk_hash, new_hash);
    for v in [VERA, VICTOR] {
        c.ok::<_, ()>(v, "seed_commit", (p.cluster, 1u64, seed_commitment(&secret(v, 1), &account(v), p.cluster, 1)));
    }
    c.rt.set_time(p.at(1, EPOCH / 2));
    for v in [VERA, VICTOR] {
        c.ok::<_, ()>(v, "seed_reveal", (p.cluster, 1u64, secret(v, 1)));
    }
    c.rt.set_time(p.at(2, 1));
    let seed1: [u8; 32] = c.ok::<_, Option<[u8; 32]>>(ALICE, "epoch_finalize_seed", (p.cluster, 1u64)).unwrap();
    let old_proof = vec![p.proof(&seed1, 1, 0)];
    assert_eq!(c.tx::<_, ()>(VERA, "submit_proofs", (p.cluster, 1u64, old_proof)), Err(Error::BatchInvalid));
    let node_id = p.vnodes[0];
    let fresh = ProofItem { vnode: 0, node_id, proof: g.prove(&seed1, p.cluster, 0, node_id, 1) };
    c.ok::<_, ()>(VERA, "submit_proofs", (p.cluster, 1u64, vec![fresh]));
}
