#!/usr/bin/env bash
# cargo-deny, for the dependency audit (.ci/checks/10-audit.sh, deny.toml), built
# from crates.io at a pinned version with its own lock file. Idempotent: nothing
# to do when that version is installed. The build took 4 min 17 s on 2 busy
# cores (-j1), so expect about 3-5 minutes on a fresh machine.
set -euo pipefail
version=0.20.2
if [ "$(cargo deny --version 2>/dev/null)" = "cargo-deny $version" ]; then
  exit 0
fi
cargo install --locked --quiet cargo-deny --version "$version"
