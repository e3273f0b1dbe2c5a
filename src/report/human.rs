//! Human-readable output: comfy-table tables and short headed sections.
use std::fmt::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use crate::analyze::ExampleFailure;
use crate::analyze::questions::Item;
use crate::analyze::{Analysis, Evidence, Finding};
use crate::eval::EvalResult;
use crate::llm::{Doctor, Suggestions};
use crate::rules::{Rule, RuleSet};

/// Width used when stdout is not a terminal, so piped output is stable.
const PIPE_WIDTH: u16 = 110;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn head(&self, s: &str) -> String {
        self.wrap("1;36", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn warn(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn good(&self, s: &str) -> String {
        self.wrap("32", s)
    }
}

fn table(header: &[&str]) -> Table {
    table_with_width(header, PIPE_WIDTH)
}

/// A comfy-table in the house style; `pipe_width` is used when stdout is not a terminal, so
/// piped output is stable.
pub(super) fn table_with_width(header: &[&str], pipe_width: u16) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if !t.is_tty() {
        t.set_width(pipe_width);
    }
    t
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    wrap_hanging(text, width, indent, indent)
}

/// Word-wrap with a different indent for continuation lines (numbered and bulleted lists).
pub(super) fn wrap_hanging(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let mut indent = first;
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
            indent = rest;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// The first three examples of a statistical reading: `ds01-train#x 0.31, …`.
pub(crate) fn nearest_examples(n: &[crate::analyze::neighbours::Neighbour]) -> String {
    let mut shown: Vec<String> = n
        .iter()
        .take(3)
        .map(|x| format!("{} {:.2}", super::escape::term(&x.example), x.similarity))
        .collect();
    if n.len() > 3 {
        shown.push(format!("+{} more", n.len() - 3));
    }
    shown.join(", ")
}

fn evidence_cell(ev: &[Evidence]) -> String {
    // One line per rule: the texts it matched, then the rule id.
    let mut by_rule: Vec<(&str, Vec<String>)> = Vec::new();
    for e in ev {
        let text = if e.span.is_some() {
            format!("“{}”", super::escape::term(e.matched.trim()))
        } else if !e.words.is_empty() {
            // The word model: its probability and the words that weighed most.
            let words: Vec<String> = (e.words.iter())
                .map(|w| super::escape::term(w).into_owned())
                .collect();
            // Rounded down, as the reasons under "Ignored" give it.
            format!(
                "p {:.2} from “{}”",
                crate::analyze::floor2(e.weight),
                words.join("”, “")
            )
        } else if !e.neighbours.is_empty() {
            format!("like {}", nearest_examples(&e.neighbours))
        } else {
            format!("inferred from {}", e.inferred_from.join(", "))
        };
        match by_rule.iter_mut().find(|(r, _)| *r == &*e.rule) {
            Some((_, texts)) if !texts.contains(&text) => texts.push(text),
            Some(_) => {}
            None => by_rule.push((&e.rule, vec![text])),
        }
    }
    let mut lines: Vec<String> = by_rule
        .iter()
        .map(|(rule, texts)| format!("{} ← {rule}", texts.join(", ")))
        .collect();
    let extra = lines.len().saturating_sub(3);
    lines.truncate(3);
    if extra > 0 {
        lines.push(format!("(+{extra} more; --format json lists all)"));
    }
    lines.join("\n")
}

fn finding_rows(t: &mut Table, what: &str, findings: &[Finding], with_id: bool) {
    for (i, f) in findings.iter().enumerate() {
        let value = if with_id {
            format!("{} {}", f.id, f.name)
        } else {
            f.id.clone()
        };
        t.add_row(vec![
            if i == 0 {
                what.to_owned()
            } else {
                String::new()
            },
            value,
            format!("{:.2}", f.score),
            evidence_cell(&f.evidence),
        ]);
    }
}

fn top_questions(out: &mut String, p: &Paint, items: &[Item]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", p.head("Ask first"));
    for (i, q) in items.iter().enumerate() {
        let line = format!(
            "{}. {} {}",
            i + 1,
            q.text,
            p.dim(&format!("[{}]", q.dimension))
        );
        out.push_str(&wrap_hanging(&line, 96, "  ", "     "));
    }
}

/// The trade-off table of each design choice, and its recommendation.
fn tradeoffs(out: &mut String, p: &Paint, list: &[crate::analyze::tradeoffs::TradeOff]) {
    let dash = |v: &[String]| {
        if v.is_empty() {
            "—".to_owned()
        } else {
            v.join(", ")
        }
    };
    for t in list {
        let _ = writeln!(
            out,
            "\n{}",
            p.head(&format!("Trade-offs: {} ({})", t.choice, t.rule))
        );
        let mut tab = table(&["Option", "Supports", "Strains", "Effort", "Admin burden"]);
        for o in &t.options {
            tab.add_row(vec![
                o.name.clone(),
                dash(&o.supports),
                dash(&o.strains),
                o.effort.clone().unwrap_or_else(|| "?".into()),
                o.admin_burden.clone().unwrap_or_else(|| "?".into()),
            ]);
        }
        let _ = writeln!(out, "{tab}");
        if let Some(r) = &t.recommendation {
            out.push_str(&wrap_hanging(
                &format!("Recommendation: {}: {}.", r.option, r.reason),
                96,
                "  ",
                "    ",
            ));
        }
    }
}

/// `analyze`: summary, concern table, size, first questions.
pub(super) fn analysis(a: &Analysis, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.head("What I understood"));
    out.push_str(&wrap(&a.summary, 96, "  "));
    out.push('\n');

    let mut t = table(&[
        "Concern",
        "Value",
        "Score",
        "Evidence (matched text ← rule)",
    ]);
    finding_rows(&mut t, "Layers", &a.layers, true);
    finding_rows(&mut t, "Tiers", &a.tiers, false);
    t.add_row(vec![
        "GPU impact".to_owned(),
        a.gpu_impact.value.clone(),
        format!(
            "{:.2}",
            // The word model's value shows its probability; the rules' value its score.
            match a.gpu_impact.evidence.iter().find(|e| e.is_from_examples()) {
                Some(e) => e.weight,
                None => a
                    .gpu_impact
                    .scores
                    .get(&a.gpu_impact.value)
                    .copied()
                    .unwrap_or(0.0),
            }
        ),
        if a.gpu_impact.evidence.is_empty() {
            if a.gpu_impact.scores.values().any(|v| *v > 0.0) {
                // Weak or context cues only (a bare mention, components named in passing).
                "GPUs only in passing: no allocation change read".to_owned()
            } else {
                "no GPU signal".to_owned()
            }
        } else {
            evidence_cell(&a.gpu_impact.evidence)
        },
    ]);
    finding_rows(&mut t, "Supports", &a.principles.supported, false);
    finding_rows(&mut t, "Strains", &a.principles.strained, false);
    finding_rows(&mut t, "Risks", &a.risks, false);
    let reasons: Vec<String> = a
        .size
        .reasons
        .iter()
        .map(|r| format!("+{} {}{}", r.points, r.concern, super::set_aside_note(a, r)))
        .collect();
    t.add_row(vec![
        "Size".to_owned(),
        a.size.tshirt.clone(),
        format!("{:.1}", a.size.points),
        if reasons.is_empty() {
            a.size.band.clone()
        } else {
            format!("{}\n{}", a.size.band, reasons.join(", "))
        },
    ]);
    let _ = writeln!(out, "{t}");
    let term = |s: &str| super::escape::term(s).into_owned();
    if let Some(line) = super::ignored_line(a, term, term) {
        let _ = write!(out, "{}", p.dim(&wrap(&line, 100, "")));
    }
    top_questions(&mut out, &p, &a.questions.top);
    tradeoffs(&mut out, &p, &a.tradeoffs);
    let _ = writeln!(out, "\n{}", p.dim(&format!("{} questions in all: run `ds01-pm questions` with the same text for the full checklist.", a.questions.len())));
    out
}

/// `questions`: summary, first questions, then every dimension.
pub(super) fn questions(a: &Analysis, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.head("What I understood"));
    out.push_str(&wrap(&a.summary, 96, "  "));
    top_questions(&mut out, &p, &a.questions.top);
    for g in &a.questions.groups {
        if g.questions.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}",
            p.head(&format!("{} ({})", g.name, g.dimension))
        );
        for q in &g.questions {
            let from = q
                .sources
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            let line = format!(
                "- {} {}",
                q.text,
                p.dim(&format!("[p{}; {from}]", q.priority))
            );
            out.push_str(&wrap_hanging(&line, 96, "  ", "    "));
        }
    }
    out
}

/// `rules list`.
pub(super) fn rules_list(set: &RuleSet) -> String {
    let mut t = table(&["Rule", "Family", "Signals", "Summary"]);
    for r in &set.rules {
        let signals: Vec<String> = r
            .signals
            .iter()
            .map(|(c, w)| {
                if (*w - 1.0).abs() < 1e-9 {
                    c.to_string()
                } else {
                    format!("{c}×{w}")
                }
            })
            .collect();
        t.add_row(vec![
            r.id.clone(),
            r.family.name().to_owned(),
            signals.join("\n"),
            r.summary.clone(),
        ]);
    }
    format!(
        "{t}\n{} rules from {} files\n",
        set.rules.len(),
        set.sources.len()
    )
}

/// `rules show`.
pub(super) fn rule_detail(r: &Rule, follows: Option<&Rule>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}, {})", r.id, r.family.name(), r.location);
    let _ = writeln!(out, "{}\n", r.summary);
    out.push_str(&wrap(&r.why, 96, "  "));
    let list = |out: &mut String, head: &str, items: Vec<String>| {
        if !items.is_empty() {
            let _ = writeln!(out, "\n{head}:");
            for i in items {
                let _ = writeln!(out, "  {i}");
            }
        }
    };
    list(
        &mut out,
        "Patterns",
        r.patterns.iter().map(|p| p.source.to_string()).collect(),
    );
    list(
        &mut out,
        "Excluded when the sentence matches",
        r.exclude.iter().map(|p| p.source.to_string()).collect(),
    );
    if let Some(f) = follows {
        let how = if r.patterns.is_empty() {
            "Fires only where this rule fired, with its evidence"
        } else {
            "Also fires where this rule fired"
        };
        list(&mut out, how, vec![f.id.to_string()]);
    }
    list(
        &mut out,
        "Only when",
        r.when.iter().map(ToString::to_string).collect(),
    );
    list(
        &mut out,
        "Not when",
        r.unless.iter().map(ToString::to_string).collect(),
    );
    list(
        &mut out,
        "Not when these rules match the text",
        r.unless_fired.iter().map(|(_, id)| id.clone()).collect(),
    );
    list(
        &mut out,
        "Signals",
        r.signals
            .iter()
            .map(|(c, w)| format!("{c} (weight {w})"))
            .collect(),
    );
    list(
        &mut out,
        "Questions",
        r.questions
            .iter()
            .map(|q| format!("[{} p{}] {}", q.dimension, q.priority, q.text))
            .collect(),
    );
    options(&mut out, &r.options);
    list(
        &mut out,
        "Must match",
        r.examples_match.iter().map(ToString::to_string).collect(),
    );
    list(
        &mut out,
        "Must not match",
        r.examples_no_match
            .iter()
            .map(ToString::to_string)
            .collect(),
    );
    if !r.negatable {
        let _ = writeln!(out, "\nNegation cues do not cancel this rule.");
    }
    if r.context {
        out.push('\n');
        out.push_str(&wrap(
            "Context: its evidence places a text, but in the GPU contest it never outweighs a cue \
             that the change is not about allocation, nor decides the mode.",
            96,
            "",
        ));
    }
    if r.reports {
        out.push('\n');
        out.push_str(&wrap(
            "Reports what a document says: from its match to the end of the sentence (or to a \
             turn such as \"but\", \"so\", \"please\" or a semicolon), the text is that \
             document's content: GPU words there count as context in the GPU contest, and hits \
             that lie wholly there raise no risk and strain no principle.",
            96,
            "",
        ));
    }
    if r.tells {
        out.push('\n');
        out.push_str(&wrap(
            "Marks a message a command, wizard or notice is asked to give: from its match to \
             the end of the sentence (or to a turn such as \"but\", \", so\", \"please\", \
             \", and\", a second \"should\" or a semicolon), the text is the message's content. \
             A host layer (L0) read only there is what the message describes, and is set aside \
             when a user layer (L2-L4) is read outside it; the other readings of those words \
             stay.",
            96,
            "",
        ));
    }
    if r.default_audience {
        out.push('\n');
        out.push_str(&wrap(
            "Default audience: it says whom a change is for only when nothing more specific is \
             said, and yields when the text names the admin's own tooling and no user tier, user \
             command or wizard.",
            96,
            "",
        ));
    }
    if r.admin_tooling {
        out.push('\n');
        out.push_str(&wrap(
            "Admin tooling: naming it makes the admin the audience; default audiences (first \
             person, \"containers\", \"users\") yield to it unless the text names a user tier, a \
             user command or a wizard.",
            96,
            "",
        ));
    }
    if r.firm_layer {
        out.push('\n');
        out.push_str(&wrap(
            "Firm layer: the layer it reads is never set aside by the nearest labelled examples or \
             the word model (what the text names is what it is about).",
            96,
            "",
        ));
    }
    if r.stated_audience {
        out.push('\n');
        out.push_str(&wrap(
            "Stated audience: what the text says in so many words about whom a change is for, \
             where it names no tier; it counts as named, so the admin is not inferred for a \
             host-only change and the generic defaults of the same tiers do not fire beside it.",
            96,
            "",
        ));
    }
    out
}

/// The design options a rule carries, with their trade-offs (`rules show`, `explain`).
pub(super) fn options(out: &mut String, options: &[crate::rules::DesignOption]) {
    if options.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nOptions to weigh:");
    for o in options {
        out.push_str(&wrap_hanging(&format!("* {}", o.name), 96, "  ", "    "));
        for g in &o.good {
            out.push_str(&wrap_hanging(&format!("+ {g}"), 94, "    ", "      "));
        }
        for b in &o.bad {
            out.push_str(&wrap_hanging(&format!("- {b}"), 94, "    ", "      "));
        }
    }
}

/// `rules check`.
pub(super) fn self_test(set: &RuleSet, failures: &[ExampleFailure], color: bool) -> String {
    let p = Paint { on: color };
    let examples: usize = set
        .rules
        .iter()
        .map(|r| r.examples_match.len() + r.examples_no_match.len())
        .sum();
    let mut out = String::new();
    for f in failures {
        let _ = writeln!(
            out,
            "{}: rule `{}`: example {} “{}”",
            f.location,
            f.rule,
            f.verdict(),
            f.example
        );
    }
    if failures.is_empty() && super::verbosity() == super::Verbosity::Quiet {
        return out;
    }
    let verdict = if failures.is_empty() {
        p.good(&format!(
            "ok: {} rules from {} files valid; {examples} examples pass",
            set.rules.len(),
            set.sources.len()
        ))
    } else {
        p.warn(&format!("{} of {examples} examples fail", failures.len()))
    };
    let _ = writeln!(out, "{verdict}");
    out
}

/// `rules eval`.
pub(super) fn eval(r: &EvalResult) -> String {
    let mut out = String::new();
    let mut t = table(&[
        "Field",
        "Precision",
        "Recall",
        "F1 (micro)",
        "TP",
        "FP",
        "FN",
    ]);
    for f in &r.fields {
        let m = &f.micro;
        t.add_row(vec![
            f.field.clone(),
            format!("{:.3}", m.precision),
            format!("{:.3}", m.recall),
            format!("{:.3}", m.f1),
            m.tp.to_string(),
            m.fp.to_string(),
            m.fn_.to_string(),
        ]);
    }
    let _ = writeln!(out, "{} items\n{t}", r.items);
    for b in &r.baselines {
        let ours = r.fields.iter().find(|f| f.field == b.field);
        let _ = writeln!(
            out,
            "Baseline: always answering {} = [{}] scores F1 {:.3} (precision {:.3}, recall {:.3}){}",
            b.field,
            b.answer.join(", "),
            b.micro.f1,
            b.micro.precision,
            b.micro.recall,
            ours.map_or_else(String::new, |f| format!("; ds01-pm: {:.3}", f.micro.f1))
        );
    }
    if !r.rules_alone.is_empty() {
        let alone: Vec<String> = r
            .rules_alone
            .iter()
            .map(|f| format!("{} {:.3}", f.field, f.micro.f1))
            .collect();
        let _ = writeln!(
            out,
            "The rules alone, without the readings learned from the labelled examples (--no-examples): F1 {}. An item is never its own nearest example, and the word model reads it with a model trained without it.",
            alone.join(", ")
        );
    }
    let mut t = table(&["Field", "Label", "Precision", "Recall", "F1", "Support"]);
    for f in &r.fields {
        for (label, s) in &f.per_label {
            t.add_row(vec![
                f.field.clone(),
                label.clone(),
                format!("{:.3}", s.precision),
                format!("{:.3}", s.recall),
                format!("{:.3}", s.f1),
                (s.tp + s.fn_).to_string(),
            ]);
        }
    }
    let _ = writeln!(out, "\nPer label\n{t}");
    if r.misses.is_empty() {
        let _ = writeln!(out, "\nNo item was misclassified.");
    } else {
        let _ = writeln!(out, "\nMisclassified ({} field values)", r.misses.len());
        for m in &r.misses {
            let _ = writeln!(
                out,
                "  {} {}: missing [{}] extra [{}]",
                m.id,
                m.field,
                m.missing.join(", "),
                m.extra.join(", ")
            );
        }
    }
    if !r.items_without_concerns.is_empty() {
        let _ = writeln!(
            out,
            "\nItems with no concern at all: {}",
            r.items_without_concerns.join(", ")
        );
    }
    out
}

/// The model's suggestions, set apart and labelled as model output.
pub(super) fn llm(s: &Suggestions, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}",
        p.head(&format!(
            "Model suggestions (LLM output from `{}`, not rule findings)",
            s.model
        ))
    );
    if let Some(n) = &s.narrative {
        out.push_str(&wrap(n, 96, "  "));
    }
    if let Some(c) = &s.classification {
        let mut parts = Vec::new();
        if !c.layers.is_empty() {
            parts.push(format!("layers {}", c.layers.join(", ")));
        }
        if !c.tiers.is_empty() {
            parts.push(format!("tiers {}", c.tiers.join(", ")));
        }
        if let Some(g) = &c.gpu_impact {
            parts.push(format!("GPU impact {g}"));
        }
        if !c.principles.is_empty() {
            parts.push(format!("principles {}", c.principles.join(", ")));
        }
        out.push_str(&wrap(
            &format!("Suggested classification: {}.", parts.join("; ")),
            96,
            "  ",
        ));
    }
    for q in &s.questions {
        out.push_str(&wrap_hanging(
            &format!("- {} {}", q.text, p.dim(&format!("[{}]", q.dimension))),
            96,
            "  ",
            "    ",
        ));
    }
    if s.ignored > 0 {
        let _ = writeln!(
            out,
            "  {}",
            p.dim(&format!(
                "({} item(s) of the answer failed validation and were dropped)",
                s.ignored
            ))
        );
    }
    out
}

/// `llm doctor`.
pub(super) fn llm_discovery(d: &crate::llm::Discovery) -> String {
    let mut t = table(&["Server", "Protocol", "Answer", "Models"]);
    for s in &d.servers {
        let answer = if s.reachable {
            let ok: Vec<&str> = s
                .probes
                .iter()
                .filter(|p| p.ok)
                .map(|p| p.path.as_str())
                .collect();
            if ok.is_empty() {
                "reachable".to_owned()
            } else {
                format!("reachable ({})", ok.join(", "))
            }
        } else {
            "no answer".to_owned()
        };
        t.add_row(vec![
            s.base_url.clone(),
            format!("{:?}", s.protocol).to_lowercase(),
            answer,
            if s.models.is_empty() {
                "—".to_owned()
            } else {
                s.models.join(", ")
            },
        ]);
    }
    let next = match &d.suggestion {
        Some(table) => format!(
            "No model is configured. To use the first one served, add this to ds01-pm.toml:\n\n{table}"
        ),
        None => "No model is configured and no local model server listed a model. Start one (e.g. `ollama serve` and `ollama pull MODEL`), or set base_url and model under [llm] in ds01-pm.toml.\n".to_owned(),
    };
    format!("{t}\n{next}")
}

pub(super) fn llm_doctor(d: &Doctor) -> String {
    let mut t = table(&["Probe", "Result", "Round trip"]);
    for probe in &d.probes {
        t.add_row(vec![
            format!("{}{}", d.base_url, probe.path),
            format!("{} {}", if probe.ok { "ok" } else { "—" }, probe.note),
            format!("{:.1} ms", probe.rtt_ms),
        ]);
    }
    let served = match d.model_served {
        Some(true) => format!("model `{}` is served", d.model),
        Some(false) => format!(
            "model `{}` is NOT served; the server lists: {}",
            d.model,
            d.models.join(", ")
        ),
        None => format!(
            "the server lists no models; `{}` cannot be checked",
            d.model
        ),
    };
    let verdict = if d.healthy() {
        "healthy"
    } else if d.reachable {
        "reachable, but not usable"
    } else {
        "unreachable"
    };
    format!(
        "{t}
{}: {verdict}; {served} (protocol {:?})\n",
        d.base_url, d.protocol
    )
}
