#!/usr/bin/env bash
# The main command: sets up what is missing, then starts a whole local network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo run --release --locked -p ddc -- devnet "$@"
