#!/usr/bin/env bash
# LibreOffice Calc without a GUI (`soffice --headless`): tests/it/export.rs opens the
# CSV exports in a real spreadsheet and checks that no cell became a formula.
# The -nogui build with no recommended packages is the lightest that converts CSV.
# Idempotent: installs only when soffice is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v soffice >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi
