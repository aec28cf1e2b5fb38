#!/usr/bin/env bash
# Regenerates client/src/schema.ts (the typed client's types) from the app's OpenAPI
# document: the app is booted in this process (PostgreSQL and Redis must answer), or read from a
# running server with --from http://localhost:3000. --check only compares (exit 1 on drift).
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the `node` dev dependency, whether or not npm started this script.
export PATH="$PWD/node_modules/.bin:$PATH"
mkdir -p var
build=$(mktemp -d var/script-build-XXXXXX)
trap 'rm -rf "$build"' EXIT
bash scripts/compile-scripts.sh "$build"
node "$build/test/client/generate.js" "$@"
