#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests, on loopback, trust authentication,
# fsync off (test data only). Prints the `export WORKFORCE_TEST_POSTGRES=…` line to eval:
#
#   eval "$(scripts/postgres.sh start)"   # initdb on first use, then start
#   scripts/postgres.sh stop
#
# PGTEST_DIR (default /tmp/hotline-workforce-pg) holds the cluster; PGTEST_PORT (default
# 54329) is its port. As root the server runs as the `postgres` user (PostgreSQL refuses
# root). Needs Debian's postgresql package (scripts/setup.sh --test installs it).
set -euo pipefail
dir="${PGTEST_DIR:-/tmp/hotline-workforce-pg}"
port="${PGTEST_PORT:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: PostgreSQL server binaries not found; install Debian's postgresql package" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-start}" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    # The tests make one database each (wf_…); drop those of earlier runs.
    psql="$bin/psql"; [ -x "$psql" ] || psql=psql
    "$psql" -qAt -h 127.0.0.1 -p "$port" -U postgres -d postgres \
      -c "SELECT datname FROM pg_database WHERE datname LIKE 'wf\_%'" 2>/dev/null |
      while read -r db; do
        "$psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "DROP DATABASE \"$db\"" >/dev/null 2>&1 || true
      done
    echo "export WORKFORCE_TEST_POSTGRES=postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop" >&2
    exit 2
    ;;
esac
