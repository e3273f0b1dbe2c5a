//! Rule sets: loading (embedded defaults, `--rules DIR`, `--extend-rules DIR`), the validated
//! and compiled [`RuleSet`], and the rule self-tests.
mod combinations;
mod components;
pub(crate) mod cost;
mod direction;
mod forward_nfas;
mod literals;
mod model;
pub(crate) mod prefilter;
mod prefix_automaton;
mod prefix_table;
mod preparsed;
mod snapshot;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use regex_automata::meta;

use crate::error::Error;
use crate::taxonomy::{Concern, Kind};

pub use combinations::{BURDENS, Combination, EFFORTS, OptionAssessment};
pub use direction::Direction;
pub use validate::validate;

/// The default rule files, embedded so the binary works from any directory.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("layers.toml", include_str!("../../rules/layers.toml")),
    ("tiers.toml", include_str!("../../rules/tiers.toml")),
    ("gpu.toml", include_str!("../../rules/gpu.toml")),
    (
        "principles.toml",
        include_str!("../../rules/principles.toml"),
    ),
    ("risks.toml", include_str!("../../rules/risks.toml")),
    ("questions.toml", include_str!("../../rules/questions.toml")),
    ("size.toml", include_str!("../../rules/size.toml")),
    ("topics.toml", include_str!("../../rules/topics.toml")),
    (
        "combinations.toml",
        include_str!("../../rules/combinations.toml"),
    ),
    ("tradeoffs.toml", include_str!("../../rules/tradeoffs.toml")),
    (
        "components.toml",
        include_str!("../../rules/components.toml"),
    ),
    ("inference.toml", include_str!("../../rules/inference.toml")),
];

/// One rule file's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    /// Shown in messages: `rules/layers.toml` for the embedded set, the real path otherwise.
    pub name: String,
    /// Borrowed for the embedded files: copying their 200 KB at every start cost a hundred
    /// page faults.
    pub text: std::borrow::Cow<'static, str>,
    /// Embedded defaults are verified by the test suite; user files run their examples at load.
    pub embedded: bool,
}

/// Where the rules come from, resolved from the CLI and config.
#[derive(Debug, Clone, Default)]
pub struct RuleSource {
    /// Replace the defaults with the `*.toml` files of this directory.
    pub replace: Option<PathBuf>,
    /// Add the `*.toml` files of these directories (or single files) to the base set.
    pub extend: Vec<PathBuf>,
}

/// Read the rule files a [`RuleSource`] names, defaults first, in a stable order.
pub fn sources(spec: &RuleSource) -> Result<Vec<Source>, Error> {
    let mut out = Vec::new();
    match &spec.replace {
        Some(dir) if dir.is_file() => {
            return Err(Error::invalid(
                format!(
                    "{}: --rules takes a directory that replaces all the embedded rules, not a single file",
                    dir.display()
                ),
                Some("to add one rule file to the defaults, pass it with --extend-rules"),
            ));
        }
        Some(dir) => out.extend(read_dir_sources(dir)?),
        None => out.extend(EMBEDDED.iter().map(|(name, text)| Source {
            name: format!("rules/{name}"),
            text: (*text).into(),
            embedded: true,
        })),
    }
    // The same file or directory given twice (a repeated `--extend-rules`, a shell glob and a
    // directory that both name it) is read once: its rules are the same rules, not duplicates.
    let mut seen = std::collections::BTreeSet::new();
    for path in &spec.extend {
        for src in read_dir_sources(path)? {
            let file = Path::new(&src.name);
            if seen.insert(std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())) {
                out.push(src);
            }
        }
    }
    Ok(out)
}

fn read_dir_sources(path: &Path) -> Result<Vec<Source>, Error> {
    let read = |p: &Path| {
        Ok(Source {
            name: p.display().to_string(),
            text: crate::error::read_text(p)?.into(),
            embedded: false,
        })
    };
    if path.is_file() {
        return Ok(vec![read(path)?]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::invalid(
            format!(
                "{}: no `*.toml` rule files in this directory",
                path.display()
            ),
            Some(
                "point --rules/--extend-rules at a directory of rule files such as the repository's `rules/`",
            ),
        ));
    }
    files.iter().map(|p| read(p)).collect()
}

/// `f` over `items`, results in order, on up to four threads (as many as the machine has) when
/// there are enough items to pay for them: what validation and the self-test do per user
/// pattern or rule is independent of the others, and 5,000 user rules cost a second of CPU.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(4);
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Load, validate and compile a rule set.
pub fn load(spec: &RuleSource) -> Result<RuleSet, Error> {
    validate(&sources(spec)?)
}

/// The source of `src/rules/prefix_table.rs` for the embedded rules' patterns and exclusions:
/// what
/// `cargo run --example prefix_table` writes and a unit test compares.
#[doc(hidden)]
pub fn prefix_table_source() -> Result<String, Error> {
    // Validated, not read from the snapshot, which is generated after this table.
    let set = &load(&RuleSource::default())?;
    let patterns: Vec<String> = set
        .rules
        .iter()
        // Exclusions too: `LazyRegex::is_match` looks their literals up before compiling them.
        .flat_map(|r| {
            r.patterns
                .iter()
                .chain(&r.exclude)
                .map(LazyRegex::effective)
        })
        // And the direction cues: `LazyRegex::cannot_match` spares compiling those whose
        // literals a sentence does not hold.
        .chain(set.direction.iter().flat_map(|d| {
            [&d.relax, &d.tighten]
                .into_iter()
                .chain(d.limits.iter().map(|(_, re)| re))
                .chain(d.proposal.as_ref())
                .map(LazyRegex::effective)
        }))
        .collect();
    Ok(literals::render_table(&patterns))
}

/// The files of the snapshot of the validated embedded rules (`src/rules/snapshot.bin` and
/// `snapshot.txt`): what `cargo run --example rules_snapshot` writes and a unit test compares.
#[doc(hidden)]
pub fn snapshot_files() -> Result<(Vec<u8>, String), Error> {
    let set = load(&RuleSource::default())?;
    Ok(snapshot::write(&set, snapshot::KEY))
}

/// The embedded default rules, loaded once per process: read from the snapshot validation
/// made of them ahead of time (`snapshot.rs`), or validated when the rule files changed since.
pub fn defaults() -> Result<&'static RuleSet, Error> {
    static DEFAULTS: OnceLock<RuleSet> = OnceLock::new();
    if let Some(set) = DEFAULTS.get() {
        return Ok(set);
    }
    let set = match snapshot::read() {
        Some(set) => set,
        None => load(&RuleSource::default())?,
    };
    Ok(DEFAULTS.get_or_init(|| set))
}

/// A rule file family, one per file in `rules/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Layers,
    Tiers,
    Gpu,
    Principles,
    Risks,
    Questions,
    Size,
    Topics,
    /// The DS01 component catalogue (`[[component]]` entries, loaded as rules).
    Components,
    /// Concern inference: rules with `when` and no patterns, run to a fixed point.
    Inference,
    Extra,
}

impl Family {
    pub(crate) const ALL: [Family; 11] = [
        Family::Layers,
        Family::Tiers,
        Family::Gpu,
        Family::Principles,
        Family::Risks,
        Family::Questions,
        Family::Size,
        Family::Topics,
        Family::Components,
        Family::Inference,
        Family::Extra,
    ];

    /// The name used in the `family = "..."` key.
    pub fn name(self) -> &'static str {
        match self {
            Family::Layers => "layers",
            Family::Tiers => "tiers",
            Family::Gpu => "gpu",
            Family::Principles => "principles",
            Family::Risks => "risks",
            Family::Questions => "questions",
            Family::Size => "size",
            Family::Topics => "topics",
            Family::Components => "components",
            Family::Inference => "inference",
            Family::Extra => "extra",
        }
    }

    /// The family whose `[[label]]` entries define the ids of a concern kind.
    pub fn of_kind(kind: Kind) -> Family {
        match kind {
            Kind::Layer => Family::Layers,
            Kind::Tier => Family::Tiers,
            Kind::Gpu => Family::Gpu,
            Kind::Supports | Kind::Strains => Family::Principles,
            Kind::Risk => Family::Risks,
        }
    }
}

/// A string of a rule set: borrowed from the snapshot of the embedded rules (see `snapshot.rs`:
/// no allocation per string at start-up), owned when read from files.
pub type Text = std::borrow::Cow<'static, str>;

/// Where something was defined: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: Text,
    pub line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A taxonomy entry with its prose: a layer, tier, GPU value, principle, risk or dimension.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Label {
    pub family: Family,
    pub id: String,
    pub name: String,
    pub description: String,
    /// Longer prose for `explain`, when the rule files give it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    pub size: f64,
    pub questions: Vec<Question>,
    #[serde(skip)]
    pub location: Location,
}

/// One option of a design choice a rule raises, with its trade-offs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DesignOption {
    pub name: String,
    pub good: Vec<String>,
    pub bad: Vec<String>,
}

/// A registry a topic lists after its prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TopicList {
    Layers,
    Tiers,
    Gpu,
    Principles,
    Risks,
    Dimensions,
    FrameworkQuestions,
    Bands,
    Checks,
    BacklogChecks,
}

impl TopicList {
    pub(crate) const ALL: [TopicList; 10] = [
        TopicList::Layers,
        TopicList::Tiers,
        TopicList::Gpu,
        TopicList::Principles,
        TopicList::Risks,
        TopicList::Dimensions,
        TopicList::FrameworkQuestions,
        TopicList::Bands,
        TopicList::Checks,
        TopicList::BacklogChecks,
    ];

    /// The name used in `lists = [...]`.
    pub fn name(self) -> &'static str {
        match self {
            TopicList::Layers => "layers",
            TopicList::Tiers => "tiers",
            TopicList::Gpu => "gpu",
            TopicList::Principles => "principles",
            TopicList::Risks => "risks",
            TopicList::Dimensions => "dimensions",
            TopicList::FrameworkQuestions => "framework-questions",
            TopicList::Bands => "bands",
            TopicList::Checks => "checks",
            TopicList::BacklogChecks => "backlog-checks",
        }
    }
}

/// A prose topic of `ds01-pm explain` (RICE, the question framework, overviews).
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub aliases: Vec<String>,
    pub name: String,
    pub summary: String,
    pub body: String,
    pub lists: Vec<TopicList>,
    pub see_also: Vec<String>,
    pub location: Location,
}

/// A question of the framework.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Question {
    pub dimension: Text,
    pub priority: u8,
    pub text: Text,
    /// `questions::normalize(text)`, computed on first use (see [`Question::key`]).
    #[serde(skip)]
    pub(crate) key: OnceLock<String>,
}

impl Question {
    pub(crate) fn new(dimension: impl Into<Text>, priority: u8, text: impl Into<Text>) -> Self {
        Question {
            dimension: dimension.into(),
            priority,
            text: text.into(),
            key: OnceLock::new(),
        }
    }

    /// The normalised text (`text::normalize`) the checklist of an analysis looks questions
    /// up by. Computed on first use: an analysis asks only the questions of what it
    /// established, and normalising all ~1,400 at load was 1.2M instructions of every start.
    pub(crate) fn key(&self) -> &str {
        self.key.get_or_init(|| crate::text::normalize(&self.text))
    }
}

/// A generic framework question, asked of every proposal.
#[derive(Debug, serde::Serialize)]
pub struct GenericQuestion {
    pub id: String,
    #[serde(flatten)]
    pub question: Question,
    /// Texts this pattern matches already answer the question: they are not asked it among
    /// the first questions (it stays in the full checklist).
    #[serde(skip)]
    pub answered_if: Option<LazyRegex>,
    /// Texts that answer it and texts that leave it open: its self-test.
    #[serde(skip)]
    pub examples_answered: Vec<Text>,
    #[serde(skip)]
    pub examples_open: Vec<Text>,
    #[serde(skip)]
    pub location: Location,
}

impl GenericQuestion {
    /// Whether a text already answers the question.
    pub fn answered_by(&self, text: &str) -> bool {
        self.answered_if
            .as_ref()
            .is_some_and(|re| re.is_match(text))
    }
}

/// A regex compiled on first use: the prefilter decides which patterns need it.
#[derive(Debug)]
pub struct LazyRegex {
    pub source: Text,
    case_sensitive: bool,
    // What is built on first use is boxed: a rule set holds about a thousand of these, and
    // unboxed (a `meta::Regex` holds a cache pool, a lazy DFA and its cache are large) each
    // took 3.4 KB, 3.6 MB for the embedded rules, allocated, copied and touched at every start.
    compiled: OnceLock<Box<meta::Regex>>,
    searcher: OnceLock<Box<meta::Regex>>,
    shape: OnceLock<literals::Shape>,
    /// Its prefix literals, for [`LazyRegex::is_match`].
    literals: OnceLock<Option<Box<PrefixLiterals>>>,
    /// Its suffix literals, for [`LazyRegex::may_match`] (embedded patterns only).
    suffixes: OnceLock<Option<Box<PrefixLiterals>>>,
    /// Whether `prefix_table.rs` has its entry (see [`LazyRegex::cannot_match`]).
    in_table: OnceLock<bool>,
    /// A forward lazy DFA for anchored searches ([`LazyRegex::anchored`]), or `None`
    /// when it cannot be built (the pattern is then searched by [`LazyRegex::regex`]).
    forward: OnceLock<Option<Box<Forward>>>,
    /// The same for ASCII text, compiled without Unicode (see [`LazyRegex::ascii_regex`]).
    forward_ascii: OnceLock<Option<Box<Forward>>>,
    /// The lean regex compiled without Unicode, for ASCII text only, or `None` when the
    /// pattern needs Unicode to compile (`\pL`, a non-ASCII class member).
    ascii: OnceLock<Option<Box<meta::Regex>>>,
    /// The forward NFA validation built for a user pattern (see `cost::Checked`), which the
    /// forward lazy DFA is then built from, whatever the text.
    nfa: Option<regex_automata::nfa::thompson::NFA>,
}

/// A forward-only lazy DFA and its cache. An anchored search knows where its match starts, so
/// it needs no reverse automaton, one-pass DFA or PikeVM, which a `meta::Regex` builds for
/// every pattern: this costs about half as much to build, and the first use of a pattern is
/// what most of a one-sentence run, and the self-test of many user rules, pay for.
#[derive(Debug)]
struct Forward {
    dfa: regex_automata::hybrid::dfa::DFA,
    cache: std::sync::Mutex<regex_automata::hybrid::dfa::Cache>,
    /// Whether every match begins with a word boundary (`\b...`, as nearly every default
    /// pattern does), so that none starts between two word characters (see
    /// [`LazyRegex::cannot_start_at`]).
    word_start: bool,
    /// Whether no match is empty, so that anchored searches at every position find exactly
    /// the regex's matches (see [`LazyRegex::short_matches`]). `false` when unknown (a user
    /// pattern's NFA).
    nonempty: bool,
}

/// The forward DFA of an [`AnchoredSearches`] slot and its locked cache; `None` when there is
/// none or another thread holds the cache.
type Locked<'r> = Option<(
    &'r regex_automata::hybrid::dfa::DFA,
    std::sync::MutexGuard<'r, regex_automata::hybrid::dfa::Cache>,
)>;

/// Anchored searches of one pattern in one text (see [`LazyRegex::anchored`]).
pub(crate) struct AnchoredSearches<'r> {
    re: &'r LazyRegex,
    ascii: bool,
    /// The forward DFAs (0: Unicode, 1: ASCII) and their locked caches, each once the first
    /// search that needs it has looked for it (see [`Locked`]; the searches then go through
    /// [`LazyRegex::regex`]).
    dfa: [Option<Locked<'r>>; 2],
}

impl AnchoredSearches<'_> {
    /// The leftmost-first match of an anchored `input`, exactly as
    /// `self.regex().search(input)` finds it, through the forward lazy DFA when it can answer:
    /// it cannot when it meets a non-ASCII byte next to a Unicode `\b`, when its cache thrashes,
    /// or when another thread holds it; the full regex answers then. Only for patterns whose
    /// every match is non-empty (those with prefix literals): an empty match would need the
    /// regex's UTF-8 handling of empty matches.
    ///
    /// The DFA compiled without Unicode answers (see [`LazyRegex::ascii_regex`]) when the whole
    /// haystack is ASCII (`ascii`), and also when every byte the search can look at is: those
    /// of its range, the one before (a `\b` at the start looks back) and the one after (a `\b`
    /// at the end looks ahead). On ASCII bytes the two automata are the same, and a search
    /// reads nothing else; so one em dash or curly quote in a text does not cost every pattern
    /// its text reaches a Unicode compile.
    pub(crate) fn search(
        &mut self,
        input: &regex_automata::Input<'_>,
    ) -> Option<regex_automata::Match> {
        let re = self.re;
        let ascii = (self.ascii || reach_is_ascii(input)) && re.ascii_forward().is_some();
        let dfa = self.dfa[usize::from(ascii)].get_or_insert_with(|| {
            re.forward(ascii)
                .and_then(|f| f.cache.try_lock().ok().map(|cache| (&f.dfa, cache)))
        });
        if let Some((dfa, cache)) = dfa {
            match dfa.try_search_fwd(cache, input) {
                Ok(None) => return None,
                Ok(Some(hm)) => {
                    return Some(regex_automata::Match::new(
                        hm.pattern(),
                        input.start()..hm.offset(),
                    ));
                }
                Err(_) => {}
            }
        }
        re.regex().search(input)
    }
}

/// The longest range [`reach_is_ascii`] checks (a sentence's worth).
const REACH_CHECKED: usize = 512;

/// Whether every byte a forward search of `input` can look at is ASCII: its range and the
/// bytes just before and just after it (see [`AnchoredSearches::search`]). A range longer than
/// [`REACH_CHECKED`] counts as not ASCII: an unbounded pattern's range runs to the end of the
/// text, and checking it at each start would make a long text's searches quadratic.
fn reach_is_ascii(input: &regex_automata::Input<'_>) -> bool {
    if input.end() - input.start() > REACH_CHECKED {
        return false;
    }
    let hay = input.haystack();
    let from = input.start().saturating_sub(1);
    let to = input.end().saturating_add(1).min(hay.len());
    hay.get(from..to).is_some_and(<[u8]>::is_ascii)
}

impl LazyRegex {
    pub(crate) fn new(source: impl Into<Text>, case_sensitive: bool) -> Self {
        LazyRegex {
            source: source.into(),
            case_sensitive,
            compiled: OnceLock::new(),
            searcher: OnceLock::new(),
            shape: OnceLock::new(),
            literals: OnceLock::new(),
            suffixes: OnceLock::new(),
            in_table: OnceLock::new(),
            forward: OnceLock::new(),
            forward_ascii: OnceLock::new(),
            ascii: OnceLock::new(),
            nfa: None,
        }
    }

    /// A pattern validation checked (`cost::check`), with what the check learnt of it.
    pub(crate) fn checked(
        source: impl Into<Text>,
        case_sensitive: bool,
        checked: cost::Checked,
    ) -> Self {
        let shape = OnceLock::new();
        if let Some(s) = checked.shape {
            let _ = shape.set(s);
        }
        let literals = OnceLock::new();
        if let Some(l) = checked.literals {
            let _ = literals.set(l.map(|l| Box::new(PrefixLiterals::new(l, None))));
        }
        LazyRegex {
            shape,
            literals,
            nfa: checked.nfa,
            ..LazyRegex::new(source, case_sensitive)
        }
    }

    /// Its prefix literals, when validation already extracted them (user patterns).
    pub(crate) fn known_literals(&self) -> Option<Option<Vec<Vec<u8>>>> {
        self.literals
            .get()
            .map(|l| l.as_ref().map(|p| p.literals.clone()))
    }

    /// Whether no match can start at byte `start` of `text`, without a search: every match
    /// begins with a word boundary, and `start` lies between two ASCII word characters (word
    /// characters in Unicode and ASCII alike), where there is none. The literal "key" occurs in
    /// "monkey", "a " at the end of "data ": one anchored search in seven of the 10 MB corpus
    /// started at such a place.
    pub(crate) fn cannot_start_at(&self, text: &[u8], start: usize) -> bool {
        let word = |i: usize| {
            text.get(i)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        };
        // Both automata know it (their patterns begin alike); the ASCII one is cheaper to have.
        start > 0
            && word(start - 1)
            && word(start)
            && self.forward(true).is_some_and(|f| f.word_start)
    }

    /// Anchored searches of this pattern ([`AnchoredSearches::search`]), many in a row: the
    /// forward DFA's cache is locked once for all of them (at the first), not once per search.
    pub(crate) fn anchored(&self, ascii: bool) -> AnchoredSearches<'_> {
        AnchoredSearches {
            re: self,
            ascii,
            dfa: [None, None],
        }
    }

    /// Whether the forward lazy DFA an anchored search of a text (`ascii`: all ASCII) would use
    /// is built already.
    fn forward_built(&self, ascii: bool) -> bool {
        if ascii && self.nfa.is_none() {
            self.forward_ascii.get().is_some()
        } else {
            self.forward.get().is_some()
        }
    }

    /// Build that forward lazy DFA now (see [`RuleSet::warm_up`]).
    fn warm(&self, ascii: bool) {
        let _ = self.forward(ascii);
    }

    /// The forward lazy DFA, built on first use: the one without Unicode when `ascii` (all the
    /// search reads is ASCII) and the pattern compiles without Unicode, else the Unicode one.
    fn forward(&self, ascii: bool) -> Option<&Forward> {
        if ascii {
            if let Some(f) = self.ascii_forward() {
                return Some(f);
            }
        }
        self.forward
            .get_or_init(|| self.build_forward(false))
            .as_deref()
    }

    /// The forward lazy DFA without Unicode, built on first use; `None` when the pattern does
    /// not compile without Unicode, and for a user pattern: its NFA is already built, and
    /// building the ASCII one would cost more than the Unicode one saves.
    fn ascii_forward(&self) -> Option<&Forward> {
        if self.nfa.is_some() {
            return None;
        }
        self.forward_ascii
            .get_or_init(|| self.build_forward(true))
            .as_deref()
    }

    fn build_forward(&self, ascii: bool) -> Option<Box<Forward>> {
        use regex_automata::hybrid::dfa::DFA;
        use regex_automata::nfa::thompson;
        /// One compiler per thread and mode, reused (see `cost::build_nfa`).
        fn compiler(ascii: bool) -> thompson::Compiler {
            let mut c = thompson::Compiler::new();
            c.syntax(syntax_config(ascii)).configure(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(validate::REGEX_SIZE_LIMIT)),
            );
            c
        }
        thread_local! {
            static UNICODE: thompson::Compiler = compiler(false);
            static ASCII: thompson::Compiler = compiler(true);
        }
        // An embedded pattern's NFA was compiled at build time (`forward_nfas`): for ASCII
        // text, or for any text when the pattern is not ASCII.
        let precompiled = if self.nfa.is_none() {
            literals::table_index_of(&self.source, self.case_sensitive)
                .and_then(|entry| forward_nfas::get(entry, !ascii))
        } else {
            None
        };
        let (nfa, word_start, nonempty) = match (&self.nfa, precompiled) {
            (_, Some(built)) => (built.nfa, built.word_start, built.nonempty),
            (Some(nfa), None) if !ascii => (nfa.clone(), false, false),
            _ => {
                // Parsed here rather than by the compiler (which would parse it the same way),
                // to read from the syntax whether every match begins with `\b`.
                let pattern = self.effective();
                // Without Unicode, `(?i)` folds ASCII only: a non-ASCII character of the
                // pattern (the Kelvin sign, the long s) could still match ASCII text.
                if ascii && !pattern.is_ascii() {
                    return None;
                }
                let hir = regex_automata::util::syntax::parse_with(&pattern, &syntax_config(ascii))
                    .ok()?;
                let prefix = hir.properties().look_set_prefix();
                let word_start = prefix.contains(regex_syntax::hir::Look::WordUnicode)
                    || prefix.contains(regex_syntax::hir::Look::WordAscii);
                let nonempty = hir.properties().minimum_len().is_some_and(|n| n > 0);
                let compiler = if ascii { &ASCII } else { &UNICODE };
                let nfa = compiler.with(|c| c.build_from_hir(&hir).ok())?;
                (nfa, word_start, nonempty)
            }
        };
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .unicode_word_boundary(true)
                    .cache_capacity(2 << 20),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let cache = std::sync::Mutex::new(dfa.create_cache());
        Some(Box::new(Forward {
            dfa,
            cache,
            word_start,
            nonempty,
        }))
    }

    /// The lean regex (see [`LazyRegex::regex`]) compiled without Unicode: `\w`, `\b`, `\s`,
    /// `.`, negated classes and `(?i)` then mean their ASCII (byte) versions, which compile to
    /// automata several times smaller and faster to build. On a haystack that is all ASCII it
    /// finds exactly the matches of the Unicode regex: there, every class and case fold
    /// restricted to ASCII is the same set and every word boundary sees the same characters.
    /// `None` when the pattern does not compile without Unicode (`\pL`, a non-ASCII member of
    /// a class), hits the size limit, or holds any non-ASCII character: under `(?i)` the
    /// Kelvin sign and the long s fold to ASCII `k` and `s`, which the ASCII compile does not
    /// know (a proptest case: `(?i:a\u{212a}bc)` must match "aKbc").
    pub(crate) fn ascii_regex(&self) -> Option<&meta::Regex> {
        self.ascii
            .get_or_init(|| {
                let pattern = self.effective();
                if !pattern.is_ascii() {
                    return None;
                }
                meta::Regex::builder()
                    .syntax(syntax_config(true))
                    .configure(lean_config())
                    .build(&pattern)
                    .ok()
                    .map(Box::new)
            })
            .as_deref()
    }

    /// The regex to search `haystack` with, when the search sees nothing outside it: the ASCII
    /// one for an ASCII haystack when there is one, else [`LazyRegex::regex`]. Same matches.
    pub(crate) fn regex_for(&self, haystack: &str) -> &meta::Regex {
        if haystack.is_ascii() {
            if let Some(re) = self.ascii_regex() {
                return re;
            }
        }
        self.regex()
    }

    /// The pattern as handed to the regex engine: the source, wrapped in `(?i:...)` unless
    /// the rule is case-sensitive.
    pub fn effective(&self) -> String {
        effective_pattern(&self.source, self.case_sensitive)
    }

    /// The compiled regex for anchored searches and [`LazyRegex::is_match`] on ASCII text,
    /// configured as `regex::RegexBuilder` configures it (same syntax, same size limit), but as
    /// the lower-level `meta::Regex`, which can search anchored at a position, and without the
    /// literal prefilter and full DFA that anchored searches do not use (building them is most
    /// of the compile time, and compile time is most of a one-sentence run) or the backtracker
    /// (see `compile`).
    pub fn regex(&self) -> &meta::Regex {
        self.compiled
            .get_or_init(|| Box::new(compile(&self.effective(), true)))
    }

    /// The same regex with its own literal prefilter, for unanchored searches: of the rest of a
    /// text, of a whole text for a pattern without useful literals (unless the text is short
    /// and ASCII: see [`LazyRegex::short_matches`]), and [`LazyRegex::is_match`] on long
    /// non-ASCII text or where `short_matches` cannot answer. Without one, a pattern with a
    /// Unicode `\b` searches non-ASCII text with the PikeVM at every byte (the lazy DFA gives up
    /// on it): 0.21 s against 0.02 s for 1.4 MB of German.
    pub fn searcher(&self) -> &meta::Regex {
        self.searcher
            .get_or_init(|| Box::new(compile(&self.effective(), false)))
    }

    /// Whether the pattern matches somewhere in a short text, such as a sentence. On ASCII text
    /// the forward lazy DFA answers and nothing more is compiled; on a short text that is not
    /// all ASCII, anchored searches at the prefix literals do ([`LazyRegex::short_matches`]),
    /// each without Unicode where it reads only ASCII; elsewhere a Unicode `\b` (in nearly
    /// every pattern) stops the lazy DFA, and the searcher's literal prefilter spares most texts
    /// the slower engines.
    pub fn is_match(&self, text: &str) -> bool {
        // Every match starts with one of the prefix literals (ASCII case ignored): where none
        // occurs, nothing needs compiling. Exclusions are checked in every sentence with a hit
        // of their rule, and most sentences do not hold them.
        if let Some(lits) = self.prefix_literals() {
            if !lits.occur_in(text.as_bytes()) {
                return false;
            }
        }
        self.is_match_past_literals(text)
    }

    /// [`LazyRegex::is_match`] of `text[start..end]`, a part of a text `scan` scanned: the
    /// scan already knows where the embedded literals occur, so whether one of this pattern's
    /// prefix literals lies in the part is a look-up among them rather than a pass over its
    /// bytes (that pass was 7% of the instructions of the 10 MB corpus). Same answer.
    pub(crate) fn is_match_within(
        &self,
        text: &str,
        (start, end): (usize, usize),
        scan: &prefilter::Scan,
    ) -> bool {
        let part = &text[start..end];
        if let Some(lits) = self.prefix_literals() {
            let found = lits
                .ids
                .as_deref()
                .and_then(|ids| scan.literal_within(ids, start, end))
                .unwrap_or_else(|| lits.occur_in(part.as_bytes()));
            if !found {
                return false;
            }
        }
        self.is_match_past_literals(part)
    }

    /// [`LazyRegex::is_match`] once one of the prefix literals is known to occur in `text`.
    fn is_match_past_literals(&self, text: &str) -> bool {
        if !self.may_match(text) {
            return false;
        }
        if text.is_ascii() {
            // The ASCII forward DFA alone answers "is there a match" (see `ascii_regex`).
            if let Some(f) = self.forward(true) {
                if let Ok(mut cache) = f.cache.try_lock() {
                    let input = regex_automata::Input::new(text).earliest(true);
                    if let Ok(found) = f.dfa.try_search_fwd(&mut cache, &input) {
                        return found.is_some();
                    }
                }
            }
            return self.regex().is_match(text);
        }
        match self.short_matches(text, 1) {
            Some(found) => !found.is_empty(),
            None => self.searcher().is_match(text),
        }
    }

    /// The non-empty matches of the pattern in `text`, leftmost-first and non-overlapping, as
    /// `self.regex_for(text).find_iter(text)` reports them. A short text is searched through
    /// the forward DFAs (see [`LazyRegex::short_matches`]), which a sentence mostly needs
    /// anyway: nothing else is compiled.
    pub(crate) fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        self.short_matches(text, usize::MAX).unwrap_or_else(|| {
            self.regex_for(text)
                .find_iter(text)
                .filter(|m| m.start() < m.end())
                .map(|m| (m.start(), m.end()))
                .collect()
        })
    }

    /// The first `limit` non-empty matches of the pattern in a short `text`, leftmost-first
    /// and non-overlapping, found by anchored searches at the occurrences of its prefix
    /// literals: every match starts at one, and the leftmost match at or after a position is
    /// the anchored match at the first occurrence there that has one. A pattern without prefix
    /// literals but with no empty match (`\bI\b`) is searched at every position the same way,
    /// in ASCII text.
    /// The searches go through the forward DFAs ([`AnchoredSearches::search`]), without
    /// Unicode wherever they read only ASCII. `None` when the text is long, or the pattern has
    /// no prefix literals and the text is not ASCII or the pattern may match empty (or is not
    /// known not to: a user pattern).
    pub(crate) fn short_matches(&self, text: &str, limit: usize) -> Option<Vec<(usize, usize)>> {
        if text.len() >= PrefixLiterals::LONG {
            return None;
        }
        let literal_starts = self
            .prefix_literals()
            .and_then(|l| l.starts(text.as_bytes()));
        let starts: Box<dyn Iterator<Item = usize>> = match literal_starts {
            Some(starts) => Box::new(starts),
            // On other text, searches from every position would mostly reach a non-ASCII
            // byte and need the Unicode automata as well as the searcher they give up to.
            None if text.is_ascii()
                && self.nfa.is_none()
                && self.forward(true).is_some_and(|f| f.nonempty) =>
            {
                Box::new(0..text.len())
            }
            None => return None,
        };
        let max_len = self.shape().max_len;
        let mut searches = self.anchored(text.is_ascii());
        let mut found = Vec::new();
        let mut last_end = 0;
        for s in starts {
            if found.len() >= limit {
                break;
            }
            if s < last_end || !text.is_char_boundary(s) || self.cannot_start_at(text.as_bytes(), s)
            {
                continue;
            }
            let end = max_len.map_or(text.len(), |m| s.saturating_add(m).min(text.len()));
            let input = regex_automata::Input::new(text)
                .range(s..end)
                .anchored(regex_automata::Anchored::Yes);
            if let Some(m) = searches.search(&input) {
                if m.start() < m.end() {
                    found.push((m.start(), m.end()));
                    last_end = m.end();
                }
            }
        }
        Some(found)
    }

    /// Whether the pattern may match somewhere in `text`: `false` when it has suffix literals
    /// (precomputed for the embedded patterns, see `literals::suffixes_from_hir`) and none
    /// occurs in `text`, since every match ends with one. Asked before a pattern the prefilter
    /// let through is compiled: most such patterns do not match a sentence.
    pub(crate) fn may_match(&self, text: &str) -> bool {
        self.suffix_literals()
            .is_none_or(|s| s.occur_in(text.as_bytes()))
    }

    /// Its suffix literals (see [`LazyRegex::may_match`]), if it has precomputed ones.
    fn suffix_literals(&self) -> Option<&PrefixLiterals> {
        self.suffixes
            .get_or_init(|| {
                literals::precomputed_suffixes(&self.effective())
                    .flatten()
                    .map(|l| {
                        Box::new(PrefixLiterals::new(
                            l.iter().map(|b| b.to_vec()).collect(),
                            None,
                        ))
                    })
            })
            .as_deref()
    }

    /// Whether the precomputed literals of the pattern (`prefix_table.rs`: embedded patterns,
    /// exclusions and direction cues) show that it has no non-empty match in `text`: none of
    /// its prefix literals or none of its suffix literals occurs there. `false` for a pattern
    /// the table does not hold (nothing is parsed to find out).
    pub(crate) fn cannot_match(&self, text: &str) -> bool {
        let in_table = *self
            .in_table
            .get_or_init(|| literals::table_index(&self.effective()).is_some());
        in_table
            && (self
                .prefix_literals()
                .is_some_and(|l| !l.occur_in(text.as_bytes()))
                || !self.may_match(text))
    }

    /// The pattern's prefix literals (see `literals`), if it has useful ones: looked up for
    /// embedded patterns, extracted on first call for others.
    fn prefix_literals(&self) -> Option<&PrefixLiterals> {
        self.literals
            .get_or_init(|| {
                let pattern = self.effective();
                let (lits, ids) = match literals::precomputed(&pattern) {
                    Some(lits) => (
                        lits.map(|l| l.iter().map(|b| b.to_vec()).collect()),
                        literals::table_index(&pattern).map(|entry| {
                            let mut ids = prefix_automaton::entry_literals(entry).to_vec();
                            ids.sort_unstable();
                            ids
                        }),
                    ),
                    None => (literals::for_user_pattern(&pattern).ok().flatten(), None),
                };
                lits.map(|l| Box::new(PrefixLiterals::new(l, ids)))
            })
            .as_deref()
    }

    /// What the anchored searches need to know of the pattern: how long its matches can be,
    /// whether a failed search may scan past a word (see `literals::Shape`). Looked up for
    /// embedded patterns, parsed on first call for others.
    pub(crate) fn shape(&self) -> literals::Shape {
        *self.shape.get_or_init(|| {
            let pattern = self.effective();
            literals::precomputed_shape(&pattern).unwrap_or_else(|| {
                literals::parse(&pattern)
                    .map_or(literals::Shape::UNKNOWN, |hir| literals::Shape::of(&hir))
            })
        })
    }
}

/// A pattern's prefix literals, with the bytes they can start with (either ASCII case), so that
/// [`PrefixLiterals::occur_in`] compares literals only where one may start. Testing each
/// literal at every position of every sentence with a hit cost 22% of the instructions of the
/// 10 MB corpus.
#[derive(Debug)]
struct PrefixLiterals {
    literals: Vec<Vec<u8>>,
    /// The literals again, ASCII lower-cased, grouped by their first byte: those starting with
    /// byte `b` are `lower[bucket[b]..bucket[b + 1]]`, so that at each byte of a text only the
    /// literals that can start there are compared (a direction cue or a limit has dozens of
    /// literals, and comparing all of them at every byte with a possible first letter was 13%
    /// of the instructions of the generated corpus). Empty when a literal is empty.
    lower: Vec<Vec<u8>>,
    bucket: Box<[u16; 257]>,
    /// For an embedded pattern, the ids of its literals in the embedded automaton, sorted
    /// (see [`prefilter::Scan::literal_within`]); `None` for others or with an empty literal.
    ids: Option<Vec<u16>>,
    /// The literals as one Aho-Corasick automaton (ASCII case ignored), built the first time
    /// a text of at least [`PrefixLiterals::LONG`] bytes is searched (`None` if it cannot be).
    searcher: OnceLock<Option<aho_corasick::AhoCorasick>>,
}

impl PrefixLiterals {
    fn new(literals: Vec<Vec<u8>>, ids: Option<Vec<u16>>) -> Self {
        let ids = ids.filter(|_| literals.iter().all(|l| !l.is_empty()));
        let mut bucket = Box::new([0u16; 257]);
        // An empty literal occurs everywhere: `occur_in` answers before looking at `lower`.
        let mut lower: Vec<Vec<u8>> = if literals.iter().any(Vec::is_empty) {
            Vec::new()
        } else {
            literals.iter().map(|l| l.to_ascii_lowercase()).collect()
        };
        // Stable: within a bucket, the literals keep their order.
        lower.sort_by_key(|l| l[0]);
        // More literals than a u16 counts would not be bucketed; the byte loop then compares
        // them all (the same answer, slower).
        if u16::try_from(lower.len()).is_ok() {
            for l in &lower {
                bucket[usize::from(l[0]) + 1] += 1;
            }
            for b in 0..256 {
                bucket[b + 1] += bucket[b];
            }
        } else {
            bucket[1..].fill(0);
        }
        PrefixLiterals {
            literals,
            lower,
            bucket,
            ids,
            searcher: OnceLock::new(),
        }
    }

    /// From this many bytes on, [`PrefixLiterals::occur_in`] searches with the literals'
    /// automaton rather than comparing them at every byte that may start one. The comparisons
    /// cost about 50 instructions a byte on DS01 prose (frequent first letters, several
    /// literals each); on the generated corpus they were 84% of the engine's instructions
    /// (the suffix check of [`LazyRegex::may_match`] runs over a whole file for each pattern the
    /// prefilter lets through and that is not compiled yet). A sentence stays below the bound,
    /// so `analyze` of one sentence builds no automaton.
    const LONG: usize = 512;

    /// Where one of the literals begins in `hay` (ASCII case ignored), in order; `None` when a
    /// literal is empty or they are not bucketed (see `lower`).
    fn starts<'h>(&'h self, hay: &'h [u8]) -> Option<impl Iterator<Item = usize> + 'h> {
        if self.lower.is_empty() || self.bucket[256] == 0 {
            return None;
        }
        Some(
            hay.iter()
                .enumerate()
                .filter(move |&(i, &b)| self.begins_at(hay, i, b))
                .map(|(i, _)| i),
        )
    }

    /// Whether one of the bucketed literals begins at `hay[i]` (which is `b`).
    fn begins_at(&self, hay: &[u8], i: usize, b: u8) -> bool {
        let b = usize::from(b.to_ascii_lowercase());
        let (from, to) = (usize::from(self.bucket[b]), usize::from(self.bucket[b + 1]));
        from < to
            && self.lower[from..to].iter().any(|l| {
                hay.get(i + 1..i + l.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(&l[1..]))
            })
    }

    /// Whether one of the literals occurs in `hay`, ASCII case ignored.
    fn occur_in(&self, hay: &[u8]) -> bool {
        if self.literals.iter().any(Vec::is_empty) {
            return true;
        }
        if hay.len() >= Self::LONG {
            let searcher = self.searcher.get_or_init(|| {
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&self.literals)
                    .ok()
            });
            if let Some(ac) = searcher {
                return ac.is_match(hay);
            }
        }
        if self.bucket[256] == 0 {
            // Not bucketed (see `lower`): every literal at every byte.
            return hay.iter().enumerate().any(|(i, _)| {
                self.literals.iter().any(|l| {
                    hay.get(i..i + l.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(l))
                })
            });
        }
        hay.iter()
            .enumerate()
            .any(|(i, &b)| self.begins_at(hay, i, b))
    }
}

/// Compiles a pattern validation has already compiled with `regex::RegexBuilder`, so it cannot
/// fail: when the first build (lean: no literal prefilter, no full DFA, no backtracker; or, for
/// the searcher, no full DFA) fails where that one succeeded, this builds exactly what it built.
fn compile(pattern: &str, lean: bool) -> meta::Regex {
    // What `regex::RegexBuilder::new(p).size_limit(REGEX_SIZE_LIMIT)` configures.
    let as_regex_crate = regex_crate_config();
    let build = |config| {
        meta::Regex::builder()
            .configure(config)
            .build(pattern)
            .map_err(|e| e.to_string())
    };
    let first = if lean {
        // No bounded backtracker either: where the lazy DFA gives up (a Unicode `\b` on
        // non-ASCII text), it would clear a bit per NFA state and haystack byte on every
        // search, and anchored searches of patterns without a longest match span the rest of
        // the text. The PikeVM's cost follows the bytes it actually reads.
        lean_config()
    } else {
        as_regex_crate.clone().dfa(false)
    };
    build(first)
        .ok()
        // With its literal prefilter on, the regex crate searches a plain alternation
        // of 3,000 or more literals with Aho-Corasick alone and builds no NFA, so the
        // size limit that the leaner build hits never applies to it.
        .unwrap_or_else(|| build(as_regex_crate).expect("pattern was compiled during validation"))
}

/// What `regex::RegexBuilder::new(p).size_limit(REGEX_SIZE_LIMIT)` configures.
fn regex_crate_config() -> meta::Config {
    meta::Config::new()
        .nfa_size_limit(Some(validate::REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(2 << 20)
        .utf8_empty(true)
}

/// The lean regex: no literal prefilter, no full DFA, no backtracker, no one-pass DFA (see
/// `compile`).
fn lean_config() -> meta::Config {
    regex_crate_config()
        .auto_prefilter(false)
        .dfa(false)
        .backtrack(false)
        .onepass(false)
}

/// The regex crate's syntax, or, for `ascii`, the same without Unicode (and so allowed to
/// match bytes that are not UTF-8, as `[^a]` then does: never on an ASCII haystack).
fn syntax_config(ascii: bool) -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(!ascii)
        .utf8(!ascii)
}

pub(crate) fn effective_pattern(source: &str, case_sensitive: bool) -> String {
    if case_sensitive {
        source.to_owned()
    } else {
        format!("(?i:{source})")
    }
}

/// A validated rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub family: Family,
    pub summary: String,
    pub why: String,
    pub patterns: Vec<LazyRegex>,
    pub exclude: Vec<LazyRegex>,
    pub negatable: bool,
    pub when: Vec<Concern>,
    pub unless: Vec<Concern>,
    /// Pattern rules (index and id) whose match on the text keeps this rule from firing.
    pub unless_fired: Vec<(usize, String)>,
    pub signals: Vec<(Concern, f64)>,
    pub questions: Vec<Question>,
    /// The design choices this concern raises, for decision records.
    pub options: Vec<DesignOption>,
    pub examples_match: Vec<Text>,
    pub examples_no_match: Vec<Text>,
    pub location: Location,
    /// The index of a pattern rule whose hits this rule shares: instead of patterns of its own
    /// (a component's audience rule), or besides them (a pattern rule that also fires where
    /// the other fired).
    pub follows: Option<usize>,
    /// Context evidence (components, lifecycle words): it places a text, but in the GPU
    /// contest it never outweighs a cue that the change is not about allocation.
    pub context: bool,
    /// A report of what a document says: from its match to the end of the sentence or the
    /// writer's turn (see `reported_content`), the text is that document's content, and GPU
    /// evidence lying wholly there is context.
    pub reports: bool,
    /// A message a command or wizard is asked to give: from its match to the end of the
    /// sentence or the writer's turn, the text is the message's content, and a host layer
    /// (L0) read only there is set aside when a user layer is read outside it.
    pub tells: bool,
    /// A default audience (first person, "containers", a component's users): it yields to
    /// `admin_tooling` evidence when the text names no user tier, user command or wizard.
    pub default_audience: bool,
    /// Names the admin's own tooling: default audiences yield to it.
    pub admin_tooling: bool,
    /// An audience stated in so many words, where no tier is named: it fires in stratum 2 of
    /// the inference and blocks the inferences about the audience.
    pub stated_audience: bool,
    /// Its layer is never set aside by the nearest examples or the word model.
    pub firm_layer: bool,
}

impl Rule {
    /// Rules with conditions run after the pattern-only rules have established concerns.
    pub fn is_conditional(&self) -> bool {
        !self.when.is_empty()
            || !self.unless.is_empty()
            || !self.unless_fired.is_empty()
            || self.only_follows()
    }

    /// Fires only where another rule fired, with its evidence (a component's audience rule):
    /// `follows` and no patterns of its own. A rule with patterns that also follows another is
    /// a pattern rule, whose hits include the other's.
    pub fn only_follows(&self) -> bool {
        self.follows.is_some() && self.patterns.is_empty()
    }

    /// A question cue (a rule of the `questions` family): it asks and establishes nothing.
    pub fn is_question_cue(&self) -> bool {
        self.family == Family::Questions
    }
}

/// A t-shirt band.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Band {
    pub size: String,
    pub max_points: Option<f64>,
    pub description: String,
}

/// Negation handling: cue words within `window` words before a hit cancel it.
pub struct Negation {
    /// The cues as a regex of a whole word, `^(?:cues)$`, matched case-insensitively.
    pattern: String,
    /// `pattern` compiled, on first use when the cues are known to compile (see
    /// [`Negation::is_cue`]).
    cues: OnceLock<Regex>,
    pub window: usize,
    /// When the cues are a finite set of ASCII words (the embedded `no|not|without|...`), those
    /// words, lowercase and sorted: an ASCII word is a cue exactly when it is one of them,
    /// ASCII case ignored, and the regex (1M instructions to compile, at every start) is then
    /// only compiled for a non-ASCII word.
    words: Option<Vec<String>>,
    /// For `words`: the lower-cased first bytes and the lengths (as bits, up to 63) that a cue
    /// word can have, so that most ASCII words (the, to, a, containers) are told apart without
    /// a search. A longer cue word sets no bit and leaves every length possible.
    quick: ([bool; 256], u64),
    /// Words already tested against `cues` (see [`Negation::is_cue`]).
    pub(crate) seen: std::sync::Mutex<crate::text::FxHashMap<String, bool>>,
}

impl std::fmt::Debug for Negation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Negation")
            .field("pattern", &self.pattern)
            .field("window", &self.window)
            .field("words", &self.words)
            .finish_non_exhaustive()
    }
}

impl Negation {
    /// At most this many words are remembered.
    const SEEN: usize = 4096;

    /// The cues `cues` (a regex of one word) within `window` words, compiled now: the error is
    /// the regex crate's.
    pub(crate) fn new(cues: &str, window: usize) -> Result<Self, regex::Error> {
        let pattern = format!("^(?:{cues})$");
        let re = Self::compile(&pattern)?;
        Ok(Negation {
            cues: OnceLock::from(re),
            ..Negation::from_parts(pattern, window, Self::words_of(cues))
        })
    }

    /// Cues whose `pattern` (`^(?:cues)$`) compiled when they were validated, compiled on
    /// first use, with their `words` (see [`Negation::words_of`]).
    pub(crate) fn from_parts(pattern: String, window: usize, words: Option<Vec<String>>) -> Self {
        let mut quick = ([false; 256], 0u64);
        for w in words.iter().flatten() {
            if let Some(&b) = w.as_bytes().first() {
                quick.0[usize::from(b.to_ascii_lowercase())] = true;
            }
            quick.1 |= if w.len() < 64 { 1 << w.len() } else { u64::MAX };
        }
        Negation {
            pattern,
            cues: OnceLock::new(),
            window,
            quick,
            words,
            seen: std::sync::Mutex::default(),
        }
    }

    /// The pattern, the window and the words, as [`Negation::from_parts`] takes them.
    pub(crate) fn parts(&self) -> (&str, usize, Option<&[String]>) {
        (&self.pattern, self.window, self.words.as_deref())
    }

    /// The cues' regex, as validation compiles it.
    fn compile(pattern: &str) -> Result<Regex, regex::Error> {
        regex::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .size_limit(validate::REGEX_SIZE_LIMIT)
            .build()
    }

    fn regex(&self) -> &Regex {
        self.cues.get_or_init(|| {
            Self::compile(&self.pattern).expect("negation cues are compiled when validated")
        })
    }

    /// The words that `cues` matches, lowercase and sorted, when they are a finite set of ASCII
    /// strings and `cues` has no assertion (`\b`, `^`): parsed case-sensitively, a regex whose
    /// extracted literals are all exact matches exactly those strings; under `(?i)` an ASCII
    /// word then matches exactly those equal to one of them with ASCII case ignored (the other
    /// case variants of an ASCII letter, the Kelvin sign and the long s, are not ASCII).
    fn words_of(cues: &str) -> Option<Vec<String>> {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let hir = regex_syntax::Parser::new().parse(cues).ok()?;
        if !hir.properties().look_set().is_empty() {
            return None;
        }
        let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
        if !seq.is_exact() {
            return None;
        }
        let mut words = seq
            .literals()?
            .iter()
            .map(|l| {
                let b = l.as_bytes();
                (b.is_ascii() && !b.is_empty())
                    .then(|| String::from_utf8_lossy(b).to_ascii_lowercase())
            })
            .collect::<Option<Vec<String>>>()?;
        words.sort_unstable();
        words.dedup();
        Some(words)
    }

    /// Whether the word `w` is a negation cue: the regex `^(?:cues)$` matches it (ASCII words
    /// of word cues are looked up among the words instead, same answer), remembered per word.
    /// The words before hits repeat ("the", "to", "a"), and a regex search of a short word
    /// cost more than a look-up (3% of the instructions of the 10 MB corpus).
    pub(crate) fn is_cue(&self, w: &str) -> bool {
        if let Some(words) = &self.words {
            if w.is_ascii() {
                let (first, lens) = &self.quick;
                let len_possible = w.len() >= 64 || (lens >> w.len()) & 1 == 1;
                let first_possible = w
                    .as_bytes()
                    .first()
                    .is_some_and(|&b| first[usize::from(b.to_ascii_lowercase())]);
                if !(len_possible && first_possible) {
                    return false;
                }
                // Lowercased once into a buffer (no cue word is longer), then compared as bytes.
                let mut buf = [0u8; 32];
                let Some(lower) = buf.get_mut(..w.len()) else {
                    return words.iter().any(|x| x.eq_ignore_ascii_case(w));
                };
                lower.copy_from_slice(w.as_bytes());
                lower.make_ascii_lowercase();
                return words.binary_search_by(|x| x.as_bytes().cmp(lower)).is_ok();
            }
        }
        let Ok(mut seen) = self.seen.try_lock() else {
            return self.regex().is_match(w);
        };
        if let Some(&cue) = seen.get(w) {
            return cue;
        }
        let cue = self.regex().is_match(w);
        if seen.len() < Self::SEEN {
            seen.insert(w.to_owned(), cue);
        }
        cue
    }
}

/// A validated, compiled rule set: what the analyzer runs.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Every pattern of every rule, matched in one pass over the text.
    pub(crate) set: prefilter::Prefilter,
    /// For each pattern of `set`: (rule index, pattern index within the rule).
    pub(crate) owners: Vec<(usize, usize)>,
    pub labels: BTreeMap<(Family, String), Label>,
    pub generic_questions: Vec<GenericQuestion>,
    pub bands: Vec<Band>,
    pub thresholds: BTreeMap<Kind, f64>,
    pub negation: Option<Negation>,
    /// Prose topics of `explain`, in file order.
    pub topics: Vec<Topic>,
    /// Direction cues (relaxing or tightening a principle's limit), if a file defines them.
    pub direction: Option<Direction>,
    pub sources: Vec<Source>,
    /// The normalised text of every question the rules can ask, built on first use.
    pub(crate) question_keys: OnceLock<std::collections::HashSet<String>>,
    /// The indices of the conditional rules ([`Rule::is_conditional`]), in rule order, built on
    /// first use: inference visits only these, whatever the number of pattern rules.
    pub(crate) conditional: OnceLock<Vec<usize>>,
    /// The indices of the pattern rules that also `follow` another, built on first use: the
    /// pattern pass adds the other's hits to theirs.
    pub(crate) pattern_followers: OnceLock<Vec<usize>>,
    /// Questions for pairs of concerns (`rules/combinations.toml`), sorted by id.
    pub combinations: Vec<Combination>,
    /// What the options of rules support and strain, their effort and admin burden
    /// (`rules/tradeoffs.toml`), in file order.
    pub tradeoffs: Vec<OptionAssessment>,
    /// The suffix literals of every pattern of `set` in one automaton, built for the first
    /// long text (see [`RuleSet::warm_up`]).
    pub(crate) suffix_index: OnceLock<Option<SuffixIndex>>,
    /// How many bytes of text the shared suffix pass of [`RuleSet::warm_up`] has read in this
    /// process: past [`RuleSet::SUFFIX_BUDGET`], cold patterns are built instead.
    pub(crate) suffix_bytes: std::sync::atomic::AtomicUsize,
}

/// The suffix literals of every pattern of a rule set in one automaton: one overlapping pass
/// over a long text answers [`LazyRegex::may_match`] for all the patterns the prefilter lets
/// through, where each pattern's own check read the whole text again (on the generated corpus,
/// about 60 patterns a file, half of the engine's instructions once each check had its own
/// automaton).
#[derive(Debug)]
pub(crate) struct SuffixIndex {
    automaton: aho_corasick::AhoCorasick,
    /// Per pattern of the set: the ids of its suffix literals in `automaton`, or `None` when
    /// it has none (or an empty one), so that it may match anywhere.
    ids: Vec<Option<Vec<u32>>>,
    literals: usize,
}

impl SuffixIndex {
    fn new(set: &RuleSet) -> Option<Self> {
        let mut id_of: std::collections::HashMap<&[u8], u32> = std::collections::HashMap::new();
        let mut literals: Vec<&[u8]> = Vec::new();
        let ids = set
            .owners
            .iter()
            .map(|&(r, p)| {
                let lits = set.rules[r].patterns[p].suffix_literals()?;
                if lits.literals.iter().any(Vec::is_empty) {
                    return None;
                }
                let ids: Option<Vec<u32>> = lits
                    .literals
                    .iter()
                    .map(|l| {
                        let next = u32::try_from(literals.len()).ok()?;
                        Some(*id_of.entry(l.as_slice()).or_insert_with(|| {
                            literals.push(l.as_slice());
                            next
                        }))
                    })
                    .collect();
                ids
            })
            .collect();
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&literals)
            .ok()?;
        Some(SuffixIndex {
            automaton,
            ids,
            literals: literals.len(),
        })
    }

    /// Which literals occur in `text` (ASCII case ignored), by id.
    fn present(&self, text: &str) -> Vec<bool> {
        let mut present = vec![false; self.literals];
        for m in self.automaton.find_overlapping_iter(text.as_bytes()) {
            present[m.pattern().as_usize()] = true;
        }
        present
    }

    /// [`LazyRegex::may_match`] of pattern `idx` of the set, from [`SuffixIndex::present`].
    fn may_match(&self, idx: usize, present: &[bool]) -> bool {
        self.ids[idx]
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|&i| present[i as usize]))
    }
}

impl RuleSet {
    /// The normalised text (`questions::normalize`) of every question of the rule set:
    /// generic, per label and per rule.
    pub(crate) fn question_keys(&self) -> &std::collections::HashSet<String> {
        self.question_keys.get_or_init(|| {
            let generic = self.generic_questions.iter().map(|g| &g.question);
            let labels = self.labels.values().flat_map(|l| &l.questions);
            let rules = self.rules.iter().flat_map(|r| &r.questions);
            let combinations = self.combinations.iter().flat_map(|c| &c.questions);
            generic
                .chain(labels)
                .chain(rules)
                .chain(combinations)
                .map(|q| q.key().to_owned())
                .collect()
        })
    }

    /// Compile every pattern and exclusion of the embedded rules now, under the size limit, and
    /// return the failures as `file:line: rule `id`: message`. Loading skips this for the
    /// embedded defaults; `rules check` and the test suite do not. Patterns of other files were
    /// compiled the same way when they were loaded (a failure there fails the load), so they
    /// are not compiled again.
    pub fn compile_all(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let embedded = |file: &str| self.sources.iter().any(|s| s.embedded && s.name == file);
        for rule in &self.rules {
            if !embedded(&rule.location.file) {
                continue;
            }
            for p in rule.patterns.iter().chain(&rule.exclude) {
                if let Some(e) = cost::regex_build_error(&p.effective()) {
                    let last = e.to_string().lines().last().unwrap_or_default().to_owned();
                    problems.push(format!(
                        "{}: rule `{}`: regex `{}`: {last}",
                        rule.location, rule.id, p.source
                    ));
                }
            }
        }
        problems
    }

    /// The fewest missing automata [`RuleSet::warm_up`] starts a thread for. A thread costs
    /// about as much wall time as building five or six automata (run 19: the benchmark
    /// sentence's 13, half of them on a second thread, took 0.3 ms more at the minimum than
    /// all on one, and at load 5-7 the median was 1.7 ms worse, the second thread waiting for
    /// a core), so it pays only for texts that reach many patterns at once.
    const WARM_UP_MIN: usize = 24;

    /// How many bytes the shared suffix pass of [`RuleSet::warm_up`] may read in one process
    /// before it stops. The pass spares building the automata of patterns that cannot match
    /// (a one-time cost per pattern, a few hundred thousand instructions each), but costs
    /// about 100 instructions a byte of every long text, for as long as some candidate
    /// pattern stays unbuilt: on a corpus of many files, the patterns whose suffixes never
    /// occur kept it running over every file (10% of the instructions of the 10 MB corpus).
    /// Past the budget, the candidates not built yet are built, as the first use of a
    /// pattern does anyway, and their anchored searches answer. A single file (`analyze -f`)
    /// stays far below it; the answers are the same either way.
    const SUFFIX_BUDGET: usize = 1 << 20;

    /// Builds, on a second thread, half of the forward automata that the candidate patterns of
    /// `scan` still lack, before the analyzer searches them one by one: building them is most
    /// of the analysis of a first sentence (the benchmark sentence reaches 25 patterns, 11M
    /// instructions of 48M). Each automaton is built once (a `OnceLock`), by whichever thread
    /// gets there first, so the searches and their results are the same. Only when at least
    /// [`RuleSet::WARM_UP_MIN`] are missing: later texts of a run find them built.
    ///
    /// Returns the patterns (indices in the set, sorted) that the suffix check of
    /// [`LazyRegex::may_match`] showed cannot match `text`: the caller skips them rather than
    /// have [`prefilter::Candidates::matches`] scan `text` for their suffixes a second time.
    pub(crate) fn warm_up(&self, scan: &prefilter::Scan, text: &str) -> Vec<usize> {
        let mut impossible = Vec::new();
        // On a long text, one pass finds the suffix literals of every pattern at once.
        let mut shared: Option<(&SuffixIndex, Vec<bool>)> = None;
        let long = text.len() >= PrefixLiterals::LONG;
        // Past the budget, a long text checks no suffixes: its cold candidates are built.
        let checked = !long
            || self.suffix_bytes.load(std::sync::atomic::Ordering::Relaxed) < Self::SUFFIX_BUDGET;
        let cold: Vec<(&LazyRegex, bool)> = scan
            .iter()
            .filter_map(|(idx, candidates)| match candidates {
                prefilter::Candidates::At { ascii, .. } => {
                    let (r, p) = self.owners[idx];
                    let re = &self.rules[r].patterns[p];
                    // In a short text, most searches read only ASCII even when the text is
                    // not all ASCII (see `AnchoredSearches::search`): the ASCII automaton is
                    // the one to have ready.
                    let ascii = ascii || !long;
                    if re.forward_built(ascii) {
                        return None;
                    }
                    if !checked {
                        return Some((re, ascii));
                    }
                    if long && shared.is_none() {
                        self.suffix_bytes
                            .fetch_add(text.len(), std::sync::atomic::Ordering::Relaxed);
                        shared = self
                            .suffix_index
                            .get_or_init(|| SuffixIndex::new(self))
                            .as_ref()
                            .map(|ix| (ix, ix.present(text)));
                    }
                    let may = match &shared {
                        Some((ix, present)) => ix.may_match(idx, present),
                        None => re.may_match(text),
                    };
                    if may {
                        Some((re, ascii))
                    } else {
                        impossible.push(idx);
                        None
                    }
                }
                prefilter::Candidates::Anywhere => None,
            })
            .collect();
        impossible.sort_unstable();
        if cold.len() < Self::WARM_UP_MIN
            || std::thread::available_parallelism().map_or(1, std::num::NonZero::get) < 2
        {
            if !checked {
                // Unchecked candidates must be built here: `Candidates::matches` would check
                // the suffixes of an unbuilt one itself, a pass over the text per pattern.
                cold.iter().for_each(|&(re, ascii)| re.warm(ascii));
            }
            return impossible;
        }
        let (theirs, mine) = cold.split_at(cold.len() / 2);
        std::thread::scope(|s| {
            s.spawn(|| theirs.iter().for_each(|&(re, ascii)| re.warm(ascii)));
            mine.iter().for_each(|&(re, ascii)| re.warm(ascii));
        });
        impossible
    }

    /// The patterns the prefilter says may match `text`, as (rule index, pattern index
    /// within the rule). The prefilter may report more than really match, never fewer; the
    /// fuzz harness and the tests check that against each pattern's own regex.
    pub fn prefilter_candidates(&self, text: &str) -> Vec<(usize, usize)> {
        self.set
            .matches(text)
            .into_iter()
            .map(|i| self.owners[i])
            .collect()
    }

    /// The matches of every pattern the prefilter lets through, as (rule index, pattern index)
    /// and byte ranges, found the way the analyzer finds them (anchored searches at literal
    /// starts). They must equal each pattern's own `find_iter`; the fuzz harness and the tests
    /// check that.
    pub fn candidate_matches(&self, text: &str) -> Vec<PatternMatches> {
        let scan = self.set.scan(text);
        scan.iter()
            .map(|(idx, c)| {
                let (r, p) = self.owners[idx];
                let re = &self.rules[r].patterns[p];
                ((r, p), c.matches(re, text).map(|m| m.range()).collect())
            })
            .collect()
    }

    /// The indices of the conditional rules, in rule order.
    pub(crate) fn conditional_rules(&self) -> &[usize] {
        self.conditional.get_or_init(|| {
            (0..self.rules.len())
                .filter(|&r| self.rules[r].is_conditional())
                .collect()
        })
    }

    /// The indices of the pattern rules that also `follow` another (their hits include the
    /// other's), in rule order.
    pub(crate) fn pattern_followers(&self) -> &[usize] {
        self.pattern_followers.get_or_init(|| {
            (0..self.rules.len())
                .filter(|&r| self.rules[r].follows.is_some() && !self.rules[r].only_follows())
                .collect()
        })
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// A label by family and id.
    pub fn label(&self, family: Family, id: &str) -> Option<&Label> {
        // The family's labels, from the first key of the family on (an empty id sorts first and
        // allocates nothing), without building an owned key per lookup.
        self.labels
            .range((family, String::new())..)
            .take_while(|((f, _), _)| *f == family)
            .find(|((_, i), _)| i == id)
            .map(|(_, l)| l)
    }

    /// The labels of one family, in definition order of their ids in the taxonomy.
    pub fn labels_of(&self, family: Family) -> impl Iterator<Item = &Label> {
        self.labels.values().filter(move |l| l.family == family)
    }

    /// A topic by id or alias, case-insensitively.
    pub fn topic(&self, key: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| {
            t.id.eq_ignore_ascii_case(key) || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
        })
    }

    /// The evidence a concern of this kind needs to be reported.
    pub fn threshold(&self, kind: Kind) -> f64 {
        self.thresholds.get(&kind).copied().unwrap_or(1.0)
    }

    /// Human name of a concern's id ("L0" -> "Docker runtime and enforcement").
    pub fn name_of(&self, concern: &Concern) -> String {
        self.label(Family::of_kind(concern.kind), &concern.id)
            .map_or_else(|| concern.id.clone(), |l| l.name.clone())
    }
}

/// The matches of one pattern, keyed by (rule index, pattern index within the rule).
pub type PatternMatches = ((usize, usize), Vec<std::ops::Range<usize>>);

#[cfg(test)]
mod negation_tests {
    use super::{Negation, defaults};

    /// Looked up among the words or searched with the regex, a word is a cue alike.
    #[test]
    fn cue_words_answer_as_the_regex() {
        let embedded = defaults()
            .expect("defaults")
            .negation
            .as_ref()
            .expect("cues");
        let (pattern, window, words) = embedded.parts();
        let words = words.expect("the embedded cues are words");
        assert!(words.contains(&"don't".to_owned()) && words.contains(&"no".to_owned()));
        let cues = pattern
            .strip_prefix("^(?:")
            .and_then(|p| p.strip_suffix(")$"))
            .expect("wrapped");
        for c in [
            cues,
            "no|not|n[o']t|never",
            "(?:un)?like|dis(?:like)?",
            "ok|K",
        ] {
            let n = Negation::new(c, window).expect("compiles");
            assert!(n.words.is_some(), "{c}");
            let re = Negation::compile(&n.pattern).expect("compiles");
            for w in [
                "no",
                "NO",
                "No",
                "not",
                "NoT",
                "n't",
                "never",
                "none",
                "nothing",
                "don't",
                "DON'T",
                "don’t",
                "cannot",
                "can",
                "a",
                "zero",
                "except",
                "excepting",
                "ok",
                "OK",
                "\u{212a}",
                "k",
                "K",
                "like",
                "unlike",
                "UnLike",
                "dis",
                "dislike",
                "ſo",
                "noß",
                "",
                "no-go",
                "nonononononononononononononononononono",
            ] {
                assert_eq!(n.is_cue(w), re.is_match(w), "{c}: {w:?}");
            }
        }
        // Not a finite set of ASCII words: always the regex.
        for c in [r"no\w*", r"\bno", "nö|not", "no|", "(?i)x+"] {
            assert!(
                Negation::new(c, 3).expect("compiles").words.is_none(),
                "{c}"
            );
        }
    }
}

#[cfg(test)]
mod suffix_index_tests {
    use super::{PrefixLiterals, SuffixIndex, defaults};

    /// The shared automaton says what each pattern's own suffix check says, pattern by
    /// pattern, on long texts that hold some of the literals (in either case) and none.
    #[test]
    fn shared_suffix_check_answers_as_each_pattern() {
        let set = defaults().expect("defaults");
        let index = SuffixIndex::new(set).expect("index");
        let filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(12);
        let texts = [
            filler.clone(),
            format!("{filler} The IDLE checker stopped the Container; ds01-submit a job."),
            format!("{filler} vs code, the allocator, MIG slices and resource-limits.yaml"),
            format!("{filler} {}", "the cleanup jobs skip it. ".repeat(4)),
        ];
        for text in &texts {
            assert!(text.len() >= PrefixLiterals::LONG);
            let present = index.present(text);
            for (idx, &(r, p)) in set.owners.iter().enumerate() {
                let re = &set.rules[r].patterns[p];
                assert_eq!(
                    index.may_match(idx, &present),
                    re.may_match(text),
                    "{}",
                    re.source
                );
            }
        }
    }
}

#[cfg(test)]
mod short_match_tests {
    use super::defaults;

    /// The examples of a rule with non-ASCII characters worked in: an em dash between words,
    /// curly quotes for straight ones, accented letters, a no-break space, the Kelvin sign and
    /// the long s (which `(?i)` folds to ASCII letters).
    fn variants(text: &str) -> Vec<String> {
        let mut out = vec![text.to_owned()];
        let words: Vec<&str> = text.split(' ').collect();
        for at in [1, words.len() / 2, words.len().saturating_sub(1)] {
            let mut w = words.clone();
            if at < w.len() {
                w.insert(at, "—");
                out.push(w.join(" "));
            }
        }
        out.push(text.replace('\'', "\u{2019}").replace('"', "\u{201c}"));
        out.push(text.replacen('e', "é", 2));
        out.push(text.replacen(' ', "\u{a0}", 3));
        out.push(
            text.replacen('k', "\u{212a}", 1)
                .replacen('s', "\u{17f}", 1),
        );
        out.push(format!("Müller: {text} … ok"));
        out
    }

    /// Asserts that `find_all` and `is_match` of `re` answer on each text as the regex itself
    /// (its non-empty `find_iter` matches); returns how many texts were compared.
    fn assert_as_the_regex(re: &super::LazyRegex, texts: &[String]) -> usize {
        let reference = regex_automata::meta::Regex::new(&re.effective()).expect("valid");
        for text in texts {
            let want: Vec<(usize, usize)> = reference
                .find_iter(text.as_str())
                .filter(|m| m.start() < m.end())
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(re.find_all(text), want, "{} in {text:?}", re.source);
            assert_eq!(
                re.is_match(text),
                !want.is_empty(),
                "{} in {text:?}",
                re.source
            );
        }
        texts.len()
    }

    /// `find_all` and `is_match` answer as the regex itself, for every pattern and exclusion of
    /// the embedded rules, on their own examples with non-ASCII characters worked in, where the
    /// anchored searches mix the automata with and without Unicode.
    #[test]
    fn short_matches_are_the_regexs_matches_on_non_ascii_text() {
        let set = defaults().expect("defaults");
        let mut compared = 0;
        for rule in &set.rules {
            let texts: Vec<String> = rule
                .examples_match
                .iter()
                .chain(&rule.examples_no_match)
                .flat_map(|t| variants(t))
                .collect();
            for re in rule.patterns.iter().chain(&rule.exclude) {
                compared += assert_as_the_regex(re, &texts);
            }
        }
        assert!(compared > 10_000, "only {compared} comparisons");
    }

    /// The same for the direction cues (relax, tighten, the limits, the proposal markers),
    /// which `analyze::direction` searches with `find_all` and `is_match`, on the direction
    /// examples with the same characters worked in, and padded to either side of the 512
    /// bytes where `short_matches` stops answering.
    #[test]
    fn direction_cues_match_as_the_regex_on_short_and_padded_text() {
        let set = defaults().expect("defaults");
        let d = set.direction.as_ref().expect("direction cues");
        let mut cues: Vec<&super::LazyRegex> = vec![&d.relax, &d.tighten];
        cues.extend(d.limits.iter().map(|(_, re)| re));
        cues.extend(d.proposal.iter());
        let mut texts: Vec<String> = d.examples.iter().flat_map(|(t, ..)| variants(t)).collect();
        let base = d
            .examples
            .first()
            .map(|(t, ..)| t.clone())
            .expect("an example");
        for len in [510usize, 511, 512, 513, 514] {
            let pad = len.saturating_sub(base.len() + 1);
            texts.push(format!("{} {base}", "x".repeat(pad)));
            texts.push(format!("{base} {}", "y".repeat(pad)));
        }
        let mut compared = 0;
        for re in cues {
            compared += assert_as_the_regex(re, &texts);
        }
        assert!(compared > 100, "only {compared} comparisons");
    }
}
