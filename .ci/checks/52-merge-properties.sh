#!/usr/bin/env bash
# Bounded fuzzing of the merge driver: three generated sides (agreements with
# records, mutated agreements, hostile bytes, empty) through the merge by meaning
# (never a panic, never a lost record, a clean result parses) and through the
# whole driver with git's line-wise fallback (a clean result is always TOML; a
# binary side keeps OURS byte for byte). Release build, reused from 50-fuzz.sh;
# 20,000 + 1,000 cases took 116 s on 2 busy cores, so about a minute here.
set -euo pipefail
PROPTEST_CASES=${PROPTEST_CASES:-20000} MENTOR_AGREE_MERGE_DRIVER_CASES=${MENTOR_AGREE_MERGE_DRIVER_CASES:-300} \
  timeout 600 cargo test --release --quiet --test properties -- \
  merge_never_panics_or_loses_a_record_over_hostile_sides the_merge_driver_never_calls_an_unparsable_file_clean
