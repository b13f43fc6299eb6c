#!/usr/bin/env bash
# Bundles the web app (webapp/src, with the exact packages of webapp/package-lock.json) into
# webapp/dist/app.js, which `ddc devnet` serves at /app. The bundle is committed with the hash of
# its inputs: this script rebuilds it only when webapp/src or the lockfile changed, or with
# --force; `--check` fails instead of rebuilding.
set -euo pipefail
cd "$(dirname "$0")/../webapp"
inputs=$(cat package-lock.json app.html src/*.js | sha256sum | cut -d' ' -f1)
recorded=$(cat dist/inputs.sha256 2>/dev/null || true)
mode=${1:-}
if [ "$inputs" = "$recorded" ] && [ "$mode" != "--force" ]; then
  echo "build-webapp: the committed bundle is current (inputs $inputs)"
  exit 0
fi
if [ "$mode" = "--check" ]; then
  echo "build-webapp: webapp/dist/app.js is stale: run scripts/build-webapp.sh and commit it" >&2
  exit 1
fi
npm ci --no-audit --no-fund --ignore-scripts
node_modules/@esbuild/linux-x64/bin/esbuild src/app.js --bundle --minify --format=iife --target=chrome110 \
  --legal-comments=none --outfile=dist/app.js
echo "$inputs" > dist/inputs.sha256
echo "build-webapp: dist/app.js $(stat -c %s dist/app.js) bytes ($(gzip -9c dist/app.js | wc -c) gzipped), inputs $inputs"
