#!/usr/bin/env bash
# The one start command: build, migrate once, load demo data into an empty database, then run
# the API and the workers in one process (PROCESS_ROLE=all unless set otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the `node` dev dependency, whether or not npm started this script.
export PATH="$PWD/node_modules/.bin:$PATH"
npm run build
node dist/src/cli.js migrate
if [ "${NODE_ENV:-development}" != "production" ]; then
  node dist/src/cli.js seed-demo --if-empty
fi
exec node dist/src/main.js
