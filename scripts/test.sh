#!/usr/bin/env bash
# The test command: sets up what is missing, builds the contracts' wasm (the drink tests deploy
# it into pallet-contracts), then builds and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
bash scripts/build-contract.sh
cargo test --workspace --locked --no-fail-fast "$@"
