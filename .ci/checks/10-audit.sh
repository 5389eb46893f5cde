#!/usr/bin/env bash
# Dependency audit: `cargo deny check advisories sources` (deny.toml) over every
# crate in Cargo.lock. Fails on any RustSec advisory (vulnerable, unmaintained,
# unsound) that deny.toml does not accept with a reason, and on a crate from
# anywhere but crates.io.
# The database: the live RustSec repository when it can be cloned (a short
# timeout); otherwise the snapshot committed in .ci/advisory-db/ (refresh it
# with .ci/refresh-advisory-db.sh), said loudly with its date. cargo-deny itself
# never goes to the network here (--offline); `cargo fetch` first brings every
# crate of the lock file, all platforms', for its `cargo metadata`.
set -euo pipefail
cd "$(dirname "$0")/../.."
url=${ADVISORY_DB_URL:-https://github.com/rustsec/advisory-db} # another URL or path: for trying the script
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# cargo-deny 0.20 keeps the database for its default URL in
# <db-path>/advisory-db-<hash of the URL>; the name only changes with cargo-deny.
db=$tmp/advisory-dbs/advisory-db-3157b0e258782691

cargo fetch --locked --quiet

if GIT_TERMINAL_PROMPT=0 timeout 60 git clone --quiet --depth 1 "$url" "$db" 2>"$tmp/clone.log"; then
  echo "advisory database: live, commit $(git -C "$db" rev-parse --short=12 HEAD) of $(git -C "$db" log -1 --format=%cs)"
else
  read -r _ commit < <(grep '^commit ' .ci/advisory-db/SNAPSHOT)
  read -r _ date < <(grep '^date ' .ci/advisory-db/SNAPSHOT)
  mkdir -p "$db"
  tar -xzf .ci/advisory-db/crates.tar.gz -C "$db"
  # cargo-deny opens the database as a git repository.
  git -C "$db" init --quiet
  git -C "$db" add --all
  GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git -C "$db" -c user.name=snapshot -c user.email=snapshot@localhost \
    -c commit.gpgsign=false commit --quiet --message "RustSec advisory-db $commit"
  age_days=$((($(date -u +%s) - $(date -u -d "$date" +%s)) / 86400))
  echo "!!! advisory database unreachable ($(tail -n1 "$tmp/clone.log"))"
  echo "!!! audited against the committed snapshot of ${date%%T*} (commit $commit), $age_days days old"
  if [ "$age_days" -gt 90 ]; then
    echo "!!! the snapshot is over 90 days old: refresh it with .ci/refresh-advisory-db.sh where $url is reachable"
  fi
fi

# deny.toml, with the database folder above (cargo-deny has no flag for it).
awk -v path="$tmp/advisory-dbs" '{ print } /^\[advisories\]$/ { print "db-path = \"" path "\"" }' deny.toml >"$tmp/deny.toml"
cargo deny --offline --locked --color never --config "$tmp/deny.toml" check advisories sources
