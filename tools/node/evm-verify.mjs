// Compiles a Groth16 verifier written by `ddc export solidity` with solc-js, deploys it on a
// fresh anvil node (a real EVM, from npm) and calls `verifyProof` with each calldata file.
// Prints one JSON line per calldata file: {"file", "valid", "gas"}, the gas of the call sent as a
// transaction (21,000 and the calldata included).
//
//   node evm-verify.mjs Verifier.sol calldata.json [more.json ...]
//   node evm-verify.mjs Verifier.sol --bytecode
// The second form only compiles, and prints {"bytecode", "selector"} (hex) for other EVMs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');
const here = dirname(fileURLToPath(import.meta.url));
const anvilBin = join(here, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil');

const [source, ...calldataFiles] = process.argv.slice(2);
if (!source || calldataFiles.length === 0) {
  console.error('usage: node evm-verify.mjs Verifier.sol calldata.json [more.json ...]');
  process.exit(2);
}

const SIGNATURE = 'verifyProof(uint256[2],uint256[4],uint256[2],uint256[3])';
const input = {
  language: 'Solidity',
  sources: { 'Verifier.sol': { content: readFileSync(source, 'utf8') } },
  settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.methodIdentifiers'] } } },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const [contract] = Object.values(output.contracts['Verifier.sol']);
const selector = contract.evm.methodIdentifiers[SIGNATURE];
if (!selector) throw new Error(`the contract has no ${SIGNATURE}`);

if (calldataFiles[0] === '--bytecode') {
  console.log(JSON.stringify({ bytecode: contract.evm.bytecode.object, selector }));
  process.exit(0);
}

const port = 20000 + Math.floor(Math.random() * 30000);
const anvil = spawn(anvilBin, ['--port', String(port), '--silent'], { stdio: 'ignore' });
const url = `http://127.0.0.1:${port}`;
let id = 0;
async function rpc(method, params = []) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/// The receipt of `tx` once mined (anvil mines each transaction, but may answer first).
async function receipt(tx) {
  for (let i = 0; i < 200; i++) {
    const r = await rpc('eth_getTransactionReceipt', [tx]);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`transaction ${tx} was not mined`);
}

try {
  for (let i = 0; ; i++) {
    try { await rpc('eth_chainId'); break; } catch (e) {
      if (i > 300) throw new Error(`anvil did not start: ${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const [from] = await rpc('eth_accounts');
  const tx = await rpc('eth_sendTransaction', [{ from, data: '0x' + contract.evm.bytecode.object, gas: '0x1000000' }]);
  const deployed = await receipt(tx);
  if (deployed.status !== '0x1') throw new Error('deployment failed');
  const to = deployed.contractAddress;
  const word = (x) => BigInt(x).toString(16).padStart(64, '0');
  for (const file of calldataFiles) {
    const cd = JSON.parse(readFileSync(file, 'utf8'));
    const data = '0x' + selector + [...cd.a, ...cd.b, ...cd.c, ...cd.input].map(word).join('');
    const result = await rpc('eth_call', [{ from, to, data, gas: '0x1000000' }, 'latest']);
    // Gas of the call sent as a transaction (eth_estimateGas would find the least gas for which
    // the call does not revert, and a pairing check starved of gas returns false, not a revert).
    const sent = await rpc('eth_sendTransaction', [{ from, to, data, gas: '0x1000000' }]);
    const gas = parseInt((await receipt(sent)).gasUsed, 16);
    console.log(JSON.stringify({ file, valid: BigInt(result) === 1n, gas }));
  }
} finally {
  anvil.kill();
}
