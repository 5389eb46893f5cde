#!/usr/bin/env bash
# git, for the merge driver, diff and history tests (tests/it/git.rs, src/git.rs):
# they run real repositories with the driver registered as the docs say.
set -euo pipefail
if command -v git >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends git ca-certificates >/dev/null
