#!/usr/bin/env bash
# Lints the app's OpenAPI document (what GET /api/docs-json serves) with Redocly's recommended
# rules (redocly.yaml) and Spectral's spectral:oas (.spectral.yaml): any error or warning fails.
# The app is booted in this process to write the document, so PostgreSQL and Redis must answer.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the `node` dev dependency, whether or not npm started this script.
export PATH="$PWD/node_modules/.bin:$PATH"
work=$(mktemp -d)
mkdir -p var
build=$(mktemp -d var/script-build-XXXXXX)
trap 'rm -rf "$work" "$build"' EXIT
document="$work/openapi.json"
bash scripts/compile-scripts.sh "$build"
node "$build/test/support/write-openapi-document.js" "$document"

# Redocly exits 1 on errors only, so its totals decide: warnings fail as well.
redocly lint --config redocly.yaml --format stylish "$document" || true
redocly lint --config redocly.yaml --format json "$document" >"$work/redocly.json" 2>/dev/null || true
node -e '
  const { totals } = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  if (totals.errors + totals.warnings > 0) {
    console.error(`Redocly: ${totals.errors} errors, ${totals.warnings} warnings`);
    process.exit(1);
  }
' "$work/redocly.json"

spectral lint --ruleset .spectral.yaml --fail-severity warn "$document"
echo "OpenAPI document: Redocly and Spectral report no errors and no warnings"
