//! The project config file, `ds01-pm.toml`: found in the working directory or the nearest
//! parent that has one. Each table belongs to one feature; unknown keys are errors.
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

/// The file name looked for, upward from the working directory.
pub const FILE_NAME: &str = "ds01-pm.toml";

/// The whole file. Tables not read here are kept as raw values for the features that own them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Optional local LLM (`[llm]`).
    #[serde(default)]
    pub llm: Option<crate::llm::LlmFile>,
    /// Proposal checks (`[check]`), read by `ds01-pm check`.
    #[serde(default)]
    pub check: Option<toml::Value>,
    /// Decision records (`[adr]`), read by `ds01-pm adr`.
    #[serde(default)]
    pub adr: Option<AdrConfig>,
}

/// `[adr]`: where `ds01-pm adr` numbers and writes decision records.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct AdrConfig {
    /// The records directory, relative to the config file (default `docs/decisions`).
    #[serde(default)]
    pub dir: Option<PathBuf>,
}

/// A loaded config file and where it came from.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
}

/// The nearest `ds01-pm.toml` at or above `start`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Load the config at `path`, or discover one from the working directory; no file is an
/// empty config.
pub fn load(path: Option<&Path>) -> Result<Config, Error> {
    let path = match path {
        Some(p) => Some(p.to_path_buf()),
        // Shown relative to the working directory when it is there (`ds01-pm.toml`, not
        // `/home/.../ds01-pm.toml`), as paths typed on the command line are.
        None => std::env::current_dir().ok().and_then(|d| {
            discover(&d).map(|p| p.strip_prefix(&d).map(Path::to_path_buf).unwrap_or(p))
        }),
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = crate::error::read_text(&path)?;
    let name = path.display().to_string();
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let message = crate::diag::toml_error(&name, &text, &e);
        let hint = hint_for(&name, &text, &message, "README.md (section Configuration)");
        Error::invalid(message, Some(&hint))
    })?;
    Ok(Config {
        path: Some(path),
        file,
    })
}

/// The hint for an error in the config file `name` (whose text is `text`): the key it is
/// about, from an "unknown field" message or else from the line the message points at, and
/// where the keys are documented.
pub fn hint_for(name: &str, text: &str, message: &str, docs: &str) -> String {
    let unknown = message
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(k, _)| k.to_owned());
    let on_line = || {
        let rest = message.strip_prefix(name)?.strip_prefix(':')?;
        let line: usize = rest.split(':').next()?.parse().ok()?;
        let (key, _) = text.lines().nth(line.checked_sub(1)?)?.split_once('=')?;
        let key = key.trim();
        (!key.is_empty() && !key.starts_with('#')).then(|| key.to_owned())
    };
    match unknown.or_else(on_line) {
        Some(k) => format!("fix `{k}` in {name}; {docs} lists the keys and values"),
        None => format!("fix {name} at the line shown; {docs} lists the keys and values"),
    }
}
