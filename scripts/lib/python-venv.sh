# Sourced by the scripts that install a Python tool for tests or the bench (delta-reader, moto,
# peers): one way to build a venv with pinned packages. The caller defines log() and die().
#
#   python_venv_install HOME VENV CHECK PACKAGE...
#     (re)creates VENV with $PYTHON (default python3), pip-installs the packages quietly (the pip
#     output goes to HOME/install.log and its tail is shown on failure), then runs the Python
#     statement CHECK in the venv (e.g. 'import deltalake'). The caller keeps the installed mark.

python_venv_install() {
  local home=$1 venv=$2 check=$3
  shift 3
  local python="${PYTHON:-python3}"
  command -v "$python" >/dev/null || die "python3 is required"
  mkdir -p "$home"
  rm -rf "$venv"
  "$python" -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  log "installing $* into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input "$@" >"$home/install.log" 2>&1 \
    || { tail -n 30 "$home/install.log" >&2; die "pip install failed"; }
  "$venv/bin/python" -c "$check" || die "the installed packages do not import"
}
