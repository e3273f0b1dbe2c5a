//! GitHub issue forms as proposals. GitHub renders a form's answers as a `### Field label`
//! heading per field followed by the answer, and `_No response_` for an optional field left
//! blank. [`is_issue_form`] recognises such a body; `proposal::scan` then maps the labels to the
//! proposal's sections ([`LABELS`] on top of the usual heading vocabulary), reads a
//! `_No response_` or empty answer as a section that is missing, and keeps the labels out of
//! the prose the analysis reads (they are the form's questions, not the author's text).
use std::sync::LazyLock;

/// What GitHub writes for an optional field left blank.
pub(crate) const NO_RESPONSE: &str = "_No response_";

/// Form labels and their variants, by section id, beyond what the heading vocabulary of
/// `proposal::section_id` already matches ("Problem", "GPU and MIG impact", "Who is it
/// for?"...). Compared as heading words: case, punctuation, emoji and numbering do not matter.
const LABELS: &[(&str, &[&str])] = &[
    (
        "problem",
        &[
            "What problem does this solve",
            "What problem are you trying to solve",
            "Describe the problem",
            "What is the problem",
            "What hurts",
        ],
    ),
    (
        "users",
        &[
            "Who is this for",
            "Who needs this",
            "Who would use this",
            "Who is affected",
            "Who asked for it",
        ],
    ),
    (
        "proposal",
        &[
            "What should change",
            "Describe the change",
            "Describe the solution you'd like",
            "Proposed solution",
            "Feature description",
            "What do you propose",
        ],
    ),
    (
        "success-metrics",
        &[
            "How will we know it worked",
            "How do we know it worked",
            "What number should move",
        ],
    ),
    (
        "alternatives",
        &[
            "Describe alternatives you've considered",
            "What else did you consider",
            "What have you tried",
        ],
    ),
    (
        "gpu-impact",
        &[
            "Does it change GPU use",
            "Does this change GPU allocation",
            "GPU MIG",
        ],
    ),
    (
        "principles",
        &[
            "Which principles does it support or strain",
            "Principles supported or strained",
        ],
    ),
    (
        "rollout",
        &[
            "How should it ship",
            "How should it roll out",
            "How is it rolled back",
        ],
    ),
];

/// [`LABELS`] as `section_id`'s extra synonyms: (id, heading words).
pub(crate) static SYNONYMS: LazyLock<Vec<(String, Vec<String>)>> = LazyLock::new(|| {
    LABELS
        .iter()
        .flat_map(|(id, labels)| {
            labels
                .iter()
                .map(|l| ((*id).to_owned(), super::proposal::heading_words(l)))
        })
        .collect()
});

/// Whether `text` is the body of an issue form as GitHub renders it: no front matter, no `##`
/// headings, at least two `### ` field headings, and nothing before the first of them but
/// blank lines and an optional `# Title` (a workflow may prepend the issue's title).
pub(crate) fn is_issue_form(text: &str) -> bool {
    let mut fields = 0;
    let mut before_first = true;
    for line in text.lines() {
        let t = line.trim_end();
        if t.starts_with("### ") || t == "###" {
            fields += 1;
            before_first = false;
        } else if t.starts_with("## ")
            || before_first && !(t.trim().is_empty() || t.starts_with("# "))
        {
            // A `##` section, or anything before the first field but the title (front
            // matter, an introduction): a Markdown proposal.
            return false;
        }
    }
    fields >= 2
}

/// Whether a line is GitHub's answer for a blank optional field.
pub(crate) fn is_no_response(line: &str) -> bool {
    line.trim() == NO_RESPONSE
}

/// An issue-form body as prose for `analyze`: the field labels (`### ...`) and the
/// `_No response_` lines blanked, byte for byte, so offsets and evidence spans still point at
/// the text; anything else unchanged. Not a form: the text as it is.
pub(crate) fn prose(text: &str) -> std::borrow::Cow<'_, str> {
    if !is_issue_form(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim_end().starts_with("###") || is_no_response(body) {
            // A space per byte: a multi-byte character becomes as many spaces as it had bytes.
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = "### Who is it for?\n\nStudents in the MIG course\n\n### Problem\n\n_No response_\n\n### 🚀 Proposed change!\n\nA queue.\n";

    #[test]
    fn recognises_form_bodies_only() {
        assert!(is_issue_form(FORM));
        assert!(is_issue_form(&format!("# A title\n\n{FORM}")));
        assert!(!is_issue_form(
            "# T\n\nIntro.\n\n### Problem\n\nx\n\n### Users\n"
        ));
        assert!(!is_issue_form("### Problem\nx\n## Users\ny\n### More\n"));
        assert!(!is_issue_form("### Only one\nx\n"));
        assert!(!is_issue_form(super::super::template::TEMPLATE));
    }

    #[test]
    fn prose_blanks_labels_and_no_response_keeping_offsets() {
        let p = prose(FORM);
        assert_eq!(p.len(), FORM.len());
        assert!(!p.contains("Problem") && !p.contains(NO_RESPONSE) && !p.contains('🚀'));
        assert!(p.contains("Students in the MIG course") && p.contains("A queue."));
        assert_eq!(prose("plain text"), "plain text");
    }

    #[test]
    fn labels_map_to_sections() {
        use super::super::proposal::section_id;
        for (label, id) in [
            ("Who is it for?", "users"),
            ("WHO IS THIS FOR", "users"),
            ("Problem", "problem"),
            ("What problem does this solve?", "problem"),
            ("🚀 Proposed change", "proposal"),
            ("GPU and MIG impact", "gpu-impact"),
            ("Principles and exceptions", "principles"),
            ("Rollout and rollback:", "rollout"),
            ("Success metrics", "success-metrics"),
            ("Alternatives considered", "alternatives"),
            ("How will we know it worked?", "success-metrics"),
        ] {
            assert_eq!(section_id(label, &SYNONYMS), Some(id), "{label}");
        }
        assert_eq!(section_id("Tiers affected", &SYNONYMS), None);
    }
}
