#!/usr/bin/env bash
# Installs what `make test` and `make serve` need, skipping whatever is already there.
# Usage: scripts/tools.sh core|web|browser
#   core    rustfmt, clippy and the wasm32 target (native tests and the wasm check)
#   web     core + trunk, wasm-bindgen-cli (the version in Cargo.lock), binaryen and terser from npm
#   browser web + Debian's chromium and chromium-driver (browser tests)
# Nothing here downloads a prebuilt binary: cargo, npm and apt fetch from their registries.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0  # keep in step with package.json

say() { printf 'tools: %s\n' "$*" >&2; }

core() {
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
}

wasm_bindgen_version() {
  # The exact version in Cargo.lock: wasm-bindgen-cli must match it.
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

web() {
  core
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (about 6 minutes)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
  local wbg
  wbg=$(wasm_bindgen_version)
  if [ -n "$wbg" ] && ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg"; then
    say "installing wasm-bindgen-cli $wbg (about 2 minutes)"
    # Not --locked: the locked build asks for a dependency version the registry lacks.
    cargo install wasm-bindgen-cli --version "$wbg" --force
  fi
  if [ ! -x node_modules/.bin/wasm-opt ] || ! node_modules/.bin/wasm-opt --version | grep -q "version 132" \
     || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/terser ]; then
    say "installing binaryen $BINARYEN_VERSION, terser and playwright-core from npm (package.json)"
    npm install --no-audit --no-fund >&2
  fi
}

browser() {
  web
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
  fi
}

case "${1:-core}" in
  core) core ;;
  web) web ;;
  browser) browser ;;
  *) say "usage: scripts/tools.sh core|web|browser"; exit 2 ;;
esac
