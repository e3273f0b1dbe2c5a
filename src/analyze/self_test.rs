//! Rule self-tests: every rule's `examples.match` and `examples.no_match` run through the full
//! analyzer (`rules check` / `rules test`, and the test suite for the embedded rules).
use crate::error::Error;
use crate::rules::RuleSet;

/// The outcome of one rule's self-test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExampleFailure {
    pub rule: String,
    pub location: String,
    pub example: String,
    /// `true` if the example should have matched.
    pub expected_match: bool,
}

impl ExampleFailure {
    /// What went wrong, as the messages say it.
    pub fn verdict(&self) -> &'static str {
        if self.expected_match {
            "should match but does not:"
        } else {
            "should not match but does:"
        }
    }
}

/// Run every rule's examples through the full analyzer; return what failed.
pub fn self_test(set: &RuleSet, only_user_rules: bool) -> Vec<ExampleFailure> {
    self_test_where(set, |embedded| !(only_user_rules && embedded))
}

/// The self-test of the embedded rules only, in the set they were loaded with: what `rules
/// check` runs on a set from `Ctx::rule_set`, whose user rules already proved their examples
/// while loading ([`prove_user_rules`]: a failure there fails the load), so running them again
/// could only find nothing. (The embedded rules are tested again because user rules may
/// change what they fire on, through `when` and `unless`.)
pub fn self_test_embedded(set: &RuleSet) -> Vec<ExampleFailure> {
    self_test_where(set, |embedded| embedded)
}

/// Run the examples of the rules, direction cues and combinations whose file passes `test`
/// (given whether the file is embedded).
fn self_test_where(set: &RuleSet, test: impl Fn(bool) -> bool) -> Vec<ExampleFailure> {
    let embedded_file = |file: &str| set.sources.iter().any(|s| s.embedded && s.name == file);
    let tested: Vec<&crate::rules::Rule> = set
        .rules
        .iter()
        .filter(|rule| test(embedded_file(&rule.location.file)))
        .collect();
    // Each rule's examples are independent of the others': several threads run them (5,000
    // user rules have 20,000 examples), and the failures come back in rule order.
    let per_rule = crate::rules::par_map(&tested, |rule| {
        let cases = rule
            .examples_match
            .iter()
            .map(|e| (e, true))
            .chain(rule.examples_no_match.iter().map(|e| (e, false)));
        let mut failures = Vec::new();
        for (example, expected) in cases {
            let fired = super::fired_rules(set, example).contains(&rule.id.as_str());
            if fired != expected {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    location: example_location(set, rule, example),
                    example: example.to_string(),
                    expected_match: expected,
                });
            }
        }
        failures
    });
    let mut failures: Vec<ExampleFailure> = per_rule.into_iter().flatten().collect();
    if let Some(d) = &set.direction {
        if test(embedded_file(&d.location.file)) {
            for (text, principle, strained) in &d.examples {
                let a = super::analyze_with(set, text, super::Channels::RULES_ONLY);
                let got = a.principles.strained.iter().any(|f| &f.id == principle);
                let touched = got || a.principles.supported.iter().any(|f| &f.id == principle);
                if !touched || got != *strained {
                    failures.push(ExampleFailure {
                        rule: "direction".to_owned(),
                        location: d.location.to_string(),
                        example: format!(
                            "{text} (should {} `{principle}`)",
                            if *strained { "strain" } else { "support" }
                        ),
                        expected_match: true,
                    });
                }
            }
        }
    }
    for g in &set.generic_questions {
        if !test(embedded_file(&g.location.file)) {
            continue;
        }
        let cases = g
            .examples_answered
            .iter()
            .map(|e| (e, true))
            .chain(g.examples_open.iter().map(|e| (e, false)));
        for (example, expected) in cases {
            if g.answered_by(example) != expected {
                failures.push(ExampleFailure {
                    rule: format!("question {}", g.id),
                    location: g.location.to_string(),
                    example: example.to_string(),
                    expected_match: expected,
                });
            }
        }
    }
    failures.extend(combinations_where(set, &test));
    failures
}

/// Run the examples of every combination whose file passes `test`; return what failed.
fn combinations_where(set: &RuleSet, test: impl Fn(bool) -> bool) -> Vec<ExampleFailure> {
    let embedded_file = |file: &str| set.sources.iter().any(|s| s.embedded && s.name == file);
    let mut failures = Vec::new();
    for c in &set.combinations {
        if !test(embedded_file(&c.location.file)) {
            continue;
        }
        let cases = c
            .examples_match
            .iter()
            .map(|e| (e, true))
            .chain(c.examples_no_match.iter().map(|e| (e, false)));
        for (example, expected) in cases {
            let a = super::analyze_with(set, example, super::Channels::RULES_ONLY);
            let fired = super::questions::combination_fires(set, &a, c, &a.concerns());
            if fired != expected {
                failures.push(ExampleFailure {
                    rule: c.id.clone(),
                    location: c.location.to_string(),
                    example: example.to_string(),
                    expected_match: expected,
                });
            }
        }
    }
    failures
}

/// `file:line:col` of an example: the first string literal holding exactly the example at or
/// after its rule's line in the rule file. When the literal is not found as written (a TOML
/// escape inside it), column 1 of the rule's line.
fn example_location(set: &RuleSet, rule: &crate::rules::Rule, example: &str) -> String {
    let fallback = || format!("{}:1", rule.location);
    let Some(src) = set.sources.iter().find(|s| s.name == rule.location.file) else {
        return fallback();
    };
    let text: &str = &src.text;
    let start = text
        .match_indices('\n')
        .nth(rule.location.line.saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    let start = if rule.location.line <= 1 { 0 } else { start };
    let found = ['"', '\'']
        .iter()
        .filter_map(|q| text[start..].find(&format!("{q}{example}{q}")))
        .min();
    match found {
        Some(at) => {
            let (line, col) = crate::text::line_col(text, start + at);
            format!("{}:{line}:{col}", rule.location.file)
        }
        None => fallback(),
    }
}

/// A loaded rule set whose user-supplied rules prove their examples, or every failing example
/// as one error. The embedded defaults are proven by the test suite, so the binary does not pay
/// for them on every start. (Called by the layer that loads rules for a command: the rule
/// loader sits below the analyzer and cannot run it.)
pub fn prove_user_rules(rule_set: RuleSet) -> Result<RuleSet, Error> {
    let failures = self_test(&rule_set, true);
    if !failures.is_empty() {
        let problems = failures
            .iter()
            .map(|f| {
                format!(
                    "{}: rule `{}`: example {} `{}`",
                    f.location,
                    f.rule,
                    f.verdict(),
                    f.example
                )
            })
            .collect();
        return Err(Error::Many {
            problems,
            hint: Some(
                "fix the rule's patterns (or `exclude`) or its examples: a `match` example must fire the rule on its own, a `no_match` example must not"
                    .into(),
            ),
        });
    }
    Ok(rule_set)
}
