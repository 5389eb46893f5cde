#!/usr/bin/env bash
# Record, or compare against a recording, the output bytes and exit codes of
# `check` (every format), `status` (table, json), `render` (md, html) and
# `calendar` over examples/ and every fixture in tests/fixtures/codes/.
#
#   tests/compare-outputs.sh record  DIR [BIN]   # write outputs into DIR
#   tests/compare-outputs.sh compare DIR [BIN]   # diff against DIR; exit 1 on any difference
#
# BIN defaults to target/release/mentor-agree (or $CARGO_TARGET_DIR/release/...).
# Used to show that a refactor leaves behaviour byte-identical.
set -u
mode=${1:?usage: $0 record|compare DIR [BIN]}
dir=${2:?usage: $0 record|compare DIR [BIN]}
bin=${3:-${CARGO_TARGET_DIR:-target}/release/mentor-agree}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() { # NAME CWD ARGS...
    local name=$1 cwd=$2
    shift 2
    (cd "$cwd" && "$bin" --today 2026-12-01 --color never "$@" >"$out/$name.out" 2>"$out/$name.err")
    echo $? >"$out/$name.rc"
}

targets=()
for f in "$root"/examples/*.toml; do targets+=("examples:$f"); done
for d in "$root"/tests/fixtures/codes/*/; do
    for f in "$d"agreement.toml "$d"agreements/*.toml; do
        [ -f "$f" ] && targets+=("codes/$(basename "$d"):$f")
    done
done

for t in "${targets[@]}"; do
    label=${t%%:*}
    file=${t#*:}
    cwd=$(dirname "$file")
    name=$(echo "$label-$(basename "$file" .toml)" | tr '/' '_')
    for fmt in human json github sarif; do run "$name.check.$fmt" "$cwd" check --format "$fmt" "$file"; done
    for fmt in table json; do run "$name.status.$fmt" "$cwd" status --format "$fmt" "$file"; done
    for fmt in md html; do run "$name.render.$fmt" "$cwd" render --format "$fmt" "$file"; done
    run "$name.calendar" "$cwd" calendar "$file"
    run "$name.terms" "$cwd" terms "$file"
    run "$name.terms-digest" "$cwd" terms --digest "$file"
done
# whole folders at once, as CI runs them
for fmt in human json github sarif; do run "examples-all.check.$fmt" "$root/examples" check --format "$fmt" "$root/examples"; done
for fmt in table json; do run "examples-all.status.$fmt" "$root/examples" status --format "$fmt" "$root/examples"; done

# files that are not agreements at all
bad=$(mktemp -d)
printf 'format = 1\n\xff\n' >"$bad/not-utf8.toml"
printf 'format = 1\n[term\n' >"$bad/not-toml.toml"
for f in not-utf8 not-toml; do
    for cmd in terms render calendar check; do run "$f.$cmd" "$bad" "$cmd" "$f.toml"; done
done
rm -rf "$bad"

# the code registry and every command's help
run "list-codes" "$root" check --list-codes
for code in $("$bin" check --list-codes | awk 'NR>0 {print $1}' | grep -E '^[a-z][a-z-]+$'); do
    run "explain.$code" "$root" check --explain "$code"
done
run "help" "$root" --help
for cmd in init new check status sign render extend checkin terminate calendar terms schema completions man; do
    run "help.$cmd" "$root" "$cmd" --help
done
run "schema" "$root" schema
for shell in bash zsh fish powershell elvish; do run "completions.$shell" "$root" completions "$shell"; done
run "man" "$root" man

# absolute paths of this checkout differ between worktrees: write them as <ROOT>
for f in "$out"/*; do sed -i "s#$root#<ROOT>#g" "$f"; done

case $mode in
record)
    mkdir -p "$dir" && rm -f "$dir"/* && cp "$out"/* "$dir"/
    echo "recorded $(ls "$dir" | wc -l) files into $dir"
    ;;
compare)
    if diff -r "$dir" "$out" >"$out/../compare-diff.$$" 2>&1; then
        echo "identical: $(ls "$out" | wc -l) files"
        rm -f "$out/../compare-diff.$$"
    else
        cat "$out/../compare-diff.$$" | head -200
        rm -f "$out/../compare-diff.$$"
        echo "DIFFERENT" >&2
        exit 1
    fi
    ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
