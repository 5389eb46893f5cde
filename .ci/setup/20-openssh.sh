#!/usr/bin/env bash
# ssh-keygen, ssh-agent and ssh-add, for the SSH signature tests (tests/it/signing.rs):
# they sign and verify agreements both ways against OpenSSH itself.
set -euo pipefail
if command -v ssh-keygen >/dev/null && command -v ssh-agent >/dev/null && command -v ssh-add >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openssh-client >/dev/null
