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
# shellcheck source=../lib/python-venv.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/python-venv.sh"

install_venv() {
  if [[ -f "$INSTALLED_MARK" ]]; then return 0; fi
  python_venv_install "$READER_HOME" "$VENV" 'import deltalake, pyarrow' \
    "deltalake==$DELTALAKE_VERSION" "pyarrow==$PYARROW_VERSION"
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
