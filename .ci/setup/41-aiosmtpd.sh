#!/usr/bin/env bash
# A real SMTP server for the reminders test (tests/it/remind.rs):
#   aiosmtpd - asyncio SMTP server; the test runs it on loopback and saves
#              every message it receives (tests/fixtures/remind/smtp_sink.py)
# Idempotent: installs only what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1

if ! command -v python3 >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq python3 python3-pip >/dev/null
fi

pip_install() {
  python3 -m pip install --quiet "$@" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "$@"
}

python3 -c "import aiosmtpd" 2>/dev/null || pip_install aiosmtpd
