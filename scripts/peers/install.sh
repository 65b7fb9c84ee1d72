#!/usr/bin/env bash
# The peers of `shopstream bench --scenario peers`: Apache Spark (PyPI pyspark, local mode) and DuckDB
# (PyPI duckdb), in a Python venv of their own. Python is used only here, never by the product.
#
#   scripts/peers/install.sh            create the venv and install the pinned packages (once; idempotent)
#   scripts/peers/install.sh python     print the venv's python (exit 1 when not installed)
#   scripts/peers/install.sh java-home  print JAVA_HOME (exit 1 without Java 17+)
#   scripts/peers/install.sh check      exit 0 when both peers can run, else print why on stderr, exit 1
#
# Environment (optional):
#   SHOPSTREAM_PEERS_HOME   venv and pip log   (default ~/.cache/shopstream/peers)
#   PYTHON                  the python3 that creates the venv (default: python3 on PATH)
set -euo pipefail

PYSPARK_VERSION=4.0.1
DUCKDB_VERSION=1.5.6 # the engine version of the @duckdb/node-api that shopstream itself uses
PEERS_HOME="${SHOPSTREAM_PEERS_HOME:-$HOME/.cache/shopstream/peers}"
VENV="$PEERS_HOME/venv"
INSTALLED_MARK="$VENV/.installed-pyspark-$PYSPARK_VERSION-duckdb-$DUCKDB_VERSION"

log() { echo "peers/install.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=../lib/python-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/python-venv.sh"

# java_home: JAVA_HOME when set, else the folder above the `java` on PATH (symlinks resolved).
java_home() {
  local home="${JAVA_HOME:-}"
  if [[ -z "$home" ]]; then
    local java; java="$(command -v java)" || die "java 17+ is required (no java on PATH)"
    home="$(dirname "$(dirname "$(readlink -f "$java")")")"
  fi
  [[ -x "$home/bin/java" ]] || die "JAVA_HOME $home has no bin/java"
  local major
  major="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${major%%.*}" -ge 17 ]] 2>/dev/null || die "java 17+ is required, found $major at $home"
  echo "$home"
}

install_venv() {
  if [[ -f "$INSTALLED_MARK" ]]; then return 0; fi
  java_home >/dev/null
  python_venv_install "$PEERS_HOME" "$VENV" 'import pyspark, duckdb' \
    "pyspark==$PYSPARK_VERSION" "duckdb==$DUCKDB_VERSION"
  touch "$INSTALLED_MARK"
}

case "${1:-install}" in
  install) install_venv ;;
  python)
    [[ -f "$INSTALLED_MARK" ]] || die "peers not installed (run scripts/peers/install.sh)"
    echo "$VENV/bin/python"
    ;;
  java-home) java_home ;;
  check)
    java_home >/dev/null
    [[ -f "$INSTALLED_MARK" ]] || die "pyspark $PYSPARK_VERSION / duckdb $DUCKDB_VERSION not installed (run scripts/peers/install.sh)"
    ;;
  *) die "unknown command '$1' (install, python, java-home, check)" ;;
esac
