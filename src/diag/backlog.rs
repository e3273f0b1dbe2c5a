//! The codes of backlog findings (`B001`..`B014`): what each means and how to fix it. One
//! registry, read by `ds01-pm explain`; the backlog loader (`model.rs`, `validate.rs`,
//! `graph.rs`, `mod.rs`) emits the codes, and a test keeps every emitted code registered here.
use serde::Serialize;

/// One kind of problem in a backlog file.
#[derive(Debug, Serialize)]
pub struct CodeInfo {
    /// Stable code, e.g. `B011`.
    pub code: &'static str,
    /// Kebab name, e.g. `dependency-cycle`.
    pub name: &'static str,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// Why it matters for the ranking and how to fix it.
    pub help: &'static str,
}

const fn code(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    help: &'static str,
) -> CodeInfo {
    CodeInfo {
        code,
        name,
        summary,
        help,
    }
}

/// `B001` `backlog-syntax`.
pub const B001: CodeInfo = code(
    "B001",
    "backlog-syntax",
    "The backlog is not valid TOML.",
    "The file cannot be parsed, so nothing else in it is checked yet. The message gives the line and column where parsing stopped: strings need double quotes, every item starts with an `[[item]]` line (double brackets), arrays are written `[\"a\", \"b\"]`. Fix it and run again; the remaining problems are all reported once the file parses.",
);

/// `B002` `item-id-invalid`.
pub const B002: CodeInfo = code(
    "B002",
    "item-id-invalid",
    "An item id is empty, contains spaces, or is used twice.",
    "`depends_on`, `score --explain ID`, the graph and the report name items by id, so an id must be one word (kebab-case such as `gpu-queue` reads well) and unique in the file. Rename the duplicate (the message gives the line of the first one) and update the `depends_on` lists that meant it.",
);

/// `B003` `dependency-invalid`.
pub const B003: CodeInfo = code(
    "B003",
    "dependency-invalid",
    "`depends_on` names an item that does not exist, or lists one twice.",
    "Every entry of `depends_on` must be the id of an `[[item]]` in the same file; the message suggests the nearest id when there is one. Fix the typo, add the missing item, or remove the entry. A finished prerequisite stays in the file with `status = \"done\"`, so dependents can still name it. List each prerequisite once.",
);

/// `B004` `self-dependency`.
pub const B004: CodeInfo = code(
    "B004",
    "self-dependency",
    "An item depends on itself.",
    "An item cannot be its own prerequisite: it would never become eligible to be ranked (a cycle of length 1). Remove its own id from its `depends_on`; if another item was meant, name that one.",
);

/// `B005` `reach-invalid`.
pub const B005: CodeInfo = code(
    "B005",
    "reach-invalid",
    "`reach` is not a finite number of 0 or more.",
    "Reach is how many people the item affects per reach period (`[scoring] reach_period`, users per semester by default), written as a plain number without quotes: `reach = 40`. Negative, infinite and NaN values are refused because the score multiplies by reach.",
);

/// `B006` `impact-invalid`.
pub const B006: CodeInfo = code(
    "B006",
    "impact-invalid",
    "`impact` is not on the RICE scale.",
    "Impact uses the standard RICE steps: 3 (massive), 2 (high), 1 (medium), 0.5 (low) or 0.25 (minimal), as the number or the word. Values between the steps would make scores look more precise than the estimate is; pick the nearest step. `ds01-pm explain rice` describes the scale.",
);

/// `B007` `confidence-invalid`.
pub const B007: CodeInfo = code(
    "B007",
    "confidence-invalid",
    "`confidence` is not between 50% and 100%.",
    "Confidence is a fraction from 0.5 to 1.0 (`confidence = 0.8`) or a quoted percent from \"50%\" to \"100%\". A bare 80 is refused because it is ambiguous: write 0.8 or \"80%\". Below 50% the estimate is a guess: find out more before ranking the item.",
);

/// `B008` `effort-invalid`.
pub const B008: CodeInfo = code(
    "B008",
    "effort-invalid",
    "`effort` is not a positive number or a t-shirt size of the file.",
    "Effort is in the file's `effort_unit` (person-weeks unless `[scoring] effort_unit = \"person-months\"`): a number greater than 0, or a t-shirt size (XS, S, M, L, XL) that `[scoring.tshirt]` maps to one. Zero effort would make the score infinite; use a small number or XS for a tiny task.",
);

/// `B009` `status-invalid`.
pub const B009: CodeInfo = code(
    "B009",
    "status-invalid",
    "`status` is not todo, in-progress or done.",
    "Write `status = \"todo\"` (the default when absent), `\"in-progress\"` or `\"done\"`; open, backlog, planned, doing, started, closed and shipped are accepted as synonyms. Done items leave the ranking and satisfy the items that depend on them.",
);

/// `B010` `setting-invalid`.
pub const B010: CodeInfo = code(
    "B010",
    "setting-invalid",
    "A `[scoring]` setting is invalid, or an item's title is empty.",
    "`[scoring]` takes `reach_period` (text), `effort_unit` (person-weeks or person-months), `propagation` (none, max or sum), `decay` (a number in (0, 1], used by sum) and `[scoring.tshirt]`, which maps XS, S, M, L, XL (or XXL) to an effort greater than 0. Every item needs a non-empty `title`. The message names the setting and the values it accepts.",
);

/// `B011` `dependency-cycle`.
pub const B011: CodeInfo = code(
    "B011",
    "dependency-cycle",
    "Items depend on one another in a loop.",
    "In a cycle no item can be started first, so the backlog cannot be ranked. The message lists the members and the `depends_on` edges that close the loop. Remove one edge of each loop (usually one that is \"nicer to have first\" rather than a true prerequisite), or merge the items that really are one piece of work.",
);

/// `B012` `no-items`.
pub const B012: CodeInfo = code(
    "B012",
    "no-items",
    "The backlog has no `[[item]]` entries.",
    "There is nothing to rank. Add at least one `[[item]]` table with `id`, `title`, `reach`, `impact`, `confidence` and `effort`; check the spelling of the table header (`[[item]]`, double brackets, singular). `ds01-pm explain rice` describes the fields.",
);

/// `B013` `unknown-key`.
pub const B013: CodeInfo = code(
    "B013",
    "unknown-key",
    "A key is not part of the backlog format.",
    "Unknown keys are refused rather than ignored, so a typo (`depend_on`, `confidance`) cannot silently drop a value. The message suggests the nearest known key. The top level holds `[scoring]` and `[[item]]`; an item takes id, title, description, reach, impact, confidence, effort, depends_on, status, tags, url and needs_estimate.",
);

/// `B014` `wrong-type-or-missing-key`.
pub const B014: CodeInfo = code(
    "B014",
    "wrong-type-or-missing-key",
    "A value has the wrong type, or an item lacks a required key.",
    "Text is quoted, numbers are not, `depends_on` and `tags` are arrays of strings, and `item` must be an array of tables (`[[item]]`). Every item needs `id`, `title`, `reach`, `impact`, `confidence` and `effort`. The message names the key, the type expected and the type found, or the keys missing.",
);

/// Every backlog finding code, in code order. Codes never change meaning; retired codes are
/// not reused. All are errors: `score`, `plan`, `graph` and `report` refuse the file (exit 2),
/// `score --check` reports them as findings (exit 1).
/// The loader emits the typed constants (`B011`), so it cannot name an unregistered code.
pub static CODES: &[CodeInfo] = &[
    B001, B002, B003, B004, B005, B006, B007, B008, B009, B010, B011, B012, B013, B014,
];

/// Find a code (`B011`) or its name (`dependency-cycle`), case-insensitively.
pub fn find(key: &str) -> Option<&'static CodeInfo> {
    let k = key.trim();
    CODES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(k) || c.name.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes the loader's sources name (as typed constants, `codes::B011`).
    fn emitted() -> std::collections::BTreeSet<String> {
        let sources = [
            include_str!("../backlog/mod.rs"),
            include_str!("../backlog/model.rs"),
            include_str!("../backlog/validate.rs"),
            include_str!("../backlog/graph.rs"),
        ];
        let re = regex::Regex::new(r"\b(B\d{3})\b").expect("regex");
        sources
            .iter()
            .flat_map(|s| re.captures_iter(s).map(|c| c[1].to_owned()))
            .collect()
    }

    #[test]
    fn every_emitted_code_is_registered_and_every_registered_code_is_emitted() {
        let emitted = emitted();
        let registered: std::collections::BTreeSet<String> =
            CODES.iter().map(|c| c.code.to_owned()).collect();
        assert_eq!(emitted, registered);
    }

    /// Every typed constant of this file is listed in [`CODES`], under its own code.
    #[test]
    fn every_constant_is_registered() {
        let source = include_str!("backlog.rs");
        let consts = regex::Regex::new(r"(?m)^pub const (B[0-9]{3}): CodeInfo").expect("regex");
        let declared: Vec<&str> = consts
            .captures_iter(source)
            .map(|c| c.get(1).expect("group").as_str())
            .collect();
        let listed: Vec<&str> = CODES.iter().map(|c| c.code).collect();
        assert_eq!(declared, listed);
    }

    #[test]
    fn the_registry_is_ordered_unique_and_documented() {
        assert!(CODES.windows(2).all(|w| w[0].code < w[1].code));
        let mut names: Vec<&str> = CODES.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CODES.len());
        for c in CODES {
            assert!(c.code.len() == 4 && c.code.starts_with('B'), "{}", c.code);
            assert!(
                c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{}",
                c.name
            );
            assert!(c.summary.ends_with('.') && c.help.len() > 80, "{}", c.code);
            // No clash with the proposal checks, which `explain` resolves too.
            assert!(
                crate::diag::check::find(c.code).is_none()
                    && crate::diag::check::find(c.name).is_none(),
                "{}",
                c.code
            );
        }
        assert_eq!(find("b011").map(|c| c.name), Some("dependency-cycle"));
        assert_eq!(find("No-Items").map(|c| c.code), Some("B012"));
    }
}
