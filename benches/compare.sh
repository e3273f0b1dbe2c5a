#!/usr/bin/env bash
# Whole-process benchmarks of ds01-pm next to its peers, all in one run (see BENCHMARKS.md):
#
#   engine   rule engine over a generated ~10 MB corpus of DS01 proposals, next to ripgrep
#            (the same 551 regexes, `rg -f`) and semgrep (the same regexes as generic rules);
#            plus how the engine's cost grows with corpus size (1, 3, 10 MB), and the 1 MB
#            corpus with accents next to the plain one
#   cold     load and compile the default rules and analyze one sentence
#   backlog  `score --format json` at 1k, 10k, 100k items (~3 edges each): time and peak RSS;
#            Taskwarrior 2.6 urgency report over the same 10k tasks
#   check    `check` over 1,000 generated proposals in one run
#
#   benches/compare.sh                     # everything
#   benches/compare.sh cold backlog        # some sections
#   RUNS=5 SEMGREP_RUNS=1 benches/compare.sh engine
#
# The script installs its peers itself (hyperfine, ripgrep, taskwarrior and GNU time from
# Debian's packages, semgrep from PyPI into a virtualenv under target/bench-tools) and skips a
# peer with a message when it cannot. It never runs in CI. Results (hyperfine JSON, a
# Markdown summary) go to target/bench-results/<UTC time>/; data is generated once into
# target/bench-data/ and reused.
set -euo pipefail

if [ -n "${CI:-}" ]; then
    echo "benches/compare.sh: benchmarks do not run in CI (CI is set); nothing to do" >&2
    exit 0
fi

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-10}
SEMGREP_RUNS=${SEMGREP_RUNS:-3}
TASK_RUNS=${TASK_RUNS:-3}
SECTIONS=${*:-engine cold backlog check}
DATA=$ROOT/target/bench-data
TOOLS=$ROOT/target/bench-tools
OUT=$ROOT/target/bench-results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$DATA" "$TOOLS" "$OUT"
SUMMARY=$OUT/summary.md

say() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }
skip() { say "> skipped: $*"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# --- peers -------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || return 1
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -n"
    if [ "$APT_UPDATED" = 0 ]; then
        $sudo apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1
}

# need COMMAND DEBIAN-PACKAGE: true if COMMAND is there or could be installed.
need() {
    command -v "$1" >/dev/null && return 0
    echo "installing $2 (apt-get) ..." >&2
    apt_install "$2" && command -v "$1" >/dev/null
}

if ! need hyperfine hyperfine; then
    echo "installing hyperfine (cargo install) ..." >&2
    cargo install --locked hyperfine >/dev/null 2>&1 || {
        echo "benches/compare.sh: needs hyperfine (apt-get install hyperfine, or cargo install hyperfine)" >&2
        exit 2
    }
fi
if ! command -v python3 >/dev/null && ! apt_install python3; then
    echo "benches/compare.sh: needs python3 to summarise hyperfine's JSON" >&2
    exit 2
fi
HAVE_TIME=1
need /usr/bin/time time || HAVE_TIME=0

RG=""
if need rg ripgrep; then
    RG=$(command -v rg)
elif cargo install --locked ripgrep >/dev/null 2>&1; then
    RG=$(command -v rg || echo "$HOME/.cargo/bin/rg")
fi

SEMGREP=""
semgrep_setup() {
    if command -v semgrep >/dev/null; then
        SEMGREP=$(command -v semgrep)
        return
    fi
    if [ ! -x "$TOOLS/semgrep-venv/bin/semgrep" ]; then
        echo "installing semgrep (PyPI, into $TOOLS/semgrep-venv) ..." >&2
        { python3 -m venv "$TOOLS/semgrep-venv" 2>/dev/null ||
            { apt_install python3-venv && python3 -m venv "$TOOLS/semgrep-venv"; }; } &&
            "$TOOLS/semgrep-venv/bin/pip" install -q semgrep >/dev/null 2>&1 || true
    fi
    [ -x "$TOOLS/semgrep-venv/bin/semgrep" ] && SEMGREP=$TOOLS/semgrep-venv/bin/semgrep
    return 0
}

TASK=""
if need task taskwarrior; then
    TASK=$(command -v task)
fi

# --- build and data ----------------------------------------------------------------------
echo "building (release) ..." >&2
cargo build --release --quiet --bin ds01-pm --example gen_corpus --example gen_backlog \
    --example rule_patterns --example analyze_dir
BIN=$ROOT/target/release/ds01-pm
EX=$ROOT/target/release/examples

corpus() { # corpus NAME ARGS...: generate once
    local dir=$DATA/$1
    shift
    if [ ! -f "$dir.done" ]; then
        rm -rf "$dir"
        "$EX/gen_corpus" --out "$dir" "$@" 2>"$dir.log"
        touch "$dir.done"
    fi
    cat "$dir.log" >&2
}

# hyperfine wrapper: bench NAME [hyperfine args...]; JSON to $OUT/NAME.json, summary table.
bench() {
    local name=$1
    shift
    hyperfine --style basic --export-json "$OUT/$name.json" "$@" >"$OUT/$name.log" 2>&1 || {
        tail -5 "$OUT/$name.log" >&2
        skip "$name: hyperfine failed (see $OUT/$name.log)"
        return 0
    }
    python3 "$ROOT/benches/summary.py" "$OUT/$name.json" | tee -a "$SUMMARY"
}

peak_rss_mb() { # peak_rss_mb CMD...: largest peak RSS of 3 runs, in MB
    local peak=0 rss
    for _ in 1 2 3; do
        /usr/bin/time -f '%M' -o "$OUT/rss.tmp" "$@" >/dev/null 2>&1 || true
        rss=$(tail -1 "$OUT/rss.tmp")
        [ "$rss" -gt "$peak" ] && peak=$rss
    done
    awk "BEGIN { printf \"%.0f\", $peak / 1024 }"
}

# --- machine -----------------------------------------------------------------------------
{
    echo "# benches/compare.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "- kernel: $(uname -r); $(rustc --version)"
    echo "- ds01-pm: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)')"
    echo "- hyperfine: $(hyperfine --version | cut -d' ' -f2); ripgrep: ${RG:+$($RG --version | head -1 | cut -d' ' -f2)}; taskwarrior: ${TASK:+$($TASK --version)}"
    echo "- load average at start: $(load)"
    echo
} | tee "$SUMMARY"

for section in $SECTIONS; do
    case $section in
    engine)
        say "## Rule engine throughput (load before: $(load))"
        say
        corpus corpus-1mb --mb 1
        corpus corpus-3mb --mb 3
        corpus corpus --mb 10
        C=$DATA/corpus
        say "corpus: $(cat "$C.log" | sed 's/^gen_corpus: //')"
        "$EX/rule_patterns" rg >"$DATA/patterns.txt"
        "$EX/rule_patterns" semgrep >"$DATA/semgrep.yaml"
        say "patterns: $(wc -l <"$DATA/patterns.txt") regexes from $("$BIN" rules list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') rules"
        "$EX/analyze_dir" "$C" 2>&1 >/dev/null | sed 's/^/- /' | tee -a "$SUMMARY"
        cmds=(-n "ds01-pm engine (analyze_dir, 1 thread)" "$EX/analyze_dir $C"
            -n "ds01-pm check --format json (1 thread)" "$BIN check --quiet --format json $C")
        if [ -n "$RG" ]; then
            say "- rg total matches: $($RG --no-config -j1 --no-filename --count-matches -f "$DATA/patterns.txt" "$C" | awk '{ s += $1 } END { print s }')"
            cmds+=(-n "rg -j1 -f patterns --count-matches" "$RG --no-config -j1 --count-matches -f $DATA/patterns.txt $C"
                -n "rg -f patterns --count-matches ($(nproc) threads)" "$RG --no-config --count-matches -f $DATA/patterns.txt $C")
        else
            skip "ripgrep could not be installed (apt-get install ripgrep, or cargo install ripgrep)"
        fi
        say
        bench engine --warmup 1 --runs "$RUNS" -i "${cmds[@]}"
        say
        semgrep_setup
        if [ -n "$SEMGREP" ]; then
            # semgrep takes minutes per MB here (more than 5 minutes for the 10 MB corpus), so it
            # runs on the first 1 MB of the corpus, next to ds01-pm and rg on the same files.
            C1=$DATA/corpus-1mb
            say "semgrep $($SEMGREP --version 2>/dev/null | tail -1) on the 1 MB corpus ($(ls "$C1" | wc -l) files), default jobs, metrics off, local config (load before: $(load)):"
            say
            sg="timeout ${SEMGREP_TIMEOUT:-900} $SEMGREP scan --metrics=off --disable-version-check --no-git-ignore --config $DATA/semgrep.yaml --json -q -o $OUT/semgrep-out.json $C1"
            rg1=()
            [ -n "$RG" ] && rg1=(-n "rg -j1 -f patterns --count-matches, 1 MB" "$RG --no-config -j1 --count-matches -f $DATA/patterns.txt $C1")
            bench semgrep --runs "$SEMGREP_RUNS" -i \
                -n "ds01-pm engine (analyze_dir, 1 thread), 1 MB" "$EX/analyze_dir $C1" \
                -n "semgrep generic rules, 1 MB" "$sg" "${rg1[@]}"
            say "- semgrep findings: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["results"]), "results,", len(d["errors"]), "errors")' "$OUT/semgrep-out.json" 2>/dev/null || echo '?')"
        else
            skip "semgrep could not be installed from PyPI (python3 -m venv + pip install semgrep)"
        fi
        say
        say "Growth with corpus size (load before: $(load)):"
        say
        bench engine-growth --warmup 1 --runs "$RUNS" \
            -n "1 MB" "$EX/analyze_dir $DATA/corpus-1mb" \
            -n "3 MB" "$EX/analyze_dir $DATA/corpus-3mb" \
            -n "10 MB" "$EX/analyze_dir $C"
        say
        # The same 1 MB with accents ("thé", "-ïng", "-tión"): on non-ASCII text a Unicode \b
        # stops the regex crate's lazy DFA, so slower engines take over.
        A=$DATA/corpus-1mb-accented
        if [ ! -f "$A.done" ]; then
            rm -rf "$A" && mkdir -p "$A"
            python3 - "$DATA/corpus-1mb" "$A" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for name in os.listdir(src):
    with open(os.path.join(src, name), encoding="utf-8") as f:
        text = f.read()
    text = text.replace(" the ", " thé ").replace("ing ", "ïng ").replace("tion", "tión")
    with open(os.path.join(dst, name), "w", encoding="utf-8") as f:
        f.write(text)
PY
            touch "$A.done"
        fi
        say "Non-ASCII text, 1 MB (load before: $(load)):"
        say
        acc=(-n "ASCII" "$EX/analyze_dir $DATA/corpus-1mb" -n "accented" "$EX/analyze_dir $A")
        [ -n "$RG" ] && acc+=(-n "rg -j1, accented" "$RG --no-config -j1 --count-matches -f $DATA/patterns.txt $A")
        bench engine-accented --warmup 1 --runs "$RUNS" -i "${acc[@]}"
        say
        ;;
    cold)
        say "## Cold start (load before: $(load))"
        say
        S="Let students keep a container running over the weekend for long training jobs"
        bench cold -N --warmup 20 --runs $((RUNS * 20)) \
            -n "ds01-pm analyze (one sentence)" "$BIN analyze '$S'" \
            -n "ds01-pm analyze --format json" "$BIN analyze --format json '$S'" \
            -n "ds01-pm --version (process floor)" "$BIN --version"
        if command -v valgrind >/dev/null; then
            valgrind --tool=callgrind --callgrind-out-file="$OUT/cold.callgrind" "$BIN" analyze "$S" >/dev/null 2>"$OUT/cold.valgrind" || true
            say "- instructions (callgrind, load-independent): $(sed -n 's/.*Collected : //p' "$OUT/cold.valgrind")"
        fi
        say
        ;;
    backlog)
        say "## Backlog scale (load before: $(load))"
        say
        for n in 1000 10000 100000; do
            [ -f "$DATA/backlog-$n.toml" ] || "$EX/gen_backlog" --items $n --edges $((n * 3)) >"$DATA/backlog-$n.toml" 2>/dev/null
        done
        bench backlog --warmup 1 --runs "$RUNS" \
            -n "score 1k" "$BIN score $DATA/backlog-1000.toml --format json" \
            -n "score 10k" "$BIN score $DATA/backlog-10000.toml --format json" \
            -n "score 100k" "$BIN score $DATA/backlog-100000.toml --format json"
        if [ "$HAVE_TIME" = 1 ]; then
            say
            say "| items | peak RSS (MB, max of 3) |"
            say "| ---: | ---: |"
            for n in 1000 10000 100000; do
                say "| $n | $(peak_rss_mb "$BIN" score "$DATA/backlog-$n.toml" --format json) |"
            done
        else
            skip "peak RSS: GNU time could not be installed (apt-get install time)"
        fi
        say
        if [ -n "$TASK" ]; then
            case $($TASK --version) in
            2.*) ;;
            *) say "> note: Taskwarrior $($TASK --version), not 2.6: its storage and speed differ" ;;
            esac
            TW=$DATA/taskwarrior-10k
            export TASKRC=$TW/taskrc
            base="$TASK rc.data.location=$TW/data rc.verbose=nothing rc.hooks=off rc.confirmation=off rc.gc=off rc.detection=off rc.defaultwidth=200"
            if [ ! -f "$TW/done" ]; then
                rm -rf "$TW" && mkdir -p "$TW" && : >"$TW/taskrc"
                "$EX/gen_backlog" --items 10000 --edges 30000 --taskwarrior >"$TW/tasks.json" 2>/dev/null
                start=$(date +%s.%N)
                $base import "$TW/tasks.json" >/dev/null 2>&1
                say "- task import of 10k tasks / 30k depends: $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }") s (once, not timed below)"
                touch "$TW/done"
            fi
            report="rc.report.urg.description=urgency rc.report.urg.columns=uuid,urgency rc.report.urg.labels=UUID,Urgency rc.report.urg.sort=urgency- rc.report.urg.filter=status:pending urg limit:0"
            say "- pending tasks: $($base count status:pending 2>/dev/null)"
            say
            say "Taskwarrior urgency (dependency-aware: blocking/blocked coefficients), sorted, same 10k items (load before: $(load)):"
            say
            bench taskwarrior --runs "$TASK_RUNS" \
                -n "task urgency report 10k" "$base $report" \
                -n "ds01-pm score 10k" "$BIN score $DATA/backlog-10000.toml --format json"
            unset TASKRC
        else
            skip "Taskwarrior could not be installed (apt-get install taskwarrior)"
        fi
        say
        ;;
    check)
        say "## check over 1,000 proposals (load before: $(load))"
        say
        corpus proposals-1000 --files 1000 --seed 7
        say "proposals: $(sed 's/^gen_corpus: //' "$DATA/proposals-1000.log")"
        say
        bench check --warmup 1 --runs "$RUNS" -i \
            -n "check --format json, 1,000 files" "$BIN check --quiet --format json $DATA/proposals-1000" \
            -n "check --format sarif, 1,000 files" "$BIN check --quiet --format sarif $DATA/proposals-1000" \
            -n "check --format human, 1,000 files" "$BIN check --quiet --color never $DATA/proposals-1000"
        say
        ;;
    *)
        echo "benches/compare.sh: unknown section \`$section\` (engine, cold, backlog, check)" >&2
        exit 2
        ;;
    esac
done
say "load average at end: $(load)"
echo "results: $OUT" >&2
