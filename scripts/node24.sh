#!/usr/bin/env bash
# Installs Node.js 24 LTS from the npm registry's `node` package (a binary shipped inside a
# registry package) into a cache folder, for the CI leg that runs the unit tests on Node 24.
#   scripts/node24.sh install   idempotent
#   scripts/node24.sh path      prints the node binary
set -euo pipefail
dir=${SHOPSTREAM_DEV_NODE24_DIR:-$HOME/.cache/shopstream/node24}
bin="$dir/node_modules/node/bin/node"
case "${1:-}" in
  install)
    if [ -x "$bin" ] && "$bin" --version | grep -q '^v24\.'; then exit 0; fi
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || echo '{"name":"node24-holder","private":true}' > "$dir/package.json"
    npm install --prefix "$dir" --no-audit --no-fund --no-save node@24 >&2
    "$bin" --version >&2
    ;;
  path) echo "$bin" ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
