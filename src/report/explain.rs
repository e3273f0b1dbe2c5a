//! `explain` output: human (wrapped prose and lists) and JSON (one stable shape per kind).
use std::fmt::Write;

use serde::Serialize;

use super::human::wrap_hanging;
use crate::cli::ListFormat;
use crate::explain::{Explanation, Listing, RuleRef, SCHEMA_VERSION, label_kind};
use crate::rules::{Family, GenericQuestion, Question};

const WIDTH: usize = 96;

fn head(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1;36m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// Paragraphs separated by blank lines; lines starting with `- ` are bullets.
fn prose(out: &mut String, text: &str) {
    for (i, para) in text.split("\n\n").enumerate() {
        if para.trim().is_empty() {
            continue;
        }
        if i > 0 {
            out.push('\n');
        }
        let mut plain = String::new();
        let flush = |out: &mut String, plain: &mut String| {
            if !plain.trim().is_empty() {
                out.push_str(&wrap_hanging(plain, WIDTH, "  ", "  "));
            }
            plain.clear();
        };
        for line in para.lines() {
            let line = line.trim();
            if let Some(bullet) = line.strip_prefix("- ") {
                flush(out, &mut plain);
                out.push_str(&wrap_hanging(&format!("- {bullet}"), WIDTH, "  ", "    "));
            } else {
                plain.push(' ');
                plain.push_str(line);
            }
        }
        flush(out, &mut plain);
    }
}

/// `  id  text`, the text wrapped in a column after the widest id.
fn column(out: &mut String, w: usize, id: &str, text: &str) {
    let id = super::escape::term(id);
    let first = format!("  {id:<w$}  ");
    let rest = " ".repeat(w + 4);
    out.push_str(&wrap_hanging(
        text,
        WIDTH.saturating_sub(w + 4).max(40),
        &first,
        &rest,
    ));
}

fn listing(out: &mut String, l: &Listing, color: bool, with_summary: bool) {
    let _ = writeln!(out, "\n{}", head(&l.title, color));
    let w = l
        .items
        .iter()
        .map(|i| i.id.chars().count())
        .max()
        .unwrap_or(0);
    for i in &l.items {
        let text = if with_summary {
            format!("{}: {}", i.name, i.summary)
        } else if matches!(
            l.list.as_str(),
            "rule" | "check" | "backlog-check" | "topics"
        ) {
            i.summary.clone()
        } else {
            i.name.clone()
        };
        column(out, w, &i.id, &text);
    }
}

fn questions(out: &mut String, title: &str, qs: &[Question], color: bool) {
    if qs.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", head(title, color));
    for q in qs {
        let line = format!("- {} [{} p{}]", q.text, q.dimension, q.priority);
        out.push_str(&wrap_hanging(&line, WIDTH, "  ", "    "));
    }
}

fn rules(out: &mut String, refs: &[RuleRef], color: bool) {
    let _ = writeln!(out, "\n{}", head("Rules that can establish it", color));
    if refs.is_empty() {
        out.push_str("  none in the rules in use\n");
        return;
    }
    let w = refs.iter().map(|r| r.id.chars().count()).max().unwrap_or(0);
    for r in refs {
        let how = format!(
            "{}{}{}",
            r.signal,
            if (r.weight - 1.0).abs() < 1e-9 {
                String::new()
            } else {
                format!(" ×{}", r.weight)
            },
            if r.inferred { ", inferred" } else { "" }
        );
        column(out, w, &r.id, &format!("{} ({how})", r.summary));
    }
}

fn human(e: &Explanation<'_>, color: bool) -> String {
    let mut out = String::new();
    match e {
        Explanation::Topic { topic, lists } => {
            let also = if topic.aliases.is_empty() {
                String::new()
            } else {
                format!("; also: {}", topic.aliases.join(", "))
            };
            let _ = writeln!(
                out,
                "{}  (topic `{}`{also})\n",
                head(&topic.name, color),
                topic.id
            );
            prose(&mut out, &topic.body);
            for l in lists {
                listing(&mut out, l, color, true);
            }
            if !topic.see_also.is_empty() {
                let _ = writeln!(
                    out,
                    "\nSee also: {}  (ds01-pm explain TOPIC)",
                    topic.see_also.join(", ")
                );
            }
        }
        Explanation::Label {
            label,
            rules: refs,
            framework,
        } => {
            let _ = writeln!(
                out,
                "{}  ({}; {})\n",
                head(&format!("{} {}", label.id, label.name), color),
                label_kind(label.family),
                label.location
            );
            prose(&mut out, &label.description);
            if let Some(d) = &label.details {
                out.push('\n');
                prose(&mut out, d);
            }
            if label.size > 0.0 {
                let _ = writeln!(
                    out,
                    "\n  Adds {} point(s) to the t-shirt size when established{}.",
                    label.size,
                    if label.family == Family::Principles {
                        " as strained"
                    } else {
                        ""
                    }
                );
            }
            if label.family == Family::Questions {
                let qs: Vec<Question> = framework.iter().map(|q| q.question.clone()).collect();
                questions(
                    &mut out,
                    "Framework questions in this dimension",
                    &qs,
                    color,
                );
            } else {
                rules(&mut out, refs, color);
                let when = match label.family {
                    Family::Principles => "Questions it adds when strained",
                    _ => "Questions it adds when established",
                };
                questions(&mut out, when, &label.questions, color);
            }
        }
        Explanation::Rule(r, follows) => {
            out.push_str(&super::human::rule_detail(r, *follows));
        }
        Explanation::Check(c) => {
            let _ = writeln!(
                out,
                "{}  (check, default severity {}{})\n",
                head(&format!("{} {}", c.code, c.name), color),
                c.severity.name(),
                if c.suppressible {
                    ""
                } else {
                    ", cannot be suppressed"
                }
            );
            prose(&mut out, c.summary);
            out.push('\n');
            prose(&mut out, c.help);
        }
        Explanation::BacklogCheck(c) => {
            let _ = writeln!(
                out,
                "{}  (backlog check, error: `score`, `plan`, `graph` and `report` refuse the file; `score --check` reports it)\n",
                head(&format!("{} {}", c.code, c.name), color),
            );
            prose(&mut out, c.summary);
            out.push('\n');
            prose(&mut out, c.help);
        }
    }
    out
}

#[derive(Serialize)]
struct Envelope<T: Serialize> {
    schema_version: u32,
    kind: &'static str,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct TopicJson<'a> {
    id: &'a str,
    name: &'a str,
    aliases: &'a [String],
    summary: &'a str,
    body: &'a str,
    lists: &'a [Listing],
    see_also: &'a [String],
}

#[derive(Serialize)]
struct LabelJson<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    details: Option<&'a str>,
    size: f64,
    /// Questions the label adds (for principles: when strained).
    questions: &'a [Question],
    rules: &'a [RuleRef],
    #[serde(skip_serializing_if = "Option::is_none")]
    framework_questions: Option<Vec<&'a GenericQuestion>>,
}

/// A backlog code with its severity (always an error), in the shape of a proposal check.
#[derive(Serialize)]
struct BacklogCheckJson {
    #[serde(flatten)]
    info: &'static crate::diag::backlog::CodeInfo,
    severity: crate::check::Severity,
}

fn json(e: &Explanation<'_>) -> String {
    match e {
        Explanation::Topic { topic, lists } => super::json(&Envelope {
            schema_version: SCHEMA_VERSION,
            kind: "topic",
            body: TopicJson {
                id: &topic.id,
                name: &topic.name,
                aliases: &topic.aliases,
                summary: &topic.summary,
                body: &topic.body,
                lists,
                see_also: &topic.see_also,
            },
        }),
        Explanation::Label {
            label,
            rules,
            framework,
        } => super::json(&Envelope {
            schema_version: SCHEMA_VERSION,
            kind: label_kind(label.family),
            body: LabelJson {
                id: &label.id,
                name: &label.name,
                description: &label.description,
                details: label.details.as_deref(),
                size: label.size,
                questions: &label.questions,
                rules,
                framework_questions: (label.family == Family::Questions).then(|| framework.clone()),
            },
        }),
        Explanation::Rule(r, follows) => super::json(&Envelope {
            schema_version: SCHEMA_VERSION,
            kind: "rule",
            body: super::rule_json(r, *follows),
        }),
        Explanation::Check(c) => super::json(&Envelope {
            schema_version: SCHEMA_VERSION,
            kind: "check",
            body: c,
        }),
        Explanation::BacklogCheck(c) => super::json(&Envelope {
            schema_version: SCHEMA_VERSION,
            kind: "backlog-check",
            body: BacklogCheckJson {
                info: c,
                severity: crate::check::Severity::Error,
            },
        }),
    }
}

/// `explain TOPIC`.
pub fn explanation(e: &Explanation<'_>, format: ListFormat, color: bool) -> String {
    match format {
        ListFormat::Human => super::escape::finish_text(human(e, color), color),
        ListFormat::Json => json(e),
    }
}

/// `explain` without a topic: every topic, grouped by kind.
pub fn index(groups: &[Listing], format: ListFormat, color: bool) -> String {
    if format == ListFormat::Json {
        #[derive(Serialize)]
        struct Groups<'a> {
            groups: &'a [Listing],
        }
        return super::json(&Envelope {
            schema_version: SCHEMA_VERSION,
            kind: "index",
            body: Groups { groups },
        });
    }
    let mut out = String::from("Topics of `ds01-pm explain TOPIC` (case-insensitive), by kind:\n");
    for g in groups {
        listing(&mut out, g, color, false);
    }
    super::escape::finish_text(out, color)
}
