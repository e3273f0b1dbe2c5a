//! Front matter (P101-P104): TOML between `+++` lines, its keys and values (the RICE fields
//! follow backlog.toml items), and what the text says against it.
use super::*;
use crate::backlog::validate as backlog;

/// The keys front matter may have.
const FRONT_MATTER_KEYS: &[&str] = &[
    "id",
    "title",
    "status",
    "author",
    "tiers",
    "tags",
    "reach",
    "impact",
    "confidence",
    "effort",
    "depends_on",
];

/// Front matter as written. Keys follow backlog.toml items; unknown keys are reported one by
/// one before this is read (so one typo does not hide the other problems).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
struct RawFrontMatter {
    #[serde(default)]
    id: Option<Spanned<String>>,
    #[serde(default)]
    title: Option<Spanned<String>>,
    #[serde(default)]
    status: Option<Spanned<String>>,
    #[serde(default)]
    author: Option<Spanned<toml::Value>>,
    #[serde(default)]
    tiers: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    reach: Option<Spanned<toml::Value>>,
    #[serde(default)]
    impact: Option<Spanned<toml::Value>>,
    #[serde(default)]
    confidence: Option<Spanned<toml::Value>>,
    #[serde(default)]
    effort: Option<Spanned<toml::Value>>,
    #[serde(default)]
    depends_on: Option<Vec<Spanned<String>>>,
}

/// What the other checks need from the front matter.
#[derive(Debug, Default)]
pub(super) struct FrontInfo {
    pub(super) title: Option<(String, usize)>,
    pub(super) tiers: Option<Vec<(String, usize)>>,
}

/// The RICE fields are validated as backlog.toml items are (front matter flows into the
/// backlog), with the default t-shirt sizes.
fn validate_rice(name: &str, v: &toml::Value) -> Result<(), String> {
    static TSHIRT: LazyLock<BTreeMap<String, f64>> =
        LazyLock::new(|| crate::backlog::Scoring::default().tshirt);
    let v = backlog::scalar_of(v);
    match name {
        "reach" => backlog::parse_reach(&v).map(drop),
        "impact" => backlog::parse_impact(&v).map(drop),
        "confidence" => backlog::parse_confidence(&v).map(drop),
        _ => backlog::parse_effort(&v, &TSHIRT).map(drop),
    }
}

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// Proposal statuses, and whether the proposal has reached the backlog at that status.
const STATUSES: &[(&str, bool)] = &[
    ("draft", false),
    ("proposed", false),
    ("review", false),
    ("in-review", false),
    ("accepted", true),
    ("approved", true),
    ("todo", true),
    ("in-progress", true),
    ("implemented", true),
    ("done", true),
    ("rejected", false),
    ("declined", false),
    ("withdrawn", false),
    ("superseded", false),
];

pub(super) fn front_matter(ctx: &mut Ctx<'_>, set: &RuleSet) -> FrontInfo {
    let doc = ctx.doc;
    match &doc.shape {
        Some(Shape::Unclosed) => ctx.push(
            &P101,
            0,
            None,
            "unclosed",
            "the front matter opened by `+++` on line 1 is never closed: end it with a `+++` line",
        ),
        Some(Shape::Yaml(_)) => ctx.push(
            &P101,
            0,
            None,
            "yaml",
            "YAML front matter (`---`) is not read: write it as TOML between `+++` lines (`title = \"...\"`)",
        ),
        None => {}
    }
    let Some(fm) = &doc.front_matter else {
        return FrontInfo::default();
    };
    let base = fm.body.start;
    let body = &doc.text[fm.body.clone()];
    // Parsed twice: as a table to name unknown keys, then into the typed shape; a syntax or
    // type error is one P101 either way.
    let syntax_error = |ctx: &mut Ctx<'_>, e: &toml::de::Error| {
        let (_, message) = crate::diag::toml_error_parts(body, e);
        let at = base + e.span().map_or(0, |s| s.start);
        ctx.push(
            &P101,
            at,
            None,
            message.clone(),
            format!("front matter: {message}"),
        );
    };
    match toml::from_str::<toml::Table>(body) {
        Ok(table) => {
            for key in table
                .keys()
                .filter(|k| !FRONT_MATTER_KEYS.contains(&k.as_str()))
            {
                let key_at = Regex::new(&format!(
                    r#"(?m)^[ \t]*["']?{}["']?[ \t]*="#,
                    regex::escape(key)
                ))
                .ok()
                .and_then(|re| re.find(body))
                .map_or(0, |m| {
                    m.start() + (m.as_str().len() - m.as_str().trim_start().len())
                });
                let hint = did_you_mean(key, FRONT_MATTER_KEYS.iter().copied())
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    &P101,
                    base + key_at,
                    None,
                    format!("key:{key}"),
                    format!(
                        "front matter: unknown key `{key}`{hint}; expected one of {}",
                        FRONT_MATTER_KEYS.join(", ")
                    ),
                );
            }
        }
        Err(e) => {
            syntax_error(ctx, &e);
            return FrontInfo::default();
        }
    }
    let raw: RawFrontMatter = match toml::from_str(body) {
        Ok(r) => r,
        Err(e) => {
            syntax_error(ctx, &e);
            return FrontInfo::default();
        }
    };
    let mut out = FrontInfo::default();
    let at = |s: &Range<usize>| base + s.start;

    let id = raw.id.as_ref().map(|i| i.get_ref().trim().to_owned());
    if let Some(i) = &raw.id {
        let v = i.get_ref().trim();
        if v.is_empty() || v.chars().any(char::is_whitespace) {
            ctx.push(
                &P102,
                at(&i.span()),
                None,
                "id",
                format!("`id` \"{v}\" must be non-empty and without spaces (it becomes the backlog item id)"),
            );
        }
        placeholder_value(ctx, "id", v, at(&i.span()));
    }
    if let Some(t) = &raw.title {
        let v = t.get_ref().trim();
        if v.is_empty() {
            ctx.push(
                &P102,
                at(&t.span()),
                None,
                "title",
                "`title` must not be empty",
            );
        } else {
            out.title = Some((v.to_owned(), at(&t.span())));
        }
        placeholder_value(ctx, "title", v, at(&t.span()));
    }
    if let Some(a) = &raw.author {
        let ok = match a.get_ref() {
            toml::Value::String(s) => {
                placeholder_value(ctx, "author", s, at(&a.span()));
                true
            }
            toml::Value::Array(v) => v.iter().all(toml::Value::is_str),
            _ => false,
        };
        if !ok {
            ctx.push(
                &P102,
                at(&a.span()),
                None,
                "author",
                format!(
                    "`author` must be a name or a list of names, got {}",
                    describe(a.get_ref())
                ),
            );
        }
    }
    let mut reaches_backlog = false;
    if let Some(s) = &raw.status {
        let v = s.get_ref().trim().to_ascii_lowercase();
        match STATUSES.iter().find(|(k, _)| *k == v) {
            Some((_, b)) => reaches_backlog = *b,
            None => {
                let names: Vec<&str> = STATUSES.iter().map(|(k, _)| *k).collect();
                let hint = did_you_mean(&v, names.iter().copied())
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    &P102,
                    at(&s.span()),
                    None,
                    "status",
                    format!(
                        "unknown `status` \"{}\": expected draft, proposed, accepted, in-progress, implemented, rejected or withdrawn{hint}",
                        s.get_ref()
                    ),
                );
            }
        }
    }
    if let Some(tiers) = &raw.tiers {
        let known: Vec<&str> = set
            .labels_of(Family::Tiers)
            .map(|l| l.id.as_str())
            .collect();
        let mut list = Vec::new();
        for t in tiers {
            let v = t.get_ref().trim().to_ascii_lowercase();
            let v = if v == "faculty" {
                "researcher".to_owned()
            } else {
                v
            };
            if known.contains(&v.as_str()) {
                list.push((v, at(&t.span())));
            } else {
                let hint = did_you_mean(&v, known.iter().copied())
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    &P102,
                    at(&t.span()),
                    None,
                    format!("tier:{v}"),
                    format!(
                        "unknown tier `{}`: expected {} (faculty counts as researcher){hint}",
                        t.get_ref(),
                        known.join(", ")
                    ),
                );
            }
        }
        out.tiers = Some(list);
    }
    let fields: [(&str, &Option<Spanned<toml::Value>>); 4] = [
        ("reach", &raw.reach),
        ("impact", &raw.impact),
        ("confidence", &raw.confidence),
        ("effort", &raw.effort),
    ];
    let mut missing = Vec::new();
    for (name, value) in fields {
        match value {
            Some(v) => {
                if let Err(e) = validate_rice(name, v.get_ref()) {
                    ctx.push(&P102, at(&v.span()), None, name, e);
                }
            }
            None => missing.push(name),
        }
    }
    if let Some(deps) = &raw.depends_on {
        for d in deps {
            let v = d.get_ref().trim();
            if v.is_empty() || v.chars().any(char::is_whitespace) {
                ctx.push(
                    &P102,
                    at(&d.span()),
                    None,
                    format!("depends_on:{v}"),
                    format!("`depends_on` entry \"{v}\" must be a backlog item id (non-empty, no spaces)"),
                );
            } else if id.as_deref() == Some(v) {
                ctx.push(
                    &P102,
                    at(&d.span()),
                    None,
                    format!("depends_on:{v}"),
                    format!("the proposal `{v}` depends on itself"),
                );
            }
        }
    }
    if reaches_backlog {
        if raw.id.is_none() {
            missing.insert(0, "id");
        }
        if raw.title.is_none() {
            missing.insert(usize::from(raw.id.is_none()), "title");
        }
        if !missing.is_empty() {
            let status = raw.status.as_ref().map_or(0, |s| at(&s.span()));
            ctx.push(
                &P103,
                status,
                None,
                missing.join(","),
                format!(
                    "status `{}` puts the proposal in the backlog, which needs {}: add {} to the front matter",
                    raw.status.as_ref().map_or("", |s| s.get_ref().as_str()),
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                ),
            );
        }
    }
    let _ = raw.tags;
    out
}
