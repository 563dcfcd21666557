# Starts and stops a throw-away PostgreSQL cluster from Debian's packages (sourced by .ci/run;
# usable by hand: `source .ci/postgres.sh && start_test_postgres`).
PG_TEST_PORT=${PG_TEST_PORT:-55432}

start_test_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_TEST_BIN=$bin
  PG_TEST_DATA=$(mktemp -d /tmp/pixell-pg-XXXXXX)
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_TEST_DATA"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$PG_TEST_DATA" -A trust -U postgres --no-sync >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$PG_TEST_DATA" -l "$PG_TEST_DATA/server.log" -w \
    -o "-p $PG_TEST_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_TEST_PORT/postgres"
  echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $TEST_DATABASE_URL"
}

stop_test_postgres() {
  [ -n "${PG_TEST_DATA:-}" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DATA"
}
