#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh Debian machine, then runs it:
# Debian's PostgreSQL (a throwaway cluster on a private port), Chromium and poppler for the
# browser and report tests, the package with its dev and postgres extras. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ "${#need[@]}" -gt 0 ]; then
  echo "== installing from Debian: ${need[*]}"
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

echo "== installing habeas with its dev and postgres extras"
python3 -m pip install -q --disable-pip-version-check -e '.[dev,postgres]'

echo "== starting a throwaway PostgreSQL server"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA=$(mktemp -d /tmp/habeas-pg.XXXXXX)
PGPORT=${HABEAS_PG_PORT:-55432}
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGDATA"; fi
as_pg "'$PGBIN/initdb' -D '$PGDATA' -U habeas -A trust -E UTF8 >/dev/null"
as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -l '$PGDATA/server.log' -w \
  -o \"-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c max_connections=200\" start >/dev/null"
stop_pg() { as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -m fast stop >/dev/null" || true; rm -rf "$PGDATA"; }
trap stop_pg EXIT
export HABEAS_TEST_POSTGRES="postgresql://habeas@127.0.0.1:$PGPORT/postgres"

echo "== lint and types"
ruff check src tests bench
mypy

echo "== tests"
python3 -m pytest --require-postgres "$@"
