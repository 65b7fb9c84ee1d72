#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser tests (playwright-core drives it; no
# browser download). Idempotent.
#   scripts/chromium.sh install   apt-get install chromium when missing
#   scripts/chromium.sh path      prints the browser binary
set -euo pipefail
find_bin() { for b in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$b" ] && { echo "$b"; return 0; }; done; return 1; }
case "${1:-}" in
  install)
    find_bin >/dev/null && exit 0
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
    find_bin >/dev/null
    ;;
  path) find_bin || { echo "chromium not installed: run scripts/chromium.sh install" >&2; exit 1; } ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
