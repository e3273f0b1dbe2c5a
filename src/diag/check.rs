//! The codes of `check` findings (`P001`..`P902`): severity, what each finds and how to fix it.
//! Codes are grouped by hundreds: P0xx structure, P1xx front matter, P2xx requirements decided
//! by the concern analysis, P3xx questions, P9xx suppressions.
use super::Severity;

/// One check: a stable code, a kebab name, a default severity and its documentation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the check finds.
    pub summary: &'static str,
    /// Why it matters for DS01 and how to fix it; shown as SARIF help and by `--list-checks`.
    pub help: &'static str,
    /// Whether an `allow` comment may silence it.
    pub suppressible: bool,
}

const fn check(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    help: &'static str,
) -> CheckInfo {
    CheckInfo {
        code,
        name,
        severity,
        summary,
        help,
        suppressible: true,
    }
}

use Severity::{Error as E, Info as I, Warning as W};

/// `P001` `missing-section`.
pub const P001: CheckInfo = check(
    "P001",
    "missing-section",
    E,
    "A required section is missing.",
    "Every proposal answers the same basic questions so the admin can compare them: the problem, who is affected and how they work today, the proposed change, how success is measured, and how it is rolled out and back. Add the section (`ds01-pm new --template` shows them all). Headings match leniently: case, numbering and synonyms such as \"Motivation\" for Problem or \"Deployment\" for Rollout are accepted; `[check.synonyms]` adds more and `[check] required_sections` changes the list.",
);

/// `P002` `empty-section`.
pub const P002: CheckInfo = check(
    "P002",
    "empty-section",
    E,
    "A section has a heading but no content.",
    "An empty section looks answered in a table of contents but is not. Write at least a sentence; \"None: this change does not touch GPUs\" is a fine answer when it is true. HTML comments (such as the template's guidance) do not count as content.",
);

/// `P003` `placeholder-text`.
pub const P003: CheckInfo = check(
    "P003",
    "placeholder-text",
    E,
    "Template placeholder text is left in.",
    "Placeholders (TODO, TBD, FIXME, <describe ...>, lorem ipsum) mean the proposal is not finished. Replace them with the answer. Placeholders inside `inline code` or fenced code blocks are ignored, and so is DS01's own `TODO-NOT-IMPLEMENTED` marker.",
);

/// `P004` `duplicate-section`.
pub const P004: CheckInfo = check(
    "P004",
    "duplicate-section",
    W,
    "The same section appears twice.",
    "Two headings name the same section (for example \"Rollout\" and, later, \"Deployment plan\"), so a reader cannot tell which one is current. Merge them, or nest the second under the first.",
);

/// `P005` `missing-title`.
pub const P005: CheckInfo = check(
    "P005",
    "missing-title",
    W,
    "The proposal has no title.",
    "Give the proposal a `# Title` heading or a `title` in the front matter; the title names it in review, in the backlog and in CI annotations, which point at the title line for document-level findings.",
);

/// `P101` `front-matter-syntax`.
pub const P101: CheckInfo = check(
    "P101",
    "front-matter-syntax",
    E,
    "The front matter is not valid TOML or has an unknown key.",
    "The optional front matter is TOML between `+++` lines at the very top: `id`, `title`, `status`, `author`, `tiers`, `tags` and the RICE fields `reach`, `impact`, `confidence`, `effort`, `depends_on`. Unknown keys are errors so that typos (`confidance`) do not silently drop a value. YAML front matter (`---`) is not read.",
);

/// `P102` `front-matter-value`.
pub const P102: CheckInfo = check(
    "P102",
    "front-matter-value",
    E,
    "A front-matter value is invalid.",
    "Front-matter values follow the rules of backlog.toml items, so an accepted proposal can be copied into the backlog: impact on the 3 / 2 / 1 / 0.5 / 0.25 scale (or massive, high, medium, low, minimal), confidence from 0.5 to 1.0 or \"50%\" to \"100%\", effort a positive number of person-weeks or a t-shirt size XS to XL, reach a number of users ≥ 0, an id without spaces, tiers among student, researcher (faculty counts as researcher) and admin, and a known status.",
);

/// `P103` `front-matter-incomplete`.
pub const P103: CheckInfo = check(
    "P103",
    "front-matter-incomplete",
    W,
    "An accepted proposal lacks the fields the backlog needs.",
    "Once a proposal is accepted (or in progress, or implemented) it flows into backlog.toml, which needs `id`, `title`, `reach`, `impact`, `confidence` and `effort` to rank it with RICE. Fill in the missing fields.",
);

/// `P104` `tiers-disagree`.
pub const P104: CheckInfo = check(
    "P104",
    "tiers-disagree",
    I,
    "The text concerns a user tier the front matter does not list.",
    "`tiers` in the front matter says whom the proposal is for; the analysis found evidence for another tier as well. Either add the tier or make the text clearer about who is affected. This is a hint, based on the rules' tier signals.",
);

/// `P201` `gpu-when-none-free`.
pub const P201: CheckInfo = check(
    "P201",
    "gpu-when-none-free",
    E,
    "GPU impact, but no word on what happens when no GPU or MIG slice is free.",
    "With 4 A100s shared by up to 200 users, \"no GPU free\" is the normal case at peak. When the analysis finds that a proposal changes GPU allocation, release, visibility or quota (GPU impact other than `none`), the GPU and MIG impact section must say what a user sees when every GPU or MIG slice is taken: a queue position, a clear refusal with the next step, a CPU-only fallback, or the wrapper's 180 s retry.",
);

/// `P202` `principle-exception-missing`.
pub const P202: CheckInfo = check(
    "P202",
    "principle-exception-missing",
    E,
    "A strained DS01 principle is not justified.",
    "When the analysis finds that a proposal works against a DS01 principle (for example a keep-alive that strains `ephemeral-containers` and `gpu-efficiency`), the Principles and exceptions section must name that principle and justify the exception: why it is worth it, for whom, and how it is limited (expiry, cap, audit record).",
);

/// `P203` `rollback-plan-missing`.
pub const P203: CheckInfo = check(
    "P203",
    "rollback-plan-missing",
    E,
    "A data-loss risk without a rollback or backup plan.",
    "When the analysis finds a data-loss risk (deleting, pruning or overwriting workspaces, images or containers), the Rollout and rollback section must give the way back: a backup or snapshot, a restore path, a dry run, a grace period or an undo.",
);

/// `P204` `alternatives-missing`.
pub const P204: CheckInfo = check(
    "P204",
    "alternatives-missing",
    E,
    "A heavy new dependency without alternatives considered.",
    "When the analysis finds a heavy new dependency (a scheduler such as SLURM or Kubernetes, a new database or state store), the proposal must compare alternatives in an Alternatives considered section: build a small piece, integrate an existing tool, configure what exists, or do nothing. One admin runs everything DS01 adds.",
);

/// `P205` `maintenance-window-missing`.
pub const P205: CheckInfo = check(
    "P205",
    "maintenance-window-missing",
    W,
    "A change that disrupts running work without a maintenance window.",
    "When the analysis finds that the change interrupts running containers or jobs (MIG reconfiguration, GPU resets, reboots, daemon restarts), the Rollout and rollback section should say when it happens and how the owners of running containers are told in advance.",
);

/// `P301` `open-checkbox`.
pub const P301: CheckInfo = check(
    "P301",
    "open-checkbox",
    W,
    "A question of the checklist is left unanswered.",
    "Checklists pasted from `ds01-pm questions --format markdown` start unticked. Answer each question in the proposal (for example indented below the item) and tick it (`- [x]`). A task-list item counts as a question when it ends with `?`, sits under Open questions, or is one of the rule set's questions.",
);

/// `P302` `top-question-unaddressed`.
pub const P302: CheckInfo = check(
    "P302",
    "top-question-unaddressed",
    W,
    "One of the most important questions for this proposal is not addressed.",
    "The analysis ranks the questions a DS01 PM would ask first about this proposal. This check looks for each of the top ones (`[check] top_questions`, default 5) in the text: a question counts as addressed when it is ticked in a pasted checklist, or when at least a third of its key terms (and at least two) appear in the proposal outside the checklist. It is a heuristic: if the text answers the question in other words, say so with an `allow` comment and a reason.",
);

/// `P901` `unused-suppression`.
pub const P901: CheckInfo = CheckInfo {
    suppressible: false,
    ..check(
        "P901",
        "unused-suppression",
        W,
        "A suppression matches no finding.",
        "An `allow` comment whose finding has gone (the text was fixed, or the finding moved to another section) only hides future problems. Remove it, or move it into the section the finding is reported in.",
    )
};

/// `P902` `invalid-suppression`.
pub const P902: CheckInfo = CheckInfo {
    suppressible: false,
    ..check(
        "P902",
        "invalid-suppression",
        E,
        "A suppression comment is malformed or has no reason.",
        "Write `<!-- ds01-pm: allow CODE reason=\"why this is fine\" -->` with a known check code or name (several may be separated by commas) and a non-empty quoted reason. The reason is what a reviewer reads instead of the finding.",
    )
};

/// Every check, in code order. Codes never change meaning; retired codes are not reused. A check
/// emits its typed constant (`P201`), so it cannot name an unregistered code; a test keeps every
/// constant listed here.
pub static CHECKS: &[CheckInfo] = &[
    P001, P002, P003, P004, P005, P101, P102, P103, P104, P201, P202, P203, P204, P205, P301, P302,
    P901, P902,
];

/// Find a check by code (`P201`) or name (`gpu-when-none-free`), case-insensitively.
pub fn find(key: &str) -> Option<&'static CheckInfo> {
    let k = key.trim();
    CHECKS
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(k) || c.name.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use regex::Regex;

    use super::*;

    #[test]
    fn registry_codes_and_names_are_unique_and_documented() {
        let code = Regex::new(r"^P[0-9]{3}$").expect("regex");
        let name = Regex::new(r"^[a-z]+(-[a-z]+)*$").expect("regex");
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        for c in CHECKS {
            assert!(code.is_match(c.code), "{}", c.code);
            assert!(name.is_match(c.name), "{}", c.name);
            assert!(codes.insert(c.code), "duplicate {}", c.code);
            assert!(names.insert(c.name), "duplicate {}", c.name);
            assert!(c.summary.ends_with('.') && c.help.len() > 80, "{}", c.code);
        }
        let sorted: Vec<_> = CHECKS.iter().map(|c| c.code).collect();
        let mut again = sorted.clone();
        again.sort_unstable();
        assert_eq!(sorted, again, "registry in code order");
    }

    /// Every typed constant of this file is listed in [`CHECKS`], under its own code.
    #[test]
    fn every_constant_is_registered() {
        let source = include_str!("check.rs");
        let consts = Regex::new(r"(?m)^pub const (P[0-9]{3}): CheckInfo").expect("regex");
        let declared: Vec<&str> = consts
            .captures_iter(source)
            .map(|c| c.get(1).expect("group").as_str())
            .collect();
        let listed: Vec<&str> = CHECKS.iter().map(|c| c.code).collect();
        assert_eq!(declared, listed);
    }
}
