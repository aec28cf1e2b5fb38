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
# Suites run in TEST_WORKERS processes side by side (default 1, one after another). With more,
# each worker has its own copy of the run's database, Redis prefix and folders
# (test/support/global-setup.ts and env.ts): two took the full run from about 1,200 s to 690 s, but
# email-faults once lost its private Redis mid-test in CI beside another worker, so two stay
# opt-in until that is understood. A worker past the idle memory limit is replaced between suites.
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --max-old-space-size=8192"
node --version
npx --no-install jest --maxWorkers="${TEST_WORKERS:-1}" --workerIdleMemoryLimit=3GB "$@"
