// A real Substrate node over the DDC runtime: chopsticks' block builder and RPC server started
// from the raw dev chain spec (no upstream endpoint). Run by scripts/substrate-chain.sh.
//
//   node ddc-chain.mjs SPEC.json [--port N] [--host H] [--build-block-mode Instant|Batch|Manual]
//
// Prints `ddc-chain listening ws://HOST:PORT` once the RPC serves (port 0 picks a free one).
//
// Chopsticks' GenesisProvider answers no child-storage RPC, and pallet-contracts keeps each
// contract's storage in a child trie: a lookup that misses the chain's own layers reaches the
// genesis state with `childstate_*`. The genesis state holds no child tries, so the truthful
// answer is "nothing there", which this provider gives.
import { readFileSync } from 'node:fs';
import { BuildBlockMode, GenesisProvider, setup } from '@acala-network/chopsticks-core';
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

function parseArgs(argv) {
  const options = { port: 9944, host: '127.0.0.1', mode: BuildBlockMode.Instant };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--port': options.port = Number(value()); break;
      case '--host': options.host = value(); break;
      case '--build-block-mode': options.mode = value(); break;
      default: rest.push(argv[i]);
    }
  }
  if (rest.length !== 1) throw new Error('usage: ddc-chain.mjs SPEC.json [--port N] [--host H] [--build-block-mode M]');
  if (!Object.values(BuildBlockMode).includes(options.mode)) throw new Error(`unknown --build-block-mode ${options.mode}`);
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error('--port: 0..65535');
  return { spec: rest[0], ...options };
}

const args = parseArgs(process.argv.slice(2));
const spec = JSON.parse(readFileSync(args.spec, 'utf8'));
const chain = await setup({ genesis: new DdcGenesisProvider(spec), buildBlockMode: args.mode });
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
