//! Questions (P301, P302): unticked checklist items and top questions the text does not
//! address.
use super::*;
use crate::analyze::questions::normalize;

/// Words that say nothing of a question's content.
const STOPWORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "also", "another", "anyone", "because", "been",
    "before", "being", "below", "between", "both", "cannot", "could", "does", "doing", "done",
    "down", "during", "each", "else", "even", "every", "first", "from", "further", "have",
    "having", "here", "instead", "into", "itself", "just", "like", "make", "many", "might", "more",
    "most", "much", "must", "need", "needs", "never", "none", "only", "other", "others", "over",
    "same", "should", "since", "some", "still", "such", "than", "that", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "under", "until", "upon", "very", "want",
    "were", "what", "when", "where", "whether", "which", "while", "whom", "whose", "will", "with",
    "within", "without", "would", "your", "happens", "happen", "today", "change", "changes",
    "feature", "users", "user", "ds01", "gets", "give", "tell", "know", "time", "next", "case",
    "they", "what's", "once", "asked", "this", "used", "uses", "using", "work", "works", "kind",
    "sure", "able", "thing",
];
/// The framing of the combination questions ("You mention {first}: ...", "This touches
/// {first}: ..." for an inferred concern), not their content.
const FRAMING: &[&str] = &["mention", "mentions", "mentioned", "touch", "touches"];
const SHORT_TERMS: &[&str] = &[
    "gpu", "mig", "cpu", "tty", "ssh", "api", "vpn", "uid", "ldap",
];

fn stem(word: &str) -> String {
    let mut w = word.to_lowercase();
    for suffix in ["ing", "ed", "es", "s"] {
        if w.len() >= suffix.len() + 3 && w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
            break;
        }
    }
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    if let Some((cut, _)) = w.char_indices().nth(6) {
        w.truncate(cut);
    }
    w
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The key terms of a question: content words, deduplicated by stem, in order.
fn key_terms(question: &str) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    words(question)
        .filter_map(|w| {
            let lw = w.to_lowercase();
            let keep = (lw.len() >= 4
                && !STOPWORDS.contains(&lw.as_str())
                && !FRAMING.contains(&lw.as_str()))
                || SHORT_TERMS.contains(&lw.as_str());
            (keep && !lw.chars().all(|c| c.is_ascii_digit())).then(|| (stem(&lw), lw))
        })
        .filter(|(s, _)| seen.insert(s.clone()))
        .collect()
}

fn is_question_box(
    doc: &Document<'_>,
    set_questions: &HashSet<String>,
    b: &proposal::Checkbox,
) -> bool {
    let t = b.text.trim_end_matches(['*', '_', ' ']);
    t.ends_with('?')
        || doc.section_at(b.at).and_then(|s| s.id) == Some("open-questions")
        || doc
            .sections
            .iter()
            .any(|s| s.id == Some("open-questions") && s.body.contains(&b.at))
        || set_questions.contains(&normalize(t))
}

pub(super) fn questions(ctx: &mut Ctx<'_>, set: &RuleSet, a: &Analysis) {
    let doc = ctx.doc;
    let known = set.question_keys();

    let boxes: Vec<&proposal::Checkbox> = doc
        .checkboxes
        .iter()
        .filter(|b| is_question_box(doc, known, b))
        .collect();
    for b in &boxes {
        if !b.checked {
            let shown: String = if b.text.chars().count() > 120 {
                b.text.chars().take(117).collect::<String>() + "..."
            } else {
                b.text.clone()
            };
            ctx.push(
                &P301,
                b.at,
                None,
                normalize(&b.text),
                format!(
                    "open question left unanswered: “{shown}”; answer it and tick the box (`- [x]`)"
                ),
            );
        }
    }

    if ctx.settings.top_questions == 0 {
        return;
    }
    // The text that may answer a question: the proposal and the answers under its open
    // questions, but not the checklist items, headings or placeholders.
    let answer_text = prose(doc, false);
    let present: HashSet<String> = words(&answer_text).map(stem).collect();
    let at = doc
        .section("open-questions")
        .map_or(ctx.title_at, |s| s.heading.at);
    // Every checkbox's text, normalised once (not once per question).
    let boxes: HashSet<String> = doc.checkboxes.iter().map(|b| normalize(&b.text)).collect();
    for q in top_questions(a, ctx.settings) {
        let key = normalize(&q.text);
        if boxes.contains(&key) || doc.checkboxes.iter().any(|b| q.is_asked_by(&b.text)) {
            // Ticked: addressed. Open: P301 already says so.
            continue;
        }
        // The text a question cites comes from the proposal: it is no sign of an answer.
        let cited: HashSet<String> = q.cited.iter().flat_map(|c| words(c)).map(stem).collect();
        let terms: Vec<_> = key_terms(&q.text)
            .into_iter()
            .filter(|(s, _)| !cited.contains(s))
            .collect();
        let (found, missing): (Vec<_>, Vec<_>) =
            terms.iter().partition(|(s, _)| present.contains(s));
        // "Never addresses": a third of the key terms (at least two) is enough.
        let needed = terms.len().div_ceil(3).max(terms.len().min(2));
        if found.len() >= needed {
            continue;
        }
        let list = |v: &[&(String, String)]| {
            v.iter()
                .map(|(_, w)| w.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        ctx.push(
            &P302,
            at,
            Some("open-questions"),
            key,
            format!(
                "top question for this proposal not addressed: “{}” (heuristic: found {} of its {} key terms outside the checklist{}{}); answer it in the text, or paste the checklist from `ds01-pm questions -f FILE --format markdown` and tick it once answered",
                q.text,
                found.len(),
                terms.len(),
                if found.is_empty() { String::new() } else { format!(": {}", list(&found)) },
                if missing.is_empty() { String::new() } else { format!("; missing: {}", list(&missing)) },
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_terms_drop_stopwords_and_share_stems() {
        let t = key_terms("What is the rollback or backup plan if this deletes the wrong data?");
        let words: Vec<&str> = t.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(
            words,
            ["rollback", "backup", "plan", "deletes", "wrong", "data"]
        );
        assert_eq!(stem("queued"), stem("queue"));
        let framed = key_terms("You mention idle timeouts: who approves the exception?");
        assert!(framed.iter().all(|(_, w)| w != "mention"), "{framed:?}");
        assert_eq!(stem("allocations"), stem("allocation"));
    }
}
