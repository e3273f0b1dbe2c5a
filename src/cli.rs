//! Command-line interface (clap derive). Raw arguments only; `commands` resolves them.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// An offline technical product manager for the DS01 GPU data-science server.
///
/// Maps feature ideas to DS01 layers, user tiers, GPU/MIG impact, principles and risks, asks the
/// questions a seasoned DS01 PM would ask, and ranks the backlog with RICE over its dependency
/// graph. Exit codes: 0 success, 1 findings at or above the failing level, 2 the tool could not
/// run (bad input, bad rules, bad flags).
#[derive(Debug, Parser)]
#[command(
    name = "ds01-pm",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to colour output: auto (a terminal and no NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Use the rule files in DIR instead of the embedded defaults.
    #[arg(long, global = true, value_name = "DIR", env = "DS01_PM_RULES")]
    pub rules: Option<PathBuf>,
    /// Add the rule files in DIR (or one FILE) to the rules in use; repeatable.
    #[arg(long, global = true, value_name = "DIR|FILE")]
    pub extend_rules: Vec<PathBuf>,
    /// Ask the local model server configured under [llm] in ds01-pm.toml for suggestions
    /// (`analyze`, `questions`, `llm doctor` only; shown apart, labelled as model output; never
    /// changes findings or exit codes).
    #[arg(long, global = true)]
    pub llm: bool,
    /// Leave out the readings learned from the labelled DS01 examples (`analyze`,
    /// `questions`, `rules eval`): the nearest examples and the word model, what they add
    /// (`nearest-examples` and `word-model` evidence) and what they set aside (under
    /// "Ignored").
    #[arg(long, global = true)]
    pub no_examples: bool,
    /// Print only results, findings and errors: no status notes, progress or all-is-well
    /// summaries. The path of a file a command writes is a result: it is always printed.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print `info:` lines on stderr: rules in use, files read, timings.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The rows the HTML report's ranked table lists by default (`report --rows`): every row costs
/// about 500 bytes, so a 100k-item backlog would make a 50 MB page that no one scrolls through.
pub const DEFAULT_ROWS: usize = 1000;

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Map a feature description to DS01 concerns, a size and the first questions to ask.
    #[command(
        after_help = "Examples:\n  ds01-pm analyze \"Let students keep a container running over the weekend\"\n  ds01-pm analyze -f proposal.md --format json\n  echo \"MIG slices for the course\" | ds01-pm analyze -"
    )]
    Analyze(AnalyzeArgs),
    /// Print the full question checklist for a feature, grouped by the five dimensions.
    #[command(
        after_help = "Examples:\n  ds01-pm questions \"Add a GPU queue with notifications\"\n  ds01-pm questions -f idea.md --format markdown >> proposal.md"
    )]
    Questions(AnalyzeArgs),
    /// Inspect, check, test and evaluate rule sets.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Rank a backlog with RICE over its dependency graph.
    Score(ScoreArgs),
    /// Group the ranked backlog into phases that fit a capacity.
    Plan(PlanArgs),
    /// Export the backlog's dependency graph (DOT or Mermaid).
    Graph(GraphArgs),
    /// Write an HTML report: ranked table, dependency graph, score/effort chart.
    ///
    /// The dependency graph is laid out in columns with the critical chain highlighted; the
    /// chart plots effective score against effort. One file: no network, no scripts, no
    /// external files.
    #[command(
        after_help = "Examples:\n  ds01-pm report fixtures/backlog.toml -o report.html\n  ds01-pm report backlog.toml --no-concerns > report.html\n  ds01-pm report big.toml --rows all -o everything.html\nAbove 150 items the graph draws the critical chain, the best-ranked open items and their done prerequisites, and says what it left out. The table lists the 1000 best-ranked items (open first, then done) and says how many it left out: --rows N or --rows all changes that, and `ds01-pm score BACKLOG --format csv` exports the whole ranking. The chart plots the 1000 best-ranked open items."
    )]
    Report(ReportArgs),
    /// The optional local LLM.
    #[command(subcommand)]
    Llm(LlmCommand),
    /// Check feature proposals (Markdown) in CI: sections, placeholders, front matter, what
    /// their concerns require, unanswered questions.
    #[command(
        after_help = "Examples:\n  ds01-pm check docs/proposals/\n  ds01-pm check docs/proposals/*.md --format github\n  ds01-pm check 'docs/**/*.md' --format sarif > ds01-pm.sarif\n  ds01-pm check --list-checks\nExit 0 clean, 1 findings at or above --fail-level, 2 the tool could not run."
    )]
    Check(CheckArgs),
    /// Start a feature proposal: a short interview on a terminal, or the blank template.
    ///
    /// On a terminal, asks for the feature idea, shows what it understood, asks the top
    /// questions one at a time (Enter skips one) and writes a proposal in the `check`
    /// template with the answers in their sections. The questions are the ones `check` will
    /// look for in that proposal: when the answers bring up new ones, it asks those too. Without
    /// a terminal (CI, pipes) give the answers in a file with --answers, or write the blank
    /// template with --template.
    #[command(
        after_help = "Examples:\n  ds01-pm new                                    # interview, then save under docs/proposals/\n  ds01-pm new -o docs/proposals/gpu-queue.md\n  ds01-pm new --answers answers.toml -o docs/proposals/gpu-queue.md\n  ds01-pm new --list-questions --answers answers.toml\n  ds01-pm new --template > docs/proposals/gpu-queue.md\n\nAn answers file (TOML):\n  idea = \"Let students queue for a GPU and get notified when it is free\"\n  title = \"GPU queue with notifications\"      # optional\n  [answers]\n  gpu-impact = \"...\"                         # a section: the answer lands there\n  user-context = \"...\"                       # a question dimension: under its section\n  how-notification-delivered-person-time-act = \"...\"  # a question id: answers that question\n`ds01-pm new --list-questions --answers FILE` lists the keys and the section each lands in; an unknown key is an error. fixtures/new/answers.toml is a sample."
    )]
    New(NewArgs),
    /// Explain a DS01 term: a layer, tier, GPU impact value, principle, risk, RICE, the question
    /// framework, a rule id or a finding code (of `check` or a backlog). Without a topic, list
    /// the topics.
    #[command(
        after_help = "Topics are case-insensitive. Examples:\n  ds01-pm explain\n  ds01-pm explain L3\n  ds01-pm explain researcher\n  ds01-pm explain rice\n  ds01-pm explain principle-ephemeral-strained\n  ds01-pm explain P201 --format json\n  ds01-pm explain B011"
    )]
    Explain(ExplainArgs),
    /// Write a decision record (MADR) prefilled from the analysis of its title and context:
    /// drivers, considered options, consequences, open questions.
    #[command(
        after_help = "Records are numbered NNNN-slug.md in docs/decisions (or --dir, or [adr] dir in ds01-pm.toml), after the highest existing number; nothing is ever overwritten. The path of the record written is printed on stdout, even with -q.\nExamples:\n  ds01-pm adr \"Switch from file-based state to SQLite\"\n  ds01-pm adr \"Adopt SLURM for batch jobs\" -f context.md --dir docs/adr\n  ds01-pm adr \"MIG for the spring course\" --context \"Forty students, one A100\" --stdout\n  path=$(ds01-pm adr -q \"Adopt SLURM for batch jobs\")"
    )]
    Adr(AdrArgs),
    /// Turn GitHub issues or a spreadsheet export into a backlog.toml (offline: reads files
    /// `gh` or a spreadsheet wrote).
    ///
    /// The backlog written is checked as `score` checks it before anything is written: invalid
    /// input (a bad estimate, a dependency cycle) exits 2, names the issue or the CSV row and
    /// column, and writes nothing. Items without a complete estimate get defaults and
    /// `needs_estimate = true`, listed on stderr.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print a shell completion script.
    #[command(
        after_help = "Install:\n  bash: ds01-pm completions bash > ~/.local/share/bash-completion/completions/ds01-pm\n  zsh:  ds01-pm completions zsh > ~/.zfunc/_ds01-pm   (with `fpath+=~/.zfunc` before compinit)\n  fish: ds01-pm completions fish > ~/.config/fish/completions/ds01-pm.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a directory.
    #[command(
        after_help = "Examples:\n  ds01-pm man | man -l -\n  ds01-pm man --dir /usr/local/share/man/man1"
    )]
    Man {
        /// Write `ds01-pm.1` and `ds01-pm-COMMAND.1` for every command into DIR, and print the
        /// path of each page.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Overwrite pages that exist in DIR.
        #[arg(long, requires = "dir")]
        force: bool,
    },
}

/// `import` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import the JSON of `gh issue list`: one item `gh-N` per issue.
    ///
    /// Estimates from labels (`reach:200`, `impact:2`, `confidence:80%` or `confidence:0.8`,
    /// `effort:M` or `effort:3`, `status:in-progress`) or from a `+++` TOML front matter at the
    /// start of the body, which wins over labels. Dependencies from "depends on #N",
    /// "blocked by #N", "requires #N" (lists too) and open task-list lines `- [ ] #N` (not
    /// ticked ones, not in fenced or indented code blocks); references
    /// to issues not in the export are dropped with a warning. Closed issues are done; other
    /// labels become tags; the issue URL is kept as `url`.
    #[command(
        after_help = "Examples:\n  gh issue list --state all --json number,title,body,labels,state,url --limit 1000 > issues.json\n  ds01-pm import github issues.json -o backlog.toml\n  ds01-pm score backlog.toml\n  gh issue list --state all --json number,title,body,labels,state,url --limit 1000 | ds01-pm import github - > backlog.toml\nMissing estimates: reach = the median reach of the issues that give one (1 if none does), impact 1, confidence 50%, effort M, and needs_estimate = true."
    )]
    Github(ImportGithubArgs),
    /// Import a spreadsheet export (CSV): one item per row, fields named by the header row.
    ///
    /// Columns named like a field (case-insensitive: id, title, description, reach, impact,
    /// confidence, effort, depends_on, status, url, tags, needs_estimate) hold it; --map names
    /// others. id and title are required. One column per field: two columns for one field
    /// (`reach` and `Reach`, or a --map column plus one named like its field) exit 2 naming
    /// both; give one another field with --map or rename it. RFC 4180 quoting (quoted newlines, doubled quotes),
    /// a UTF-8 BOM and `;` or tab delimiters are handled (with `;`, `1,5` is 1.5 and `1.000` is
    /// refused as ambiguous: remove the thousands separator); cells are never evaluated
    /// (`=1+2` is text). depends_on and tags cells list ids separated by `,`, `;` or spaces.
    #[command(
        after_help = "Examples:\n  ds01-pm import csv backlog.csv -o backlog.toml\n  ds01-pm import csv export.csv --map \"Effort=effort,Blocked by=depends_on\" -o backlog.toml\n  ds01-pm import csv sheet.csv --delimiter ';' > backlog.toml\nEmpty estimate cells get the defaults of `import github --help` and needs_estimate = true."
    )]
    Csv(ImportCsvArgs),
}

/// Where `import` writes.
#[derive(Debug, Args)]
pub struct ImportOutput {
    /// Write the backlog to FILE (atomically) instead of standard output, and print its path.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// `import github` arguments.
#[derive(Debug, Args)]
pub struct ImportGithubArgs {
    /// The JSON file `gh issue list --state all --json number,title,body,labels,state,url` wrote; `-` is
    /// standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub out: ImportOutput,
}

/// `import csv` arguments.
#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// The CSV file; `-` is standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Column names to fields, `Column=field` separated by commas (repeatable), e.g.
    /// "Effort=effort,Blocked by=depends_on". Column names are case-insensitive.
    #[arg(long, value_name = "COLUMN=FIELD,...")]
    pub map: Vec<String>,
    /// The cell delimiter: `,`, `;`, `tab` or another single character (default: the one the
    /// header line uses most).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<char>,
    #[command(flatten)]
    pub out: ImportOutput,
}

fn parse_delimiter(s: &str) -> Result<char, String> {
    if s.eq_ignore_ascii_case("tab") || s == "\\t" {
        return Ok('\t');
    }
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !matches!(c, '"' | '\n' | '\r') => Ok(c),
        _ => Err(format!(
            "expected one character such as `,` or `;` (or `tab`), got `{s}`"
        )),
    }
}

/// `explain` arguments.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A layer (L3), tier (researcher), GPU impact value (mig), principle, risk, topic (rice,
    /// questions), rule id, check code (P201) or backlog code (B011). Omit it to list every
    /// topic.
    #[arg(value_name = "TOPIC")]
    pub topic: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

/// `adr` arguments.
#[derive(Debug, Args)]
pub struct AdrArgs {
    /// The decision's title; several words are joined.
    #[arg(value_name = "TITLE", required = true)]
    pub title: Vec<String>,
    /// The context and problem statement (also analysed).
    #[arg(long, value_name = "TEXT", conflicts_with = "file")]
    pub context: Option<String>,
    /// Read the context from FILE (plain text or Markdown); `-` is standard input.
    #[arg(short, long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The records directory (default: `[adr] dir` in ds01-pm.toml, else docs/decisions).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "stdout"])]
    pub dir: Option<PathBuf>,
    /// Write to FILE instead of the next numbered record (the path written is printed on
    /// stdout either way).
    #[arg(short, long, value_name = "FILE", conflicts_with = "stdout")]
    pub output: Option<PathBuf>,
    /// Print the record on standard output instead of writing a file.
    #[arg(long)]
    pub stdout: bool,
    /// Overwrite FILE (with -o) if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// `check` arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Proposal files, directories (every `*.md` inside) or quoted glob patterns; `-` reads
    /// standard input. A GitHub issue form's body (`### Field label` headings) is read as a
    /// proposal too. Decision records (`ds01-pm adr`) found in directories or by globs are
    /// skipped.
    #[arg(value_name = "PATH", required_unless_present = "list_checks")]
    pub paths: Vec<PathBuf>,
    /// Output format: human, json, sarif (GitHub code scanning), github (workflow
    /// annotations), junit (XML), line (`path:line:col: severity code message`), comment (the
    /// Markdown of one issue comment: what ds01-pm understood, the top questions, what is
    /// missing; first line `<!-- ds01-pm:triage -->`).
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// The lowest severity that makes the run fail (exit 1); default from `[check]
    /// fail_level`, else error.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_level: Option<FailLevel>,
    /// Read settings from FILE instead of the nearest ds01-pm.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// List every check (code, name, severity, help) and exit.
    #[arg(long)]
    pub list_checks: bool,
}

/// Formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Line,
    /// The Markdown of an issue comment (see `examples/issue-triage.yml`).
    Comment,
}

/// `--fail-level` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Error,
    Warning,
    Info,
}

/// `new` arguments.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Write the blank proposal template (no questions asked).
    #[arg(long, conflicts_with_all = ["answers", "list_questions"])]
    pub template: bool,
    /// Take the idea and the answers from FILE instead of asking (for scripts and CI): TOML
    /// with `idea`, optional `title` and `author`, and an `[answers]` table keyed by section,
    /// question dimension or question id (see --list-questions).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print the keys an answers file may use (sections, dimensions, question ids) with the
    /// section each answer lands in, and exit. With --answers FILE, the questions of its idea
    /// (and of its answers), then the framework questions; without, the framework questions
    /// asked of every proposal, which an answers file may answer for any idea.
    #[arg(long)]
    pub list_questions: bool,
    /// Output format of --list-questions: human (the default) or json.
    #[arg(long, value_enum, requires = "list_questions")]
    pub format: Option<ListFormat>,
    /// How many of the top questions to ask in each round (at most 5); `check`'s other top
    /// questions are listed, unanswered.
    #[arg(long, value_name = "N", default_value_t = crate::analyze::questions::DEFAULT_TOP)]
    pub top: usize,
    /// Write to FILE (atomically) instead of standard output, and print its path there.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `llm` subcommands.
#[derive(Debug, Subcommand)]
pub enum LlmCommand {
    /// Probe the configured model server: reachability, served models, round-trip time.
    #[command(
        after_help = "Reads [llm] from ds01-pm.toml and DS01_PM_LLM_BASE_URL / DS01_PM_LLM_MODEL; works even when [llm] is not enabled.\nExit 0 healthy, 1 unreachable or model not served, 2 bad configuration."
    )]
    Doctor {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
}

/// Input and output of `analyze` and `questions`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The feature description; several words are joined. `-` reads standard input.
    #[arg(value_name = "TEXT", conflicts_with = "file")]
    pub text: Vec<String>,
    /// Read the description from FILE (plain text or Markdown); `-` is standard input. A
    /// Markdown proposal is read as `check` reads it: without its section headings, the
    /// alternatives it rejects and its open questions.
    #[arg(short, long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// How many questions to put first. Without it, the ones that stand out for this text (3
    /// to 5); with it, exactly N when the checklist has that many (0 hides them).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
}

/// Output formats for text analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    Human,
    Json,
    Markdown,
    /// Label names, one per line (`layer:L0`, `tier:student`, `gpu:mig`, `strains:...`,
    /// `risk:...`, `size:M`), for labelling an issue in CI. They are the rules' reading of the
    /// text's words: what the nearest labelled examples and the word model add is not labelled,
    /// and what they set aside in `human` and `json` still is.
    Labels,
}

/// `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in use.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Show one rule: patterns, why, signals, questions, examples.
    Show {
        /// The rule id (see `ds01-pm rules list`).
        id: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Validate the rule files (schema, ids, regexes) and run every rule's examples.
    Check,
    /// Run every rule's examples and report the failures (alias of `check`, kept for habit).
    Test,
    /// Measure the classifier on a labeled set (precision, recall, F1 per field and label).
    #[command(after_help = "Example:\n  ds01-pm rules eval ../shared/eval/ds01-dev.toml")]
    Eval {
        /// A labeled set in the format of `ds01-dev.toml` (`[[features]]` with id, description,
        /// layers, tiers, gpu_impact, principles, strains), or a question set in the format of
        /// `fixtures/eval/ds01-questions.toml` (`[[items]]` with the topics an expert asks first).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
}

/// Output formats for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

/// `score` arguments.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The backlog file (`-` reads it from standard input).
    #[arg(value_name = "BACKLOG")]
    pub backlog: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Human)]
    pub format: ScoreFormat,
    /// Show only the first N items.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Explain one item's score and position line by line.
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
    /// Show the longest effort-weighted chain of prerequisites.
    #[arg(long)]
    pub critical_path: bool,
    /// Say which single estimate would change the rank of the top items.
    #[arg(long)]
    pub sensitivity: bool,
    /// CI mode: report validation problems and cycles as findings (exit 1) instead of failing.
    #[arg(long)]
    pub check: bool,
    /// Skip the concern analysis of the descriptions (layers, tiers, GPU impact): faster on
    /// very large backlogs with distinct descriptions.
    #[arg(long)]
    pub no_concerns: bool,
}

/// Formats of `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Human,
    Json,
    Csv,
    Markdown,
}

/// `plan` arguments.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The backlog file (`-` reads it from standard input).
    #[arg(value_name = "BACKLOG")]
    pub backlog: PathBuf,
    /// Effort that fits in one phase, in the backlog's effort unit, or a t-shirt size of its
    /// `[scoring.tshirt]` (e.g. `XL`).
    #[arg(long, value_name = "EFFORT", allow_negative_numbers = true)]
    pub capacity: String,
    /// Number of phases: 3 gives Now / Next / Later, other values number them.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub phases: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Human)]
    pub format: ScoreFormat,
}

/// `graph` arguments.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The backlog file (`-` reads it from standard input).
    #[arg(value_name = "BACKLOG")]
    pub backlog: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

/// `report` arguments.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The backlog file (`-` reads it from standard input).
    #[arg(value_name = "BACKLOG")]
    pub backlog: PathBuf,
    /// Write the HTML to FILE (atomically) instead of standard output, and print its path there.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Skip the concern analysis of the descriptions (the table's Concerns column stays empty).
    #[arg(long)]
    pub no_concerns: bool,
    /// How many rows the ranked table lists, best-ranked first and done items last: a number,
    /// or `all`. The page says how many it left out.
    #[arg(long, value_name = "N|all", default_value_t = RowLimit(Some(DEFAULT_ROWS)), value_parser = parse_rows)]
    pub rows: RowLimit,
}

/// `--rows` of `report`: at most this many rows, or `None` for every item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLimit(pub Option<usize>);

impl std::fmt::Display for RowLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("all"),
        }
    }
}

fn parse_rows(s: &str) -> Result<RowLimit, String> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(RowLimit(None));
    }
    s.trim()
        .parse::<usize>()
        .map(|n| RowLimit(Some(n)))
        .map_err(|_| format!("expected a number of rows or `all`, got `{s}`"))
}

/// Formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_app() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
