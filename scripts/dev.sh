#!/usr/bin/env bash
# Development with a watch: build, migrate once, load demo data into an empty database (as
# `npm start` does), then keep compiling on every change (tsc --watch) and restart the app when
# its compiled files change (node --watch). Templates are read at start: a change to one restarts
# the app too. A new migration needs `node dist/src/cli.js migrate` (or a restart of this script).
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the `node` dev dependency, whether or not npm started this script.
export PATH="$PWD/node_modules/.bin:$PATH"
# Incremental, with the build's record kept outside dist/ (a write there would restart the app):
# the watch then starts from this build and emits only what changes after it.
build=(tsc -p tsconfig.build.json --incremental --tsBuildInfoFile var/dev.tsbuildinfo)
rm -rf dist var/dev.tsbuildinfo
mkdir -p var
"${build[@]}"
node dist/src/cli.js migrate
node dist/src/cli.js seed-demo --if-empty
"${build[@]}" --watch --preserveWatchOutput &
compiler=$!
trap 'kill "$compiler" 2>/dev/null || true' EXIT
node --watch --watch-path=dist --watch-path=templates dist/src/main.js
