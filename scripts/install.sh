#!/usr/bin/env bash
# Installs what the playground needs to build (and, with --test, to test), skipping whatever is
# already at the pinned version. Sourced by serve.sh and test.sh; runnable on its own.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock (and Trunk.toml's [tools]).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
    say "installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
  if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    # Not --locked: the CLI's own lock file pins crates this toolchain cannot build (DESIGN.md).
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

install_test_tools() {
  local packages=()
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || packages+=(chromium chromium-driver)
  # A Korean font, so the end-to-end screenshots of the Korean page show its words, not boxes.
  fc-list :lang=ko 2>/dev/null | grep -q . || packages+=(fonts-noto-cjk)
  if ((${#packages[@]})); then
    say "installing ${packages[*]} from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
  fi
  if [[ ! -d tests/e2e/node_modules/playwright-core ]] ||
     ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.package-lock.json 2>/dev/null; then
    say "installing the end-to-end test packages (npm ci)"
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
  fi
  if [[ -f tests/python/requirements.txt ]]; then
    # pip skips what is already at the pinned version, in about a second.
    python3 -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  install_build_tools
  [[ "${1:-}" == "--test" ]] && install_test_tools
  say "everything is installed"
fi
