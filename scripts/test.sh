#!/usr/bin/env bash
# The test command: sets up what is missing, builds the contracts' wasm (the drink tests deploy
# it into pallet-contracts) and the DDC runtime's wasm (the Substrate tests run a chopsticks node
# over it), then builds and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
bash scripts/build-contract.sh
bash scripts/build-runtime.sh
bash scripts/build-webapp.sh --check
cargo test --workspace --locked --no-fail-fast "$@"
