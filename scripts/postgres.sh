#!/usr/bin/env bash
# A throw-away PostgreSQL server for development and tests (the distributed-mode serving store).
#
#   scripts/postgres.sh start    install (Debian apt) if missing, initdb once, start, create the test DB
#   scripts/postgres.sh stop     fast shutdown
#   scripts/postgres.sh status   exit 0 and print "running" when the server accepts connections, else exit 3
#   scripts/postgres.sh url      print the connection URL of the test database
#   scripts/postgres.sh ca       print the CA certificate file (SHOPSTREAM_PG_SSL=on clusters)
#
# Every command is idempotent: starting a running server or stopping a stopped one is a no-op.
# The cluster listens on 127.0.0.1 only, with trust authentication: never expose it.
# With SHOPSTREAM_PG_SSL=on (chosen when the cluster is first initialised; use its own folder and
# port) the server runs with ssl=on and a self-signed CA made by openssl; TCP connections must use
# TLS (`hostssl`, a plaintext one is rejected) and authenticate with a password (scram-sha-256;
# the superuser `postgres` gets SHOPSTREAM_PG_PASSWORD, printed in the URL).
# Environment (all optional):
#   SHOPSTREAM_PG_DIR              cluster folder (default /tmp/shopstream-pg)
#   SHOPSTREAM_PG_PORT             TCP port        (default 55432)
#   SHOPSTREAM_PG_READY_TIMEOUT_S  readiness wait  (default 30)
#   SHOPSTREAM_PG_SSL              `on` = TLS-only cluster (default off)
#   SHOPSTREAM_PG_PASSWORD         superuser password of an SSL cluster (default shopstream-ssl)
set -euo pipefail

PG_DIR="${SHOPSTREAM_PG_DIR:-/tmp/shopstream-pg}"
PG_PORT="${SHOPSTREAM_PG_PORT:-55432}"
READY_TIMEOUT_S="${SHOPSTREAM_PG_READY_TIMEOUT_S:-30}"
DATA_DIR="$PG_DIR/data"
SOCKET_DIR="$PG_DIR/socket"
LOG_FILE="$PG_DIR/postgres.log"
DB_NAME="shopstream_test"
SSL="${SHOPSTREAM_PG_SSL:-off}"
PASSWORD="${SHOPSTREAM_PG_PASSWORD:-shopstream-ssl}"
TLS_DIR="$PG_DIR/tls"
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
  if [[ "$SSL" == on ]]; then make_tls_files; write_ssl_hba; fi
}

# A self-signed CA and a server certificate for 127.0.0.1 and localhost, readable by the server only.
make_tls_files() {
  command -v openssl >/dev/null || die "openssl is required for SHOPSTREAM_PG_SSL=on"
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -subj "/CN=shopstream test PostgreSQL CA" \
    -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" 2>/dev/null || die "openssl: CA failed"
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.csr" 2>/dev/null || die "openssl: server key failed"
  echo "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$TLS_DIR/server.ext"
  openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$TLS_DIR/server.ext" -out "$TLS_DIR/server.crt" 2>/dev/null \
    || die "openssl: server certificate failed"
  rm -f "$TLS_DIR/server.csr" "$TLS_DIR/server.ext"
  chmod 600 "$TLS_DIR"/*.key
  chmod 755 "$TLS_DIR" && chmod 644 "$TLS_DIR/ca.crt"
  [[ "$(id -u)" -eq 0 ]] && chown -R "$RUN_USER" "$TLS_DIR"
  return 0
}

# TLS and a password on every TCP connection; the local socket (this script) stays trusted.
write_ssl_hba() {
  cat >"$DATA_DIR/pg_hba.conf" <<EOF
local   all all                 trust
hostssl all all 127.0.0.1/32    scram-sha-256
host    all all 127.0.0.1/32    reject
EOF
  [[ "$(id -u)" -eq 0 ]] && chown "$RUN_USER" "$DATA_DIR/pg_hba.conf"
  return 0
}

# psql_admin <args...>: psql as the superuser (an SSL cluster: over the trusted local socket).
psql_admin() {
  local host=127.0.0.1
  [[ "$SSL" == on ]] && host="$SOCKET_DIR"
  "$BIN/psql" -h "$host" -p "$PG_PORT" -U postgres "$@"
}

ssl_server_options() {
  [[ "$SSL" == on ]] || return 0
  echo "-c ssl=on -c ssl_cert_file=$TLS_DIR/server.crt -c ssl_key_file=$TLS_DIR/server.key -c ssl_ca_file=$TLS_DIR/ca.crt -c password_encryption=scram-sha-256"
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
  exists="$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
  [[ "$exists" == "1" ]] || psql_admin -q -d postgres -c "CREATE DATABASE $DB_NAME" >&2
  if [[ "$SSL" == on ]]; then
    echo "ALTER ROLE postgres PASSWORD :'pw'" | psql_admin -q -d postgres -v pw="$PASSWORD" >&2
  fi
}

cmd_start() {
  install_postgres
  BIN="$(find_bin_dir)"
  setup_user
  init_cluster
  if ! is_ready; then
    log "starting on 127.0.0.1:$PG_PORT ($DATA_DIR)"
    as_run_user "$BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t "$READY_TIMEOUT_S" start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $SOCKET_DIR -c max_connections=200 -c fsync=on $(ssl_server_options)" >&2 \
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

cmd_url() {
  if [[ "$SSL" == on ]]; then echo "postgres://postgres:$PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME"
  else echo "postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME"; fi
}

cmd_ca() {
  [[ -f "$TLS_DIR/ca.crt" ]] || die "no CA in $TLS_DIR (start the cluster with SHOPSTREAM_PG_SSL=on)"
  echo "$TLS_DIR/ca.crt"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  ca) cmd_ca ;;
  *) echo "usage: $0 start|stop|status|url|ca" >&2; exit 2 ;;
esac
