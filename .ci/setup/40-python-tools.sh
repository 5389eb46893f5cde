#!/usr/bin/env bash
# Third-party consumers the ecosystem tests validate against:
#   check-jsonschema  - JSON Schema validator (agreement schema, SARIF schema)
#   icalendar         - RFC 5545 parser (calendar export), with dateutil for RRULEs
#   pre-commit        - validates .pre-commit-hooks.yaml and the documented config
#   aiosmtpd          - a real SMTP server for the reminders test (tests/it/remind.rs
#                       runs it on loopback; tests/fixtures/remind/smtp_sink.py)
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

command -v check-jsonschema >/dev/null 2>&1 || pip_install check-jsonschema
python3 -c "import icalendar, dateutil" 2>/dev/null || pip_install icalendar python-dateutil
command -v pre-commit >/dev/null 2>&1 || pip_install pre-commit
python3 -c "import aiosmtpd" 2>/dev/null || pip_install aiosmtpd
