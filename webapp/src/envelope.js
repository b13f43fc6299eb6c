// The encrypted object format, envelope v1 (docs/encryption.md), in the browser: the same bytes
// `ddc put` writes and `ddc get` reads. Keys derive from the account's sr25519 secret as
// chain/src/keys.rs derives them.

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

export const CHUNK_LOG2 = 16;
export const HEADER_LEN = 176;
const TAG = 16;
const utf8 = (s) => new TextEncoder().encode(s);

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u32le(v) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

export function u64le(v) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}

const random = (n) => crypto.getRandomValues(new Uint8Array(n));
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** HKDF-SHA256 of the sr25519 secret scalar (the first half of polkadot-js's secretKey). */
export function deriveSecret(sr25519SecretKey, purpose) {
  return hkdf(sha256, sr25519SecretKey.slice(0, 32), utf8('ddc-derive-secret-v1'), utf8(purpose), 32);
}

export function encryptionKey(sr25519SecretKey) {
  const secret = deriveSecret(sr25519SecretKey, 'ddc-x25519-v1');
  return { secret, public: x25519.getPublicKey(secret) };
}

export function objectBinding(bucket, storedKey) {
  return sha256(concat(utf8('ddc-object-v1'), u32le(bucket), utf8(storedKey)));
}

function fixedHeader(len, prefix) {
  return concat(utf8('DDCE'), new Uint8Array([1, CHUNK_LOG2, 0, 0]), u64le(len), prefix);
}

function kek(d1, d2, sender, recipient, ephemeral) {
  return hkdf(sha256, concat(d1, d2), utf8('ddc-wrap-v1'), concat(sender, recipient, ephemeral), 32);
}

function wrap(key, dataKey, recipient, binding) {
  const e = random(32);
  const E = x25519.getPublicKey(e);
  const k = kek(x25519.getSharedSecret(e, recipient), x25519.getSharedSecret(key.secret, recipient), key.public, recipient, E);
  return concat(key.public, recipient, E, xchacha20poly1305(k, new Uint8Array(24), binding).encrypt(dataKey));
}

function unwrap(key, w, binding) {
  const [sender, recipient, E, sealed] = [w.slice(0, 32), w.slice(32, 64), w.slice(64, 96), w.slice(96)];
  if (!equal(recipient, key.public)) throw new Error('this object was not encrypted for this account');
  if (!equal(sender, key.public)) throw new Error('this object was shared by another account: read it with `ddc get`');
  const k = kek(x25519.getSharedSecret(key.secret, E), x25519.getSharedSecret(key.secret, sender), sender, recipient, E);
  try {
    return xchacha20poly1305(k, new Uint8Array(24), binding).decrypt(sealed);
  } catch {
    throw new Error('the data key wrap failed authentication');
  }
}

function chunkCipher(dataKey, fixed, object, chunks) {
  const base = sha256(concat(utf8('ddc-chunk-v1'), fixed, object));
  const prefix = fixed.slice(16, 32);
  return (i) => xchacha20poly1305(dataKey, concat(prefix, u64le(i)), concat(base, u64le(i), new Uint8Array([i + 1 === chunks ? 1 : 0])));
}

const chunkCount = (len) => Math.max(1, Math.ceil(len / (1 << CHUNK_LOG2)));

/** Seals `data` (Uint8Array) as the object `storedKey` of `bucket`. */
export function seal(key, bucket, storedKey, data) {
  const object = objectBinding(bucket, storedKey);
  const fixed = fixedHeader(data.length, random(16));
  const dataKey = random(32);
  const binding = sha256(concat(utf8('ddc-wrap-binding-v1'), object, fixed));
  const chunks = chunkCount(data.length);
  const cipher = chunkCipher(dataKey, fixed, object, chunks);
  const parts = [fixed, wrap(key, dataKey, key.public, binding)];
  const C = 1 << CHUNK_LOG2;
  for (let i = 0; i < chunks; i++) parts.push(cipher(i).encrypt(data.subarray(i * C, (i + 1) * C)));
  return concat(...parts);
}

/** Opens a whole stored object this account wrote. */
export function open(key, bucket, storedKey, stored) {
  if (stored.length < 5 || !equal(stored.slice(0, 4), utf8('DDCE'))) throw new Error('not an encrypted object (stored in plain text)');
  if (stored[4] !== 1) throw new Error(`envelope version ${stored[4]} is not supported`);
  if (stored.length < HEADER_LEN) throw new Error('the encrypted object is shorter than its header');
  const fixed = stored.slice(0, 32);
  const C = 1 << fixed[5];
  const len = Number(new DataView(fixed.buffer, fixed.byteOffset).getBigUint64(8, true));
  const object = objectBinding(bucket, storedKey);
  const dataKey = unwrap(key, stored.slice(32, HEADER_LEN), sha256(concat(utf8('ddc-wrap-binding-v1'), object, fixed)));
  const chunks = chunkCount(len);
  const cipher = chunkCipher(dataKey, fixed, object, chunks);
  const out = new Uint8Array(len);
  let at = HEADER_LEN;
  for (let i = 0; i < chunks; i++) {
    const size = Math.min(C, len - i * C) + TAG;
    let plain;
    try {
      plain = cipher(i).decrypt(stored.subarray(at, at + size));
    } catch {
      throw new Error(`chunk ${i} failed authentication: the ciphertext was altered`);
    }
    out.set(plain, i * C);
    at += size;
  }
  if (at !== stored.length) throw new Error('the encrypted object has trailing bytes');
  return out;
}
