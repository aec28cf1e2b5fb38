#!/usr/bin/env bash
# Fails when the entities and the migrations disagree: migrate a scratch database from nothing,
# then ask TypeORM whether it would generate anything more.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the `node` dev dependency, whether or not npm started this script.
export PATH="$PWD/node_modules/.bin:$PATH"
base="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/safer_streets}"
server="${base%/*}"
scratch="safer_streets_migration_check_$$"
psql "$server/postgres" -qc "CREATE DATABASE $scratch" >/dev/null
trap 'psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null' EXIT
npm run build --silent
export DATABASE_URL="$server/$scratch"
node dist/src/cli.js migrate
if npx --no-install typeorm migration:generate migrations/Drift --check -d dist/src/database/data-source.js; then
  echo "Entities and migrations agree."
else
  echo "Entities and migrations disagree: generate a migration (npm run migration:generate -- migrations/Name)." >&2
  exit 1
fi
