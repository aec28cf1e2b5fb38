#!/usr/bin/env bash
# All tests: unit specs beside the code, then e2e suites against real PostgreSQL and Redis
# (a fresh database and Redis key prefix per run, made by test/support/global-setup.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
# Node 24 from node_modules/.bin (the `node` dev dependency) whether or not npm started us; Jest
# loads ES-module-only packages from CommonJS code only with the VM modules flag.
export PATH="$PWD/node_modules/.bin:$PATH"
# The tests use the client package as a portal would: built, from its own folder.
npm run --silent client:build
# The whole run is one process (--runInBand): about a hundred suites, each type-checked by
# ts-jest against the client package's large generated types, need more than Node's default heap.
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --max-old-space-size=8192"
node --version
npx --no-install jest --runInBand "$@"
