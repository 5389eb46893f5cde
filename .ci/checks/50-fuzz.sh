#!/usr/bin/env bash
# Bounded fuzzing: the in-process no-panic property tests (hostile bytes, and
# mutations anywhere in a real agreement) with many more generated inputs than a
# plain `cargo test` runs (release build; 20,000 cases of each took 22 s on 2
# busy cores, so about four minutes). The tests that drive the real binary run
# in `cargo test` (MENTOR_AGREE_BINARY_CASES raises their count).
set -euo pipefail
PROPTEST_CASES=${PROPTEST_CASES:-200000} timeout 900 cargo test --release --quiet --test properties checker_never_panics
