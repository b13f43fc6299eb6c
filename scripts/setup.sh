#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test DDC (`--substrate`: and to run a
# chopsticks node, `--tests`: and to run the tests). Idempotent.
set -euo pipefail

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
# The dashboard test drives the devnet's page in headless Chromium.
if [ "${1:-}" = "--tests" ]; then
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need_apt+=(chromium)
fi
# npm installs the pinned JavaScript tools (tools/node): chopsticks and the Node.js 22 it runs on.
node_tools=$([ "${1:-}" = "--tests" ] || [ "${1:-}" = "--substrate" ] && echo 1 || true)
if [ -n "$node_tools" ]; then
  command -v npm >/dev/null 2>&1 || need_apt+=(npm)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust (rustup) first" >&2; exit 1; }
if [ -n "$node_tools" ]; then
  bash scripts/node-tools.sh
fi
