#!/usr/bin/env bash
# The independent Delta reader of the lake tests: delta-rs through PyPI `deltalake` (with pyarrow),
# in a Python venv of its own. Python is used only by tests, never by the product.
#
#   scripts/delta-reader/install.sh          create the venv and install the pinned packages (once; idempotent)
#   scripts/delta-reader/install.sh python   print the venv's python (exit 1 when not installed)
#
# Environment (optional):
#   SHOPSTREAM_DELTA_READER_HOME   venv and pip log   (default ~/.cache/shopstream/delta-reader)
#   PYTHON                         the python3 that creates the venv (default: python3 on PATH)
set -euo pipefail

DELTALAKE_VERSION=1.6.6
PYARROW_VERSION=26.0.1
READER_HOME="${SHOPSTREAM_DELTA_READER_HOME:-$HOME/.cache/shopstream/delta-reader}"
VENV="$READER_HOME/venv"
INSTALLED_MARK="$VENV/.installed-deltalake-$DELTALAKE_VERSION-pyarrow-$PYARROW_VERSION"

log() { echo "delta-reader/install.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

install_venv() {
  if [[ -f "$INSTALLED_MARK" ]]; then return 0; fi
  local python="${PYTHON:-python3}"
  command -v "$python" >/dev/null || die "python3 is required"
  mkdir -p "$READER_HOME"
  rm -rf "$VENV"
  "$python" -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  log "installing deltalake $DELTALAKE_VERSION and pyarrow $PYARROW_VERSION into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input \
    "deltalake==$DELTALAKE_VERSION" "pyarrow==$PYARROW_VERSION" >"$READER_HOME/install.log" 2>&1 \
    || { tail -n 30 "$READER_HOME/install.log" >&2; die "pip install failed"; }
  "$VENV/bin/python" -c 'import deltalake, pyarrow' || die "the installed packages do not import"
  touch "$INSTALLED_MARK"
}

case "${1:-install}" in
  install) install_venv ;;
  python)
    [[ -f "$INSTALLED_MARK" ]] || die "deltalake $DELTALAKE_VERSION not installed (run scripts/delta-reader/install.sh)"
    echo "$VENV/bin/python"
    ;;
  *) die "unknown command '$1' (install, python)" ;;
esac
