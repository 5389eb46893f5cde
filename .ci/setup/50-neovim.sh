#!/usr/bin/env bash
# Neovim, for the end-to-end language server test (tests/it/lsp.rs): a real editor
# client starts `mentor-agree lsp` on a broken agreement and reports what it got.
set -euo pipefail
if command -v nvim >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends neovim >/dev/null
