// Signed requests to a storage node (docs/api.md, "Signed requests"), made in the browser with
// the account's sr25519 key: no server signs for the user.

import { cryptoWaitReady, keyExtractSuri, keyFromPath, mnemonicToMiniSecret, sr25519PairFromSeed, sr25519Sign } from '@polkadot/util-crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, encryptionKey, u32le, u64le } from './envelope.js';

/** The well-known development phrase: every `//Name` account under it is INSECURE. */
const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

export const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const utf8 = (s) => new TextEncoder().encode(s);

/** An account from a secret URI (`//Ferdie`, or a phrase with derivations). */
export async function account(suri) {
  await cryptoWaitReady();
  const { phrase, password, path } = keyExtractSuri(suri.startsWith('//') ? DEV_PHRASE + suri : suri);
  const pair = keyFromPath(sr25519PairFromSeed(mnemonicToMiniSecret(phrase, password)), path, 'sr25519');
  return { pair, id: hex(pair.publicKey), encryption: encryptionKey(pair.secretKey) };
}

/** An object key's path segment, escaped as the Rust client escapes it. */
export function escapeKey(key) {
  const special = new Set([...' "#%<>?`{}'].map((c) => c.charCodeAt(0)));
  return Array.from(utf8(key), (b) => (b < 0x20 || b >= 0x7f || special.has(b) ? '%' + b.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(b))).join('');
}

function signedHeaders(acct, method, target, contentSha) {
  const ts = Date.now();
  const nonce = new DataView(crypto.getRandomValues(new Uint8Array(8)).buffer).getBigUint64(0).toString();
  const message = utf8(`ddc-request-v2\n${method}\n${target}\n${ts}\n${nonce}\n${hex(contentSha)}`);
  return {
    ts,
    headers: {
      'x-ddc-account': acct.id,
      'x-ddc-timestamp': String(ts),
      'x-ddc-nonce': nonce,
      'x-ddc-content-sha256': hex(contentSha),
      'x-ddc-signature': hex(sr25519Sign(message, acct.pair)),
    },
  };
}

async function check(resp) {
  if (resp.ok) return resp;
  const body = await resp.json().catch(() => ({}));
  throw new Error(`the node answered ${resp.status}: ${body.message ?? resp.statusText}`);
}

const EMPTY = sha256(new Uint8Array(0));

/** Stores `body` under `key`, with the owner's signed order (SCALE: u32, [u8; 32], u64, [u8; 32], bool). */
export async function put(node, acct, bucket, key, body) {
  const target = `/v1/buckets/${bucket}/objects/${escapeKey(key)}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  const { ts, headers } = signedHeaders(acct, 'PUT', target, digest);
  const order = concat(utf8('ddc-order-v1:'), u32le(bucket), sha256(utf8(key)), u64le(ts), digest, new Uint8Array([0]));
  headers['x-ddc-order'] = hex(sr25519Sign(order, acct.pair));
  return (await check(await fetch(node + target, { method: 'PUT', headers, body }))).json();
}

export async function get(node, acct, bucket, key) {
  const target = `/v1/buckets/${bucket}/objects/${escapeKey(key)}`;
  const { headers } = signedHeaders(acct, 'GET', target, EMPTY);
  return new Uint8Array(await (await check(await fetch(node + target, { headers }))).arrayBuffer());
}

export async function list(node, acct, bucket, prefix = '') {
  const target = `/v1/buckets/${bucket}/objects?prefix=${escapeKey(prefix)}`;
  const { headers } = signedHeaders(acct, 'GET', target, EMPTY);
  return (await check(await fetch(node + target, { headers }))).json();
}
