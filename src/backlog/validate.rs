//! Raw backlog -> validated [`Backlog`]: every problem is collected with its line and column,
//! and dependency cycles are looked for among the items that are otherwise well-formed, so a
//! file with a bad value and a cycle reports both in one run.
use std::collections::BTreeMap;

use toml::Spanned;

use super::model::{BacklogFile, Problem, RawItem, Scalar};
use super::strtab::StrTable;
use super::{Backlog, EffortUnit, Finding, Item, Propagation, Scoring, Status};
use crate::diag::backlog as codes;
use crate::text::did_you_mean;

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
/// The sizes `[scoring.tshirt]` may map.
pub const TSHIRT_SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "XXL"];

/// How many unknown dependency ids get a "did you mean" (each costs one pass over all ids).
const SUGGESTIONS: usize = 100;

/// Byte offset -> 1-based line and column, in O(log lines) per lookup.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// Line and column (in characters) of a byte offset.
    pub(crate) fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let (_, col) = crate::text::line_col(&self.text[start..], offset - start);
        (line, col)
    }
}

/// The lines of a text, worked out only when a position has to be located (a finding, or an
/// out-of-order lookup): a valid backlog never needs them.
struct LazyLines<'a> {
    text: &'a str,
    lines: std::cell::OnceCell<Lines<'a>>,
}

impl<'a> LazyLines<'a> {
    fn get(&self) -> &Lines<'a> {
        self.lines.get_or_init(|| Lines::new(self.text))
    }
}

/// Line numbers of increasing byte offsets (the items' ids, in file order), by counting the
/// newlines between one offset and the next instead of indexing every line of the file.
#[derive(Default)]
struct LineCounter {
    /// A byte offset and its 0-based line.
    at: usize,
    newlines: usize,
}

impl LineCounter {
    /// The 1-based line of `offset`, as [`Lines::line`] gives it.
    fn line(&mut self, lines: &LazyLines<'_>, offset: usize) -> usize {
        let bytes = lines.text.as_bytes();
        if offset < self.at || offset > bytes.len() {
            return lines.get().line(offset);
        }
        self.newlines += bytes[self.at..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.at = offset;
        self.newlines + 1
    }
}

struct Ctx<'a> {
    lines: LazyLines<'a>,
    findings: Vec<Finding>,
    /// Settings that load but do nothing as written (see [`Backlog::warnings`]).
    warnings: Vec<Finding>,
}

impl Ctx<'_> {
    fn at(&mut self, offset: usize, code: &'static str, message: impl Into<String>) {
        let (line, col) = self.lines.get().locate(offset);
        self.findings.push(Finding {
            code,
            message: message.into(),
            line,
            col,
        });
    }

    fn push<T>(&mut self, at: &Spanned<T>, code: &'static str, message: impl Into<String>) {
        self.at(at.span().start, code, message);
    }
}

/// A value of plain TOML (a proposal's front matter, which `check` reads with the `toml`
/// crate) as the scalar the item-field validators below take.
pub(crate) fn scalar_of(v: &toml::Value) -> Scalar {
    match v {
        #[allow(clippy::cast_precision_loss)]
        toml::Value::Integer(i) => Scalar::Num(*i as f64),
        toml::Value::Float(f) => Scalar::Num(*f),
        toml::Value::String(s) => Scalar::Str(s.clone()),
        toml::Value::Boolean(_) => Scalar::Other("a boolean"),
        toml::Value::Datetime(_) => Scalar::Other("a datetime"),
        toml::Value::Array(_) => Scalar::Other("an array"),
        toml::Value::Table(_) => Scalar::Other("a table"),
    }
}

/// `reach`: a finite number ≥ 0.
pub(crate) fn parse_reach(v: &Scalar) -> Result<f64, String> {
    match v {
        Scalar::Num(x) if x.is_finite() && *x >= 0.0 => Ok(*x),
        Scalar::Num(x) if !x.is_finite() => {
            Err(format!("`reach` must be a finite number, got {x}"))
        }
        Scalar::Num(x) => Err(format!("`reach` must not be negative, got {x}")),
        other => Err(format!(
            "`reach` must be a number (people per reach period), got {}",
            other.describe()
        )),
    }
}

/// `impact`: 3, 2, 1, 0.5, 0.25 or massive/high/medium/low/minimal.
pub(crate) fn parse_impact(v: &Scalar) -> Result<f64, String> {
    let scale = "3, 2, 1, 0.5 or 0.25 (or massive, high, medium, low, minimal)";
    match v {
        Scalar::Str(s) => {
            // The words are lower case ASCII: comparing ignoring ASCII case is comparing the
            // lower-cased text, without a String per item.
            let t = s.trim();
            IMPACT_WORDS
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(t))
                .map(|(_, x)| *x)
                .ok_or_else(|| {
                    let w = t.to_ascii_lowercase();
                    let hint = did_you_mean(&w, IMPACT_WORDS.iter().map(|(k, _)| *k))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    format!("`impact` must be {scale}, got \"{s}\"{hint}")
                })
        }
        Scalar::Num(x) if IMPACT_WORDS.iter().any(|(_, y)| (x - y).abs() < 1e-9) => Ok(*x),
        Scalar::Num(x) if !x.is_finite() => Err(format!(
            "`impact` must be a finite number on the scale {scale}, got {x}"
        )),
        Scalar::Num(x) => Err(format!(
            "`impact` is off the scale: must be {scale}, got {x}"
        )),
        other => Err(format!(
            "`impact` must be {scale}, got {}",
            other.describe()
        )),
    }
}

/// `confidence`: a fraction in [0.5, 1.0] or a percent string such as "80%".
pub(crate) fn parse_confidence(v: &Scalar) -> Result<f64, String> {
    match v {
        Scalar::Str(s) => {
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
        Scalar::Num(x) if x.is_finite() && (0.5..=1.0).contains(x) => Ok(*x),
        Scalar::Num(x) if !x.is_finite() => Err(format!(
            "`confidence` must be a finite number between 0.5 and 1.0, got {x}"
        )),
        Scalar::Num(x) if (50.0..=100.0).contains(x) => Err(format!(
            "`confidence` must be between 0.5 and 1.0, got {x}: write {} or \"{x}%\"",
            x / 100.0
        )),
        Scalar::Num(x) => Err(format!(
            "`confidence` must be between 0.5 and 1.0 (50% to 100%), got {x}"
        )),
        other => Err(format!(
            "`confidence` must be a fraction (0.8) or a percent (\"80%\"), got {}",
            other.describe()
        )),
    }
}

/// A t-shirt size of `[scoring.tshirt]` (its own key and its effort), as written or in upper
/// case: the map's sizes are upper-cased, so a size written in upper case (the usual way) is
/// looked up as it is, and the key is the map's own (one String, not three).
pub(crate) fn tshirt_size<'a>(
    tshirt: &'a BTreeMap<String, f64>,
    s: &str,
) -> Option<(&'a String, f64)> {
    let t = s.trim();
    tshirt
        .get_key_value(t)
        .or_else(|| tshirt.get_key_value(&t.to_ascii_uppercase()))
        .map(|(k, x)| (k, *x))
}

/// `effort`: a positive finite number, or a t-shirt size of the file's map. Returns the
/// effort and the size label if one was used.
pub(crate) fn parse_effort(
    v: &Scalar,
    tshirt: &BTreeMap<String, f64>,
) -> Result<(f64, Option<String>), String> {
    match v {
        Scalar::Str(s) => {
            tshirt_size(tshirt, s).map(|(k, x)| (x, Some(k.clone()))).ok_or_else(|| {
                let sizes: Vec<&str> = tshirt.keys().map(String::as_str).collect();
                format!(
                    "`effort` \"{s}\" is not a t-shirt size of [scoring.tshirt]: expected a number or one of {}",
                    sizes.join(", ")
                )
            })
        }
        Scalar::Num(x) if x.is_finite() && *x > 0.0 => Ok((*x, None)),
        Scalar::Num(x) if !x.is_finite() => {
            Err(format!("`effort` must be a finite number, got {x}"))
        }
        Scalar::Num(x) => Err(format!("`effort` must be greater than 0, got {x}")),
        Scalar::Other(_) => Err(format!(
            "`effort` must be a number or a t-shirt size, got {}",
            v.describe()
        )),
    }
}

/// `status`: todo (default), in-progress, done.
pub(crate) fn parse_status(s: &str) -> Result<Status, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "todo" | "open" | "backlog" | "planned" => Ok(Status::Todo),
        "in-progress" | "doing" | "started" => Ok(Status::InProgress),
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
        s.reach_period.clone_from(p.get_ref());
    }
    if let Some(u) = &raw.effort_unit {
        match u.get_ref().trim() {
            "person-weeks" | "weeks" => s.effort_unit = EffortUnit::PersonWeeks,
            "person-months" | "months" => s.effort_unit = EffortUnit::PersonMonths,
            other => ctx.push(
                u,
                codes::B010.code,
                format!(
                    "unknown `effort_unit` \"{other}\": expected person-weeks or person-months"
                ),
            ),
        }
    }
    if let Some(p) = &raw.propagation {
        match p.get_ref().trim() {
            "none" => s.propagation = Propagation::None,
            "max" => s.propagation = Propagation::Max,
            "sum" => s.propagation = Propagation::Sum,
            "chain" => s.propagation = Propagation::Chain,
            other => {
                let hint = did_you_mean(other, ["chain", "none", "max", "sum"])
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    p,
                    codes::B010.code,
                    format!(
                        "unknown `propagation` \"{other}\": expected chain, max, sum or none{hint}"
                    ),
                );
            }
        }
    }
    if let Some(d) = &raw.decay {
        match d.get_ref() {
            Scalar::Num(x) if x.is_finite() && *x > 0.0 && *x <= 1.0 => {
                s.decay = *x;
                if s.propagation != Propagation::Sum {
                    let (line, col) = ctx.lines.get().locate(d.span().start);
                    ctx.warnings.push(Finding {
                        code: codes::B010.code,
                        message: format!(
                            "`decay` is used only by `propagation = \"sum\"`; under \"{}\" it changes nothing (remove it, or set `propagation = \"sum\"`)",
                            s.propagation.name()
                        ),
                        line,
                        col,
                    });
                }
            }
            other => ctx.push(
                d,
                codes::B010.code,
                format!(
                    "`decay` must be a number in (0, 1], got {}",
                    other.describe()
                ),
            ),
        }
    }
    if let Some(map) = &raw.tshirt {
        let mut t = BTreeMap::new();
        for (k, v) in map.get_ref() {
            let name = k.get_ref().trim().to_ascii_uppercase();
            if !TSHIRT_SIZES.contains(&name.as_str()) {
                ctx.push(
                    k,
                    codes::B010.code,
                    format!(
                        "unknown t-shirt size `{}`: expected XS, S, M, L, XL (or XXL)",
                        k.get_ref()
                    ),
                );
                continue;
            }
            match v.get_ref() {
                Scalar::Num(x) if x.is_finite() && *x > 0.0 => {
                    t.insert(name, *x);
                }
                other => ctx.push(
                    v,
                    codes::B010.code,
                    format!(
                        "t-shirt size `{name}` must map to a finite effort greater than 0, got {}",
                        other.describe()
                    ),
                ),
            }
        }
        if map.get_ref().is_empty() {
            ctx.push(
                map,
                codes::B010.code,
                "`[scoring.tshirt]` must map at least one size to an effort",
            );
        } else if !t.is_empty() {
            s.tshirt = t;
        }
    }
    s
}

/// `s` without leading and trailing whitespace, reusing its allocation when there is none.
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_owned()
    }
}

/// Check one item's values; `None` when any of them is unusable.
fn item(ctx: &mut Ctx<'_>, raw: RawItem, id: &str, line: usize, scoring: &Scoring) -> Option<Item> {
    let mut ok = raw.title.is_some()
        && raw.reach.is_some()
        && raw.impact.is_some()
        && raw.confidence.is_some()
        && raw.effort.is_some();
    if let Some(t) = &raw.title {
        if t.get_ref().trim().is_empty() {
            ctx.push(
                t,
                codes::B010.code,
                format!("item `{id}`: `title` must not be empty"),
            );
            ok = false;
        }
    }
    let mut check = |ctx: &mut Ctx<'_>,
                     v: &Option<Spanned<Scalar>>,
                     code: &'static str,
                     parse: fn(&Scalar) -> Result<f64, String>| {
        let v = v.as_ref()?;
        match parse(v.get_ref()) {
            Ok(x) => Some(x),
            Err(e) => {
                ctx.push(v, code, format!("item `{id}`: {e}"));
                ok = false;
                None
            }
        }
    };
    let reach = check(ctx, &raw.reach, codes::B005.code, parse_reach);
    let impact = check(ctx, &raw.impact, codes::B006.code, parse_impact);
    let confidence = check(ctx, &raw.confidence, codes::B007.code, parse_confidence);
    let effort =
        raw.effort
            .as_ref()
            .and_then(|e| match parse_effort(e.get_ref(), &scoring.tshirt) {
                Ok(x) => Some(x),
                Err(msg) => {
                    ctx.push(e, codes::B008.code, format!("item `{id}`: {msg}"));
                    ok = false;
                    None
                }
            });
    let extra = raw.extra.map(|e| *e).unwrap_or_default();
    let status = match &extra.status {
        None => Status::Todo,
        Some(s) => parse_status(s.get_ref()).unwrap_or_else(|e| {
            ctx.push(s, codes::B009.code, format!("item `{id}`: {e}"));
            ok = false;
            Status::Todo
        }),
    };
    let (Some(reach), Some(impact), Some(confidence), Some((effort, effort_label))) =
        (reach, impact, confidence, effort)
    else {
        return None;
    };
    if !ok {
        return None;
    }
    Some(Item {
        // Filled in by `validate` once the ids are no longer borrowed.
        id: String::new(),
        title: raw
            .title
            .map(|t| trimmed(t.into_inner()))
            .unwrap_or_default(),
        description: raw
            .description
            .map(|d| trimmed(d.into_inner()))
            .unwrap_or_default(),
        reach,
        impact,
        confidence,
        effort,
        effort_label,
        prereqs: Vec::new(),
        status,
        tags: extra.tags,
        url: extra
            .url
            .map(|u| u.into_inner().trim().to_owned())
            .filter(|u| !u.is_empty()),
        needs_estimate: extra.needs_estimate.is_some_and(Spanned::into_inner),
        line,
    })
}

/// Validate a read file. On problems, returns every finding (structural problems from the
/// reader, value problems, unknown and self dependencies, cycles), sorted by position.
pub(crate) fn validate(
    text: &str,
    file: BacklogFile,
    problems: Vec<Problem>,
) -> Result<Backlog, Vec<Finding>> {
    let mut ctx = Ctx {
        lines: LazyLines {
            text,
            lines: std::cell::OnceCell::new(),
        },
        findings: Vec::new(),
        warnings: Vec::new(),
    };
    for p in problems {
        ctx.at(p.at, p.code, p.message);
    }
    let scoring = scoring(&mut ctx, &file);
    let count = file.len();
    // An `item` of the wrong type already says why there are no items.
    let no_items = count == 0 && !file.items_mistyped;

    // Ids first, so dependencies can be resolved against every declared item. They are moved
    // out of the raw items (nothing else reads them) into one list that the one id map
    // borrows, and become the validated items' ids at the end: no copy of any id is made.
    let mut file = file;
    let mut raw_ids: Vec<Option<Spanned<String>>> = file
        .items
        .iter_mut()
        .flatten()
        .map(|raw| raw.id.take())
        .collect();
    // Per slot (unique, usable id, in file order): the id, its line and its raw item's index.
    let mut names: Vec<&str> = Vec::with_capacity(count);
    let mut first_line: Vec<usize> = Vec::with_capacity(count);
    let mut slot_of_raw: Vec<Option<usize>> = Vec::with_capacity(count);
    let mut index = StrTable::with_capacity(count);
    let mut lines = LineCounter::default();
    for id in &raw_ids {
        let Some(id) = id else {
            slot_of_raw.push(None);
            continue;
        };
        let name = id.get_ref().trim();
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            ctx.push(
                id,
                codes::B002.code,
                format!("item id \"{name}\" must be non-empty and without spaces"),
            );
            slot_of_raw.push(None);
        } else {
            match index.get_or_add(name, &names) {
                Ok(s) => {
                    ctx.push(
                        id,
                        codes::B002.code,
                        format!(
                            "duplicate item id `{name}` (first defined on line {})",
                            first_line[s]
                        ),
                    );
                    slot_of_raw.push(None);
                }
                Err(s) => {
                    first_line.push(lines.line(&ctx.lines, id.span().start));
                    names.push(name);
                    slot_of_raw.push(Some(s));
                }
            }
        }
    }

    // Filled in slot order (slots are handed out in file order), as the raw items are used
    // up: each chunk's raw list is freed when the loop leaves it.
    let mut items: Vec<Option<Item>> = Vec::with_capacity(names.len());
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    let mut suggestions = SUGGESTIONS;
    for ((raw, s), raw_id) in file
        .items
        .into_iter()
        .flatten()
        .zip(&slot_of_raw)
        .zip(&raw_ids)
    {
        let Some(s) = *s else {
            // An item without a usable id (missing, empty or a duplicate) is not ranked, but
            // its values are still checked, so one run reports all of its problems.
            let name = raw_id
                .as_ref()
                .map(|id| id.get_ref().trim())
                .filter(|n| !n.is_empty())
                .unwrap_or("(no id)");
            let _ = item(&mut ctx, raw, name, 0, &scoring);
            continue;
        };
        let id = names[s];
        let mut mine: Vec<usize> = Vec::with_capacity(raw.depends_on.len());
        for dep in &raw.depends_on {
            let d = dep.get_ref().trim();
            // The ids are unique, so `d` is this item's own id exactly when it names this
            // slot (compared without reading the id's text).
            match index.get(d, &names) {
                Some(p) if p == s => ctx.push(
                    dep,
                    codes::B004.code,
                    format!("item `{id}` depends on itself (a cycle of length 1)"),
                ),
                Some(p) if mine.contains(&p) => ctx.push(
                    dep,
                    codes::B003.code,
                    format!("item `{id}` lists `{d}` twice in `depends_on`"),
                ),
                Some(p) => mine.push(p),
                None => {
                    let hint = if suggestions > 0 {
                        suggestions -= 1;
                        did_you_mean(d, names.iter().copied().filter(|x| *x != id))
                            .map(|x| format!(" (did you mean `{x}`?)"))
                            .unwrap_or_default()
                    } else {
                        String::new()
                    };
                    ctx.push(
                        dep,
                        codes::B003.code,
                        format!("item `{id}` depends on unknown item `{d}`{hint}"),
                    );
                }
            }
        }
        edges[s] = mine;
        debug_assert_eq!(s, items.len(), "slots follow file order");
        // The item's line is its id's, the first (and only) place the id is defined.
        items.push(item(&mut ctx, raw, id, first_line[s], &scoring));
    }
    if no_items {
        ctx.findings.push(Finding {
            code: codes::B012.code,
            message: "the backlog has no `[[item]]` entries".into(),
            line: 1,
            col: 1,
        });
    }

    // Cycles among all declared items (even ones with bad values), so they show up together
    // with the other problems.
    let (graph, topo, cycles) = super::graph::checked(&names, &first_line, &edges);
    ctx.findings.extend(cycles);

    if !ctx.findings.is_empty() {
        ctx.findings.sort_by_key(|f| (f.line, f.col));
        return Err(ctx.findings);
    }
    drop(index);
    drop(names);
    // Each slot's id, moved out of its raw item's id (trimmed only when it has to be).
    let ids = slot_of_raw
        .iter()
        .zip(&mut raw_ids)
        .filter_map(|(s, id)| s.and(id.take()))
        .map(|id| trimmed(id.into_inner()));
    let items: Vec<Item> = items
        .into_iter()
        .zip(edges)
        .zip(ids)
        .map(|((it, prereqs), id)| {
            let mut it = it.expect("no findings means every item validated");
            it.id = id;
            it.prereqs = prereqs;
            it
        })
        .collect();
    Ok(Backlog {
        scoring,
        items,
        warnings: ctx.warnings,
        graph: std::sync::Arc::new(graph),
        topo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rice_scales() {
        assert_eq!(parse_impact(&Scalar::Str("High".into())), Ok(2.0));
        assert_eq!(parse_impact(&Scalar::Num(0.25)), Ok(0.25));
        assert!(
            parse_impact(&Scalar::Num(5.0))
                .unwrap_err()
                .contains("off the scale")
        );
        assert!(
            parse_impact(&Scalar::Str("hgih".into()))
                .unwrap_err()
                .contains("did you mean `high`")
        );
        assert_eq!(parse_confidence(&Scalar::Str("80%".into())), Ok(0.8));
        assert!(
            parse_confidence(&Scalar::Num(80.0))
                .unwrap_err()
                .contains("\"80%\"")
        );
        assert!(parse_confidence(&Scalar::Num(0.3)).is_err());
        assert!(parse_confidence(&Scalar::Num(f64::NAN)).is_err());
        let t: BTreeMap<String, f64> = DEFAULT_TSHIRT
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect();
        assert_eq!(
            parse_effort(&Scalar::Str("m".into()), &t),
            Ok((2.0, Some("M".into())))
        );
        assert!(
            parse_effort(&Scalar::Num(0.0), &t)
                .unwrap_err()
                .contains("greater than 0")
        );
        assert!(parse_effort(&Scalar::Num(f64::INFINITY), &t).is_err());
        assert!(parse_reach(&Scalar::Num(-3.0)).is_err());
        assert!(
            parse_reach(&Scalar::Other("a boolean"))
                .unwrap_err()
                .contains("a boolean")
        );
    }

    #[test]
    fn url_and_needs_estimate_are_optional_and_typed() {
        let item = "[[item]]\nid = \"a\"\ntitle = \"A\"\nreach = 1\nimpact = 1\nconfidence = 1\neffort = 1\n";
        let b = crate::backlog::parse(item).expect("valid");
        assert_eq!(
            (b.items[0].url.as_deref(), b.items[0].needs_estimate),
            (None, false)
        );
        let b = crate::backlog::parse(&format!(
            "{item}url = \" https://example.org/1 \"\nneeds_estimate = true\n"
        ))
        .expect("valid");
        assert_eq!(b.items[0].url.as_deref(), Some("https://example.org/1"));
        assert!(b.items[0].needs_estimate);
        let Err(crate::backlog::LoadError::Findings(f)) =
            crate::backlog::parse(&format!("{item}needs_estimate = \"yes\"\nurl = 3\n"))
        else {
            panic!("wrong types are findings");
        };
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.code == codes::B014.code), "{f:?}");
        assert!(
            f[0].message
                .contains("`needs_estimate` must be true or false"),
            "{f:?}"
        );
    }

    #[test]
    fn lines_locate_like_line_col() {
        let s = "ab\ncdé\nf\n";
        let l = Lines::new(s);
        for off in [0, 1, 3, 5, 7, 8, 9, s.len()] {
            assert_eq!(l.locate(off), crate::text::line_col(s, off), "offset {off}");
        }
    }
}
