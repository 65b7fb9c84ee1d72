#!/usr/bin/env bash
# A throw-away S3 server for tests of the lake's S3 storage: moto (PyPI moto[server]) in a Python venv
# of its own. Python is used only here, never by the product.
#
#   scripts/moto.sh install   create the venv and install the pinned moto (once; idempotent)
#   scripts/moto.sh start     install if missing, start moto_server in the background, wait until it answers
#   scripts/moto.sh stop      stop the server started by `start`
#   scripts/moto.sh status    exit 0 and print "running" when the server answers, else print "stopped", exit 3
#   scripts/moto.sh url       print the endpoint, http://127.0.0.1:<port>
#
# Every command is idempotent: starting a running server or stopping a stopped one is a no-op.
# The server listens on 127.0.0.1 only, keeps everything in memory and accepts any credentials:
# never expose it. moto >= 5.1 implements conditional writes (PutObject with `If-None-Match: *`
# answers 412 PreconditionFailed when the key exists), which the lake's putIfAbsent relies on.
# Environment (all optional):
#   SHOPSTREAM_MOTO_HOME             venv, pid file and logs (default ~/.cache/shopstream/moto)
#   SHOPSTREAM_MOTO_PORT             TCP port                (default 55900)
#   SHOPSTREAM_MOTO_READY_TIMEOUT_S  readiness wait          (default 30)
#   PYTHON                           the python3 that creates the venv (default: python3 on PATH)
set -euo pipefail

MOTO_VERSION=5.2.5
MOTO_HOME="${SHOPSTREAM_MOTO_HOME:-$HOME/.cache/shopstream/moto}"
MOTO_PORT="${SHOPSTREAM_MOTO_PORT:-55900}"
READY_TIMEOUT_S="${SHOPSTREAM_MOTO_READY_TIMEOUT_S:-30}"
VENV="$MOTO_HOME/venv"
INSTALLED_MARK="$VENV/.installed-moto-$MOTO_VERSION"
PID_FILE="$MOTO_HOME/moto-$MOTO_PORT.pid"
LOG_FILE="$MOTO_HOME/moto-$MOTO_PORT.log"
URL="http://127.0.0.1:$MOTO_PORT"

log() { echo "moto.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=lib/python-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"

cmd_install() {
  [[ -f "$INSTALLED_MARK" ]] && return 0
  python_venv_install "$MOTO_HOME" "$VENV" 'import moto' "moto[server]==$MOTO_VERSION"
  [[ -x "$VENV/bin/moto_server" ]] || die "the installed moto has no moto_server"
  touch "$INSTALLED_MARK"
}

# is_ready: the server on the port answers an S3 request (ListBuckets) with HTTP 200.
is_ready() {
  "$VENV/bin/python" - "$URL" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/", timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
}

# running_pid: the pid in the pid file when that process is alive, else nothing.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

wait_ready() {
  local pid=$1 deadline=$(( SECONDS + READY_TIMEOUT_S ))
  until is_ready; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$LOG_FILE" >&2 || true; die "moto_server exited (log: $LOG_FILE)"; }
    (( SECONDS < deadline )) || { tail -n 30 "$LOG_FILE" >&2 || true; die "server not ready after ${READY_TIMEOUT_S}s"; }
    sleep 0.2
  done
}

cmd_start() {
  cmd_install
  if [[ -n "$(running_pid)" ]] && is_ready; then cmd_url; return 0; fi
  is_ready && die "port $MOTO_PORT already answers, but not from the server in $PID_FILE; set SHOPSTREAM_MOTO_PORT"
  log "starting moto_server $MOTO_VERSION on 127.0.0.1:$MOTO_PORT (log: $LOG_FILE)"
  nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$LOG_FILE" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
  cmd_url
}

cmd_stop() {
  local pid
  pid="$(running_pid)"
  [[ -n "$pid" ]] || { log "not running"; rm -f "$PID_FILE"; return 0; }
  kill "$pid"
  local deadline=$(( SECONDS + 10 ))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$PID_FILE"
}

cmd_status() {
  if [[ -f "$INSTALLED_MARK" ]] && is_ready; then echo "running"; else echo "stopped"; exit 3; fi
}

cmd_url() { echo "$URL"; }

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  *) echo "usage: $0 install|start|stop|status|url" >&2; exit 2 ;;
esac
