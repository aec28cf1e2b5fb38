#!/usr/bin/env bash
# All tests: unit specs beside the code, then e2e suites against real PostgreSQL and Redis
# (a fresh database and Redis key prefix per run, made by test/support/global-setup.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
npx --no-install jest --runInBand "$@"
