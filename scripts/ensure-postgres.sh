#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on loopback for the test suite and the benchmarks.
# Uses CRIEE_TEST_POSTGRES_URL when set (then it only checks); otherwise installs Debian's
# postgresql package when missing, starts its cluster the way Debian does (as the postgres
# user, through pg_ctlcluster), and creates the role and database the tests use.
set -euo pipefail

if [ -n "${CRIEE_TEST_POSTGRES_URL:-}" ]; then
  echo "ensure-postgres: using CRIEE_TEST_POSTGRES_URL as given"
  exit 0
fi

HOST=127.0.0.1
PORT=5432
ROLE=criee
PASSWORD=criee

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-postgres: installing Debian's postgresql package"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

if ! pg_isready -q -h "$HOST" -p "$PORT"; then
  cluster=$(pg_lsclusters -h | awk -v p="$PORT" '$3 == p {print $1" "$2; exit}')
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    echo "ensure-postgres: creating cluster $version/main on port $PORT"
    as_root pg_createcluster "$version" main --port "$PORT" >/dev/null
    cluster="$version main"
  fi
  echo "ensure-postgres: starting cluster $cluster"
  # pg_ctlcluster switches to the cluster owner (postgres): the server never runs as root.
  as_root pg_ctlcluster $cluster start
  for _ in $(seq 1 30); do
    pg_isready -q -h "$HOST" -p "$PORT" && break
    sleep 0.5
  done
  pg_isready -q -h "$HOST" -p "$PORT" || { echo "ensure-postgres: server did not start; see /var/log/postgresql/" >&2; exit 1; }
fi

# Role and database for the tests (idempotent). CREATEDB lets the suite make one database per test.
psql_admin() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -p $PORT $*"; }
if id postgres >/dev/null 2>&1; then
  if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'\"" 2>/dev/null)" != 1 ]; then
    psql_admin "-c \"CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'\"" >/dev/null
  fi
  if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '$ROLE'\"" 2>/dev/null)" != 1 ]; then
    psql_admin "-c \"CREATE DATABASE $ROLE OWNER $ROLE\"" >/dev/null
  fi
fi
echo "ensure-postgres: ready at postgresql://$ROLE@$HOST:$PORT/$ROLE"
