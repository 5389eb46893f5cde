#!/usr/bin/env bash
# Git figures: `merge-file` on one agreement (two branches that each added
# records and one a term change), and `check` of a corpus inside a git repo
# with history (no stale signature) against the same corpus outside git.
# Prints a Markdown section; `bench/compare.sh` appends it to BENCHMARKS.md.
#
#   bench/git.sh                     # 10000 files, 7 rounds, 200 merges
#   N=1000 ROUNDS=3 MERGES=50 bench/git.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
ROUNDS=${ROUNDS:-7}
MERGES=${MERGES:-200}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${WORK:-$TARGET/bench-git}
TODAY=2026-11-25
cargo build --release --quiet
cargo build --release --quiet --example gen-corpus
BIN=$(realpath "$TARGET/release/mentor-agree")
GEN=$TARGET/release/examples/gen-corpus
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s%N; }

rm -rf "$WORK" && mkdir -p "$WORK"
# One agreement, three versions.
ex=examples/2026-09-maya-okafor-tomas-rivera.toml
cp "$ex" "$WORK/base.toml"
{ cat "$ex"; printf '\n[[checkins]]\ndate = 2026-11-20\nby = "mentor"\n'; } > "$WORK/ours.src"
{ sed 's/session_minutes = 45/session_minutes = 60/' "$ex"; printf '\n[[checkins]]\ndate = 2026-11-18\nby = "mentee"\nnote = "on track"\n'; } > "$WORK/theirs.toml"
per_merge=()
for _ in $(seq "$ROUNDS"); do
  start=$(now)
  for _ in $(seq "$MERGES"); do
    cp "$WORK/ours.src" "$WORK/ours.toml"
    "$BIN" merge-file "$WORK/base.toml" "$WORK/ours.toml" "$WORK/theirs.toml"
  done
  end=$(now)
  start_cp=$(now)
  for _ in $(seq "$MERGES"); do cp "$WORK/ours.src" "$WORK/ours.toml"; done
  end_cp=$(now)
  per_merge+=("$(awk -v a="$((end - start - (end_cp - start_cp)))" -v n="$MERGES" 'BEGIN { printf "%.2f", a / n / 1e6 }')")
done
merge_ms=$(printf '%s\n' "${per_merge[@]}" | median)
# CPU time, which a busy machine inflates far less than wall-clock time (perf, when present).
merge_cpu="n/a"
if command -v perf >/dev/null; then
  script=$(mktemp)
  printf 'cp "%s" "%s"; exec "%s" merge-file "%s" "%s" "%s"\n' "$WORK/ours.src" "$WORK/ours.toml" "$BIN" "$WORK/base.toml" "$WORK/ours.toml" "$WORK/theirs.toml" > "$script"
  cpu() { perf stat -x, -e task-clock -r "$MERGES" "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }'; }
  with=$(cpu sh "$script")
  without=$(cpu sh -c "cp '$WORK/ours.src' '$WORK/ours.toml'")
  merge_cpu=$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.2f ms", a - b }')
  rm -f "$script"
fi

# The corpus, outside git and inside a repo with two commits of history.
"$GEN" "$WORK/repo" "$N" 2>/dev/null
git -C "$WORK/repo" init -q
git -C "$WORK/repo" add -A
git -C "$WORK/repo" -c user.name=b -c user.email=b@example.org commit -qm corpus
# A second commit: a check-in appended to every tenth file (no term changes, nothing goes stale).
find "$WORK/repo" -name '*.toml' | sort | awk 'NR % 10 == 0' | while read -r f; do printf '\n[[checkins]]\ndate = 2026-11-20\nby = "mentee"\n' >> "$f"; done
git -C "$WORK/repo" -c user.name=b -c user.email=b@example.org commit -qam checkins
# The same files, outside git.
mkdir "$WORK/plain" && (cd "$WORK/repo" && tar --exclude=.git -cf - .) | (cd "$WORK/plain" && tar -xf -)
stale=$("$BIN" --today "$TODAY" check "$WORK/repo" --format json | grep -c '"signature-stale"' || true)
time_check() {
  local s e
  s=$(now); "$BIN" --today "$TODAY" check "$1" >/dev/null || true; e=$(now)
  awk -v a="$((e - s))" 'BEGIN { printf "%.3f", a / 1e9 }'
}
plain=(); repo=()
for _ in $(seq "$ROUNDS"); do
  plain+=("$(time_check "$WORK/plain")")
  repo+=("$(time_check "$WORK/repo")")
done
p=$(printf '%s\n' "${plain[@]}" | median)
r=$(printf '%s\n' "${repo[@]}" | median)
ratio=$(awk -v a="$r" -v b="$p" 'BEGIN { printf "%.2f", a / b }')

cat <<EOF2

## Git

\`bench/git.sh\`: median of $ROUNDS rounds, $(date -u +%Y-%m-%d), same machine.

| measure | figure |
| --- | ---: |
| \`merge-file\` on one agreement (records on both sides, a term on one; process start included), wall clock | $merge_ms ms |
| the same, CPU time | $merge_cpu |
| \`check\` of $N agreements outside git | $p s |
| \`check\` of the same files in a git repo with history ($stale stale signatures) | $r s |
| in git / outside git | ${ratio}× |

A run with no stale signature never starts git, so inside a repository
\`check\` costs what it costs outside one.
EOF2
