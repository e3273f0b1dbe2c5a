//! `ds01-pm rules list|show|check|test|eval`: inspect, self-test and evaluate a rule set.
use super::Ctx;
use crate::cli::RulesCommand;
use crate::error::{self, Error, ExitStatus};
use crate::{analyze, eval, report, text};

/// `ds01-pm rules ...`.
pub(crate) fn run(cmd: RulesCommand, ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cmd {
        RulesCommand::List { format } => {
            let set = ctx.rule_set()?;
            report::emit(&report::rules_list(&set, format))?;
            Ok(ExitStatus::Ok)
        }
        RulesCommand::Show { id, format } => {
            let set = ctx.rule_set()?;
            if let Some(c) = set.combinations.iter().find(|c| c.id == id) {
                report::emit(&report::question_eval::combination(c, format))?;
                return Ok(ExitStatus::Ok);
            }
            let Some(rule) = set.rule(&id) else {
                let ids = set.rules.iter().map(|r| r.id.as_str());
                let ids = ids.chain(set.combinations.iter().map(|c| c.id.as_str()));
                let hint = text::did_you_mean(&id, ids).map_or_else(
                    || "`ds01-pm rules list` shows every rule id".to_owned(),
                    |s| format!("did you mean `{s}`?"),
                );
                return Err(Error::invalid(
                    format!("no rule with id `{id}`"),
                    Some(&hint),
                ));
            };
            let follows = rule.follows.map(|f| &set.rules[f]);
            report::emit(&report::rule_detail(rule, follows, format))?;
            Ok(ExitStatus::Ok)
        }
        RulesCommand::Check | RulesCommand::Test => {
            let set = ctx.rule_set()?;
            let broken = set.compile_all();
            if !broken.is_empty() {
                return Err(Error::Many {
                    problems: broken,
                    hint: Some("fix the patterns above".into()),
                });
            }
            // User rules proved their examples while loading (`Ctx::rule_set`).
            let failures = analyze::self_test_embedded(&set);
            report::emit(&report::self_test(&set, &failures, ctx.color))?;
            Ok(if failures.is_empty() {
                ExitStatus::Ok
            } else {
                ExitStatus::Findings
            })
        }
        RulesCommand::Eval { file, format } => {
            let set = ctx.rule_set()?;
            let name = file.display().to_string();
            let text = error::read_text(&file)?;
            if eval::questions::is_question_set(&text) {
                let data = eval::questions::load(&name, &text)?;
                let result = eval::questions::evaluate(&set, &data);
                report::emit(&report::question_eval::render(&result, format))?;
                return Ok(ExitStatus::Ok);
            }
            let data = eval::load(&name, &text)?;
            let result = eval::evaluate(&set, &data, ctx.channels);
            report::emit(&report::eval(&result, format))?;
            Ok(ExitStatus::Ok)
        }
    }
}
