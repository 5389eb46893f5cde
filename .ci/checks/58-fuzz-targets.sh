#!/usr/bin/env bash
# The coverage-guided fuzz targets in fuzz/ need a nightly compiler to run (see
# docs/safety.md), but they must keep compiling against the library: check them
# on the stable toolchain (their own workspace and lock file, a target folder of
# their own so the main build is not disturbed).
set -euo pipefail
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}/fuzz-check timeout 600 cargo check --quiet --locked --manifest-path fuzz/Cargo.toml --bins
