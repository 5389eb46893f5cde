#!/usr/bin/env bash
# Test-build times of git revisions (e.g. before and after a restructuring): for
# each REV, in a temporary worktree with a target folder of its own,
#   clean:     `cargo test --no-run` from an empty target folder;
#   leaf:      the same again after touching one command's file
#              (commands/status.rs wherever it lives at that revision, else src/lib.rs);
#   low-level: the same again after touching the file that defines the agreement
#              model (src/agreement.rs, src/format/agreement.rs, …, else src/lib.rs).
# Wall-clock seconds, `-j$JOBS`; the incremental figures are the median of ROUNDS.
# `touch` changes only the time stamp: cargo rebuilds the crate that owns the file
# and everything that depends on it, and rustc's incremental cache keeps what the
# unchanged text does not need redone, so it measures how far a change ripples
# through the crate graph (lib, binary, test binaries), the floor of a real edit.
#
#   bench/build-times.sh REV...                    # e.g. bench/build-times.sh b9a42a8 main
#   bench/build-times.sh --dry-run REV...          # what would be built and touched
#   JOBS=2 ROUNDS=3 WORK=/tmp/bt bench/build-times.sh REV...
#   LEAF=src/x.rs LOW=src/y.rs bench/build-times.sh REV   # other files to touch
#   KEEP=1 bench/build-times.sh REV...             # keep the target folders and build logs
#
# Run it on a quiet machine: another build at the same time distorts every figure
# (the load average at the start is printed with the table). Crates are fetched
# before the clock starts. Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dry=false
if [ "${1:-}" = --dry-run ]; then dry=true; shift; fi
[ $# -gt 0 ] || { echo "usage: bench/build-times.sh [--dry-run] REV..." >&2; exit 2; }
JOBS=${JOBS:-2}
ROUNDS=${ROUNDS:-1}
if $dry; then
  WORK=${WORK:-"\$TMPDIR/build-times.XXXXXX"}
else
  made_work=""
  [ -n "${WORK:-}" ] || made_work=1
  WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/build-times.XXXXXX")}
  mkdir -p "$WORK"
fi
repo=$PWD

# The first of the candidate paths that exists at commit $1 (then any path
# matching the pattern $3), else src/lib.rs.
pick() {
  local commit=$1 candidates=$2 pattern=$3 files f
  files=$(git ls-tree -r --name-only "$commit" -- src)
  for f in $candidates; do
    if grep -qxF "$f" <<<"$files"; then echo "$f"; return; fi
  done
  f=$(grep -E "$pattern" <<<"$files" | head -n1 || true)
  echo "${f:-src/lib.rs}"
}
LEAF_CANDIDATES=${LEAF:-"src/commands/status.rs src/cli/commands/status.rs src/bin/commands/status.rs"}
LOW_CANDIDATES=${LOW:-"src/agreement.rs src/format/agreement.rs src/format/model.rs"}

TIMES=$(mktemp)
worktrees=()
cleanup() {
  rm -f "$TIMES"
  for w in "${worktrees[@]}"; do git -C "$repo" worktree remove --force "$w" >/dev/null 2>&1 || true; done
  # A folder this script made goes too, unless KEEP asks for the target folders.
  if [ -n "${made_work:-}" ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Wall-clock seconds of `cargo test --no-run` in worktree $1 with target folder $2.
build() {
  if ! (cd "$1" && CARGO_TARGET_DIR=$2 /usr/bin/time -o "$TIMES" -f %e \
    cargo test --no-run --locked --quiet -j "$JOBS" >"$2.log" 2>&1); then
    echo "build failed in $1, see $2.log" >&2
    tail -n 20 "$2.log" >&2
    exit 1
  fi
  tail -n 1 "$TIMES"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
rows=()
i=0
for rev in "$@"; do
  i=$((i + 1))
  commit=$(git rev-parse --verify -q "$rev^{commit}") || { echo "not a revision: $rev" >&2; exit 2; }
  short=$(git rev-parse --short "$commit")
  leaf=$(pick "$commit" "$LEAF_CANDIDATES" '(^|/)commands/status\.rs$')
  low=$(pick "$commit" "$LOW_CANDIDATES" '(^|/)(agreement|model)\.rs$')
  tree=$WORK/src-$i
  target=$WORK/target-$i
  if $dry; then
    echo "$rev ($short): worktree $tree, CARGO_TARGET_DIR=$target"
    echo "  clean:     rm -rf $target; cargo test --no-run --locked -j $JOBS"
    echo "  leaf:      touch $leaf; cargo test --no-run --locked -j $JOBS  (x$ROUNDS)"
    echo "  low-level: touch $low; cargo test --no-run --locked -j $JOBS  (x$ROUNDS)"
    continue
  fi
  git worktree add --quiet --detach "$tree" "$commit"
  worktrees+=("$tree")
  rm -rf "$target"
  (cd "$tree" && CARGO_TARGET_DIR=$target cargo fetch --locked --quiet)
  echo "$rev ($short): clean build…" >&2
  clean=$(build "$tree" "$target")
  incremental() {
    local file=$1 times=""
    for _ in $(seq "$ROUNDS"); do
      touch "$tree/$file"
      times+="$(build "$tree" "$target")"$'\n'
    done
    printf '%s' "$times" | median
  }
  echo "$rev ($short): touching $leaf…" >&2
  t_leaf=$(incremental "$leaf")
  echo "$rev ($short): touching $low…" >&2
  t_low=$(incremental "$low")
  rows+=("| \`$rev\` | $short | $clean | $t_leaf | $t_low | \`$leaf\` | \`$low\` |")
  git worktree remove --force "$tree"
  [ -n "${KEEP:-}" ] || rm -rf "$target" "$target.log"
done
$dry && exit 0

echo
echo "\`cargo test --no-run -j$JOBS\`, wall-clock seconds ($(nproc) cores, load average at the start $load;"
echo "$(cargo --version); $(date -u +%Y-%m-%d); incremental: median of $ROUNDS):"
echo
echo "| revision | commit | clean | touch leaf | touch low-level | leaf file | low-level file |"
echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
printf '%s\n' "${rows[@]}"
