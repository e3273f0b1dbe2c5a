#!/usr/bin/env bash
# How `check` scales with the size of one proposal (issue 16): 256 KiB, 1 MiB and 4000 KiB (under the 4 MiB limit) of
# checklist lines (`- [ ] ...`), placeholder lines (`TODO ...`), headings, and one long
# non-ASCII line of placeholders (`é TODO ` repeated: a finding every 8 bytes). Each finding
# used to cost a scan from the start of the text (line numbers, code and section look-ups),
# so the time grew with the square of the size.
#
#   benches/check_scale.sh [BINARY...]     # default: target/release/ds01-pm
#   KIBS='256 1024' TIMEOUT=120 benches/check_scale.sh /tmp/old-ds01-pm target/release/ds01-pm
#
# Prints one line per (binary, input): wall seconds and peak RSS, from GNU time if present,
# else bash's `time`. Never run in CI; the figures go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- target/release/ds01-pm
DATA=target/bench-data/check-scale
mkdir -p "$DATA"
head_of() {
    printf '+++\nid = "big"\ntitle = "Big"\nstatus = "proposed"\nauthor = "x"\ntiers = ["admin"]\n+++\n\n# Big\n\n## Problem\n\nThe GPU queue is slow.\n\n## Open questions\n\n'
}
gen() { # kind KiB
    local kind=$1 kib=$2 f="$DATA/$1-$2k.md"
    [ -s "$f" ] && { echo "$f"; return; }
    {
        head_of
        python3 - "$kind" "$kib" <<'PY'
import sys
kind, kib = sys.argv[1], int(sys.argv[2])
out, n, i = [], 0, 0
while n < kib * 1024:
    if kind == "checklist":
        line = f"- [ ] Which queue does job {i} use?\n"
    elif kind == "todo":
        line = f"TODO describe step {i}\n"
    elif kind == "longline":
        line = "é TODO "
    else:
        line = f"## Step {i}\n\ntext {i}\n\n"
    out.append(line); n += len(line.encode()); i += 1
sys.stdout.write("".join(out) + "\n")
PY
    } >"$f"
    echo "$f"
}
for bin in "$@"; do
    for kind in ${KINDS:-checklist todo headings longline}; do
        for kib in ${KIBS:-256 1024 4000}; do
            f=$(gen "$kind" "$kib")
            if [ -x /usr/bin/time ]; then
                /usr/bin/time -f "$bin $kind ${kib}KiB: %e s, %M KiB RSS" timeout "${TIMEOUT:-300}" "$bin" check --format json "$f" >/dev/null 2>"$DATA/err" || true
                tail -1 "$DATA/err"
            else
                start=$(date +%s.%N)
                timeout "${TIMEOUT:-300}" "$bin" check --format json "$f" >/dev/null 2>&1 || true
                end=$(date +%s.%N)
                echo "$bin $kind ${kib}KiB: $(echo "$end - $start" | bc) s"
            fi
        done
    done
done
