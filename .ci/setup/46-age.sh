#!/usr/bin/env bash
# age and age-keygen, for the feedback interop tests (tests/it/feedback.rs): the
# standard age tool decrypts the team answers `feedback` seals, and a block it
# encrypts reads back with `feedback --read`.
set -euo pipefail
if command -v age >/dev/null && command -v age-keygen >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends age >/dev/null
