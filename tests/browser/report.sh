#!/usr/bin/env bash
# Render `ds01-pm report fixtures/backlog.toml` in a real headless browser (Debian's chromium):
#
#   1. load a test copy of the page with a small checker script appended; the script measures
#      every graph node (`getBBox()` and its box on screen) and every chart point after layout,
#      counts overlapping node boxes, and writes the counts into a DOM attribute; `--dump-dom`
#      returns them and this script compares them with the backlog (one rendered node per
#      `[[item]]`, no overlaps, one point per open item);
#   2. a negative control: the same check on a copy with one node hidden must fail, so a check
#      that cannot see a missing node does not pass silently;
#   3. save a screenshot of the real page as target/report-screenshot.png (and the page as
#      target/report.html).
#
# chromium is installed with apt-get when absent (as root, or with passwordless sudo). When it
# cannot be installed or cannot start, the script says so and exits 0 (skipped). It exits 1
# when a check fails. CHROMIUM=/path/to/chrome overrides the browser.
set -euo pipefail
cd "$(dirname "$0")/../.."

BACKLOG=${BACKLOG:-fixtures/backlog.toml}
OUT_DIR=${OUT_DIR:-target}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

skip() {
    echo "SKIP tests/browser/report.sh: $*" >&2
    exit 0
}
fail() {
    echo "FAIL tests/browser/report.sh: $*" >&2
    exit 1
}

find_browser() {
    if [ -n "${CHROMIUM:-}" ]; then
        command -v "$CHROMIUM" && return 0
    fi
    for b in chromium chromium-browser google-chrome; do
        command -v "$b" && return 0
    done
    return 1
}

if ! BROWSER=$(find_browser); then
    echo "chromium not found; installing Debian's chromium with apt-get" >&2
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            SUDO=(sudo -n)
        else
            skip "chromium is not installed and apt-get needs root (no passwordless sudo)"
        fi
    fi
    command -v apt-get >/dev/null || skip "chromium is not installed and there is no apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! { "${SUDO[@]}" apt-get update -qq &&
        "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$WORK/apt.log" 2>&1; then
        tail -5 "$WORK/apt.log" >&2
        skip "apt-get could not install chromium"
    fi
    BROWSER=$(find_browser) || skip "chromium was installed but is not on PATH"
fi

PROFILE="$WORK/profile"
chrome() {
    timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$PROFILE" "$@" 2>>"$WORK/chrome.log"
}

echo "browser: $("$BROWSER" --version 2>/dev/null || echo "$BROWSER")" >&2
echo '<!DOCTYPE html><p id="alive">ok</p>' >"$WORK/blank.html"
if ! chrome --dump-dom "file://$WORK/blank.html" | grep -q 'id="alive"'; then
    tail -5 "$WORK/chrome.log" >&2 || true
    skip "$BROWSER is installed but cannot render a page here"
fi

cargo run --locked --quiet --bin ds01-pm -- --quiet report "$BACKLOG" -o "$WORK/report.html"
EXPECTED=$(grep -c '^\[\[item\]\]' "$BACKLOG")
OPEN=$(grep -c '<circle class="pt' "$WORK/report.html")
[ "$EXPECTED" -gt 0 ] || fail "no [[item]] in $BACKLOG"

# The checker runs after the page is parsed; getBBox() and getBoundingClientRect() force
# layout, so the numbers describe what the browser actually drew.
cat >"$WORK/checker.html" <<'JS'
<script>
(function () {
  var nodes = Array.prototype.slice.call(document.querySelectorAll('#graph-svg g.node'));
  var rendered = 0, missing = [], boxes = [];
  nodes.forEach(function (g) {
    var b = g.getBBox(), r = g.getBoundingClientRect();
    var title = g.querySelector('text.title');
    var textOk = title && title.getComputedTextLength() > 0;
    if (b.width > 0 && b.height > 0 && r.width > 0 && r.height > 0 && textOk) {
      rendered++;
      boxes.push(r);
    } else {
      missing.push(g.getAttribute('data-id'));
    }
  });
  var overlaps = 0;
  for (var i = 0; i < boxes.length; i++)
    for (var j = i + 1; j < boxes.length; j++) {
      var a = boxes[i], c = boxes[j];
      if (a.left < c.right - 1 && c.left < a.right - 1 && a.top < c.bottom - 1 && c.top < a.bottom - 1) overlaps++;
    }
  var points = 0;
  document.querySelectorAll('#chart-svg circle.pt').forEach(function (p) {
    var b = p.getBBox();
    if (b.width > 0 && p.getBoundingClientRect().width > 0) points++;
  });
  var out = document.createElement('div');
  out.id = 'browser-check';
  out.setAttribute('data-nodes', nodes.length);
  out.setAttribute('data-rendered', rendered);
  out.setAttribute('data-overlaps', overlaps);
  out.setAttribute('data-points', points);
  out.setAttribute('data-missing', missing.join(' '));
  document.body.appendChild(out);
})();
</script>
JS

# check PAGE: load a checker copy of PAGE and compare what rendered with the backlog.
check() {
    local page=$1 copy="$WORK/check-$(basename "$1")"
    # The checker goes just before </body>.
    awk -v f="$WORK/checker.html" '/<\/body>/ { while ((getline l < f) > 0) print l } { print }' "$page" >"$copy"
    local dom nodes rendered overlaps points missing
    dom=$(chrome --dump-dom "file://$copy") || { echo "chromium failed on $copy" >&2; return 1; }
    attr() { printf '%s' "$dom" | grep -o "id=\"browser-check\"[^>]*" | grep -o "data-$1=\"[^\"]*\"" | cut -d'"' -f2; }
    nodes=$(attr nodes)
    rendered=$(attr rendered)
    overlaps=$(attr overlaps)
    points=$(attr points)
    missing=$(attr missing)
    if [ -z "$nodes" ]; then
        echo "the checker script did not run (no #browser-check in the dumped DOM)" >&2
        return 1
    fi
    echo "$(basename "$page"): $rendered of $nodes nodes rendered (expected $EXPECTED), $overlaps overlapping, $points of $OPEN chart points" >&2
    local ok=0
    [ "$nodes" -eq "$EXPECTED" ] || { echo "  expected $EXPECTED nodes, the page has $nodes" >&2; ok=1; }
    [ "$rendered" -eq "$nodes" ] || { echo "  present but not rendered: $missing" >&2; ok=1; }
    [ "$overlaps" -eq 0 ] || { echo "  $overlaps pairs of node boxes overlap on screen" >&2; ok=1; }
    [ "$points" -eq "$OPEN" ] || { echo "  $points of $OPEN chart points rendered" >&2; ok=1; }
    return $ok
}

check "$WORK/report.html" || fail "the report does not render every item"

# Negative control: hide one node; the same check must notice.
awk 'done == 0 && /<g class="node/ { sub(/<g class="node/, "<g style=\"display:none\" class=\"node"); done = 1 } { print }' \
    "$WORK/report.html" >"$WORK/control.html"
if check "$WORK/control.html" 2>"$WORK/control.log"; then
    cat "$WORK/control.log" >&2
    fail "negative control: a hidden node went unnoticed"
fi
echo "negative control: a hidden node is detected" >&2

mkdir -p "$OUT_DIR"
cp "$WORK/report.html" "$OUT_DIR/report.html"
chrome --window-size=1280,2200 --screenshot="$PWD/$OUT_DIR/report-screenshot.png" "file://$WORK/report.html" >/dev/null
[ -s "$OUT_DIR/report-screenshot.png" ] || fail "no screenshot written"
echo "ok: every one of the $EXPECTED items rendered; screenshot: $OUT_DIR/report-screenshot.png" >&2
