#!/usr/bin/env bash
# A throw-away PostgreSQL server for development and tests (the distributed-mode serving store).
#
#   scripts/postgres.sh start    install (Debian apt) if missing, initdb once, start, create the test DB
#   scripts/postgres.sh stop     fast shutdown
#   scripts/postgres.sh status   exit 0 and print "running" when the server accepts connections, else exit 3
#   scripts/postgres.sh url      print the connection URL of the test database
#
# Every command is idempotent: starting a running server or stopping a stopped one is a no-op.
# The cluster listens on 127.0.0.1 only, with trust authentication: never expose it.
# Environment (all optional):
#   SHOPSTREAM_PG_DIR              cluster folder (default /tmp/shopstream-pg)
#   SHOPSTREAM_PG_PORT             TCP port        (default 55432)
#   SHOPSTREAM_PG_READY_TIMEOUT_S  readiness wait  (default 30)
set -euo pipefail

PG_DIR="${SHOPSTREAM_PG_DIR:-/tmp/shopstream-pg}"
PG_PORT="${SHOPSTREAM_PG_PORT:-55432}"
READY_TIMEOUT_S="${SHOPSTREAM_PG_READY_TIMEOUT_S:-30}"
DATA_DIR="$PG_DIR/data"
SOCKET_DIR="$PG_DIR/socket"
LOG_FILE="$PG_DIR/postgres.log"
DB_NAME="shopstream_test"
RUN_USER="$(id -un)"

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# find_bin_dir: the folder holding initdb/pg_ctl/postgres (newest Debian version first), or nothing.
find_bin_dir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then dirname "$(command -v initdb)"; fi
}

install_postgres() {
  [[ -n "$(find_bin_dir)" ]] && return 0
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is unavailable; install PostgreSQL 14+"
  log "installing PostgreSQL with apt-get"
  local sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  [[ -n "$(find_bin_dir)" ]] || die "apt-get install postgresql did not provide initdb/pg_ctl"
}

# PostgreSQL refuses to run as root: as root, run the server as the `postgres` system user.
setup_user() {
  [[ "$(id -u)" -ne 0 ]] && return 0
  RUN_USER="postgres"
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

# as_run_user <cmd...>: run a command as the server's user.
as_run_user() {
  if [[ "$RUN_USER" == "$(id -un)" ]]; then "$@"; else runuser -u "$RUN_USER" -- "$@"; fi
}

init_cluster() {
  mkdir -p "$PG_DIR" "$SOCKET_DIR"
  [[ "$(id -u)" -eq 0 ]] && chown -R "$RUN_USER" "$PG_DIR"
  chmod 700 "$PG_DIR"
  [[ -f "$DATA_DIR/PG_VERSION" ]] && return 0
  log "initdb $DATA_DIR"
  as_run_user "$BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
}

is_ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres >/dev/null 2>&1; }

wait_ready() {
  local deadline=$(( SECONDS + READY_TIMEOUT_S ))
  until is_ready; do
    (( SECONDS < deadline )) || { tail -n 30 "$LOG_FILE" >&2 || true; die "server not ready after ${READY_TIMEOUT_S}s"; }
    sleep 0.2
  done
}

create_database() {
  local exists
  exists="$("$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
  [[ "$exists" == "1" ]] || "$BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE $DB_NAME" >&2
}

cmd_start() {
  install_postgres
  BIN="$(find_bin_dir)"
  setup_user
  init_cluster
  if ! is_ready; then
    log "starting on 127.0.0.1:$PG_PORT ($DATA_DIR)"
    as_run_user "$BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t "$READY_TIMEOUT_S" start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $SOCKET_DIR -c max_connections=200 -c fsync=on" >&2 \
      || { tail -n 30 "$LOG_FILE" >&2 || true; die "pg_ctl start failed"; }
  fi
  wait_ready
  create_database
  cmd_url
}

cmd_stop() {
  BIN="$(find_bin_dir)"
  [[ -n "$BIN" && -f "$DATA_DIR/postmaster.pid" ]] || { log "not running"; return 0; }
  setup_user
  as_run_user "$BIN/pg_ctl" -D "$DATA_DIR" -m fast -w stop >&2 || log "pg_ctl stop: server was not running"
}

cmd_status() {
  BIN="$(find_bin_dir)"
  if [[ -n "$BIN" ]] && is_ready; then echo "running"; else echo "stopped"; exit 3; fi
}

cmd_url() { echo "postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME"; }

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
