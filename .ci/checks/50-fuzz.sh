#!/usr/bin/env bash
# Bounded fuzzing: the no-panic property tests with many more generated inputs
# than a plain `cargo test` runs (release build; under a minute on 2 cores).
set -euo pipefail
PROPTEST_CASES=${PROPTEST_CASES:-200000} timeout 900 cargo test --release --quiet --test properties checker_never_panics
