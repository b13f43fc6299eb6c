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
const { addr, close } = await createServer(handler({ chain }), args.port, args.host);
const port = addr.split(':').pop();
console.log(`ddc-chain listening ws://${args.host}:${port}`);

const stop = async () => {
  await close();
  await chain.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
