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
# Suites run in TEST_WORKERS processes side by side (default 2, one per core). Each worker has its
# own copy of the run's database, Redis prefix and folders (test/support/global-setup.ts and
# env.ts), and a private Redis checks it answers from its own server (two workers can be handed the
# same free port). Two take the full run from about 1,200 s to under 900 s. TEST_WORKERS=1 runs
# suites one after another. A worker past the idle memory limit is replaced between suites.
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --max-old-space-size=8192"
node --version
npx --no-install jest --maxWorkers="${TEST_WORKERS:-2}" --workerIdleMemoryLimit=3GB "$@"
