#!/usr/bin/env bash
# Refreshes the committed snapshot of the RustSec advisory database that
# .ci/checks/10-audit.sh audits against when the live database cannot be
# fetched. Usage:
#   .ci/refresh-advisory-db.sh                # from the live repository
#   .ci/refresh-advisory-db.sh PATH-OR-URL    # from another clone or mirror of it
# Writes .ci/advisory-db/crates.tar.gz (only the crates/ advisories, which are
# all cargo-deny reads; gzip without a name or time, so the same commit gives the
# same bytes) and .ci/advisory-db/SNAPSHOT (the commit, its date, the source).
# Commit both; `git diff --stat` shows whether the snapshot moved.
set -euo pipefail
cd "$(dirname "$0")/.."
source_repo=${1:-https://github.com/rustsec/advisory-db}
out=.ci/advisory-db
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if git --git-dir="$source_repo" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  git_dir=$source_repo # a bare repository or a mirror's git folder
elif [ -d "$source_repo/.git" ]; then
  git_dir=$source_repo/.git
else
  GIT_TERMINAL_PROMPT=0 timeout 300 git clone --quiet --depth 1 "$source_repo" "$tmp/db"
  git_dir=$tmp/db/.git
fi

commit=$(git --git-dir="$git_dir" rev-parse HEAD)
date=$(TZ=UTC git --git-dir="$git_dir" log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ HEAD)
mkdir -p "$out"
git --git-dir="$git_dir" archive --format=tar HEAD crates | gzip -9n >"$tmp/crates.tar.gz"
count=$(tar -tzf "$tmp/crates.tar.gz" | grep -c '\.md$')
[ "$count" -gt 0 ] || { echo "no advisories under crates/ in $source_repo" >&2; exit 1; }
mv "$tmp/crates.tar.gz" "$out/crates.tar.gz"
cat >"$out/SNAPSHOT" <<SNAP
commit $commit
date $date
advisories $count
source https://github.com/rustsec/advisory-db
SNAP
echo "advisory database snapshot: commit $commit of $date, $count advisories ($(du -k "$out/crates.tar.gz" | cut -f1) KiB)"
