#!/usr/bin/env bash
# One command for a real Substrate chain: sets up what is missing, builds the DDC runtime's wasm
# and the contracts, writes the dev chain spec (dev accounts funded, INSECURE keys), starts a
# chopsticks node over it on ws://127.0.0.1:${DDC_SUBSTRATE_PORT:-9944}, deploys the DDC core
# contract (the ddc-pos build: proofs checked by the runtime's extension) and prints how to point
# the daemons at it. Ctrl-C stops the node. State lives in memory: a restart starts a new chain.
# Arguments go to the node: `--block-ms MS` (default 1000), or `--manual-time` (the clock moves
# only by the `dev_timeTravel` RPC).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${DDC_SUBSTRATE_PORT:-9944}
DIR=target/substrate
bash scripts/setup.sh --substrate
bash scripts/build-contract.sh
bash scripts/build-runtime.sh
cargo build --release --locked -p ddc -p ddc-runtime --bin ddc --bin ddc-chain-spec
mkdir -p "$DIR"
target/release/ddc-chain-spec target/runtime/ddc_runtime.wasm > "$DIR/ddc-dev.json"

rm -f "$DIR/node.log"
tools/node/node_modules/.bin/node tools/node/ddc-chain.mjs "$DIR/ddc-dev.json" --port "$PORT" "$@" > "$DIR/node.log" 2>&1 &
NODE_PID=$!
trap 'kill $NODE_PID 2>/dev/null || true' EXIT INT TERM
until grep -q '^ddc-chain listening' "$DIR/node.log"; do
    kill -0 $NODE_PID 2>/dev/null || { echo "the node exited:" >&2; tail -30 "$DIR/node.log" >&2; exit 1; }
    sleep 0.2
done
URL=$(sed -n 's/^ddc-chain listening //p' "$DIR/node.log" | head -1)
CONTRACT=$(target/release/ddc deploy --chain "$URL" --dev-chain)
echo "$CONTRACT" > "$DIR/contract"
cat <<INFO
DDC on a Substrate node (chopsticks over the DDC runtime; log: $DIR/node.log)
  RPC:       $URL
  contract:  $CONTRACT  (also in $DIR/contract)
  dev keys:  //Alice … //Zoe, funded; INSECURE
Point the daemons at it:
  ddc node --chain $URL --contract $CONTRACT …
  ddc validator --chain $URL --contract $CONTRACT …
INFO
wait $NODE_PID
