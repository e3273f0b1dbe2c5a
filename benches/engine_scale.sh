#!/usr/bin/env bash
# Issue 19's engine figures (see BENCHMARKS.md, run 9), old binary next to new when given:
#
#   benches/engine_scale.sh                       # the working tree's release build only
#   benches/engine_scale.sh OLD_BIN OLD_ANALYZE_DIR   # also an older ds01-pm and analyze_dir
#
#   cold     `analyze` of one sentence: hyperfine median (-N, 100 runs), callgrind instructions
#   slope    analyze_dir over 1, 10 and 50 MB of generated proposals next to `rg -j1` with the
#            same patterns: wall and user time, the marginal cost per MB between 10 and 50 MB,
#            and the ratio to ripgrep at each size (one run each, REPEAT=n for more)
#   rules    5,000 generated user rules (examples/gen_rules.rs) with --extend-rules: `analyze`
#            and `rules check`
#
# SECTIONS="cold rules" benches/engine_scale.sh ... runs some. Data goes to target/bench-data/,
# results to stdout. The machine's load average is printed before each section: on a shared
# machine compare user times and instruction counts, not wall times alone.
set -euo pipefail
if [ -n "${CI:-}" ]; then
    echo "benches/engine_scale.sh: benchmarks do not run in CI" >&2
    exit 0
fi
cd "$(dirname "$0")/.."
ROOT=$PWD
OLD_BIN=${1:-}
OLD_DIR=${2:-}
REPEAT=${REPEAT:-1}
SECTIONS=${SECTIONS:-cold slope rules}
DATA=$ROOT/target/bench-data
mkdir -p "$DATA"
cargo build --release --quiet --bin ds01-pm --example gen_corpus --example gen_rules \
    --example rule_patterns --example analyze_dir
BIN=$ROOT/target/release/ds01-pm
EX=$ROOT/target/release/examples
load() { cut -d' ' -f1-3 /proc/loadavg; }
# run LABEL CMD...: wall and user seconds of one run, REPEAT times
run() {
    local label=$1
    shift
    for _ in $(seq "$REPEAT"); do
        /usr/bin/time -o "$DATA/time.tmp" -f '%e %U' "$@" >/dev/null 2>&1 || true
        echo "$label $(cat "$DATA/time.tmp")"
    done
}
S="Let students keep a container running over the weekend for long training jobs"
for section in $SECTIONS; do
    case $section in
    cold)
        echo "## cold start (load $(load))"
        args=(-n "new analyze" "$BIN analyze '$S'" -n "new --version" "$BIN --version")
        [ -n "$OLD_BIN" ] && args+=(-n "old analyze" "$OLD_BIN analyze '$S'")
        hyperfine -N --warmup 10 --runs 100 --style basic --export-json "$DATA/cold.json" "${args[@]}" >/dev/null 2>&1
        python3 - "$DATA/cold.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']}: median {statistics.median(r['times'])*1e3:.1f} ms, user {r['user']*1e3:.1f} ms")
PY
        if command -v valgrind >/dev/null; then
            for b in "$BIN" $OLD_BIN; do
                valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b" analyze "$S" >/dev/null 2>"$DATA/cg.log" || true
                echo "$b: $(sed -n 's/.*Collected : //p' "$DATA/cg.log") instructions"
            done
        fi
        ;;
    slope)
        echo "## engine slope (load $(load))"
        for mb in 1 10 50; do
            [ -f "$DATA/scale-$mb.done" ] || { "$EX/gen_corpus" --out "$DATA/scale-$mb" --mb "$mb" 2>/dev/null && touch "$DATA/scale-$mb.done"; }
        done
        "$EX/rule_patterns" rg >"$DATA/scale-patterns.txt"
        out=$DATA/scale-times.txt
        : >"$out"
        for mb in 1 10 50; do
            run "new $mb" "$EX/analyze_dir" "$DATA/scale-$mb" | tee -a "$out"
            [ -n "$OLD_DIR" ] && run "old $mb" "$OLD_DIR" "$DATA/scale-$mb" | tee -a "$out"
            run "rg $mb" rg --no-config -j1 --count-matches -f "$DATA/scale-patterns.txt" "$DATA/scale-$mb" | tee -a "$out"
        done
        if [ -n "$OLD_DIR" ]; then
            for mb in 1 10 50; do
                "$EX/analyze_dir" "$DATA/scale-$mb" 2>/dev/null | cmp -s - <("$OLD_DIR" "$DATA/scale-$mb" 2>/dev/null) &&
                    echo "output at $mb MB: identical" || echo "output at $mb MB: DIFFERS"
            done
        fi
        python3 - "$out" <<'PY'
import sys, statistics
t = {}
for line in open(sys.argv[1]):
    who, mb, wall, user = line.split()
    t.setdefault((who, int(mb)), []).append((float(wall), float(user)))
med = {k: (statistics.median(w for w, _ in v), statistics.median(u for _, u in v)) for k, v in t.items()}
for who in ("new", "old", "rg"):
    if (who, 10) in med and (who, 50) in med:
        w = (med[(who, 50)][0] - med[(who, 10)][0]) / 40 * 1e3
        u = (med[(who, 50)][1] - med[(who, 10)][1]) / 40 * 1e3
        print(f"{who}: slope 10->50 MB {w:.1f} ms/MB wall, {u:.1f} ms/MB user")
for who in ("new", "old"):
    for mb in (1, 10, 50):
        if (who, mb) in med and ("rg", mb) in med:
            print(f"{who}/rg at {mb} MB: {med[(who, mb)][0] / med[('rg', mb)][0]:.2f}x wall, {med[(who, mb)][1] / med[('rg', mb)][1]:.2f}x user")
PY
        ;;
    rules)
        echo "## 5,000 user rules (load $(load))"
        [ -f "$DATA/rules-5000.done" ] || { "$EX/gen_rules" --out "$DATA/rules-5000" --rules 5000 && touch "$DATA/rules-5000.done"; }
        run "new analyze" "$BIN" --extend-rules "$DATA/rules-5000" analyze "$S"
        run "new rules check" "$BIN" --extend-rules "$DATA/rules-5000" rules check
        if [ -n "$OLD_BIN" ]; then
            run "old analyze" timeout "${OLD_TIMEOUT:-600}" "$OLD_BIN" --extend-rules "$DATA/rules-5000" analyze "$S"
        fi
        ;;
    *)
        echo "unknown section $section (cold, slope, rules)" >&2
        exit 2
        ;;
    esac
done
