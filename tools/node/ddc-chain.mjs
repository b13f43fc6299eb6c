// A real Substrate node over the DDC runtime: chopsticks' block builder and RPC server started
// from the raw dev chain spec (no upstream endpoint). Run by scripts/substrate-chain.sh.
//
//   node ddc-chain.mjs SPEC.json [--port N] [--host H] [--block-ms MS | --manual-time]
//
// Prints `ddc-chain listening ws://HOST:PORT` once the RPC serves (port 0 picks a free one).
// A block is built for each transaction, and every `--block-ms` (default 1000) without one.
// Block timestamps follow the wall clock; with `--manual-time` the chain's clock moves only by
// `dev_timeTravel` (each block adds 1 ms, as pallet-timestamp requires), so tests drive time,
// never wait on it.
//
// Chopsticks' GenesisProvider answers no child-storage RPC, and pallet-contracts keeps each
// contract's storage in a child trie: a lookup that misses the chain's own layers reaches the
// genesis state with `childstate_*`. The genesis state holds no child tries, so the truthful
// answer is "nothing there", which this provider gives.
//
// Runtime calls (`state_call`, `archive_v1_call`: every contract query is a `ContractsApi_call` dry run, which this
// node interprets twice over) are cached by block, method and arguments: a block's state never
// changes, so the answer never does, and daemons polling the same head cost one run. Every
// minute, and on exit, the log gets each RPC method's count and time.
import { readFileSync } from 'node:fs';
import {
  Api, Blockchain, BuildBlockMode, GenesisProvider, getCurrentTimestamp, inherentProviders,
} from '@acala-network/chopsticks-core';
import { GenericExtrinsic } from '@polkadot/types';
import { createServer } from '@acala-network/chopsticks/server';
import { handler } from '@acala-network/chopsticks/rpc/index';

class DdcGenesisProvider extends GenesisProvider {
  constructor(spec) {
    super(spec);
    const send = this.send;
    this.send = async (method, params, isCacheable) => {
      switch (method) {
        case 'childstate_getStorage':
          return null;
        case 'childstate_getKeysPaged':
          return [];
        case 'childstate_getStorageEntries':
          return (params[1] ?? []).map(() => null);
        default:
          return send(method, params, isCacheable);
      }
    };
  }
}

// Chopsticks' own timestamp inherent advances each block by the Aura/Babe slot, 12 s on a chain
// with neither: time would run with the number of transactions. This one keeps to the wall
// clock, or, with manual time, to where `dev_timeTravel` put it.
class DdcTimestamp {
  constructor(manual) {
    this.manual = manual;
  }
  async createInherents(newBlock) {
    const parent = await newBlock.parentBlock;
    if (!parent) throw new Error('parent block not found');
    const meta = await parent.meta;
    const now = await getCurrentTimestamp(parent);
    const wall = BigInt(Date.now());
    const next = this.manual && now > 0n ? now + 1n : (now + 1n > wall ? now + 1n : wall);
    return [new GenericExtrinsic(meta.registry, meta.tx.timestamp.set(next)).toHex()];
  }
}

// The runtime calls kept; the oldest goes first.
const CALL_CACHE_SIZE = 4096;

// The block, runtime function and argument of a runtime call (`state_call` takes the block last
// and may leave it out for the head, `archive_v1_call` names it first), or null for other methods.
async function runtimeCall({ method, params = [] }) {
  if (method === 'archive_v1_call') return { hash: params[0], fn: params[1], arg: params[2] };
  if (method !== 'state_call') return null;
  const block = await chain.getBlock(params[2]);
  return block ? { hash: block.hash, fn: params[0], arg: params[1] } : null;
}

// A compact SCALE integer at `at` of `b`: [value, bytes read].
function compact(b, at) {
  const mode = b[at] & 3;
  if (mode === 0) return [b[at] >> 2, 1];
  if (mode === 1) return [(b[at] | (b[at + 1] << 8)) >> 2, 2];
  if (mode === 2) return [(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 2, 4];
  return [Number.NaN, 5 + (b[at] >> 2)];
}

// What a runtime call is, for the statistics: a contract query's message selector (the 4 bytes
// after origin, dest, value, gas limit and deposit limit of `ContractsApi_call`), else the function.
function callName(fn, arg) {
  if (fn !== 'ContractsApi_call' || typeof arg !== 'string') return fn;
  const b = Buffer.from(arg.slice(2), 'hex');
  let at = 32 + 32 + 16;
  if (b[at++] === 1) for (let i = 0; i < 2; i++) at += compact(b, at)[1];
  if (b[at++] === 1) at += 16;
  at += compact(b, at)[1];
  return `ContractsApi_call 0x${b.subarray(at, at + 4).toString('hex')}`;
}

// `rpc` with runtime calls' answers cached per block, and each method's count and time recorded,
// runtime calls also by what they run.
function served(rpc) {
  const calls = new Map();
  const stats = new Map();
  let hits = 0;
  const record = (method, started) => {
    const s = stats.get(method) ?? { count: 0, ms: 0 };
    s.count += 1;
    s.ms += performance.now() - started;
    stats.set(method, s);
  };
  const answer = async (request, subscriptions) => {
    const call = await runtimeCall(request);
    if (!call) return rpc(request, subscriptions);
    const key = `${request.method}|${call.hash}|${call.fn}|${call.arg}`;
    const cached = calls.get(key);
    if (cached) {
      hits += 1;
      return cached;
    }
    const pinned = request.method === 'state_call' ? { ...request, params: [call.fn, call.arg, call.hash] } : request;
    const started = performance.now();
    const fresh = rpc(pinned, subscriptions);
    fresh.finally(() => record(callName(call.fn, call.arg), started)).catch(() => {});
    calls.set(key, fresh);
    // An unknown block (null) or a failure is not an answer to keep.
    fresh.then((v) => v === null && calls.delete(key), () => calls.delete(key));
    if (calls.size > CALL_CACHE_SIZE) calls.delete(calls.keys().next().value);
    return fresh;
  };
  const report = () => {
    const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).map(([m, s]) => `${m} ${s.count}× ${Math.round(s.ms)} ms`);
    console.log(`rpc: ${rows.join(', ')}; runtime-call cache hits ${hits}`);
  };
  setInterval(report, 60_000).unref();
  const serve = async (request, subscriptions) => {
    const started = performance.now();
    try {
      return await answer(request, subscriptions);
    } finally {
      record(request.method, started);
    }
  };
  return { serve, report };
}

function parseArgs(argv) {
  const options = { port: 9944, host: '127.0.0.1', blockMs: 1000, manual: false };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--port': options.port = Number(value()); break;
      case '--host': options.host = value(); break;
      case '--block-ms': options.blockMs = Number(value()); break;
      case '--manual-time': options.manual = true; break;
      default: rest.push(argv[i]);
    }
  }
  if (rest.length !== 1) throw new Error('usage: ddc-chain.mjs SPEC.json [--port N] [--host H] [--block-ms MS | --manual-time]');
  if (!(options.blockMs > 0)) throw new Error('--block-ms must be positive');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error('--port: 0..65535');
  return { spec: rest[0], ...options };
}

const args = parseArgs(process.argv.slice(2));
const spec = JSON.parse(readFileSync(args.spec, 'utf8'));
const api = new Api(new DdcGenesisProvider(spec));
await api.isReady;
const hash = await api.getFinalizedHead();
const header = await api.getHeader(hash);
const isTimestamp = (p) => p.constructor.name === 'SetTimestamp';
if (inherentProviders.filter(isTimestamp).length !== 1) throw new Error('chopsticks: no SetTimestamp inherent to replace');
const inherents = inherentProviders.map((p) => (isTimestamp(p) ? new DdcTimestamp(args.manual) : p));
const chain = new Blockchain({
  api,
  buildBlockMode: BuildBlockMode.Instant,
  inherentProviders: inherents,
  header: { hash, number: Number(header.number) },
  registeredTypes: {},
});
await chain.newBlock();
if (!args.manual) {
  // A real chain's blocks come on time whether or not anyone transacts.
  setInterval(() => chain.newBlock().catch((e) => console.error('building a block:', e)), args.blockMs);
}
const rpc = served(handler({ chain }));
const { addr, close } = await createServer(rpc.serve, args.port, args.host);
const port = addr.split(':').pop();
console.log(`ddc-chain listening ws://${args.host}:${port}`);

const stop = async () => {
  rpc.report();
  await close();
  await chain.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
