//! A proposal as written: optional TOML front matter between `+++` lines, then Markdown. The
//! scanner here knows exactly what the checks need (headings, sections, fenced code, HTML
//! comments, checkboxes) and keeps every byte offset, so each finding gets a line and column.
use std::ops::Range;

/// The canonical sections of a proposal, in template order: (id, title in the template).
pub(crate) const SECTIONS: &[(&str, &str)] = &[
    ("problem", "Problem"),
    ("users", "Users and current workflow"),
    ("proposal", "Proposed change"),
    ("success-metrics", "Success metrics"),
    ("alternatives", "Alternatives considered"),
    ("gpu-impact", "GPU and MIG impact"),
    ("principles", "Principles and exceptions"),
    ("rollout", "Rollout and rollback"),
    ("open-questions", "Open questions"),
];

/// Words a heading may contain for each section: at least one anchor, and nothing outside
/// anchors, extra words and fillers. This is what makes "2. Roll-out & roll-back" and
/// "Build vs. buy" match while a title such as "GPU queue for students" does not.
struct Vocabulary {
    id: &'static str,
    anchors: &'static [&'static str],
    extra: &'static [&'static str],
}

const VOCABULARY: &[Vocabulary] = &[
    Vocabulary {
        id: "problem",
        anchors: &["problem", "motivation", "background", "why", "pain"],
        extra: &["statement", "context", "point", "need", "summary"],
    },
    Vocabulary {
        id: "users",
        anchors: &[
            "user",
            "who",
            "workflow",
            "persona",
            "stakeholder",
            "audience",
        ],
        extra: &[
            "current", "affected", "target", "today", "context", "tier", "existing", "their", "is",
            "it", "for", "how", "they", "work",
        ],
    },
    Vocabulary {
        id: "proposal",
        anchors: &[
            "proposal", "proposed", "solution", "design", "approach", "change", "overview", "idea",
        ],
        extra: &["detailed", "technical", "what", "we", "propose", "our"],
    },
    Vocabulary {
        id: "success-metrics",
        anchors: &["success", "metric", "kpi", "measure", "criteria", "outcome"],
        extra: &[
            "how",
            "we",
            "will",
            "know",
            "acceptance",
            "goal",
            "measuring",
        ],
    },
    Vocabulary {
        id: "alternatives",
        anchors: &["alternative", "option", "buy", "integrate", "prior"],
        extra: &[
            "considered",
            "build",
            "vs",
            "versus",
            "art",
            "other",
            "rejected",
            "or",
            "do",
            "nothing",
        ],
    },
    Vocabulary {
        id: "gpu-impact",
        anchors: &["gpu", "mig"],
        extra: &[
            "impact",
            "resource",
            "allocation",
            "slice",
            "hardware",
            "capacity",
            "usage",
        ],
    },
    Vocabulary {
        id: "principles",
        anchors: &["principle", "exception", "tradeoff", "trade"],
        extra: &[
            "design",
            "ds01",
            "justification",
            "strained",
            "conflict",
            "off",
        ],
    },
    Vocabulary {
        id: "rollout",
        anchors: &[
            "rollout",
            "rollback",
            "roll",
            "deployment",
            "deploy",
            "release",
            "migration",
            "backout",
        ],
        extra: &["out", "back", "plan", "strategy"],
    },
    Vocabulary {
        id: "open-questions",
        // "Open points", "Unknowns", "TBD": what is not decided yet ("Issues" is often the
        // problem statement).
        anchors: &[
            "question",
            "unresolved",
            "faq",
            "checklist",
            "point",
            "unknown",
            "tbd",
        ],
        extra: &["open", "remaining", "answer", "pm"],
    },
];

const FILLERS: &[&str] = &[
    "and", "the", "of", "a", "an", "for", "to", "in", "on", "with",
];

/// Split a heading into lowercase words, dropping numbering ("2.", "3.1)", "IV.", "Section 4:")
/// and punctuation; singular forms so that "Users" and "user" agree.
pub(crate) fn heading_words(heading: &str) -> Vec<String> {
    let lowered = heading.to_lowercase().replace('&', " and ");
    let mut words: Vec<String> = lowered
        .split(|c: char| !(c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    // Leading numbering: digits, roman numerals followed by a separator, "section N", "step N".
    loop {
        match words.first().map(String::as_str) {
            Some(w) if w.chars().all(|c| c.is_ascii_digit()) => {
                words.remove(0);
            }
            Some("section" | "part" | "step")
                if words
                    .get(1)
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit())) =>
            {
                words.drain(..2);
            }
            Some(w)
                if words.len() > 1
                    && matches!(
                        w,
                        "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x"
                    )
                    && heading
                        .trim_start()
                        .to_lowercase()
                        .starts_with(&format!("{w}.")) =>
            {
                words.remove(0);
            }
            _ => break,
        }
    }
    words.into_iter().map(|w| singular(&w)).collect()
}

fn singular(w: &str) -> String {
    match w {
        "kpis" => "kpi".into(),
        "gpus" => "gpu".into(),
        "criteria" | "status" | "ds01" | "this" | "vs" | "is" | "its" => w.into(),
        _ if w.len() > 3 && w.ends_with("ies") => format!("{}y", &w[..w.len() - 3]),
        _ if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") => w[..w.len() - 1].into(),
        _ => w.into(),
    }
}

/// The canonical section a heading names, if any. `extra` holds configured synonyms as
/// (id, heading words).
pub(crate) fn section_id(heading: &str, extra: &[(String, Vec<String>)]) -> Option<&'static str> {
    let words = heading_words(heading);
    if words.is_empty() {
        return None;
    }
    if let Some((id, _)) = extra.iter().find(|(_, w)| *w == words) {
        return SECTIONS.iter().map(|(s, _)| *s).find(|s| s == id);
    }
    let mut best: Option<(&'static str, usize)> = None;
    for v in VOCABULARY {
        let mut anchors = 0;
        let fits = words.iter().all(|w| {
            if v.anchors.contains(&w.as_str()) {
                anchors += 1;
                true
            } else {
                v.extra.contains(&w.as_str()) || FILLERS.contains(&w.as_str())
            }
        });
        if fits && anchors > 0 && best.is_none_or(|(_, a)| anchors > a) {
            best = Some((v.id, anchors));
        }
    }
    best.map(|(id, _)| id)
}

/// A heading: ATX (`## Problem`) or setext (underlined).
#[derive(Debug, Clone)]
pub(crate) struct Heading {
    pub(crate) level: u8,
    pub(crate) text: String,
    /// Byte offset of the heading's first character (after `#`s and spaces for ATX).
    pub(crate) at: usize,
    /// Byte offset of the start of the heading's (first) line.
    pub(crate) line_start: usize,
    /// Byte offset just after the heading block (after the underline for setext).
    pub(crate) end: usize,
}

/// A heading with the text it owns: up to the next heading of the same or a higher level.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) heading: Heading,
    /// Canonical id, if the heading names one of [`SECTIONS`].
    pub(crate) id: Option<&'static str>,
    /// The body: from after the heading to the end of the section (subsections included).
    pub(crate) body: Range<usize>,
}

/// A Markdown task-list item: `- [ ] text` or `- [x] text`.
#[derive(Debug, Clone)]
pub(crate) struct Checkbox {
    pub(crate) checked: bool,
    pub(crate) text: String,
    /// Byte offset of the `[`.
    pub(crate) at: usize,
    /// The whole line.
    pub(crate) line: Range<usize>,
}

/// The `+++` block.
#[derive(Debug, Clone)]
pub(crate) struct FrontMatter {
    /// The TOML between the fences.
    pub(crate) body: Range<usize>,
}

/// Problems found while splitting the document, reported by the front-matter check.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// `+++` opens on the first line and never closes.
    Unclosed,
    /// The document opens with YAML front matter (`---` ... `---`), which is not read.
    Yaml(Range<usize>),
}

/// A scanned proposal.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub(crate) text: &'a str,
    /// The text with front matter and HTML comments blanked out (same byte offsets).
    pub(crate) masked: String,
    pub(crate) front_matter: Option<FrontMatter>,
    pub(crate) shape: Option<Shape>,
    /// HTML comments outside code: (whole comment range, inner text range).
    pub(crate) comments: Vec<(Range<usize>, Range<usize>)>,
    pub(crate) sections: Vec<Section>,
    pub(crate) checkboxes: Vec<Checkbox>,
    /// Line ranges (without the newline) inside fenced code blocks.
    pub(crate) code_lines: Vec<Range<usize>>,
    /// Every line (without the newline), in order.
    pub(crate) lines: Vec<Range<usize>>,
    /// Offsets to lines and columns in O(log n).
    pub(crate) index: crate::text::LineIndex<'a>,
    /// For each section, the nearest enclosing section (lower heading level), if any.
    parent: Vec<Option<usize>>,
    /// The text is a GitHub issue form's body (`check::form`): its `###` labels name the
    /// sections, and a blank answer is a missing section.
    pub(crate) form: bool,
}

fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(start..end);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

fn blank(masked: &mut [u8], r: Range<usize>) {
    for b in &mut masked[r] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

fn fence_open(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = rest.chars().take_while(|&x| x == c).count();
    // A backtick fence's info string may not contain backticks.
    (n >= 3 && !(c == '`' && rest[n..].contains('`'))).then_some((c, n))
}

fn fence_close(line: &str, (c, n): (char, usize)) -> bool {
    let t = line.trim_start_matches(' ');
    line.len() - t.len() <= 3
        && t.chars().take_while(|&x| x == c).count() >= n
        && t.trim_start_matches(c).trim().is_empty()
}

fn atx(line: &str) -> Option<(u8, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let lead = after.len() - after.trim_start().len();
    let mut text = after.trim();
    // Closing sequence: `## Title ##`.
    let stripped = text.trim_end_matches('#');
    if stripped.len() < text.len() && (stripped.is_empty() || stripped.ends_with([' ', '\t'])) {
        text = stripped.trim_end();
    }
    // Heading ids: `## Rollout {#rollout}`.
    if let Some(i) = text.rfind(" {#") {
        if text.ends_with('}') {
            text = text[..i].trim_end();
        }
    }
    u8::try_from(level)
        .ok()
        .map(|l| (l, indent + level + lead, text))
}

fn is_setext_underline(line: &str) -> Option<u8> {
    let t = line.trim();
    if line.len() - line.trim_start_matches(' ').len() > 3 || t.is_empty() {
        return None;
    }
    if t.chars().all(|c| c == '=') {
        Some(1)
    } else if t.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

fn list_or_block_start(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['-', '*', '+', '>', '|', '#'])
        || t.split_once(['.', ')'])
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn checkbox(line: &str) -> Option<(bool, usize, &str)> {
    let indent = line.len() - line.trim_start().len();
    let t = &line[indent..];
    let marker = if t.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || !t[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &t[marker..];
    let gap = after.len() - after.trim_start().len();
    if gap == 0 {
        return None;
    }
    let b = &after[gap..];
    let checked = match b.get(..3) {
        Some("[ ]") => false,
        Some("[x]" | "[X]") => true,
        _ => return None,
    };
    let text = &b[3..];
    if !(text.is_empty() || text.starts_with([' ', '\t'])) {
        return None;
    }
    Some((checked, indent + marker + gap, text.trim()))
}

/// Scan a proposal. `synonyms` are extra headings from the config.
pub(crate) fn scan<'a>(text: &'a str, synonyms: &[(String, Vec<String>)]) -> Document<'a> {
    let form = super::form::is_issue_form(text);
    let with_labels: Vec<(String, Vec<String>)>;
    let synonyms = if form {
        with_labels = synonyms
            .iter()
            .chain(super::form::SYNONYMS.iter())
            .cloned()
            .collect();
        &with_labels[..]
    } else {
        synonyms
    };
    let lines = line_ranges(text);
    let mut masked = text.as_bytes().to_vec();
    let mut first_line = 0;
    let mut front_matter = None;
    let mut shape = None;

    if let Some(l0) = lines.first() {
        let first = text[l0.clone()].trim_end();
        if first == "+++" {
            match lines
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, r)| text[(*r).clone()].trim_end() == "+++")
            {
                Some((i, close)) => {
                    let body_start = lines.get(1).map_or(close.start, |r| r.start);
                    let block_end = lines.get(i + 1).map_or(text.len(), |r| r.start);
                    front_matter = Some(FrontMatter {
                        body: body_start.min(close.start)..close.start,
                    });
                    blank(&mut masked, 0..block_end);
                    first_line = i + 1;
                }
                None => shape = Some(Shape::Unclosed),
            }
        } else if first == "---" && lines.get(1).is_some_and(|r| yaml_key(&text[r.clone()])) {
            if let Some((i, _)) = lines
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, r)| text[(*r).clone()].trim_end() == "---")
            {
                let end = lines.get(i + 1).map_or(text.len(), |r| r.start);
                shape = Some(Shape::Yaml(0..end));
                blank(&mut masked, 0..end);
                first_line = i + 1;
            }
        }
    }

    let mut comments = Vec::new();
    let mut code_lines = Vec::new();
    let mut headings: Vec<Heading> = Vec::new();
    let mut checkboxes = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut comment_open: Option<usize> = None;
    let mut prev_paragraph: Option<Range<usize>> = None;

    for r in &lines[first_line.min(lines.len())..] {
        let line = &text[r.clone()];
        if let Some(f) = fence {
            code_lines.push(r.clone());
            if fence_close(line, f) {
                fence = None;
            }
            prev_paragraph = None;
            continue;
        }
        // HTML comments, possibly spanning lines.
        let mut pos = 0;
        let mut outside = String::new();
        loop {
            if let Some(start) = comment_open {
                match line[pos..].find("-->") {
                    Some(i) => {
                        let end = r.start + pos + i + 3;
                        comments.push((start..end, start + 4..end - 3));
                        comment_open = None;
                        pos += i + 3;
                    }
                    None => break,
                }
            } else {
                match line[pos..].find("<!--") {
                    Some(i) => {
                        outside.push_str(&line[pos..pos + i]);
                        comment_open = Some(r.start + pos + i);
                        pos += i + 4;
                    }
                    None => {
                        outside.push_str(&line[pos..]);
                        break;
                    }
                }
            }
        }
        let line_is_comment_only = outside.trim().is_empty() && !line.trim().is_empty();
        if comment_open.is_some() && outside.trim().is_empty() {
            prev_paragraph = None;
            continue;
        }
        if line_is_comment_only {
            prev_paragraph = None;
            continue;
        }
        if let Some(f) = fence_open(line) {
            fence = Some(f);
            code_lines.push(r.clone());
            prev_paragraph = None;
            continue;
        }
        if let Some((level, offset, title)) = atx(line) {
            headings.push(Heading {
                level,
                text: title.to_owned(),
                at: r.start + offset.min(line.len()),
                line_start: r.start,
                end: r.end,
            });
            prev_paragraph = None;
            continue;
        }
        if let (Some(level), Some(p)) = (is_setext_underline(line), prev_paragraph.clone()) {
            let t = &text[p.clone()];
            let lead = t.len() - t.trim_start().len();
            headings.push(Heading {
                level,
                text: t.trim().to_owned(),
                at: p.start + lead,
                line_start: p.start,
                end: r.end,
            });
            prev_paragraph = None;
            continue;
        }
        if let Some((checked, offset, t)) = checkbox(line) {
            checkboxes.push(Checkbox {
                checked,
                text: t.to_owned(),
                at: r.start + offset,
                line: r.clone(),
            });
        }
        prev_paragraph = if line.trim().is_empty() || list_or_block_start(line) {
            None
        } else {
            Some(r.clone())
        };
    }
    if let Some(start) = comment_open {
        // An unclosed comment runs to the end, as in HTML.
        comments.push((start..text.len(), (start + 4).min(text.len())..text.len()));
    }
    for (c, _) in &comments {
        blank(&mut masked, c.clone());
    }

    // Each section ends where the next heading of its level or higher starts: one pass with a
    // stack of open headings (not a scan ahead from every heading), which also gives each
    // section its parent.
    let mut ends = vec![text.len(); headings.len()];
    let mut parent = vec![None; headings.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        while let Some(&j) = open.last() {
            if headings[j].level >= h.level {
                ends[j] = h.line_start;
                open.pop();
            } else {
                break;
            }
        }
        parent[i] = open.last().copied();
        open.push(i);
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut in_questions: Option<(u8, usize)> = None;
    for (i, h) in headings.iter().enumerate() {
        let end = ends[i];
        let body_start = (h.end + 1).min(end.max(h.end)).min(text.len());
        // Dimension headings of a pasted checklist ("### User context") are not sections.
        let nested_in_questions = in_questions.is_some_and(|(lvl, e)| h.level > lvl && h.at < e);
        let id = if nested_in_questions {
            None
        } else {
            section_id(&h.text, synonyms)
        };
        if id == Some("open-questions") {
            in_questions = Some((h.level, end));
        }
        sections.push(Section {
            heading: h.clone(),
            id,
            body: body_start..end.max(body_start),
        });
    }

    if form {
        // A form's labels are its questions, not the author's text, and `_No response_` is no
        // answer: both blanked, so a field left blank is an empty body.
        for h in &headings {
            if h.level > 1 {
                blank(&mut masked, h.line_start..h.end);
            }
        }
        for r in &lines {
            if super::form::is_no_response(&text[r.clone()]) {
                blank(&mut masked, r.clone());
            }
        }
        // A field left blank is a section missing, as when a Markdown proposal lacks it.
        for s in &mut sections {
            if s.id.is_some()
                && masked
                    .get(s.body.clone())
                    .is_none_or(|b| b.iter().all(u8::is_ascii_whitespace))
            {
                s.id = None;
            }
        }
    }
    let masked = String::from_utf8(masked).expect("only ASCII bytes of whole characters replaced");
    Document {
        text,
        masked,
        front_matter,
        shape,
        comments,
        sections,
        checkboxes,
        code_lines,
        lines,
        index: crate::text::LineIndex::new(text),
        parent,
        form,
    }
}

fn yaml_key(line: &str) -> bool {
    let t = line.trim_end();
    t.split_once(':').is_some_and(|(k, v)| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && (v.is_empty() || v.starts_with(' '))
    })
}

impl Document<'_> {
    /// The first section with this canonical id.
    pub(crate) fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == Some(id))
    }

    /// The document's H1, if it has one.
    pub(crate) fn title_heading(&self) -> Option<&Heading> {
        self.sections
            .iter()
            .map(|s| &s.heading)
            .find(|h| h.level == 1)
    }

    /// Whether a byte offset lies on a line of fenced code (a binary search: the code lines
    /// are in order and do not overlap).
    pub(crate) fn in_code(&self, offset: usize) -> bool {
        let i = self.code_lines.partition_point(|r| r.start <= offset);
        i > 0 && offset <= self.code_lines[i - 1].end
    }

    /// The deepest section containing `offset` (its heading included).
    pub(crate) fn section_at(&self, offset: usize) -> Option<&Section> {
        self.sections_containing(offset)
            .next()
            .map(|i| &self.sections[i])
    }

    /// The indices of the sections containing `offset` (heading included), deepest first.
    /// Sections nest by heading level, so these are the last section starting at or before
    /// `offset` and its ancestors: a binary search, then at most one step per level.
    pub(crate) fn sections_containing(&self, offset: usize) -> impl Iterator<Item = usize> + '_ {
        let last = self
            .sections
            .partition_point(|s| s.heading.line_start <= offset)
            .checked_sub(1);
        std::iter::successors(last, |&i| self.parent[i]).filter(move |&i| {
            let s = &self.sections[i];
            offset < s.body.end.max(s.heading.end)
        })
    }

    /// The masked text of a range, as prose: code lines, headings and blank lines kept.
    pub(crate) fn masked(&self, r: Range<usize>) -> &str {
        &self.masked[r]
    }

    /// The line range containing `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> Range<usize> {
        let i = self.lines.partition_point(|r| r.start <= offset);
        match i.checked_sub(1).map(|i| &self.lines[i]) {
            Some(r) if offset <= r.end => r.clone(),
            _ => 0..0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_match_leniently() {
        let none: &[(String, Vec<String>)] = &[];
        for (h, id) in [
            ("Problem", "problem"),
            ("1. Problem statement", "problem"),
            ("Users & current workflow", "users"),
            ("Who is affected", "users"),
            ("2) Who is affected & how they work today", "users"),
            ("Success Metrics", "success-metrics"),
            ("How we will measure success", "success-metrics"),
            (
                "Alternatives considered (build / buy / integrate)",
                "alternatives",
            ),
            ("Build vs. buy", "alternatives"),
            ("GPU / MIG impact", "gpu-impact"),
            ("4.2 GPU and MIG Impact", "gpu-impact"),
            ("Principles and exceptions", "principles"),
            ("Trade-offs", "principles"),
            ("Roll-out & roll-back", "rollout"),
            ("Rollout plan", "rollout"),
            ("Open Questions", "open-questions"),
            ("Open points", "open-questions"),
            ("Unknowns", "open-questions"),
            ("Proposed change", "proposal"),
            ("III. Proposal", "proposal"),
            ("Section 2: Motivation", "problem"),
        ] {
            assert_eq!(section_id(h, none), Some(id), "{h}");
        }
        for h in [
            "GPU queue for students",
            "Weekend keep-alive",
            "Appendix",
            "Ask first",
            "Key points",
            "Known issues",
            "Issues",
            "The issue",
        ] {
            assert_eq!(section_id(h, none), None, "{h}");
        }
        let extra = vec![("problem".to_owned(), heading_words("Pain we feel"))];
        assert_eq!(section_id("pain we feel", &extra), Some("problem"));
    }

    #[test]
    fn scans_front_matter_comments_code_and_checkboxes() {
        let text = "+++\nid = \"x\"\n+++\n# Title\n\n<!-- note\nmore -->\n## Problem\n```\n## not a heading\n```\n- [ ] open?\n- [x] done\n\nSetext\n------\n";
        let d = scan(text, &[]);
        let fm = d.front_matter.as_ref().expect("front matter");
        assert_eq!(&text[fm.body.clone()], "id = \"x\"\n");
        let titles: Vec<_> = d.sections.iter().map(|s| s.heading.text.as_str()).collect();
        assert_eq!(titles, ["Title", "Problem", "Setext"]);
        assert_eq!(d.comments.len(), 1);
        assert_eq!(d.checkboxes.len(), 2);
        assert!(!d.checkboxes[0].checked && d.checkboxes[1].checked);
        assert!(!d.masked.contains("note") && !d.masked.contains("id ="));
        assert_eq!(d.masked.len(), text.len());
        assert_eq!(d.section("problem").map(|s| s.heading.level), Some(2));
    }

    /// The indexed look-ups (binary searches, parent links) answer exactly what a scan of
    /// every line, code line and section answers, at every offset of documents with nested,
    /// skipped and setext headings, fences, CRLF and a trailing line without a newline.
    #[test]
    fn indexed_lookups_agree_with_scans() {
        let docs = [
            "+++\nid = \"x\"\n+++\n# T\n\nintro TODO\n## Problem\ntext\n### Sub\n```\n## no\n```\n#### Deep\nx\n## Users\r\nwho\r\n# Second\n##### Skip\nend",
            "Setext\n======\n\nbody\n\nSub\n---\n- [ ] q\n~~~\ncode\n~~~\n## After\n",
            "",
            "no headings at all\n\n```\nunclosed fence\n",
            "###### six\n# one\n## two\n## two again\n### three\n# one again\n",
        ];
        for text in docs {
            let d = scan(text, &[]);
            for offset in 0..=text.len() + 1 {
                let naive_code = d
                    .code_lines
                    .iter()
                    .any(|r| r.start <= offset && offset <= r.end);
                assert_eq!(d.in_code(offset), naive_code, "{text:?} at {offset}");
                let naive_section = d
                    .sections
                    .iter()
                    .filter(|s| {
                        s.heading.line_start <= offset && offset < s.body.end.max(s.heading.end)
                    })
                    .max_by_key(|s| s.heading.level)
                    .map(|s| s.heading.line_start);
                assert_eq!(
                    d.section_at(offset).map(|s| s.heading.line_start),
                    naive_section,
                    "{text:?} at {offset}"
                );
                let naive_line = d
                    .lines
                    .iter()
                    .find(|r| r.start <= offset && offset <= r.end)
                    .cloned()
                    .unwrap_or(0..0);
                assert_eq!(d.line_of(offset), naive_line, "{text:?} at {offset}");
            }
            // Section ends: the next heading at the same level or higher.
            for (i, s) in d.sections.iter().enumerate() {
                let end = d.sections[i + 1..]
                    .iter()
                    .find(|n| n.heading.level <= s.heading.level)
                    .map_or(text.len(), |n| n.heading.line_start);
                assert_eq!(s.body.end, end.max(s.body.start), "{text:?} section {i}");
            }
        }
    }

    #[test]
    fn unclosed_and_yaml_front_matter_are_shapes() {
        assert_eq!(scan("+++\nid = 1\n# T\n", &[]).shape, Some(Shape::Unclosed));
        assert!(matches!(
            scan("---\ntitle: x\n---\n# T\n", &[]).shape,
            Some(Shape::Yaml(_))
        ));
        assert_eq!(scan("---\n\nText\n", &[]).shape, None);
    }
}
