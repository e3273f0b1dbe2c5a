#!/usr/bin/env bash
# `ds01-pm score` on backlogs of several shapes and sizes (issue 19: "backlogs of any shape"),
# so that no single shape is tuned for. For each shape and size: wall time (median of RUNS) and
# peak RSS (largest of RUNS) from GNU time, plus the `-v` stage timings of the last run.
#
#   benches/backlog_shapes.sh
#   SIZES="100000 300000" RUNS=3 FORMAT=json benches/backlog_shapes.sh
#   SHAPES="chain-nopre anywhere" BIN=/tmp/old-ds01-pm benches/backlog_shapes.sh
#
# Shapes (flags to examples/gen_backlog.rs):
#   default      preamble, descriptions (repeating), mixed effort, local deps (<= 200 back)
#   nopre        no preamble (starts with [[item]], propagation chain), otherwise default
#   chain-nopre  no preamble, no descriptions (distinct titles analysed), a single chain
#   anywhere     no preamble, no descriptions, numeric effort, deps anywhere earlier
#   tshirt       preamble, no descriptions, t-shirt effort, deps anywhere earlier
#   repeat       no preamble, repeating titles, no descriptions, local deps
#   comment      a comment (no [scoring]) before the first item, no descriptions, deps anywhere
#
# Targets: 100k <= 1 s and <= 300 MB; 300k <= 3 s; 1M <= 10 s and <= 1 GB; 300k/100k <= 3.2x.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100000 300000"}
RUNS=${RUNS:-3}
FORMAT=${FORMAT:-human}
SHAPES=${SHAPES:-"default nopre chain-nopre anywhere tshirt repeat comment"}
WORK=${WORK:-$(mktemp -d)}
if [ -z "${BIN:-}" ]; then
    cargo build --release --quiet --bin ds01-pm --example gen_backlog
    BIN=target/release/ds01-pm
fi
GEN=${GEN:-target/release/examples/gen_backlog}

# shellcheck source=benches/backlog_shapes.inc.sh
. benches/backlog_shapes.inc.sh

printf '%s cores, load %s; ds01-pm score --format %s\n\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$FORMAT"
printf '| shape | items | MB | wall median (s) | runs (s) | peak RSS (MB) | -v stages (ms) |\n|---|---:|---:|---:|---|---:|---|\n'
for shape in $SHAPES; do
    for n in $SIZES; do
        file="$WORK/$shape-$n.toml"
        # shellcheck disable=SC2046 # flags are words
        [ -s "$file" ] || "$GEN" --items "$n" $(flags "$shape") >"$file" 2>/dev/null
        walls=()
        peak=0
        for _ in $(seq "$RUNS"); do
            /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" -v score "$file" --format "$FORMAT" >/dev/null 2>"$WORK/err"
            read -r wall rss <"$WORK/time"
            walls+=("$wall")
            [ "$rss" -gt "$peak" ] && peak=$rss
        done
        median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
        stages=$(sed -n 's/.* items, .* loaded in \([0-9.]*\) ms.*/load \1/p; s/^info: rules: .* loaded in \([0-9.]*\) ms.*/rules \1/p; s/^info: \(concerns\|rank\|render\): \([0-9.]*\) ms.*/\1 \2/p' "$WORK/err" | tr '\n' ' ')
        printf '| %s | %d | %.1f | %s | %s | %.0f | %s|\n' "$shape" "$n" \
            "$(awk "BEGIN { print $(stat -c %s "$file") / 1048576 }")" "$median" "${walls[*]}" \
            "$(awk "BEGIN { print $peak / 1024 }")" "$stages"
    done
done
