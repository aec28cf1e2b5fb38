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
# Suites run in TEST_WORKERS processes side by side (default 2), each against its own copy of the
# run's database, Redis prefix and folders (test/support/global-setup.ts and env.ts): most of a
# suite's time is spent waiting on PostgreSQL, Redis, SMTP and timers, so two share the machine's
# cores well. A worker that has grown past the idle memory limit is replaced between suites.
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --max-old-space-size=6144"
node --version
npx --no-install jest --maxWorkers="${TEST_WORKERS:-2}" --workerIdleMemoryLimit=2GB "$@"
