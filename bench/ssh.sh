#!/usr/bin/env bash
# SSH signature verification per check: `check` over N agreements, each signed
# by all three parties with SSH keys (3 verifications a file), with two builds
# side by side (e.g. before and after a change), alternating run by run.
#
#   bench/ssh.sh OLD_BINARY [NEW_BINARY]      # NEW defaults to this tree's release build
#   N=10000 ROUNDS=7 bench/ssh.sh /work/old/target/release/mentor-agree
#
# The agreements are one signed file copied N times under different names: with
# no `id` key each takes its id from its file name, and every copy's three
# signatures are verified as any other file's would be. Needs ssh-keygen.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: bench/ssh.sh OLD_BINARY [NEW_BINARY]}
NEW=${2:-target/release/mentor-agree}
N=${N:-10000}
ROUNDS=${ROUNDS:-7}
WORK=${WORK:-target/bench-ssh}
TODAY=2026-11-25
[ "$NEW" != target/release/mentor-agree ] || cargo build --release --quiet

rm -rf "$WORK" && mkdir -p "$WORK/keys" "$WORK/program/agreements"
cp tests/fixtures/signing/ssh/program.toml "$WORK/program/"
draft="$WORK/keys/draft.toml"
grep -v '^id = ' tests/fixtures/signing/ssh/draft.toml >"$draft"
: >"$WORK/program/allowed_signers"
for who in ada:ada@example.org:mentor grace:grace@example.org:mentee alan:alan@example.org:lead; do
  IFS=: read -r name email role <<<"$who"
  ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$WORK/keys/$name"
  echo "$email $(cut -d' ' -f1,2 "$WORK/keys/$name.pub")" >>"$WORK/program/allowed_signers"
done
cp "$WORK/program/program.toml" "$WORK/program/allowed_signers" "$WORK/keys/"
for who in ada:mentor:2026-11-20 grace:mentee:2026-11-21 alan:lead:2026-11-22; do
  IFS=: read -r name role date <<<"$who"
  "$NEW" --today "$TODAY" sign "$draft" --role "$role" --date "$date" --key "$WORK/keys/$name" 2>/dev/null
done
for i in $(seq -w 1 "$N"); do cp "$draft" "$WORK/program/agreements/pair-$i.toml"; done
# Both builds must find every file clean: each signature verified and counted.
for bin in "$OLD" "$NEW"; do
  "$bin" --today "$TODAY" check "$WORK/program/agreements" --require-signed >/dev/null
done

TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
cpu() { /usr/bin/time -o "$TIMES" -f "%U %S" "$@" >/dev/null 2>&1; awk '{print $1 + $2}' "$TIMES"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
old="" new=""
for _ in $(seq "$ROUNDS"); do
  old+="$(cpu "$OLD" --today "$TODAY" check "$WORK/program/agreements")"$'\n'
  new+="$(cpu "$NEW" --today "$TODAY" check "$WORK/program/agreements")"$'\n'
done
o=$(printf '%s' "$old" | median)
n=$(printf '%s' "$new" | median)
echo "check over $N SSH-signed agreements (3 signatures each), median CPU seconds of $ROUNDS rounds:"
echo "  old: $o"
echo "  new: $n"
awk -v o="$o" -v n="$n" 'BEGIN { printf "  new / old: %.2f\n", n / o }'
