#!/usr/bin/env bash
# Benchmark `ds01-pm score --format json` on generated backlogs of 1k, 10k and 100k items
# (3 edges per item), end to end: read, validate, rank, concern analysis, JSON, write.
# Wall time and peak RSS come from GNU time (`/usr/bin/time -v`); each size runs RUNS times and
# the best wall time and the largest peak RSS are reported.
#
#   benches/backlog.sh            # repeating descriptions (about 1,400 distinct texts)
#   UNIQUE=1 benches/backlog.sh   # every description distinct (worst case for the analysis)
#   UNIQUE=1 EXTRA=--no-concerns benches/backlog.sh   # ... without the concern analysis
#   SIZES="1000 100000" RUNS=5 benches/backlog.sh
#
# Target (from the issue): 100k items / 300k edges in <= 1 s and <= 300 MB on 2 cores.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-3}
UNIQUE=${UNIQUE:-0}
EXTRA=${EXTRA:-}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -x /usr/bin/time ]; then
    echo "benches/backlog.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi

cargo build --release --quiet --bin ds01-pm --example gen_backlog
BIN=target/release/ds01-pm
GEN=target/release/examples/gen_backlog
FLAGS=()
[ "$UNIQUE" = 1 ] && FLAGS+=(--unique)

printf '%s cores; descriptions: %s; ds01-pm score --format json %s\n\n' "$(nproc)" \
    "$([ "$UNIQUE" = 1 ] && echo unique || echo repeating)" "$EXTRA"
printf '| %8s | %8s | %9s | %10s | %13s | %11s |\n' items edges "input MB" "wall (s)" "peak RSS (MB)" "output MB"
printf '|%s|%s|%s|%s|%s|%s|\n' ---------: ---------: ----------: -----------: --------------: ------------:
for n in $SIZES; do
    file="$WORK/backlog-$n.toml"
    "$GEN" --items "$n" --edges $((n * 3)) "${FLAGS[@]}" >"$file" 2>"$WORK/gen.log"
    edges=$(sed -n 's/.*items, \([0-9]*\) edges.*/\1/p' "$WORK/gen.log")
    best=""
    peak=0
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086 # EXTRA is a list of flags
        /usr/bin/time -v "$BIN" score "$file" --format json $EXTRA >"$WORK/out.json" 2>"$WORK/time.log"
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.log" |
            awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.log")
        if [ -z "$best" ] || awk "BEGIN { exit !($wall < $best) }"; then best=$wall; fi
        if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
    done
    printf '| %8d | %8d | %9.1f | %10.2f | %13.0f | %11.1f |\n' "$n" "$edges" \
        "$(awk "BEGIN { print $(stat -c %s "$file") / 1048576 }")" "$best" \
        "$(awk "BEGIN { print $peak / 1024 }")" \
        "$(awk "BEGIN { print $(stat -c %s "$WORK/out.json") / 1048576 }")"
done
