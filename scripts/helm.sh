#!/usr/bin/env bash
# Installs a pinned Helm (built from source with `go install` through the Go module proxy) into a
# cache folder, for the CI check that renders deploy/helm/shopstream. Idempotent: a second
# `install` with the pinned version in place does nothing. When no Go >= 1.26 is on the machine,
# the Go toolchain itself is fetched from the module proxy (golang.org/toolchain zip).
#   scripts/helm.sh install        build helm into the cache when missing or another version
#   scripts/helm.sh path           prints the helm binary
#   scripts/helm.sh template ARGS  runs `helm template ARGS` with the cached binary
set -euo pipefail
HELM_VERSION=v3.21.4
GO_TOOLCHAIN=go1.26.8
PROXY=https://proxy.golang.org
cache=${SHOPSTREAM_DEV_HELM_DIR:-$HOME/.cache/shopstream/helm}
bin="$cache/$HELM_VERSION/bin/helm"

# go_ok GO: the binary runs and is Go 1.26 or newer (helm v3.21's go.mod asks for 1.26.0).
go_ok() {
  local v
  v=$("$1" env GOVERSION 2>/dev/null) || return 1
  v=${v#go}
  [ "${v%%.*}" -gt 1 ] || [ "$(echo "$v" | cut -d. -f2)" -ge 26 ]
}

find_go() {
  local g
  for g in "$(command -v go || true)" /usr/local/go/bin/go "$cache/toolchain/$GO_TOOLCHAIN/bin/go"; do
    [ -n "$g" ] && [ -x "$g" ] && go_ok "$g" && { echo "$g"; return 0; }
  done
  return 1
}

# fetch_go: downloads the Go toolchain zip that `GOTOOLCHAIN=auto` would use, from the proxy.
fetch_go() {
  local zip="$cache/toolchain/$GO_TOOLCHAIN.zip" root="$cache/toolchain/$GO_TOOLCHAIN"
  mkdir -p "$cache/toolchain"
  curl -fsSL --retry 3 -o "$zip" "$PROXY/golang.org/toolchain/@v/v0.0.1-$GO_TOOLCHAIN.linux-amd64.zip"
  rm -rf "$root" "$root.tmp" && mkdir -p "$root.tmp"
  unzip -q "$zip" -d "$root.tmp"
  mv "$root.tmp/golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-amd64" "$root"
  rm -rf "$root.tmp" "$zip"
  chmod +x "$root/bin/go"
}

installed() { [ -x "$bin" ] && "$bin" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; }

install() {
  installed && return 0
  local go
  go=$(find_go) || { fetch_go >&2; go=$(find_go); }
  mkdir -p "$cache/$HELM_VERSION/bin"
  env GOPROXY=$PROXY GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 \
    GOPATH="$cache/gopath" GOMODCACHE="$cache/gopath/mod" GOCACHE="$cache/gocache" \
    GOBIN="$cache/$HELM_VERSION/bin" \
    "$go" install -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
  installed || { echo "helm $HELM_VERSION did not install at $bin" >&2; return 1; }
  # Only the binary is kept: the module and build caches are ~1 GB.
  env GOMODCACHE="$cache/gopath/mod" GOTOOLCHAIN=local "$go" clean -modcache >&2 || true
  rm -rf "$cache/gopath" "$cache/gocache"
  "$bin" version --short >&2
}

case "${1:-}" in
  install) install ;;
  path) installed && echo "$bin" || { echo "helm $HELM_VERSION not installed: run scripts/helm.sh install" >&2; exit 1; } ;;
  template) shift; installed || { echo "helm $HELM_VERSION not installed: run scripts/helm.sh install" >&2; exit 1; }; exec "$bin" template "$@" ;;
  *) echo "usage: $0 install|path|template ARGS" >&2; exit 2 ;;
esac
