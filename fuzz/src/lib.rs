//! The fuzz harness: one function per target, used by the cargo-fuzz targets in
//! `fuzz_targets/` and, by path, by `tests/it/fuzz_regressions.rs`, which replays every input
//! kept under `fuzz/regressions/<target>/` through the same function on every `cargo test`.
//!
//! Each function feeds bytes to one loader or analysis through the library's public API,
//! renders every output format, and panics if an invariant fails: a crash, a span that does
//! not point at its text, a score that is not finite, a ranking that puts an item above a
//! prerequisite, JSON that does not parse back. It returns `Ok(())` when the input was
//! accepted and `Err(message)` with the tool's message when it was rejected, so that a
//! regression test can also check that a rejection is a located, readable error.
use std::collections::BTreeSet;
use std::sync::OnceLock;

use ds01_pm::analyze::{Analysis, Evidence, analyze as run_analysis};
use ds01_pm::backlog::{self, LoadError, plan, rank};
use ds01_pm::check::{self, CHECKS, Outcome, Settings, Severity};
use ds01_pm::cli::{CheckFormat, GraphFormat, ScoreFormat, TextFormat};
use ds01_pm::report;
use ds01_pm::rules::{self, RuleSet, Source};
use ds01_pm::taxonomy;

/// The embedded default rules, loaded once per process.
fn defaults() -> &'static RuleSet {
    rules::defaults().expect("the embedded rules load")
}

fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn parse_json(what: &str, s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{what}: JSON does not parse back: {e}"))
}

fn assert_evidence(text: &str, ev: &Evidence) {
    assert!(ev.weight.is_finite(), "evidence weight {}", ev.weight);
    if let Some([s, e]) = ev.span {
        assert!(s < e && e <= text.len(), "span {s}..{e} of {}", text.len());
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        assert_eq!(&text[s..e], &*ev.matched, "span does not point at its text");
    }
}

/// What holds for every analysis of `text`.
fn assert_analysis(text: &str, a: &Analysis) {
    let findings = a
        .layers
        .iter()
        .chain(&a.tiers)
        .chain(&a.principles.supported)
        .chain(&a.principles.strained)
        .chain(&a.risks);
    for f in findings {
        assert!(f.score.is_finite() && f.score > 0.0, "score {}", f.score);
        f.evidence.iter().for_each(|e| assert_evidence(text, e));
    }
    a.gpu_impact
        .evidence
        .iter()
        .for_each(|e| assert_evidence(text, e));
    assert!(a.gpu_impact.scores.values().all(|v| v.is_finite()));
    assert!(a.size.points.is_finite() && a.size.points >= 0.0);
    for s in &a.suppressed {
        let [b, e] = s.span;
        assert!(b < e && e <= text.len() && text.is_char_boundary(b) && text.is_char_boundary(e));
        assert_eq!(&text[b..e], s.matched);
    }
    let mut fired = a.rules_fired.clone();
    fired.dedup();
    assert_eq!(fired.len(), a.rules_fired.len(), "a rule is listed twice");
}

/// Render an analysis in every format; the JSON must parse back with its top-level keys.
fn render_analysis(a: &Analysis) {
    // Each renderer once (colour on: it takes the longer path); the checklist is rendered by
    // `analysis` too, so `questions` only adds its own framing.
    let _ = report::analysis(a, None, TextFormat::Human, true);
    let _ = report::analysis(a, None, TextFormat::Markdown, false);
    let _ = report::questions(a, None, TextFormat::Human, false);
    let v = parse_json(
        "analyze",
        &report::analysis(a, None, TextFormat::Json, false),
    );
    for key in [
        "schema_version",
        "summary",
        "layers",
        "tiers",
        "gpu_impact",
        "principles",
        "risks",
        "size",
        "questions",
        "rules_fired",
        "suppressed",
    ] {
        assert!(v.get(key).is_some(), "analyze JSON lacks `{key}`");
    }
    parse_json(
        "questions",
        &report::questions(a, None, TextFormat::Json, false),
    );
}

/// The prefilter never misses a real match, and the analyzer's anchored searches at the
/// prefilter's candidate starts find exactly what each pattern's own `find_iter` finds.
fn assert_prefilter(set: &RuleSet, text: &str) {
    let reported: BTreeSet<(usize, usize)> = set.prefilter_candidates(text).into_iter().collect();
    let through = set.candidate_matches(text);
    for (r, rule) in set.rules.iter().enumerate() {
        for (p, pattern) in rule.patterns.iter().enumerate() {
            let direct: Vec<_> = pattern.regex().find_iter(text).map(|m| m.range()).collect();
            assert!(
                direct.is_empty() || reported.contains(&(r, p)),
                "the prefilter misses pattern `{}` of rule `{}` on {text:?}",
                pattern.source,
                rule.id
            );
            let via = through
                .iter()
                .find(|(k, _)| *k == (r, p))
                .map(|(_, m)| m.clone())
                .unwrap_or_default();
            assert_eq!(
                via, direct,
                "pattern `{}` of rule `{}` on {text:?}",
                pattern.source, rule.id
            );
        }
    }
}

/// `analyze`: any text through the default rules.
pub fn analyze(data: &[u8]) -> Result<(), String> {
    let text = text_of(data);
    assert_prefilter(defaults(), &text);
    let a = run_analysis(defaults(), &text);
    assert_analysis(&text, &a);
    render_analysis(&a);
    Ok(())
}

/// A minimal, complete rule set with no rules, one source per part, so that a fuzzed file can
/// take the place of any of them: every fixed taxonomy id gets a `[[label]]`, plus one risk,
/// the negation cues and the size bands.
fn skeleton() -> &'static [Source] {
    static SKELETON: OnceLock<Vec<Source>> = OnceLock::new();
    SKELETON.get_or_init(|| {
        let labels = |family: &str, ids: &[&str]| {
            let mut s = format!("family = \"{family}\"\n");
            for id in ids {
                s.push_str(&format!(
                    "[[label]]\nid = \"{id}\"\nname = \"{id}\"\ndescription = \"the {id} label\"\nsize = 1\n"
                ));
            }
            s
        };
        let parts = [
            ("layers", labels("layers", taxonomy::LAYERS)),
            ("tiers", labels("tiers", taxonomy::TIERS)),
            ("gpu", labels("gpu", taxonomy::GPU)),
            ("principles", labels("principles", taxonomy::PRINCIPLES)),
            (
                "risks",
                labels(
                    "risks",
                    &["data-loss", "scope-creep", "single-admin-burden", "fairness"],
                ),
            ),
            ("questions", labels("questions", taxonomy::DIMENSIONS)),
            (
                "negation",
                "family = \"extra\"\n[negation]\ncues = \"no|not|without\"\nwindow = 3\n".into(),
            ),
            (
                "size",
                "family = \"size\"\n[[band]]\nsize = \"S\"\nmax_points = 2\ndescription = \"small\"\n\
                 [[band]]\nsize = \"L\"\ndescription = \"large\"\n"
                    .into(),
            ),
        ];
        parts
            .into_iter()
            .map(|(name, text)| Source {
                name: format!("skeleton/{name}.toml"),
                text: text.into(),
                embedded: false,
            })
            .collect()
    })
}

/// `rules`: the first byte is a bit mask of the skeleton parts to leave out (so the fuzzed
/// file can define labels, bands and negation cues itself); the rest is a rule file loaded as
/// user rules on top of the remaining parts. An accepted set must have every pattern compile,
/// a prefilter that never misses a real match, and analyse its own examples soundly.
pub fn rules(data: &[u8]) -> Result<(), String> {
    let Some((&mask, rest)) = data.split_first() else {
        return Ok(());
    };
    let mut sources: Vec<Source> = skeleton()
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) == 0)
        .map(|(_, s)| s.clone())
        .collect();
    sources.push(Source {
        name: "fuzz.toml".into(),
        text: text_of(rest).into(),
        embedded: false,
    });
    // Loading (rules) and proving the examples (the analyzer, a layer up) are two steps.
    let set = match rules::validate(&sources).and_then(ds01_pm::analyze::prove_user_rules) {
        Ok(set) => set,
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.trim().is_empty(), "an empty error message");
            // Every pattern that passed its own check must also build the prefilter.
            assert!(
                !msg.contains("combined pattern set does not compile"),
                "valid patterns broke the prefilter: {msg}"
            );
            return Err(msg);
        }
    };
    let problems = set.compile_all();
    assert!(
        problems.is_empty(),
        "accepted patterns fail to compile: {problems:?}"
    );
    let mut texts: Vec<&str> = set
        .rules
        .iter()
        .flat_map(|r| r.examples_match.iter().chain(&r.examples_no_match))
        .map(|t| &**t)
        .collect();
    let joined = texts.join(". ");
    texts.push(&joined);
    for text in texts {
        assert_prefilter(&set, text);
        let a = run_analysis(&set, text);
        assert_analysis(text, &a);
    }
    let _ = report::rules_list(&set, ds01_pm::cli::ListFormat::Human);
    parse_json(
        "rules list",
        &report::rules_list(&set, ds01_pm::cli::ListFormat::Json),
    );
    Ok(())
}

/// `backlog`: a backlog file through parse, validation, ranking, sensitivity, planning and
/// every renderer. Findings must be located inside the file; a ranking must never put an item
/// above an open prerequisite, and every score must be finite.
pub fn backlog(data: &[u8]) -> Result<(), String> {
    let text = text_of(data);
    let lines = text.lines().count().max(1);
    let b = match backlog::parse(&text) {
        Ok(b) => b,
        Err(LoadError::Tool(e)) => return Err(e.to_string()),
        Err(LoadError::Findings(findings)) => {
            assert!(!findings.is_empty(), "rejected without a finding");
            for f in &findings {
                assert!(
                    f.line >= 1 && f.line <= lines + 1 && f.col >= 1,
                    "finding {} at {}:{} outside a {lines}-line file",
                    f.code,
                    f.line,
                    f.col
                );
            }
            for format in [ScoreFormat::Human, ScoreFormat::Csv, ScoreFormat::Markdown] {
                let _ = report::backlog::findings("fuzz.toml", &findings, format);
            }
            parse_json(
                "score --check",
                &report::backlog::findings("fuzz.toml", &findings, ScoreFormat::Json),
            );
            return Err(findings
                .iter()
                .map(|f| format!("{}:{}: {} {}", f.line, f.col, f.code, f.message))
                .collect::<Vec<_>>()
                .join("\n"));
        }
    };
    let r = rank::rank(&b);
    let open = b.items.iter().filter(|it| it.is_open()).count();
    assert_eq!(r.order.len(), open, "every open item is ranked once");
    for (i, it) in b.items.iter().enumerate() {
        assert!(
            r.own[i].is_finite(),
            "own score of {} is {}",
            it.id,
            r.own[i]
        );
        assert!(
            r.effective.score[i].is_finite(),
            "effective score of {} is {}",
            it.id,
            r.effective.score[i]
        );
        assert!(r.chain_effort[i].is_finite());
        let Some(me) = r.rank[i] else { continue };
        for &p in &it.prereqs {
            if let Some(pr) = r.rank[p] {
                assert!(pr < me, "{} ranks above its prerequisite", it.id);
            }
        }
    }
    assert!(r.critical_effort.is_finite());
    let sens = rank::sensitivity(&b, &r, 5);
    let p = plan::plan(&b, &r, 8.0, 3);
    for ph in &p.phases {
        assert!(ph.used <= 8.0 + 1e-9, "a phase over capacity");
    }
    let concerns = backlog::concerns::annotate(&b, defaults());
    for format in [
        ScoreFormat::Human,
        ScoreFormat::Json,
        ScoreFormat::Csv,
        ScoreFormat::Markdown,
    ] {
        let view = report::backlog::ScoreView {
            path: "fuzz.toml",
            backlog: &b,
            ranking: &r,
            concerns: Some(&concerns),
            top: None,
            critical_path: true,
            sensitivity: Some(&sens),
        };
        let out = report::backlog::score(&view, format);
        let planned = report::backlog::plan(&b, &r, &p, format);
        if format == ScoreFormat::Json {
            let v = parse_json("score", &out);
            assert!(v.get("schema_version").is_some() && v.get("items").is_some());
            parse_json("plan", &planned);
        }
    }
    for i in 0..b.items.len().min(8) {
        let _ = report::backlog::explain(&b, &r, i);
    }
    for format in [GraphFormat::Dot, GraphFormat::Mermaid] {
        let _ = report::backlog::graph(&b, &r, format);
    }
    Ok(())
}

/// `check`: a proposal through the parser and every check with the default settings, then
/// every output format. Findings must point inside the document, in order.
pub fn check(data: &[u8]) -> Result<(), String> {
    let text = text_of(data);
    let settings = Settings::default();
    let file = check::check_text(defaults(), &settings, "fuzz.md", &text);
    let lines = text.lines().count().max(1);
    for f in &file.findings {
        assert!(
            f.line >= 1 && f.line <= lines + 1 && f.column >= 1,
            "{} at {}:{} outside a {lines}-line document",
            f.code,
            f.line,
            f.column
        );
    }
    let key = |f: &check::Finding| (f.line, f.column, f.code);
    assert!(
        file.findings.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
        "findings out of order"
    );
    let outcome = Outcome {
        schema_version: check::SCHEMA_VERSION,
        fail_level: Severity::Error,
        files: vec![file],
        checks: CHECKS
            .iter()
            .map(|c| (c, settings.severity_of(c)))
            .collect(),
    };
    for format in [
        CheckFormat::Human,
        CheckFormat::Github,
        CheckFormat::Junit,
        CheckFormat::Line,
        CheckFormat::Comment,
    ] {
        let _ = report::check::render(&outcome, format, false);
    }
    let v = parse_json(
        "check",
        &report::check::render(&outcome, CheckFormat::Json, false),
    );
    assert!(v.get("schema_version").is_some() && v.get("files").is_some());
    parse_json(
        "check sarif",
        &report::check::render(&outcome, CheckFormat::Sarif, false),
    );
    Ok(())
}
