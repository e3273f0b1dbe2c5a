//! Structure (P001-P005): required, empty and duplicate sections, placeholders, the title.
use super::*;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:TODO|TBD|FIXME|XXX)\b
        | (?i:lorem\ ipsum)
        | <[a-z][^<>=\x22/]*\s[^<>=\x22]*>
        | (?i:\[(?:fill\ (?:me\ )?in|describe[^\]]*|insert[^\]]*|your\ [^\]]*|placeholder[^\]]*)\])
        ",
    )
    .expect("static regex")
});

static INLINE_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"`+[^`]*`+").expect("static regex"));

/// Placeholder matches in a line of masked text, with inline code blanked: byte ranges
/// relative to the line.
pub(super) fn placeholders(line: &str) -> Vec<Range<usize>> {
    let mut blanked = std::borrow::Cow::Borrowed(line);
    if line.contains('`') {
        let owned = blanked.to_mut();
        for m in INLINE_CODE.find_iter(line) {
            owned.replace_range(m.range(), &" ".repeat(m.len()));
        }
    }
    PLACEHOLDER
        .find_iter(&blanked)
        .filter(|m| {
            let after = &blanked[m.end()..];
            // DS01's own marker for YAML keys that are not implemented yet.
            let ds01_marker = m.as_str() == "TODO" && after.starts_with("-NOT-IMPLEMENTED");
            // A Markdown link `[describe it](url)` is not a placeholder.
            let link = m.as_str().starts_with('[') && after.starts_with('(');
            !(ds01_marker || link)
        })
        .map(|m| m.range())
        .collect()
}

pub(super) fn placeholder_value(ctx: &mut Ctx<'_>, key: &str, value: &str, at: usize) {
    if let Some(r) = placeholders(value).first() {
        ctx.push(
            &P003,
            at,
            None,
            format!("front-matter:{key}"),
            format!(
                "placeholder `{}` left in the front matter's `{key}`: replace it",
                &value[r.clone()]
            ),
        );
    }
}

pub(super) fn structure(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    // Placeholders, line by line, outside code.
    let mut placeholder_lines: BTreeSet<usize> = BTreeSet::new();
    for r in &doc.lines {
        if doc.in_code(r.start) {
            continue;
        }
        let masked = doc.masked(r.clone());
        let mut key: Option<String> = None;
        for m in placeholders(masked) {
            let at = r.start + m.start;
            let in_section = doc.section_at(at);
            let section = in_section.and_then(|s| s.id);
            let place = match (section, in_section) {
                (Some(id), _) => format!(" `{}`", section_title(id)),
                (None, Some(s)) if s.heading.line_start == r.start => " the heading".to_owned(),
                (None, Some(s)) if s.heading.level == 1 => " the introduction".to_owned(),
                (None, Some(s)) => format!(" `{}`", s.heading.text),
                (None, None) => String::new(),
            };
            ctx.push(
                &P003,
                at,
                section,
                key.get_or_insert_with(|| super::line_key(&doc.text[r.clone()]))
                    .clone(),
                format!(
                    "placeholder `{}` left in{place}: replace it with the answer",
                    &masked[m]
                ),
            );
            placeholder_lines.insert(r.start);
        }
    }

    // Canonical sections: duplicates and empties.
    let mut first: BTreeMap<&'static str, &proposal::Section> = BTreeMap::new();
    // The lines that belong to a heading (a setext heading has two), by start offset.
    let heading_line_starts: std::collections::HashSet<usize> = doc
        .sections
        .iter()
        .flat_map(|x| {
            let from = doc
                .lines
                .partition_point(|r| r.start < x.heading.line_start);
            doc.lines[from..]
                .iter()
                .take_while(|r| r.end <= x.heading.end)
                .map(|r| r.start)
        })
        .collect();
    for s in &doc.sections {
        let Some(id) = s.id else { continue };
        if let Some(f) = first.get(id) {
            let nested = s.heading.line_start >= f.heading.line_start && s.body.end <= f.body.end;
            if !nested {
                ctx.push(
                    &P004,
                    s.heading.at,
                    Some(id),
                    format!("{id}:{}", s.heading.text),
                    format!(
                        "`{}` names the section `{}` again (first on line {}): merge the two",
                        s.heading.text,
                        section_title(id),
                        ctx.line(f.heading.at)
                    ),
                );
            }
            continue;
        }
        first.insert(id, s);
        // The body's lines only (a binary search to the first), stopping at the first line
        // with content: each section costs its own length, not the document's.
        let from = doc.lines.partition_point(|r| r.start < s.body.start);
        let has_content = doc.lines[from..]
            .iter()
            .take_while(|r| r.start <= s.body.end)
            .any(|r| {
                r.end <= s.body.end
                    && !heading_line_starts.contains(&r.start)
                    && !placeholder_lines.contains(&r.start)
                    && !doc.masked(r.clone()).trim().is_empty()
            });
        let has_placeholder = placeholder_lines
            .range(s.body.start..s.body.end.max(s.body.start))
            .next()
            .is_some();
        if !has_content && !has_placeholder {
            ctx.push(
                &P002,
                s.heading.at,
                Some(id),
                id,
                format!(
                    "section `{}` is empty: answer it, even if only with \"None\" and why",
                    s.heading.text
                ),
            );
        }
    }

    for id in &ctx.settings.required {
        if doc.section(id).is_none() {
            let title = section_title(id);
            let fix = if doc.form {
                format!("answer the form's `{title}` field (edit the issue)")
            } else {
                format!("add a `## {title}` heading and answer it")
            };
            ctx.push(
                &P001,
                ctx.title_at,
                Some(id),
                *id,
                format!("missing required section `{title}`: {fix}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_code_links_and_ds01_markers() {
        assert_eq!(placeholders("TODO: write this").len(), 1);
        assert_eq!(placeholders("<describe the problem>").len(), 1);
        assert_eq!(
            placeholders("keys marked TODO-NOT-IMPLEMENTED in the YAML").len(),
            0
        );
        assert_eq!(placeholders("the `TODO` marker").len(), 0);
        assert_eq!(placeholders("see <https://example.org>").len(), 0);
        assert_eq!(placeholders("a <details> tag").len(), 0);
        assert_eq!(placeholders("[describe it](https://x)").len(), 0);
        assert_eq!(placeholders("[describe the users]").len(), 1);
        assert_eq!(placeholders("todo list of tasks").len(), 0);
    }
}
