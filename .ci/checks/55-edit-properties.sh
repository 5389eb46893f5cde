#!/usr/bin/env bash
# More generated agreements through every editing command than a plain `cargo test`
# runs: the original bytes are always kept (debug build, reused from `cargo test`;
# about half a minute on 2 cores).
set -euo pipefail
PROPTEST_CASES=${PROPTEST_CASES:-2000} timeout 900 cargo test --quiet --test it edit_properties::
