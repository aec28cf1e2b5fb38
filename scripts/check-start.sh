#!/usr/bin/env bash
# CI's check of the README's start command, run as a user runs it on a fresh clone (before
# anything else has built the client or the server): `npm start` must build, migrate, load the
# demo data and answer /health/ready, print the demo users, then stop cleanly on SIGTERM. It uses
# a database of its own, dropped afterwards, and a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

READY_WITHIN_S=${START_CHECK_READY_WITHIN_S:-300}
database="safer_streets_start_check_$$"
server_url=${START_CHECK_SERVER_URL:-postgres://postgres@127.0.0.1:5432/postgres}
port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
log=$(mktemp)

drop_database() {
  psql "$server_url" -q -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null
}
started=
cleanup() {
  # The whole group: the server may outlive npm.
  if [ -n "$started" ]; then
    kill -- "-$started" 2>/dev/null || true
  fi
  drop_database || true
  rm -f "$log"
}
trap cleanup EXIT

fail() {
  echo "start check: $*" >&2
  echo "--- the start's output (last 40 lines)" >&2
  tail -n 40 "$log" >&2
  exit 1
}

# Its own process group, so that stopping it stops npm and the server npm started.
set -m
DATABASE_URL="${server_url%/*}/$database" REDIS_PREFIX="start-check-$$" PORT="$port" \
  npm start >"$log" 2>&1 &
started=$!
set +m

began=$SECONDS
until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
  kill -0 "$started" 2>/dev/null || fail "npm start exited before answering /health/ready"
  [ $((SECONDS - began)) -lt "$READY_WITHIN_S" ] ||
    fail "/health/ready did not answer 200 within $READY_WITHIN_S s"
  sleep 1
done
echo "npm start answered /health/ready after $((SECONDS - began)) s"
grep -q 'applicant@demo.test' "$log" || fail "the start printed no demo users"
curl -fsS "http://127.0.0.1:$port/" >/dev/null || fail "the portal's start page did not answer"

# SIGTERM to the whole group, as a terminal's Ctrl-C or a service manager sends it: npm exits at
# once (143), and the server must stop by itself within its 10 s, saying so.
kill -TERM -- "-$started"
wait "$started" || true
for _ in $(seq 1 30); do
  kill -0 -- "-$started" 2>/dev/null || break
  sleep 0.5
done
if kill -0 -- "-$started" 2>/dev/null; then
  fail "the server was still running 15 s after SIGTERM"
fi
started=
grep -Eq '(INFO \([0-9]+\): Stopped$|"msg":"Stopped")' "$log" ||
  fail "the server did not say it stopped after SIGTERM"
echo "npm start stopped cleanly on SIGTERM"
