#!/usr/bin/env bash
# Two ds01-pm binaries on the same generated backlogs, run interleaved (base, new, base, new,
# ...) so that both share the machine's load of the moment; one line per run:
#   shape items format base|new wall_s user_s max_rss_kb load=1-min-load-average
#
#   BASE=/tmp/ds01-base NEW=target/release/ds01-pm benches/backlog_ab.sh anywhere:100000:json \
#       anywhere:100000:human chain-nopre:1000000:json:1
#
# Each argument is shape:items:format[:runs] (runs 3 by default). Shapes are those of
# benches/backlog_shapes.sh (examples/gen_backlog.rs switches). Files go to WORK and are reused.
set -euo pipefail

cd "$(dirname "$0")/.."
BASE=${BASE:?BASE=path of the old binary}
NEW=${NEW:-target/release/ds01-pm}
GEN=${GEN:-target/release/examples/gen_backlog}
WORK=${WORK:-/tmp/ds01-backlog-ab}
mkdir -p "$WORK"

# shellcheck source=benches/backlog_shapes.inc.sh
. benches/backlog_shapes.inc.sh

for spec in "$@"; do
    IFS=: read -r shape n format runs <<<"$spec"
    file="$WORK/$shape-$n.toml"
    # shellcheck disable=SC2046 # flags are words
    [ -s "$file" ] || "$GEN" --items "$n" $(flags "$shape") >"$file" 2>/dev/null
    for _ in $(seq "${runs:-3}"); do
        for which in base new; do
            bin=$BASE
            [ "$which" = new ] && bin=$NEW
            /usr/bin/time -f '%e %U %M' -o "$WORK/time" "$bin" score "$file" --format "$format" >/dev/null 2>&1
            echo "$shape $n $format $which $(cat "$WORK/time") load=$(cut -d' ' -f1 /proc/loadavg)"
        done
    done
done
