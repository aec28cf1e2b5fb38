#!/usr/bin/env bash
# Compiles the app with the scripts that boot it (tsconfig.scripts.json) into the folder named by
# the first argument. They load the entities, which need decorator metadata: tsx (esbuild) emits
# none, so they run compiled. `--noCheck` only emits (`npm run typecheck` checks the types).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
tsc -p tsconfig.scripts.json --noCheck --outDir "$1"
