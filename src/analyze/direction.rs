//! Direction decides whether a principle is supported or strained: relaxing, extending,
//! exempting or bypassing the limit behind a principle strains it; tightening, enforcing or
//! reclaiming supports it. One mechanism for every principle: a direction cue (`relax` or
//! `tighten` of the rules' `[direction]` table) that acts on one of the limits behind that
//! principle (`limits.<principle>`, within `window` words of the cue) near the principle's
//! evidence (within `window` words) turns that principle.
//! The nearest such cue decides; the cue is added to the finding's evidence. A cue inside a
//! longer cue of the other way is part of that one: "remove the exemption" tightens, though
//! "exemption" alone relaxes. Where no cue decides, a short text that states a duration limit's
//! value today and later asks for another ("The 24h max runtime kills my run. Could students
//! get 72h max runtime?") decides by the two values ([`stated_values`]).
use super::{Evidence, Finding, sentence_bounds, sentences};
use crate::rules::{Direction, RuleSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    Relax,
    Tighten,
}

/// Byte offsets of the starts of the words of `text[lo..hi]`, as absolute offsets.
fn word_starts(text: &str, lo: usize, hi: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev_word = false;
    for (i, ch) in text[lo..hi].char_indices() {
        let w = ch.is_alphanumeric() || ch == '_';
        if w && !prev_word {
            out.push(lo + i);
        }
        prev_word = w || (prev_word && (ch == '-' || ch == '\'' || ch == '.'));
    }
    out
}

/// Words strictly between two byte ranges (0 when they touch or overlap).
fn gap(starts: &[usize], a: (usize, usize), b: (usize, usize)) -> usize {
    let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
    if second.0 < first.1 {
        return 0;
    }
    let i = starts.partition_point(|&s| s < first.1);
    let j = starts.partition_point(|&s| s < second.0);
    j.saturating_sub(i)
}

fn matches(re: &crate::rules::LazyRegex, text: &str, lo: usize, hi: usize) -> Vec<(usize, usize)> {
    // A sentence is short: its matches are found by the forward DFAs at the cue's literals
    // (`LazyRegex::find_all`), not by a regex with its own literal prefilter, which would
    // cost more to build for these long alternations than the search.
    let hay = &text[lo..hi];
    // Every match kept is non-empty, so it starts with one of the cue's prefix literals and
    // ends with one of its suffix literals: without them in `hay`, nothing is compiled.
    if re.cannot_match(hay) {
        return Vec::new();
    }
    re.find_all(hay)
        .into_iter()
        .map(|(start, end)| (lo + start, lo + end))
        .collect()
}

/// A word of a sentence for [`numeric_cues`]: its byte range and its lowercase text.
struct Word {
    start: usize,
    end: usize,
    text: String,
}

/// The words of `text[lo..hi]`: runs of ASCII letters, digits and dots, and the arrows `->`,
/// `=>` and `→`.
fn words(text: &str, lo: usize, hi: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let hay = &text[lo..hi];
    let mut it = hay.char_indices().peekable();
    while let Some((i, ch)) = it.next() {
        if ch.is_ascii_alphanumeric() {
            let mut end = i + ch.len_utf8();
            while let Some(&(k, c)) = it.peek() {
                if c.is_ascii_alphanumeric()
                    || (c == '.' && hay[k + 1..].starts_with(|n: char| n.is_ascii_digit()))
                {
                    end = k + c.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            out.push(Word {
                start: lo + i,
                end: lo + end,
                text: hay[i..end].to_ascii_lowercase(),
            });
        } else if ch == '→' || ((ch == '-' || ch == '=') && hay[i + 1..].starts_with('>')) {
            let end = if ch == '→' {
                i + ch.len_utf8()
            } else {
                i + 2
            };
            if ch != '→' {
                it.next();
            }
            out.push(Word {
                start: lo + i,
                end: lo + end,
                text: "->".to_owned(),
            });
        }
    }
    out
}

/// The quantity that starts at word `i` ("48h", "3 days", "an hour", "half an hour", "8"), as
/// (measure, value in that measure, the number as written) and the index after it.
fn quantity_at(w: &[Word], i: usize) -> Option<(Qty, usize)> {
    let t = w.get(i)?.text.as_str();
    let is_unit = |j: usize| {
        w.get(j)
            .is_some_and(|u| quantity("1", Some(&u.text)).is_some())
    };
    let (num, mut unit, mut j) = if t == "half"
        && w.get(i + 1)
            .is_some_and(|n| n.text == "a" || n.text == "an")
    {
        ("half a".to_owned(), None, i + 2)
    } else if t.starts_with(|c: char| c.is_ascii_digit()) {
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (n, u) = t.split_at(split);
        (n.to_owned(), (!u.is_empty()).then(|| u.to_owned()), i + 1)
    } else {
        (t.to_owned(), None, i + 1)
    };
    if unit.is_none() && is_unit(j) {
        unit = Some(w[j].text.clone());
        j += 1;
    }
    Some((quantity(&num, unit.as_deref())?, j))
}

/// (measure, value, number as written): see [`quantity_at`].
type Qty = (u8, f64, f64);

/// Words that are units of a count.
const UNITS: &[&str] = &[
    "gpu",
    "gpus",
    "card",
    "cards",
    "core",
    "cores",
    "container",
    "containers",
    "job",
    "jobs",
    "slot",
    "slots",
];

/// A quantity as (measure, value in it, the number as written): minutes for durations, GB for
/// sizes, the count for [`UNITS`], measure 0 for a bare number; `None` for a number word or a
/// unit it does not know.
fn quantity(num: &str, unit: Option<&str>) -> Option<Qty> {
    let n = match num.to_ascii_lowercase().as_str() {
        "a" | "an" | "one" => 1.0,
        "half a" | "half an" => 0.5,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "twelve" => 12.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "ninety" => 90.0,
        other if other.starts_with(|c: char| c.is_ascii_digit()) => other.parse().ok()?,
        _ => return None,
    };
    let unit = unit.map(str::to_ascii_lowercase);
    let (kind, value) = match unit.as_deref() {
        Some("m" | "min" | "mins" | "minute" | "minutes") => (1, n),
        Some("h" | "hr" | "hrs" | "hour" | "hours") => (1, n * 60.0),
        Some("d" | "day" | "days") => (1, n * 1440.0),
        Some("w" | "wk" | "wks" | "week" | "weeks") => (1, n * 10080.0),
        Some("month" | "months") => (1, n * 43200.0),
        Some("gb") => (2, n),
        Some("tb") => (2, n * 1024.0),
        Some(u) if UNITS.contains(&u) => (3, n),
        Some(_) => return None,
        None => (0, n),
    };
    Some((kind, value, n))
}

/// Numbers that say the direction themselves: the new value against the old one, in "3 days
/// instead of 48 h", "an hour rather than the usual 15 minutes", "from 3 to 8 concurrent jobs"
/// or "48h -> 96h". A larger new value relaxes the limit it is about, a smaller one tightens
/// it; values in measures of different kinds (hours against GB) say nothing, and nor do two
/// bare numbers unless "from" names the old one. Hand-parsed: a regex for this cost more to
/// compile than the rest of a one-sentence analysis.
fn numeric_cues(text: &str, lo: usize, hi: usize) -> Vec<(Way, (usize, usize))> {
    let hay = &text[lo..hi];
    if !hay.bytes().any(|b| b.is_ascii_digit()) && !hay.contains(" an ") && !hay.contains(" a ") {
        return Vec::new();
    }
    let w = words(text, lo, hi);
    let is = |k: usize, t: &str| w.get(k).is_some_and(|x| x.text == t);
    let mut out = Vec::new();
    for i in 0..w.len() {
        let here = quantity_at(&w, i);
        // "from" old to new, or old -> new.
        let from = is(i, "from");
        let old = if from { quantity_at(&w, i + 1) } else { here };
        if let Some((a, j)) = old {
            // "X to Y" without "from" is a range ("20 to 30 hours"), not a change.
            if (from && is(j, "to")) || is(j, "->") {
                if let Some((b, end)) = quantity_at(&w, j + 1) {
                    push_cue(&mut out, &w, a, b, from, (i, end));
                }
            }
        }
        // new (up to three words) instead of old.
        let Some((a, j)) = here else {
            continue;
        };
        for k in j..(j + 4).min(w.len()) {
            let after =
                if is(k, "instead") && is(k + 1, "of") || is(k, "rather") && is(k + 1, "than") {
                    k + 2
                } else if is(k, "not") || is(k, "vs") || is(k, "versus") {
                    k + 1
                } else {
                    continue;
                };
            let mut m = after;
            while [
                "the", "my", "our", "usual", "current", "default", "present", "existing", "fixed",
            ]
            .iter()
            .any(|t| is(m, t))
            {
                m += 1;
            }
            if let Some((b, end)) = quantity_at(&w, m) {
                push_cue(&mut out, &w, b, a, false, (i, end));
            }
            break;
        }
    }
    out
}

/// Records the cue of an old and a new quantity over words `span` (a half-open range).
fn push_cue(
    out: &mut Vec<(Way, (usize, usize))>,
    w: &[Word],
    (ko, old, old_n): Qty,
    (kn, new, new_n): Qty,
    from: bool,
    span: (usize, usize),
) {
    let year = |v: f64| (1900.0..=2100.0).contains(&v) && v.fract() == 0.0;
    // Bare numbers with a fraction are versions ("from 3.10 to 3.11"), not limits.
    if ko == 0 && kn == 0 && (old_n.fract() != 0.0 || new_n.fract() != 0.0) {
        return;
    }
    // A unit on one side stands for both ("from 3 to 8 jobs", "48 to 96 h").
    let kind = if ko == 0 { kn } else { ko };
    // A bare number takes the unit of the other side; a zero (no unit to scale by) is compared
    // as written.
    let (old, new) = if ko == 0 && kn != 0 && new_n != 0.0 {
        (old_n * new / new_n, new)
    } else if kn == 0 && ko != 0 && old_n != 0.0 {
        (old, new_n * old / old_n)
    } else if ko != kn {
        (old_n, new_n)
    } else {
        (old, new)
    };
    if (ko != 0 && kn != 0 && ko != kn) || (kind == 0 && (!from || year(old) || year(new))) {
        return;
    }
    let bytes = (w[span.0].start, w[span.1 - 1].end);
    if new > old {
        out.push((Way::Relax, bytes));
    } else if new < old {
        out.push((Way::Tighten, bytes));
    }
}

/// The nearest cue acting on a limit near the evidence `span` in its sentence `(lo, hi)`,
/// with its direction; `None` when the sentence names none of the limits (then no other
/// evidence in it has a cue either).
fn decide(
    d: &Direction,
    limits: &crate::rules::LazyRegex,
    text: &str,
    span: (usize, usize),
    (lo, hi): (usize, usize),
) -> Option<Option<(Way, (usize, usize))>> {
    let limits = matches(limits, text, lo, hi);
    if limits.is_empty() {
        return None;
    }
    let starts = word_starts(text, lo, hi);
    let mut best: Option<(usize, Way, (usize, usize))> = None;
    let mut cues: Vec<(Way, (usize, usize))> = Vec::new();
    for (way, re) in [(Way::Relax, &d.relax), (Way::Tighten, &d.tighten)] {
        cues.extend(matches(re, text, lo, hi).into_iter().map(|c| (way, c)));
    }
    cues.extend(numeric_cues(text, lo, hi));
    for (way, cue) in outermost(&cues) {
        // A cue inside a limit's own words is that limit, not an action on it.
        let acts = limits
            .iter()
            .any(|&l| !(cue.0 >= l.0 && cue.1 <= l.1) && gap(&starts, cue, l) <= d.window);
        if !acts {
            continue;
        }
        let dist = gap(&starts, cue, span);
        if dist > d.window {
            continue;
        }
        if best.is_none_or(|(b, _, _)| dist < b) {
            best = Some((dist, way, cue));
        }
    }
    Some(best.map(|(_, w, c)| (w, c)))
}

/// The cues not inside a longer cue of the other way: "remove the exemption" tightens,
/// and the relaxing "exemption" inside it is what it acts on, not a cue of its own.
fn outermost(cues: &[(Way, (usize, usize))]) -> Vec<(Way, (usize, usize))> {
    let inside = |&(way, c): &(Way, (usize, usize))| {
        (cues.iter()).any(|&(w, o)| w != way && o.0 <= c.0 && c.1 <= o.1 && o != c)
    };
    cues.iter().copied().filter(|c| !inside(c)).collect()
}

fn cue_evidence(text: &str, way: Way, cue: (usize, usize), principle: &str) -> Evidence {
    let (rule, from) = match way {
        Way::Relax => ("direction-relax", format!("supports:{principle}")),
        Way::Tighten => ("direction-tighten", format!("strains:{principle}")),
    };
    Evidence {
        rule: rule.into(),
        matched: text[cue.0..cue.1].into(),
        span: Some([cue.0, cue.1]),
        weight: 0.0,
        inferred_from: vec![from],
        neighbours: Vec::new(),
        words: Vec::new(),
    }
}

/// The direction a finding's evidence points, if a cue decides it: the nearest cue acting on
/// one of the principle's own limits, for the first evidence (in text order) that has one;
/// failing that, a limit's value asked for against today's ([`stated_values`]), for a finding
/// read from the text's words. The flag says the cue is such a request.
fn finding_way(d: &Direction, text: &str, f: &Finding) -> Option<(Way, (usize, usize), bool)> {
    let limits = d.limits_of(&f.id)?;
    // Evidence comes in text order, often several pieces to a sentence: a sentence that names
    // none of the principle's limits is searched once, not once per piece.
    let mut bare: Option<(usize, usize)> = None;
    f.evidence
        .iter()
        .filter_map(|e| e.span)
        .find_map(|s| {
            let sentence = sentence_bounds(text, s[0], s[1]);
            if bare == Some(sentence) {
                return None;
            }
            let Some(way) = decide(d, limits, text, (s[0], s[1]), sentence) else {
                bare = Some(sentence);
                return None;
            };
            way.map(|(w, c)| (w, c, false))
        })
        .or_else(|| {
            // An inferred principle is not what the text is about: no value turns it.
            let read = f.evidence.iter().any(|e| e.span.is_some());
            read.then(|| stated_values(d, limits, text))
                .flatten()
                .map(|(w, c)| (w, c, true))
        })
}

/// The longest text, in bytes, whose limit values [`stated_values`] compares across
/// sentences: a ticket (about 300 words of English). A longer document states many values, of
/// many things, in many places.
const STATED_VALUES_MAX: usize = 2_000;

/// Verbs of a sentence that asks for a value ("could students get 72h", "could the idle
/// timeout be 30 minutes"): a question without one ("should researchers keep their 72h?",
/// "was it 24h before the upgrade?") asks for no new value.
const ASKS_FOR: &[&str] = &[
    "get", "have", "give", "allow", "make", "set", "be", "go", "move", "change", "bump", "raise",
    "extend", "lower", "cut", "reduce", "shorten", "lengthen", "increase", "decrease", "last",
];

/// A duration limit's value stated twice, today's first and the one asked for later: "The
/// 24h max runtime kills my container every night. Could students get 72h max_runtime?". Each
/// value is a duration written next to the same words of one of the principle's limits (at most
/// two words apart, not inside them; "max runtime" and "max_runtime" are the same words). The
/// later one stands in a sentence that asks for it (a proposal marker, or a question, with a
/// verb of [`ASKS_FOR`]) and is that sentence's only duration next to those words; the earlier
/// one is the last such duration in a sentence that asks for nothing. A longer duration asked
/// for relaxes the limit, a shorter one tightens it: the cue is the value asked for. Only for a
/// short text (see [`STATED_VALUES_MAX`]).
fn stated_values(
    d: &Direction,
    limits: &crate::rules::LazyRegex,
    text: &str,
) -> Option<(Way, (usize, usize))> {
    /// The measure of durations (minutes) in [`Qty`].
    const DURATION: u8 = 1;
    struct Value {
        sentence: usize,
        asks: bool,
        minutes: f64,
        span: (usize, usize),
        /// The limit's words, lowercase, `_` and `-` as spaces.
        limit: String,
    }
    if text.len() > STATED_VALUES_MAX || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut values: Vec<Value> = Vec::new();
    for sentence in sentences(text) {
        let lo = sentence.as_ptr() as usize - text.as_ptr() as usize;
        let hi = lo + sentence.len();
        let found = matches(limits, text, lo, hi);
        if found.is_empty() {
            continue;
        }
        let starts = word_starts(text, lo, hi);
        let w = words(text, lo, hi);
        let asks = (text[hi..].starts_with('?')
            || (d.proposal.as_ref()).is_some_and(|re| proposes(re, text, lo)))
            && w.iter().any(|x| ASKS_FOR.contains(&x.text.as_str()));
        // A limit whose words are a duration themselves ("24h", "a day") names no limit here.
        let named: Vec<(usize, usize)> = (found.into_iter())
            .filter(|&(a, b)| {
                let lw = words(text, a, b);
                quantity_at(&lw, 0).is_none_or(|(_, j)| j < lw.len())
            })
            .collect();
        let mut i = 0;
        while i < w.len() {
            let Some(((kind, minutes, _), j)) = quantity_at(&w, i) else {
                i += 1;
                continue;
            };
            let span = (w[i].start, w[j - 1].end);
            let next = (named.iter())
                .filter(|&&l| (l.1 <= span.0 || span.1 <= l.0) && gap(&starts, span, l) <= 2)
                .min_by_key(|&&l| gap(&starts, span, l));
            if let (DURATION, Some(&(a, b))) = (kind, next) {
                values.push(Value {
                    sentence: lo,
                    asks,
                    minutes,
                    span,
                    limit: text[a..b].to_lowercase().replace(['_', '-'], " "),
                });
            }
            i = j.max(i + 1);
        }
    }
    // The last value asked for that pairs with today's.
    values.iter().rev().filter(|v| v.asks).find_map(|new| {
        let here = (values.iter())
            .filter(|v| v.sentence == new.sentence && v.limit == new.limit)
            .count();
        let old = (values.iter())
            .rev()
            .find(|v| v.sentence < new.sentence && !v.asks && v.limit == new.limit)?;
        if here != 1 {
            return None;
        }
        match new.minutes.partial_cmp(&old.minutes)? {
            std::cmp::Ordering::Greater => Some((Way::Relax, new.span)),
            std::cmp::Ordering::Less => Some((Way::Tighten, new.span)),
            std::cmp::Ordering::Equal => None,
        }
    })
}

/// Whether the sentence holding `at` proposes something (has a proposal marker; `^` is the
/// sentence's start).
fn proposes(re: &crate::rules::LazyRegex, text: &str, at: usize) -> bool {
    let (lo, hi) = sentence_bounds(text, at, at);
    let s = text[lo..hi].trim_start();
    re.is_match(s)
}

/// Whether any sentence of the text proposes something.
fn text_proposes(re: &crate::rules::LazyRegex, text: &str) -> bool {
    sentences(text).any(|s| {
        let s = s.trim_start();
        re.is_match(s)
    })
}

/// Whether a relax cue at `cue` only describes today's problem: some sentence of the text
/// proposes something (`anywhere`, computed once per text and only when needed), but not
/// the cue's.
fn describes_problem(
    d: &Direction,
    text: &str,
    cue: (usize, usize),
    anywhere: &std::cell::OnceCell<bool>,
) -> bool {
    let Some(re) = &d.proposal else { return false };
    !proposes(re, text, cue.0) && *anywhere.get_or_init(|| text_proposes(re, text))
}

/// Turn supported principles whose limit the text relaxes into strained ones, and strained
/// principles whose limit it tightens into supported ones.
pub(super) fn apply(
    set: &RuleSet,
    text: &str,
    supported: &mut Vec<Finding>,
    strained: &mut Vec<Finding>,
) {
    let Some(d) = &set.direction else { return };
    let anywhere = std::cell::OnceCell::new();
    let mut to_strained = Vec::new();
    supported.retain(|f| match finding_way(d, text, f) {
        // A value asked for is a request, not today's problem.
        Some((Way::Relax, cue, asked)) if asked || !describes_problem(d, text, cue, &anywhere) => {
            let mut f = f.clone();
            f.evidence.push(cue_evidence(text, Way::Relax, cue, &f.id));
            to_strained.push(f);
            false
        }
        _ => true,
    });
    let mut to_supported = Vec::new();
    strained.retain(|f| match finding_way(d, text, f) {
        Some((Way::Tighten, cue, _)) => {
            let mut f = f.clone();
            f.evidence
                .push(cue_evidence(text, Way::Tighten, cue, &f.id));
            to_supported.push(f);
            false
        }
        _ => true,
    });
    strained.extend(to_strained);
    supported.extend(to_supported);
    strained.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    supported.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
}

#[cfg(test)]
mod tests {
    use super::{Way, numeric_cues, outermost};

    #[test]
    fn a_cue_inside_a_longer_cue_of_the_other_way_is_part_of_it() {
        use Way::{Relax, Tighten};
        // "remove the idle-timeout exemption": the tightening spans the relaxing "exemption".
        let cues = [(Relax, (27, 36)), (Tighten, (0, 36)), (Relax, (50, 56))];
        assert_eq!(
            outermost(&cues),
            vec![(Tighten, (0, 36)), (Relax, (50, 56))]
        );
        // Cues of one way, or side by side, all stay.
        let same = [(Relax, (0, 10)), (Relax, (2, 5)), (Tighten, (12, 20))];
        assert_eq!(outermost(&same), same.to_vec());
    }

    fn ways(text: &str) -> Vec<Way> {
        numeric_cues(text, 0, text.len())
            .into_iter()
            .map(|(w, _)| w)
            .collect()
    }

    #[test]
    fn larger_new_values_relax_and_smaller_ones_tighten() {
        use Way::{Relax, Tighten};
        for (text, want) in [
            (
                "Could researchers get 3 days max runtime instead of 48h?",
                vec![Relax],
            ),
            ("an hour instead of the usual 15 minutes", vec![Relax]),
            ("raise the cap from 3 to 8 concurrent jobs", vec![Relax]),
            (
                "the idle timeout should be 15 minutes rather than an hour",
                vec![Tighten],
            ),
            ("keep-alive 24h -> 12h", vec![Tighten]),
            ("cut the hold from 5 to 0 hours", vec![Tighten]),
            ("results up to 10 GB instead of 1 GB", vec![Relax]),
        ] {
            assert_eq!(ways(text), want, "{text}");
        }
    }

    #[test]
    fn bare_numbers_and_mixed_units_say_nothing() {
        for text in [
            "use GPU 2 not 3",
            "give it 10 GB instead of 2 hours",
            "from 2024 to 2025",
            "a wizard instead of the manual",
            "Training runs take 20 to 30 hours, so the limit should stay",
            "upgrade the script from 3.10 to 3.11",
            "inf instead of nan hours",
        ] {
            assert!(
                ways(text).is_empty(),
                "{text}: {:?}",
                numeric_cues(text, 0, text.len())
            );
        }
    }
}
