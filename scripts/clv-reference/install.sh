#!/usr/bin/env bash
# Creates the Python venv of the CLV reference (the `lifetimes` package) and installs the pinned
# versions of requirements.txt. Idempotent: a venv whose installed pins match is left alone.
#
#   bash scripts/clv-reference/install.sh     create or update the venv, print its python
#
# Environment (optional): SHOPSTREAM_CLV_VENV  venv folder (default <repo>/.cache/clv-reference-venv)
#                         SHOPSTREAM_PYTHON    interpreter (default python3.11, else python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${SHOPSTREAM_CLV_VENV:-$ROOT/.cache/clv-reference-venv}"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"

log() { echo "clv-reference/install.sh: $*" >&2; }

python_bin() {
  if [[ -n "${SHOPSTREAM_PYTHON:-}" ]]; then echo "$SHOPSTREAM_PYTHON"; return; fi
  command -v python3.11 || command -v python3 || { log "error: no python3 on PATH"; exit 1; }
}

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "$VENV/bin/python"
  exit 0
fi
PY="$(python_bin)"
log "creating $VENV with $("$PY" --version 2>&1)"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0" "setuptools==69.5.1" "wheel==0.43.0"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
"$VENV/bin/python" -c "import lifetimes, sys; print('lifetimes', lifetimes.__version__, file=sys.stderr)"
echo "$want" > "$STAMP"
echo "$VENV/bin/python"
