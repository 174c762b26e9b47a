#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 and create the test role and database.
# Source it (`. scripts/postgres.sh`) to get DF_TEST_POSTGRES_URL exported; run as root.
set -euo pipefail

PG_VERSION=15
PG_USER=decisionflow
PG_PASSWORD=decisionflow
PG_DB=decisionflow_test

if [ ! -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ]; then
  echo "postgres.sh: installing PostgreSQL ${PG_VERSION}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${PG_VERSION} main$"; then
  pg_createcluster "${PG_VERSION}" main >/dev/null
fi
if ! pg_lsclusters -h | awk '$1=='"${PG_VERSION}"' && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "${PG_VERSION}" main start
fi
PG_PORT=$(pg_lsclusters -h | awk '$1=='"${PG_VERSION}"' && $2=="main" {print $3}')
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "${PG_PORT}" && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "${PG_PORT}"

su postgres -c "psql -q -v ON_ERROR_STOP=1 -p ${PG_PORT}" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_USER}') THEN
    CREATE ROLE ${PG_USER} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -p ${PG_PORT} -tAc \"SELECT 1 FROM pg_database WHERE datname = '${PG_DB}'\"" | grep -q 1; then
  su postgres -c "createdb -p ${PG_PORT} -O ${PG_USER} ${PG_DB}"
fi

export DF_TEST_POSTGRES_URL="postgresql://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DB}"
echo "postgres.sh: PostgreSQL ${PG_VERSION} ready at 127.0.0.1:${PG_PORT}, database ${PG_DB}" >&2
