//! `ds01-pm report`: the HTML page end to end. Structure (one node per item, the critical
//! chain, done items), escaping, self-containment, output handling and errors. The rendering
//! in a real browser is checked by `tests/browser/report.sh`.
use crate::common::ds01;
use std::collections::BTreeSet;
use std::fmt::Write as _;

const BACKLOG: &str = "fixtures/backlog.toml";

/// Run and return (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = ds01().args(args).output().expect("run");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf8"),
        String::from_utf8(out.stderr).expect("utf8"),
    )
}

fn page(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, Some(0), "{err}");
    out
}

/// The `data-id` values of the graph's nodes (`<g class="node ..." data-id="...">`).
fn node_ids(html: &str) -> Vec<String> {
    html.match_indices("<g class=\"node")
        .filter(|(at, m)| matches!(html.as_bytes()[at + m.len()], b'"' | b' '))
        .map(|(at, _)| {
            let rest = &html[at..];
            let start = rest.find("data-id=\"").expect("data-id") + 9;
            let end = start + rest[start..].find('"').expect("closing quote");
            rest[start..end].to_owned()
        })
        .collect()
}

/// The classes of the node with this (escaped) id.
fn node_class<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = format!("data-id=\"{id}\"");
    let at = html
        .match_indices("<g class=\"")
        .map(|(i, _)| i)
        .find(|&i| {
            html[i..]
                .split('>')
                .next()
                .is_some_and(|tag| tag.contains(&needle))
        })
        .unwrap_or_else(|| panic!("no node {id}"));
    let rest = &html[at + 10..];
    &rest[..rest.find('"').expect("quote")]
}

fn score_json() -> serde_json::Value {
    let (code, out, err) = run(&["score", BACKLOG, "--format", "json", "--no-concerns"]);
    assert_eq!(code, Some(0), "{err}");
    serde_json::from_str(&out).expect("json")
}

#[test]
fn one_node_per_item_with_the_critical_chain_and_done_items_marked() {
    let html = page(&["report", BACKLOG]);
    let v = score_json();
    let open: Vec<&str> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|x| x["id"].as_str().expect("id"))
        .collect();
    let done: Vec<&str> = v["done"]
        .as_array()
        .expect("done")
        .iter()
        .map(|x| x.as_str().expect("id"))
        .collect();
    let critical: Vec<&str> = v["critical_path"]["items"]
        .as_array()
        .expect("chain")
        .iter()
        .map(|x| x.as_str().expect("id"))
        .collect();
    let text = std::fs::read_to_string(BACKLOG).expect("fixture");
    let in_file = text.lines().filter(|l| l.trim() == "[[item]]").count();
    assert!(
        !done.is_empty() && critical.len() >= 2,
        "the fixture exercises both"
    );

    let ids = node_ids(&html);
    assert_eq!(ids.len(), in_file, "one node per item in the file");
    let drawn: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let expected: BTreeSet<&str> = open.iter().chain(&done).copied().collect();
    assert_eq!(drawn, expected);
    for id in &open {
        let class = node_class(&html, id);
        assert_eq!(
            class.contains("critical"),
            critical.contains(id),
            "{id}: {class}"
        );
        assert!(!class.contains("done"), "{id}: {class}");
    }
    for id in &done {
        assert_eq!(node_class(&html, id), "node done");
    }
    // Every `<title>` tooltip is inside a node or a point, one per node and one per open item.
    assert_eq!(
        html.matches("<title>").count(),
        1 + ids.len() + open.len(),
        "page title + node tooltips + chart points"
    );
    assert_eq!(html.matches("<circle class=\"pt").count(), open.len());
    // The critical chain's edges are highlighted, and only those.
    assert_eq!(
        html.matches("class=\"edge critical\"").count(),
        critical.len() - 1
    );
    for w in critical.windows(2) {
        assert!(html.contains(&format!(
            "class=\"edge critical\" data-from=\"{}\" data-to=\"{}\"",
            w[0], w[1]
        )));
    }
    // The table lists every item, ranked ones in rank order.
    let rows = html.matches("<tr").count() - 1;
    assert_eq!(rows, in_file);
    let positions: Vec<usize> = open
        .iter()
        .map(|id| {
            html.find(&format!("<span class=\"id\">{id}</span>"))
                .expect("row")
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "rank order");
}

#[test]
fn the_page_is_self_contained() {
    let html = page(&["report", BACKLOG]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    let lower = html.to_lowercase();
    for banned in [
        "http://", "https://", "src=", "href=", "@import", "<script", "<link", "//cdn",
    ] {
        assert!(!lower.contains(banned), "found {banned:?}");
    }
    // The only url() references are fragments inside the page (arrow markers).
    for (at, _) in lower.match_indices("url(") {
        assert_eq!(&lower[at + 4..at + 5], "#", "{}", &lower[at..at + 30]);
    }
    assert!(html.contains("<style>") && html.contains("<svg id=\"graph-svg\""));
}

#[test]
fn ids_and_titles_are_escaped() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("evil.toml");
    std::fs::write(
        &path,
        r#"
[[item]]
id = "a<&\">b"
title = "<script>alert('x')</script> & \"quoted\""
description = "</svg><img src=x onerror=alert(1)>"
reach = 10
impact = 1
confidence = 1.0
effort = 1

[[item]]
id = "plain"
title = "Depends on the odd one"
reach = 10
impact = 1
confidence = 1.0
effort = 2
depends_on = ["a<&\">b"]
"#,
    )
    .expect("write");
    let html = page(&["report", path.to_str().expect("utf8")]);
    assert!(!html.contains("<script"), "raw markup leaked");
    assert!(!html.contains("<img"), "raw markup leaked");
    assert!(!html.contains("a<&\">b"));
    assert!(html.contains("data-id=\"a&lt;&amp;&quot;&gt;b\""));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
    );
    assert!(html.contains("data-from=\"a&lt;&amp;&quot;&gt;b\" data-to=\"plain\""));
    assert_eq!(node_ids(&html).len(), 2);
}

#[test]
fn output_file_is_written_once_and_replaced_only_with_force() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("report.html");
    let out_s = out.to_str().expect("utf8");
    let (code, stdout, stderr) = run(&["report", BACKLOG, "-o", out_s]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        format!("{out_s}\n"),
        "the path written is the result"
    );
    assert!(stderr.is_empty(), "{stderr}");
    let first = std::fs::read_to_string(&out).expect("written");
    assert_eq!(first, page(&["report", BACKLOG]), "same page as on stdout");

    std::fs::write(&out, "keep me").expect("overwrite");
    let (code, _, stderr) = run(&["report", BACKLOG, "-o", out_s]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("error: ") && stderr.contains("already exists"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: ") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me");

    let (code, stdout, stderr) = run(&["--quiet", "report", BACKLOG, "-o", out_s, "--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, format!("{out_s}\n"), "--quiet keeps the result");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).expect("read"), first);

    let (code, _, stderr) = run(&["report", BACKLOG, "--force"]);
    assert_eq!(code, Some(2), "--force needs -o: {stderr}");
}

#[test]
fn a_bad_backlog_fails_like_score() {
    for file in [
        "fixtures/backlog/cycles.toml",
        "fixtures/backlog/bad-values.toml",
        "fixtures/backlog/bad-syntax.toml",
        "fixtures/backlog/missing.toml",
    ] {
        let (code, out, err) = run(&["report", file]);
        assert_eq!(code, Some(2), "{file}: {err}");
        assert!(out.is_empty());
        assert!(
            err.starts_with("error: ") && err.contains("hint: "),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        let (_, _, score_err) = run(&["score", file]);
        assert_eq!(err, score_err, "{file}: the same message as `score`");
    }
}

#[test]
fn no_concerns_drops_the_column_and_the_output_is_deterministic() {
    let with = page(&["report", BACKLOG]);
    let without = page(&["report", BACKLOG, "--no-concerns"]);
    assert!(with.contains("<th>Concerns</th>"));
    assert!(!without.contains("<th>Concerns</th>"));
    assert_eq!(node_ids(&with), node_ids(&without));
    assert_eq!(with, page(&["report", BACKLOG]), "same input, same bytes");
}

/// A chain-heavy backlog of `n` items: item k depends on k−1 and k−7 when they exist; every
/// tenth item is done.
fn big_backlog(n: usize) -> String {
    let mut s = String::from("[scoring]\npropagation = \"max\"\n");
    for k in 0..n {
        let _ = write!(
            s,
            "\n[[item]]\nid = \"item-{k}\"\ntitle = \"Item {k}\"\nreach = {}\nimpact = 1\nconfidence = 0.8\neffort = {}\n",
            10 + (k * 37) % 200,
            1 + k % 5
        );
        if k % 10 == 3 {
            s.push_str("status = \"done\"\n");
        }
        let deps: Vec<String> = [1, 7]
            .iter()
            .filter(|&&d| k >= d && k % 4 != 0)
            .map(|d| format!("\"item-{}\"", k - d))
            .collect();
        if !deps.is_empty() {
            let _ = writeln!(s, "depends_on = [{}]", deps.join(", "));
        }
    }
    s
}

#[test]
fn a_large_backlog_draws_a_capped_graph_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("big.toml");
    let n = 1200;
    std::fs::write(&path, big_backlog(n)).expect("write");
    let started = std::time::Instant::now();
    let html = page(&["report", path.to_str().expect("utf8"), "--no-concerns"]);
    let took = started.elapsed();
    assert!(took.as_secs() < 20, "took {took:?}");
    let ids = node_ids(&html);
    assert_eq!(ids.len(), 150, "capped at 150 nodes");
    assert!(html.contains("class=\"note\">Drawing 150 of 1200 items"));
    assert_eq!(
        html.matches("<tr").count() - 1,
        1000,
        "the table lists the first 1000 rows"
    );
    // The best-ranked items are drawn.
    let (_, out, _) = run(&[
        "score",
        path.to_str().expect("utf8"),
        "--format",
        "json",
        "--no-concerns",
        "--top",
        "20",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    for item in v["items"].as_array().expect("items") {
        let id = item["id"].as_str().expect("id");
        assert!(
            ids.iter().any(|x| x == id),
            "{id} is among the top 20 but not drawn"
        );
    }
}

/// The item ids of the table's rows, in order.
fn row_ids(html: &str) -> Vec<String> {
    html.match_indices("<span class=\"id\">")
        .map(|(at, m)| {
            let rest = &html[at + m.len()..];
            rest[..rest.find('<').expect("closing tag")].to_owned()
        })
        .collect()
}

#[test]
fn a_large_backlog_lists_the_best_ranked_rows_and_says_how_to_get_the_rest() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("big.toml");
    // 1200 items, every tenth done: 1080 open, 120 done.
    std::fs::write(&path, big_backlog(1200)).expect("write");
    let p = path.to_str().expect("utf8");
    let (_, out, _) = run(&["score", p, "--format", "json", "--no-concerns"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let ranked: Vec<&str> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|x| x["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ranked.len(), 1080);

    // Default: the 1000 best-ranked, and a visible line saying what is missing and how to
    // get it.
    let capped = page(&["report", p, "--no-concerns"]);
    assert_eq!(row_ids(&capped), ranked[..1000]);
    assert!(
        capped.contains("<p class=\"note\">Listing 1000 of 1200 items: the 1000 best-ranked open items. Left out of the table: 80 open and 120 done items."),
        "no note on the rows left out"
    );
    assert!(capped.contains(&format!(
        "<code>ds01-pm report {p} --rows all</code> lists every item"
    )));
    assert!(capped.contains(&format!(
        "<code>ds01-pm score {p} --format csv</code> exports the whole ranking"
    )));
    assert!(capped.contains("The table below lists the first 1000 by rank."));

    // --rows all: every item, open ones in rank order, then the done ones; no note.
    let all = page(&["report", p, "--no-concerns", "--rows", "all"]);
    let rows = row_ids(&all);
    assert_eq!(rows.len(), 1200);
    assert_eq!(rows[..1080], ranked[..]);
    assert!(!all.contains("Left out of the table"));
    assert!(all.contains("The table below lists every item."));
    assert!(
        capped.len() < all.len(),
        "the cap makes the page smaller: {} vs {} bytes",
        capped.len(),
        all.len()
    );

    // --rows N past the open items takes done items too, and counts what is left.
    let more = page(&["report", p, "--no-concerns", "--rows", "1100"]);
    assert_eq!(row_ids(&more).len(), 1100);
    assert!(more.contains("Listing 1100 of 1200 items: the 1080 best-ranked open items and 20 done items. Left out of the table: 0 open and 100 done items."));

    // A small backlog is listed whole, without a note.
    let small = page(&["report", BACKLOG, "--no-concerns", "--rows", "1000"]);
    assert!(!small.contains("Left out of the table"));

    let (code, out, err) = run(&["report", p, "--rows", "many"]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(
        err.contains("--rows") && err.contains("expected a number of rows or `all`"),
        "{err}"
    );
}

/// The size comes from the rules' reading, so a layer the nearest examples set aside still
/// counts; the human and Markdown reports say so next to that layer's points, and only there.
#[test]
fn a_layer_set_aside_is_marked_in_the_size_reasons() {
    let texts = [
        "Let researchers submit GPU jobs from anywhere without VPN or SSH: point at a GitHub repo with a Dockerfile, the server clones, builds and runs it on N GPUs, and I download whatever it wrote to /output.",
        "Let students keep a container running over the weekend",
        "Re-enable MIG on two of the four A100s for the course",
    ];
    let mut marked = 0;
    for text in texts {
        let json: serde_json::Value = serde_json::from_str(&crate::common::stdout_of(
            crate::common::ds01().args(["analyze", "--format", "json", text]),
            text,
        ))
        .expect("json");
        let kept: Vec<&str> = json["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|l| l["id"].as_str().expect("id"))
            .collect();
        for format in ["human", "markdown"] {
            let out = crate::common::stdout_of(
                crate::common::ds01()
                    .args(["analyze", "--format", format, "--color", "never", text]),
                text,
            )
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
            for r in json["size"]["reasons"].as_array().expect("reasons") {
                let concern = r["concern"].as_str().expect("concern");
                let Some(id) = concern.strip_prefix("layer:") else {
                    continue;
                };
                let points = r["points"].as_f64().expect("points");
                let note = if format == "human" {
                    format!("+{points} {concern} (set aside, still counted)")
                } else {
                    format!("{concern} +{points} (set aside, still counted)")
                };
                if kept.contains(&id) {
                    assert!(!out.contains(&note), "{format}: {id} is kept: {out}");
                } else {
                    assert!(out.contains(&note), "{format}: {id} was set aside: {out}");
                    marked += 1;
                }
            }
        }
    }
    assert!(
        marked > 0,
        "one of the texts has a layer set aside by the nearest examples"
    );
}
