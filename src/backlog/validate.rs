//! Raw backlog -> validated [`Backlog`]: every problem is collected with its line and column.
use std::collections::{BTreeMap, HashMap};

use toml::{Spanned, Value};

use super::model::{BacklogFile, RawItem};
use super::{Backlog, EffortUnit, Finding, Item, Propagation, Scoring, Status};
use crate::text::{did_you_mean, line_col};

/// The standard RICE impact scale and its words.
pub const IMPACT_WORDS: &[(&str, f64)] = &[
    ("massive", 3.0),
    ("high", 2.0),
    ("medium", 1.0),
    ("low", 0.5),
    ("minimal", 0.25),
];
/// Default t-shirt map (person-weeks).
pub const DEFAULT_TSHIRT: &[(&str, f64)] =
    &[("XS", 0.5), ("S", 1.0), ("M", 2.0), ("L", 4.0), ("XL", 8.0)];

struct Ctx<'a> {
    text: &'a str,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn push<T>(&mut self, at: &Spanned<T>, code: &'static str, message: impl Into<String>) {
        let (line, col) = line_col(self.text, at.span().start);
        self.findings.push(Finding {
            code,
            message: message.into(),
            line,
            col,
        });
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// `reach`: a finite number ≥ 0.
pub fn parse_reach(v: &Value) -> Result<f64, String> {
    match number(v) {
        Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
        Some(x) if !x.is_finite() => Err(format!("`reach` must be a finite number, got {x}")),
        Some(x) => Err(format!("`reach` must not be negative, got {x}")),
        None => Err(format!(
            "`reach` must be a number (people per reach period), got {}",
            describe(v)
        )),
    }
}

/// `impact`: 3, 2, 1, 0.5, 0.25 or massive/high/medium/low/minimal.
pub fn parse_impact(v: &Value) -> Result<f64, String> {
    let scale = "3, 2, 1, 0.5 or 0.25 (or massive, high, medium, low, minimal)";
    match v {
        Value::String(s) => {
            let w = s.trim().to_ascii_lowercase();
            IMPACT_WORDS
                .iter()
                .find(|(k, _)| *k == w)
                .map(|(_, x)| *x)
                .ok_or_else(|| {
                    let hint = did_you_mean(&w, IMPACT_WORDS.iter().map(|(k, _)| *k))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    format!("`impact` must be {scale}, got \"{s}\"{hint}")
                })
        }
        other => match number(other) {
            Some(x) if IMPACT_WORDS.iter().any(|(_, y)| (x - y).abs() < 1e-9) => Ok(x),
            Some(x) => Err(format!(
                "`impact` is off the scale: must be {scale}, got {x}"
            )),
            None => Err(format!("`impact` must be {scale}, got {}", describe(other))),
        },
    }
}

/// `confidence`: a fraction in [0.5, 1.0] or a percent string such as "80%".
pub fn parse_confidence(v: &Value) -> Result<f64, String> {
    let range = |x: f64, shown: String| {
        if x.is_finite() && (0.5..=1.0).contains(&x) {
            Ok(x)
        } else if x > 1.0 && x <= 100.0 {
            Err(format!(
                "`confidence` must be between 0.5 and 1.0, got {shown}: write {} or \"{shown}%\"",
                x / 100.0
            ))
        } else {
            Err(format!(
                "`confidence` must be between 0.5 and 1.0 (50% to 100%), got {shown}"
            ))
        }
    };
    match v {
        Value::String(s) => {
            let t = s.trim();
            let Some(p) = t.strip_suffix('%') else {
                return Err(format!(
                    "`confidence` must be a fraction (0.8) or a percent (\"80%\"), got \"{s}\""
                ));
            };
            match p.trim().parse::<f64>() {
                Ok(x) if x.is_finite() && (50.0..=100.0).contains(&x) => Ok(x / 100.0),
                Ok(_) => Err(format!(
                    "`confidence` must be between 50% and 100%, got \"{s}\""
                )),
                Err(_) => Err(format!(
                    "`confidence` must be a percent such as \"80%\", got \"{s}\""
                )),
            }
        }
        other => match number(other) {
            Some(x) => range(x, format!("{x}")),
            None => Err(format!(
                "`confidence` must be a fraction (0.8) or a percent (\"80%\"), got {}",
                describe(other)
            )),
        },
    }
}

/// `effort`: a positive finite number, or a t-shirt size of the file's map. Returns the
/// effort and the size label if one was used.
pub fn parse_effort(
    v: &Value,
    tshirt: &BTreeMap<String, f64>,
) -> Result<(f64, Option<String>), String> {
    match v {
        Value::String(s) => {
            let k = s.trim().to_ascii_uppercase();
            tshirt.get(&k).map(|x| (*x, Some(k.clone()))).ok_or_else(|| {
                let sizes: Vec<&str> = tshirt.keys().map(String::as_str).collect();
                format!("`effort` \"{s}\" is not a t-shirt size of [scoring.tshirt]: expected a number or one of {}", sizes.join(", "))
            })
        }
        other => match number(other) {
            Some(x) if x.is_finite() && x > 0.0 => Ok((x, None)),
            Some(x) if !x.is_finite() => Err(format!("`effort` must be a finite number, got {x}")),
            Some(x) => Err(format!("`effort` must be greater than 0, got {x}")),
            None => Err(format!(
                "`effort` must be a number or a t-shirt size, got {}",
                describe(other)
            )),
        },
    }
}

/// `status`: todo (default), in-progress, done.
pub fn parse_status(s: &str) -> Result<Status, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "todo" | "open" | "backlog" | "planned" => Ok(Status::Todo),
        "in-progress" | "doing" | "started" | "partial" => Ok(Status::InProgress),
        "done" | "closed" | "shipped" => Ok(Status::Done),
        other => Err(format!(
            "unknown `status` \"{other}\": expected todo, in-progress or done"
        )),
    }
}

fn scoring(ctx: &mut Ctx<'_>, file: &BacklogFile) -> Scoring {
    let mut s = Scoring::default();
    let Some(raw) = &file.scoring else { return s };
    if let Some(p) = &raw.reach_period {
        s.reach_period = p.clone();
    }
    if let Some(u) = &raw.effort_unit {
        match u.get_ref().as_str() {
            "person-weeks" | "weeks" => s.effort_unit = EffortUnit::PersonWeeks,
            "person-months" | "months" => s.effort_unit = EffortUnit::PersonMonths,
            other => ctx.push(
                u,
                "B010",
                format!(
                    "unknown `effort_unit` \"{other}\": expected person-weeks or person-months"
                ),
            ),
        }
    }
    if let Some(p) = &raw.propagation {
        match p.get_ref().as_str() {
            "none" => s.propagation = Propagation::None,
            "max" => s.propagation = Propagation::Max,
            "sum" => s.propagation = Propagation::Sum,
            other => ctx.push(
                p,
                "B010",
                format!("unknown `propagation` \"{other}\": expected none, max or sum"),
            ),
        }
    }
    if let Some(d) = &raw.decay {
        let x = *d.get_ref();
        if x.is_finite() && x > 0.0 && x <= 1.0 {
            s.decay = x;
        } else {
            ctx.push(d, "B010", format!("`decay` must be in (0, 1], got {x}"));
        }
    }
    if let Some(map) = &raw.tshirt {
        let mut t = BTreeMap::new();
        for (k, v) in map.get_ref() {
            let x = *v.get_ref();
            if !["XS", "S", "M", "L", "XL", "XXL"].contains(&k.as_str()) {
                ctx.push(
                    v,
                    "B010",
                    format!("unknown t-shirt size `{k}`: expected XS, S, M, L, XL (or XXL)"),
                );
            } else if !(x.is_finite() && x > 0.0) {
                ctx.push(
                    v,
                    "B010",
                    format!("t-shirt size `{k}` must map to an effort greater than 0, got {x}"),
                );
            } else {
                t.insert(k.clone(), x);
            }
        }
        if t.is_empty() {
            ctx.push(
                map,
                "B010",
                "`[scoring.tshirt]` must map at least one size to an effort",
            );
        } else {
            s.tshirt = t;
        }
    }
    s
}

fn item(ctx: &mut Ctx<'_>, raw: &RawItem, scoring: &Scoring) -> Option<Item> {
    let id = raw.id.get_ref().trim().to_owned();
    let mut ok = true;
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        ctx.push(
            &raw.id,
            "B002",
            format!("item id \"{id}\" must be non-empty and without spaces"),
        );
        ok = false;
    }
    if raw.title.get_ref().trim().is_empty() {
        ctx.push(
            &raw.title,
            "B010",
            format!("item `{id}`: `title` must not be empty"),
        );
    }
    let mut field =
        |ctx: &mut Ctx<'_>, v: &Spanned<Value>, code: &'static str, r: Result<f64, String>| match r
        {
            Ok(x) => x,
            Err(e) => {
                ctx.push(v, code, format!("item `{id}`: {e}"));
                ok = false;
                f64::NAN
            }
        };
    let reach = field(ctx, &raw.reach, "B005", parse_reach(raw.reach.get_ref()));
    let impact = field(ctx, &raw.impact, "B006", parse_impact(raw.impact.get_ref()));
    let confidence = field(
        ctx,
        &raw.confidence,
        "B007",
        parse_confidence(raw.confidence.get_ref()),
    );
    let (effort, effort_label) = match parse_effort(raw.effort.get_ref(), &scoring.tshirt) {
        Ok(x) => x,
        Err(e) => {
            ctx.push(&raw.effort, "B008", format!("item `{id}`: {e}"));
            ok = false;
            (f64::NAN, None)
        }
    };
    let status = match &raw.status {
        None => Status::Todo,
        Some(s) => parse_status(s.get_ref()).unwrap_or_else(|e| {
            ctx.push(s, "B009", format!("item `{id}`: {e}"));
            ok = false;
            Status::Todo
        }),
    };
    let (line, _) = line_col(ctx.text, raw.id.span().start);
    ok.then(|| Item {
        id,
        title: raw.title.get_ref().trim().to_owned(),
        description: raw.description.clone().unwrap_or_default(),
        reach,
        impact,
        confidence,
        effort,
        effort_label,
        depends_on: raw
            .depends_on
            .iter()
            .map(|d| d.get_ref().trim().to_owned())
            .collect(),
        status,
        tags: raw.tags.clone(),
        line,
    })
}

/// Validate a parsed file. On problems, returns every finding.
pub(crate) fn validate(text: &str, file: &BacklogFile) -> Result<Backlog, Vec<Finding>> {
    let mut ctx = Ctx {
        text,
        findings: Vec::new(),
    };
    let scoring = scoring(&mut ctx, file);
    let mut items = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for raw in &file.item {
        let id = raw.id.get_ref().trim().to_owned();
        if let Some(first) = seen.get(&id) {
            ctx.push(
                &raw.id,
                "B002",
                format!("duplicate item id `{id}` (first defined on line {first})"),
            );
            continue;
        }
        seen.insert(id, line_col(text, raw.id.span().start).0);
        if let Some(it) = item(&mut ctx, raw, &scoring) {
            items.push(it);
        }
    }
    let ids: Vec<&str> = file.item.iter().map(|r| r.id.get_ref().as_str()).collect();
    for raw in &file.item {
        let id = raw.id.get_ref().trim();
        for dep in &raw.depends_on {
            let d = dep.get_ref().trim();
            if d == id {
                ctx.push(dep, "B004", format!("item `{id}` depends on itself"));
            } else if !seen.contains_key(d) {
                let hint = did_you_mean(d, ids.iter().copied().filter(|x| *x != id))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    dep,
                    "B003",
                    format!("item `{id}` depends on unknown item `{d}`{hint}"),
                );
            }
        }
    }
    if file.item.is_empty() {
        ctx.findings.push(Finding {
            code: "B012",
            message: "the backlog has no `[[item]]` entries".into(),
            line: 1,
            col: 1,
        });
    }
    if ctx.findings.is_empty() {
        Ok(Backlog { scoring, items })
    } else {
        ctx.findings.sort_by_key(|f| (f.line, f.col));
        Err(ctx.findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rice_scales() {
        assert_eq!(parse_impact(&Value::String("High".into())), Ok(2.0));
        assert_eq!(parse_impact(&Value::Float(0.25)), Ok(0.25));
        assert!(
            parse_impact(&Value::Integer(5))
                .unwrap_err()
                .contains("off the scale")
        );
        assert!(
            parse_impact(&Value::String("hgih".into()))
                .unwrap_err()
                .contains("did you mean `high`")
        );
        assert_eq!(parse_confidence(&Value::String("80%".into())), Ok(0.8));
        assert!(
            parse_confidence(&Value::Integer(80))
                .unwrap_err()
                .contains("\"80%\"")
        );
        assert!(parse_confidence(&Value::Float(0.3)).is_err());
        assert!(parse_confidence(&Value::Float(f64::NAN)).is_err());
        let t: BTreeMap<String, f64> = DEFAULT_TSHIRT
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect();
        assert_eq!(
            parse_effort(&Value::String("m".into()), &t),
            Ok((2.0, Some("M".into())))
        );
        assert!(
            parse_effort(&Value::Integer(0), &t)
                .unwrap_err()
                .contains("greater than 0")
        );
        assert!(parse_effort(&Value::Float(f64::INFINITY), &t).is_err());
        assert!(parse_reach(&Value::Integer(-3)).is_err());
    }
}
