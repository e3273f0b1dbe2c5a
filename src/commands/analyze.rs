//! `ds01-pm analyze` and `ds01-pm questions`: read the feature text, analyse it (plus the
//! optional LLM suggestions) and render the analysis or its checklist.
use std::io::IsTerminal;

use super::{Ctx, read_stdin};
use crate::cli::AnalyzeArgs;
use crate::error::{self, Error, ExitStatus};
use crate::{analyze, llm, report, text};

/// `ds01-pm analyze`.
pub(crate) fn analyze(args: &AnalyzeArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let (a, llm) = analyze_with_llm(args, ctx)?;
    report::emit(&report::analysis(&a, llm.as_ref(), args.format, ctx.color))?;
    Ok(ExitStatus::Ok)
}

/// `ds01-pm questions`.
pub(crate) fn questions(args: &AnalyzeArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let (a, llm) = analyze_with_llm(args, ctx)?;
    report::emit(&report::questions(&a, llm.as_ref(), args.format, ctx.color))?;
    Ok(ExitStatus::Ok)
}

/// Analyze the input; when the LLM is enabled, add its suggestions. A failed model call is one
/// warning on stderr and the rules-only result.
fn analyze_with_llm(
    args: &AnalyzeArgs,
    ctx: &Ctx,
) -> Result<(analyze::Analysis, Option<llm::Suggestions>), Error> {
    let set = ctx.rule_set()?;
    let settings = ctx.llm_settings_or_warn()?;
    let text = read_input(args)?;
    // Labels come from words in the text: the rules' reading, without the nearest examples'
    // additions or dissent.
    let channels = if args.format == crate::cli::TextFormat::Labels {
        analyze::Channels::RULES_ONLY
    } else {
        ctx.channels
    };
    // The model is shown the rules' findings, whatever the nearest examples add or set aside:
    // then the rules read the text once and the examples are applied to that reading.
    let (mut a, rules) = if settings.is_some() && channels.examples {
        let rules = analyze::analyze_with(&set, &text, analyze::Channels::RULES_ONLY);
        (analyze::with_examples(&set, &text, &rules), Some(rules))
    } else {
        (analyze::analyze_with(&set, &text, channels), None)
    };
    let suggestions =
        settings.and_then(
            |s| match llm::suggest(&s, &set, &text, rules.as_ref().unwrap_or(&a)) {
                Ok(sug) => Some(sug),
                Err(e) => {
                    report::warn(&format!(
                        "LLM suggestions skipped: {}; hint: {}",
                        e.what, e.hint
                    ));
                    None
                }
            },
        );
    // Without --top, the questions that stand out (up to DEFAULT_TOP); with it, exactly N.
    match args.top {
        Some(n) => a.questions.set_top(n),
        None => a.questions.truncate_top(analyze::questions::DEFAULT_TOP),
    }
    Ok((a, suggestions))
}

/// The feature text of `analyze`/`questions`: arguments, `-f FILE`, or standard input.
fn read_input(args: &AnalyzeArgs) -> Result<String, Error> {
    let from_stdin = || read_stdin("pipe UTF-8 text, or pass the text as an argument");
    // The text, and where it came from for the "empty" message. A closed stdin reads as
    // empty: Rust reopens closed standard streams on /dev/null at start-up.
    const STDIN: &str = "<stdin>: ";
    let (text, origin) = match (&args.file, args.text.as_slice()) {
        (Some(p), _) if p.as_os_str() == "-" => (from_stdin()?, STDIN.to_owned()),
        (Some(p), _) => (error::read_text(p)?, format!("{}: ", p.display())),
        (None, [dash]) if dash == "-" => (from_stdin()?, STDIN.to_owned()),
        (None, []) if !std::io::stdin().is_terminal() => (from_stdin()?, STDIN.to_owned()),
        (None, []) => {
            return Err(Error::invalid(
                "no feature description given",
                Some(
                    "pass it as text (`ds01-pm analyze \"...\"`), with `-f FILE`, or on standard input (`-`)",
                ),
            ));
        }
        (None, words) => (words.join(" "), String::new()),
    };
    // A proposal's TOML front matter and its guidance in HTML comments (the template's) are
    // not the description: blank both, keeping offsets.
    let text = text::blank_html_comments(&text::blank_front_matter(&text)).into_owned();
    // A GitHub issue form's body: its field labels and `_No response_` are not the author's
    // words (a label "GPU and MIG impact" is no evidence of GPU impact). A Markdown proposal:
    // read as `check` reads it, without the headings of its sections, the alternatives it
    // rejects and its open questions (the concerns are those of what it would do).
    let text = crate::check::checks::analysis_prose(&text).into_owned();
    if text.trim().is_empty() {
        let closed = if origin == STDIN {
            " (standard input was empty or closed)"
        } else {
            ""
        };
        return Err(Error::invalid(
            format!("{origin}the feature description is empty{closed}"),
            Some(
                "describe the feature in a sentence or more, e.g. \"let students queue for a GPU\"",
            ),
        ));
    }
    Ok(text)
}
