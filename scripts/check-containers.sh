#!/usr/bin/env bash
# Proves the container image on a machine with podman and no registry but npm's: builds a local
# Node 24 base image when missing (Debian bookworm from debootstrap plus the `node` dev
# dependency's binary), builds the project's Dockerfile on it, migrates a scratch database from a
# one-off container, runs the API container against this machine's PostgreSQL and Redis, and checks
# readiness, the image's HEALTHCHECK, the unprivileged user and the absence of dev dependencies.
# Slow (several minutes): not part of `npm test` or CI. Needs root, podman, debootstrap (first run).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=localhost/debian-bookworm
NODE_IMAGE=localhost/node24-bookworm
IMAGE=localhost/safer-streets-grants:check
NAME="grants-check-$$"
# What works in the VM this was proven in (Debian bookworm's podman 4.3.1 as root, no systemd,
# cgroup v1 with a cgroup2 hierarchy beside it, no CAP_SYS_RESOURCE): vfs storage, cgroupfs, the
# file events log, runc (crun refuses the hybrid cgroup layout), and ulimits no higher than the
# runtime may set (podman's defaults for root are refused). Override with PODMAN_* below.
PODMAN=(podman --storage-driver "${PODMAN_STORAGE_DRIVER:-vfs}" --cgroup-manager cgroupfs
  --events-backend file --runtime "${PODMAN_RUNTIME:-runc}")
LIMITS=(--ulimit "nofile=${PODMAN_NOFILE:-20000}:${PODMAN_NOFILE:-20000}"
  --ulimit "nproc=${PODMAN_NPROC:-4096}:${PODMAN_NPROC:-4096}")
server="$(dirname "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/safer_streets}")"
scratch="safer_streets_container_check_$$"
database="$server/$scratch"
redis="${REDIS_URL:-redis://127.0.0.1:6379}"
port="${CHECK_PORT:-3990}"
work="$(mktemp -d)"

cleanup() {
  "${PODMAN[@]}" rm -f "$NAME" "$NAME-migrate" >/dev/null 2>&1 || true
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

if ! "${PODMAN[@]}" image exists "$BASE_IMAGE"; then
  step "Making $BASE_IMAGE with debootstrap (minbase bookworm)"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian
  tar -C "$work/rootfs" -c . | "${PODMAN[@]}" import - "$BASE_IMAGE"
  rm -rf "$work/rootfs"
fi

if ! "${PODMAN[@]}" image exists "$NODE_IMAGE"; then
  step "Making $NODE_IMAGE: Node from node_modules/node, npm from this machine"
  mkdir -p "$work/node"
  cp node_modules/node/bin/node "$work/node/node"
  cp -r "$(npm root -g)/npm" "$work/node/npm"
  # This machine reaches the npm registry through its own certificate authorities.
  cp /etc/ssl/certs/ca-certificates.crt "$work/node/ca-certificates.crt"
  cat >"$work/node/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
    && mkdir -p /usr/local/etc \\
    && echo 'cafile=/etc/ssl/certs/ca-certificates.crt' >/usr/local/etc/npmrc \\
    && node --version && npm --version
CMD ["node"]
DOCKERFILE
  "${PODMAN[@]}" build "${LIMITS[@]}" --network host -t "$NODE_IMAGE" "$work/node"
fi

step "Building $IMAGE from the Dockerfile (base $NODE_IMAGE)"
# Docker format keeps the HEALTHCHECK (the OCI image format has no field for it).
"${PODMAN[@]}" build "${LIMITS[@]}" --format docker --network host --build-arg "NODE_IMAGE=$NODE_IMAGE" -t "$IMAGE" .

step "Migrating $scratch from a one-off container"
psql "$server/postgres" -qc "CREATE DATABASE $scratch" >/dev/null
"${PODMAN[@]}" run "${LIMITS[@]}" --name "$NAME-migrate" --network host -e "DATABASE_URL=$database" -e "REDIS_URL=$redis" \
  -e "REDIS_PREFIX=container-check-$$" -e JWT_SECRET="$(openssl rand -hex 32)" \
  -e SECOND_FACTOR_KEY="$(openssl rand -base64 32)" "$IMAGE" node dist/src/cli.js migrate
tables="$(psql "$database" -tAc "SELECT count(*) FROM schema_migrations")"
[ "$tables" -gt 0 ] || fail "no migration recorded"
echo "$tables migrations recorded"

step "Running the API container on port $port"
"${PODMAN[@]}" run "${LIMITS[@]}" -d --name "$NAME" --network host -e PROCESS_ROLE=api -e "PORT=$port" \
  -e "DATABASE_URL=$database" -e "REDIS_URL=$redis" -e "REDIS_PREFIX=container-check-$$" \
  -e JWT_SECRET="$(openssl rand -hex 32)" -e SECOND_FACTOR_KEY="$(openssl rand -base64 32)" \
  -e "MAIL_DIR=/app/var/mail" "$IMAGE" >/dev/null
ready=""
for _ in $(seq 1 90); do
  if ready="$(curl -fsS "http://127.0.0.1:$port/health/ready" 2>/dev/null)"; then break; fi
  if [ "$("${PODMAN[@]}" inspect -f '{{.State.Running}}' "$NAME")" != true ]; then
    "${PODMAN[@]}" logs "$NAME" >&2
    fail "the API container exited"
  fi
  ready=""
  sleep 1
done
[ -n "$ready" ] || { "${PODMAN[@]}" logs "$NAME" >&2; fail "/health/ready never answered 200"; }
echo "/health/ready: $ready"
"${PODMAN[@]}" healthcheck run "$NAME" || fail "the image's HEALTHCHECK failed"
echo "HEALTHCHECK: healthy"
process_user="$("${PODMAN[@]}" top "$NAME" user | tail -n +2 | sort -u | tr -d ' ')"
[ -n "$process_user" ] && [ "$process_user" != root ] || fail "the process runs as '$process_user'"
echo "process user: $process_user"
curl -fsS -o /dev/null "http://127.0.0.1:$port/api/docs-json" || fail "OpenAPI document not served"
echo "OpenAPI document served"

step "The image holds production dependencies only"
# Checked inside the running container: every extra `podman run` copies the image under vfs.
# (typescript may be there: typeorm 1.1 names it and ts-node as optional peers.)
"${PODMAN[@]}" exec "$NAME" sh -c '
  set -e
  for dev in jest @nestjs/testing supertest eslint prettier @redocly/cli node; do
    if [ -e "node_modules/$dev" ]; then echo "dev dependency present: $dev"; exit 1; fi
  done
  for prod in @nestjs/core typeorm bullmq argon2 handlebars; do
    [ -e "node_modules/$prod" ] || { echo "production dependency missing: $prod"; exit 1; }
  done
  [ -d templates/emails ] && [ -d dist/migrations ] || { echo "templates or migrations missing"; exit 1; }
  echo "no dev dependencies; runtime dependencies, templates and migrations present"'

"${PODMAN[@]}" rm -f "$NAME" >/dev/null

# compose.yaml, run for real with podman-compose (Debian's 1.0.3): its PostgreSQL, Redis and mail
# catcher images are built from containers/ on the local Debian image, the app image is the one
# just built. podman-compose 1.0 starts services in order without waiting for health, so the
# migrate service's restart-on-failure is what makes it wait for PostgreSQL here.
PROJECT="grants-compose-check-$$"
COMPOSE=(podman-compose --project-name "$PROJECT" --podman-args "${PODMAN[*]:1}"
  --podman-run-args "${LIMITS[*]}" --podman-build-args "${LIMITS[*]} --format docker --network host")
export BASE_IMAGE NODE_IMAGE API_PORT="${CHECK_API_PORT:-3991}" MAIL_WEB_PORT="${CHECK_MAIL_PORT:-8026}"
export JWT_SECRET SECOND_FACTOR_KEY
JWT_SECRET="$(openssl rand -hex 32)"
SECOND_FACTOR_KEY="$(openssl rand -base64 32)"
api="http://127.0.0.1:$API_PORT"
compose_down() {
  "${COMPOSE[@]}" down --volumes >/dev/null 2>&1 || true
  "${PODMAN[@]}" network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
}
trap 'compose_down; cleanup' EXIT

step "compose.yaml: building the PostgreSQL, Redis and mail catcher images"
"${PODMAN[@]}" tag "$IMAGE" localhost/safer-streets-grants:latest
"${COMPOSE[@]}" build postgres redis mail

step "compose.yaml: podman-compose up"
started=$SECONDS
"${COMPOSE[@]}" up -d
ready=""
for _ in $(seq 1 180); do
  if ready="$(curl -fsS "$api/health/ready" 2>/dev/null)"; then break; fi
  ready=""
  sleep 1
done
if [ -z "$ready" ]; then
  for service in postgres redis migrate api worker mail; do
    echo "--- $service" >&2
    "${PODMAN[@]}" logs --tail 20 "${PROJECT}_${service}_1" >&2 || true
  done
  fail "the compose api never answered /health/ready"
fi
echo "/health/ready after $((SECONDS - started)) s: $ready"
migrated="$("${PODMAN[@]}" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "${PROJECT}_migrate_1")"
[ "$migrated" = "exited 0" ] || fail "the migrate service ended '$migrated'"
echo "migrate: $migrated"

step "compose.yaml: an administrator made with the CLI signs in"
email="ops@compose-check.test"
password="$(openssl rand -hex 16)"
printf %s "$password" |
  "${PODMAN[@]}" exec -i "${PROJECT}_api_1" node dist/src/cli.js create-admin --email "$email" --name "Compose Check"
login="$(curl -sS -o "$work/login.json" -w '%{http_code}' "$api/api/v1/auth/login" \
  -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}")"
[ "$login" = 200 ] && grep -q '"accessToken"' "$work/login.json" || fail "sign-in answered $login: $(cat "$work/login.json")"
echo "sign-in: 200 with an access token"
wrong="$(curl -sS -o /dev/null -w '%{http_code}' "$api/api/v1/auth/login" \
  -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"not-$password\"}")"
[ "$wrong" = 401 ] || fail "a wrong password answered $wrong"
echo "wrong password: 401"

step "compose.yaml: a password reset email reaches the mail catcher through the worker"
reset="$(curl -sS -o /dev/null -w '%{http_code}' "$api/api/v1/auth/password-reset" \
  -H 'content-type: application/json' -d "{\"email\":\"$email\"}")"
[ "$reset" = 202 ] || fail "password reset answered $reset"
message=""
for _ in $(seq 1 60); do
  message="$(curl -fsS "http://127.0.0.1:$MAIL_WEB_PORT/" | grep -o '[0-9-]*\.eml' | head -n 1 || true)"
  [ -n "$message" ] && break
  sleep 1
done
[ -n "$message" ] || fail "no message reached the mail catcher"
curl -fsS -o "$work/message.eml" "http://127.0.0.1:$MAIL_WEB_PORT/$message"
grep -qi "^To: .*$email" "$work/message.eml" || fail "$message is not addressed to $email"
grep -q "/reset-password" "$work/message.eml" || grep -qi "reset" "$work/message.eml" || fail "$message holds no reset link"
echo "mail catcher: $message to $email"

step "compose.yaml: podman-compose down --volumes"
"${COMPOSE[@]}" down --volumes >/dev/null
"${PODMAN[@]}" network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
left="$("${PODMAN[@]}" ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}')"
[ -z "$left" ] || fail "containers left: $left"
volumes="$("${PODMAN[@]}" volume ls --format '{{.Name}}' | grep "^${PROJECT}_" || true)"
[ -z "$volumes" ] || fail "volumes left: $volumes"
echo "no containers or volumes of $PROJECT left"

step "All container checks passed"
