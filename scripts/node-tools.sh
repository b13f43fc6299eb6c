#!/usr/bin/env bash
# Installs the pinned JavaScript tools of tools/node (package-lock.json): chopsticks, snarkjs, solc-js,
# anvil, and the Node.js 22 they need from npm's `node` package. Lifecycle scripts are skipped (chopsticks'
# optional SQLite binding would compile from C++), except the `node` package's, which places the
# Node.js binary. Does nothing when node_modules already matches the lockfile.
set -euo pipefail
cd "$(dirname "$0")/../tools/node"
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.ddc-lock-sha256
if [ -x node_modules/.bin/node ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
echo "node-tools: installing tools/node (chopsticks, Node.js 22)" >&2
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild node --loglevel=error >/dev/null
node_modules/.bin/node --version >/dev/null
echo "$want" > "$stamp"
