//! Optional local LLM. Off unless `--llm` or `[llm] enabled = true`; then it asks a model
//! server on loopback (llama.cpp, vLLM, Ollama) for follow-up questions, a short narrative and,
//! when no rule fired, a suggested classification. It never changes rule findings, scores or
//! exit codes: every failure becomes one warning and the rules-only output stands.
//!
//! This is the only code in the binary that opens a network connection. It speaks plain HTTP
//! (model servers on loopback do not need TLS), follows no redirects, ignores proxy settings,
//! and does not log prompts or responses.
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::analyze::Analysis;
use crate::error::Error;
use crate::taxonomy;

/// Environment variables that override the file.
pub const ENV_BASE_URL: &str = "DS01_PM_LLM_BASE_URL";
/// Model name override.
pub const ENV_MODEL: &str = "DS01_PM_LLM_MODEL";
/// The API key: read from the environment only, never from a file the repository tracks.
pub const ENV_API_KEY: &str = "DS01_PM_LLM_API_KEY";

const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
const MAX_QUESTIONS: usize = 6;
const MAX_QUESTION_CHARS: usize = 300;
const MAX_NARRATIVE_CHARS: usize = 1200;

/// The `[llm]` table of `ds01-pm.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmFile {
    pub enabled: Option<bool>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub protocol: Option<Protocol>,
    pub connect_timeout_secs: Option<f64>,
    pub request_timeout_secs: Option<f64>,
    pub allow_remote: Option<bool>,
    /// Send `DS01_PM_LLM_API_KEY` over plain http to a host other than this machine (off:
    /// such a key would cross the network in clear text).
    pub allow_insecure_key: Option<bool>,
    /// Present only to refuse it with a clear message: keys come from the environment.
    pub api_key: Option<toml::Value>,
}

/// The wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// `POST /v1/chat/completions` (llama.cpp server, vLLM, Ollama's `/v1`).
    Openai,
    /// Ollama's native `POST /api/chat`.
    Ollama,
}

/// Resolved settings of an enabled LLM.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub model: String,
    pub protocol: Protocol,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    api_key: Option<String>,
}

fn config_error(msg: impl Into<String>, hint: &str) -> Error {
    Error::invalid(format!("llm configuration: {}", msg.into()), Some(hint))
}

fn timeout(v: Option<f64>, default: f64, key: &str) -> Result<Duration, Error> {
    let secs = v.unwrap_or(default);
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(config_error(
            format!("`{key}` must be a number of seconds in (0, 3600], got {secs}"),
            "e.g. `connect_timeout_secs = 2` and `request_timeout_secs = 120`",
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Resolve the settings from the file, the `--llm` flag and the environment (`env` is a
/// lookup so tests need not touch the process environment). `Ok(None)`: the LLM is off.
pub fn settings(
    file: Option<&LlmFile>,
    flag: bool,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Settings>, Error> {
    let file = file.cloned().unwrap_or_default();
    if file.api_key.is_some() {
        return Err(config_error(
            "`api_key` is not read from ds01-pm.toml",
            "set the key in the environment as DS01_PM_LLM_API_KEY, so it never lands in a tracked file",
        ));
    }
    if !(flag || file.enabled.unwrap_or(false)) {
        return Ok(None);
    }
    let base_url = env(ENV_BASE_URL)
        .or(file.base_url)
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
    let base_url = base_url.trim_end_matches('/').to_owned();
    let host = host_of(&base_url)?;
    if !is_loopback(&host) && !file.allow_remote.unwrap_or(false) {
        return Err(config_error(
            format!(
                "`{base_url}` is not on this machine (loopback), and remote model servers are off"
            ),
            "use a server on 127.0.0.1, ::1 or localhost, or set `allow_remote = true` under [llm] if sending proposal text to that host is acceptable",
        ));
    }
    let api_key = env(ENV_API_KEY).filter(|k| !k.is_empty());
    if api_key.is_some() && !is_loopback(&host) && !file.allow_insecure_key.unwrap_or(false) {
        return Err(config_error(
            format!(
                "`{base_url}` is plain http to another machine: the API key in {ENV_API_KEY} would cross the network in clear text"
            ),
            "put a TLS proxy on this machine and point base_url at it (http://127.0.0.1:...), unset DS01_PM_LLM_API_KEY, or set `allow_insecure_key = true` under [llm] to accept the risk",
        ));
    }
    let model = env(ENV_MODEL).or(file.model).ok_or_else(|| {
        config_error(
            "no model is named",
            "set `model = \"...\"` under [llm] in ds01-pm.toml, or DS01_PM_LLM_MODEL; `ds01-pm llm doctor` lists what the server serves",
        )
    })?;
    Ok(Some(Settings {
        base_url,
        model,
        protocol: file.protocol.unwrap_or(Protocol::Openai),
        connect_timeout: timeout(file.connect_timeout_secs, 2.0, "connect_timeout_secs")?,
        request_timeout: timeout(file.request_timeout_secs, 120.0, "request_timeout_secs")?,
        api_key,
    }))
}

/// The host of an `http://host[:port][/path]` URL.
fn host_of(url: &str) -> Result<String, Error> {
    let rest = if let Some(r) = url.strip_prefix("http://") {
        r
    } else if url.starts_with("https://") {
        return Err(config_error(
            format!("`{url}` uses https, which this build does not speak"),
            "local model servers listen on plain http (e.g. http://127.0.0.1:8080); put a TLS proxy on loopback for anything else",
        ));
    } else {
        return Err(config_error(
            format!("`{url}` is not an http:// URL"),
            "write the server's address as http://HOST:PORT, e.g. http://127.0.0.1:11434 for Ollama",
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default().to_owned()
    } else {
        authority.split(':').next().unwrap_or_default().to_owned()
    };
    if host.is_empty() {
        return Err(config_error(
            format!("`{url}` has no host"),
            "e.g. http://127.0.0.1:8080",
        ));
    }
    Ok(host.to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Why a model call produced nothing usable: what failed and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmError {
    pub what: String,
    pub hint: String,
}

impl std::fmt::Display for LlmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.what, self.hint)
    }
}

fn fail(what: impl Into<String>, hint: impl Into<String>) -> LlmError {
    LlmError {
        what: what.into(),
        hint: hint.into(),
    }
}

fn agent(s: &Settings) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(s.connect_timeout))
        .timeout_global(Some(s.request_timeout))
        .max_redirects(0)
        .proxy(None)
        .http_status_as_error(false)
        .user_agent(concat!("ds01-pm/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn transport_error(s: &Settings, url: &str, e: &ureq::Error) -> LlmError {
    match e {
        ureq::Error::Timeout(_) => fail(
            format!("no answer from {url} within the time limit"),
            format!(
                "the limits are {:.0} s to connect and {:.0} s in all; raise `request_timeout_secs` under [llm] or use a smaller model",
                s.connect_timeout.as_secs_f64(),
                s.request_timeout.as_secs_f64()
            ),
        ),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => fail(
            format!("connection refused at {url}"),
            "start the model server, or fix `base_url` under [llm] (or DS01_PM_LLM_BASE_URL)",
        ),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => fail(
            format!("no answer from {url} within the time limit"),
            "raise `connect_timeout_secs`/`request_timeout_secs` under [llm]",
        ),
        ureq::Error::HostNotFound => fail(
            format!("host of {url} not found"),
            "check `base_url` under [llm]",
        ),
        other => fail(
            format!("request to {url} failed: {other}"),
            "run `ds01-pm llm doctor` to probe the server",
        ),
    }
}

/// One HTTP exchange; returns status and body text.
fn exchange(s: &Settings, path: &str, body: Option<&Value>) -> Result<(u16, String), LlmError> {
    let url = format!("{}{path}", s.base_url);
    let agent = agent(s);
    let result = match body {
        Some(b) => {
            let mut req = agent.post(&url).header("content-type", "application/json");
            if let Some(key) = &s.api_key {
                req = req.header("authorization", &format!("Bearer {key}"));
            }
            req.send(b.to_string())
        }
        None => {
            let mut req = agent.get(&url);
            if let Some(key) = &s.api_key {
                req = req.header("authorization", &format!("Bearer {key}"));
            }
            req.call()
        }
    };
    let mut resp = result.map_err(|e| transport_error(s, &url, &e))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| transport_error(s, &url, &e))?;
    Ok((status, text))
}

/// The validated model output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestions {
    /// Always `"llm"`: this is model output, not a rule finding.
    pub source: &'static str,
    pub model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    pub questions: Vec<SuggestedQuestion>,
    /// Only when no rule fired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    /// Items in the answer that failed validation and were dropped.
    pub ignored: usize,
}

/// A suggested follow-up question.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SuggestedQuestion {
    pub dimension: String,
    pub text: String,
}

/// A suggested classification (labels outside the taxonomy are dropped).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Classification {
    pub layers: Vec<String>,
    pub tiers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_impact: Option<String>,
    pub principles: Vec<String>,
}

impl Classification {
    fn is_empty(&self) -> bool {
        self.layers.is_empty()
            && self.tiers.is_empty()
            && self.gpu_impact.is_none()
            && self.principles.is_empty()
    }
}

fn system_prompt(set: &crate::rules::RuleSet) -> String {
    let principles: Vec<String> = taxonomy::PRINCIPLES
        .iter()
        .filter_map(|p| set.label(crate::rules::Family::Principles, p))
        .map(|l| format!("- {}: {}", l.id, l.description))
        .collect();
    format!(
        "You help the product manager of DS01, a multi-user GPU server (4 A100s, ephemeral containers, \
persistent workspaces, one admin; layers L0 docker runtime, L1 AIME MLC, L2 atomic commands, L3 orchestrators, \
L4 wizards; tiers student, researcher, admin). Its design principles:\n{}\n\
A rule engine has already analysed the proposal; refine its findings, do not repeat them. \
Answer with one JSON object only: {{\"narrative\": \"two or three sentences on what matters most\", \
\"questions\": [{{\"dimension\": \"user-context|problem-definition|solution-space|technical|implementation\", \"text\": \"...\"}}], \
\"classification\": {{\"layers\": [], \"tiers\": [], \"gpu_impact\": \"none|mig|full-gpu|both\", \"principles\": []}}}}. \
Ask at most 5 questions that the listed questions do not already cover.",
        principles.join("\n")
    )
}

fn user_prompt(text: &str, a: &Analysis) -> String {
    let asked: Vec<String> = a
        .questions
        .groups
        .iter()
        .flat_map(|g| g.questions.iter().take(4).map(|q| format!("- {}", q.text)))
        .collect();
    let classify = if a.is_empty() {
        "The rules established no concern from this text: include a `classification` with your best guess."
    } else {
        "Leave `classification` empty."
    };
    format!(
        "Proposal:\n{text}\n\nRule findings: {}\nSize: {}\n\nQuestions already on the checklist:\n{}\n\n{classify}",
        a.rule_concerns().join(", "),
        a.size.tshirt,
        asked.join("\n")
    )
}

fn request_body(s: &Settings, system: &str, user: &str) -> Value {
    let messages =
        json!([{"role": "system", "content": system}, {"role": "user", "content": user}]);
    match s.protocol {
        Protocol::Openai => json!({
            "model": s.model, "messages": messages, "stream": false, "temperature": 0.2,
            "response_format": {"type": "json_object"},
        }),
        Protocol::Ollama => json!({
            "model": s.model, "messages": messages, "stream": false, "format": "json",
            "options": {"temperature": 0.2},
        }),
    }
}

/// The assistant's text from a chat response, streamed (SSE or NDJSON) or not.
fn content_of(protocol: Protocol, body: &str) -> Option<String> {
    let pick = |v: &Value| -> Option<String> {
        match protocol {
            Protocol::Openai => v["choices"][0]["message"]["content"]
                .as_str()
                .or_else(|| v["choices"][0]["delta"]["content"].as_str())
                .map(str::to_owned),
            Protocol::Ollama => v["message"]["content"].as_str().map(str::to_owned),
        }
    };
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        return pick(&v);
    }
    // A server that forces streaming: `data: {...}` lines (SSE) or one JSON object per line.
    let mut out = String::new();
    let mut any = false;
    for line in body.lines() {
        let line = line.trim();
        let line = line.strip_prefix("data:").map_or(line, str::trim);
        if line.is_empty() || line == "[DONE]" {
            continue;
        }
        let v: Value = serde_json::from_str(line).ok()?;
        if let Some(c) = pick(&v) {
            out.push_str(&c);
            any = true;
        }
    }
    any.then_some(out)
}

/// The first JSON object in a model's answer (models wrap JSON in prose or code fences).
fn json_object(text: &str) -> Option<Value> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    serde_json::from_str(text.get(start..=end)?).ok()
}

fn validate(model: &str, v: &Value, want_classification: bool) -> Suggestions {
    let mut ignored = 0;
    let narrative = match &v["narrative"] {
        Value::String(s) if !s.trim().is_empty() && s.chars().count() <= MAX_NARRATIVE_CHARS => {
            Some(s.trim().to_owned())
        }
        Value::Null => None,
        _ => {
            ignored += 1;
            None
        }
    };
    let mut questions = Vec::new();
    for q in v["questions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let dim = q["dimension"].as_str().unwrap_or_default();
        let text = q["text"].as_str().unwrap_or_default().trim();
        if taxonomy::DIMENSIONS.contains(&dim)
            && !text.is_empty()
            && text.chars().count() <= MAX_QUESTION_CHARS
            && questions.len() < MAX_QUESTIONS
        {
            questions.push(SuggestedQuestion {
                dimension: dim.to_owned(),
                text: text.to_owned(),
            });
        } else {
            ignored += 1;
        }
    }
    let classification = want_classification.then(|| {
        let c = &v["classification"];
        let mut keep = |key: &str, allowed: &[&str]| -> Vec<String> {
            let mut out = Vec::new();
            for x in c[key].as_array().map(Vec::as_slice).unwrap_or_default() {
                match x.as_str() {
                    Some(s) if allowed.contains(&s) && !out.iter().any(|o: &String| o == s) => {
                        out.push(s.to_owned())
                    }
                    _ => ignored += 1,
                }
            }
            out
        };
        let layers = keep("layers", taxonomy::LAYERS);
        let tiers = keep("tiers", taxonomy::TIERS);
        let principles = keep("principles", taxonomy::PRINCIPLES);
        let gpu_impact = match c["gpu_impact"].as_str() {
            Some(g) if taxonomy::GPU.contains(&g) => Some(g.to_owned()),
            None => None,
            Some(_) => {
                ignored += 1;
                None
            }
        };
        Classification {
            layers,
            tiers,
            gpu_impact,
            principles,
        }
    });
    Suggestions {
        source: "llm",
        model: model.to_owned(),
        narrative,
        questions,
        classification: classification.filter(|c| !c.is_empty()),
        ignored,
    }
}

fn chat_path(p: Protocol) -> &'static str {
    match p {
        Protocol::Openai => "/v1/chat/completions",
        Protocol::Ollama => "/api/chat",
    }
}

/// Ask the model for suggestions on an analysed proposal.
pub fn suggest(
    s: &Settings,
    set: &crate::rules::RuleSet,
    text: &str,
    a: &Analysis,
) -> Result<Suggestions, LlmError> {
    let body = request_body(s, &system_prompt(set), &user_prompt(text, a));
    let path = chat_path(s.protocol);
    let (status, resp) = exchange(s, path, Some(&body))?;
    let url = format!("{}{path}", s.base_url);
    if status == 404 && resp.to_lowercase().contains("model") {
        return Err(fail(
            format!(
                "the server at {} does not serve model `{}`",
                s.base_url, s.model
            ),
            "`ds01-pm llm doctor` lists the served models; set `model` under [llm] or DS01_PM_LLM_MODEL",
        ));
    }
    if !(200..300).contains(&status) {
        let detail: String = resp
            .chars()
            .take(120)
            .collect::<String>()
            .replace('\n', " ");
        return Err(fail(
            format!("HTTP {status} from {url}: {}", detail.trim()),
            "check the server's log; `ds01-pm llm doctor` probes the endpoint",
        ));
    }
    let content = content_of(s.protocol, &resp).ok_or_else(|| {
        fail(
            format!("the answer from {url} is not a chat completion"),
            format!(
                "is `protocol` right? This server was asked with the {:?} protocol",
                s.protocol
            ),
        )
    })?;
    let v = json_object(&content).ok_or_else(|| {
        fail(
            "the model's answer holds no JSON object; ignored",
            "use a model that follows JSON instructions, or a server that supports JSON output",
        )
    })?;
    Ok(validate(&s.model, &v, a.is_empty()))
}

/// One probe of `llm doctor`.
#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    pub path: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub rtt_ms: f64,
    pub note: String,
}

/// The result of `llm doctor`.
#[derive(Debug, Clone, Serialize)]
pub struct Doctor {
    pub base_url: String,
    pub model: String,
    pub protocol: Protocol,
    pub reachable: bool,
    /// `None` when the server listed no models.
    pub model_served: Option<bool>,
    pub models: Vec<String>,
    pub probes: Vec<Probe>,
}

impl Doctor {
    /// Healthy: reachable, and the model is served (or the server does not list models).
    pub fn healthy(&self) -> bool {
        self.reachable && self.model_served != Some(false)
    }
}

/// Probe the configured endpoint: `/v1/models`, `/api/tags`, `/health`.
pub fn doctor(s: &Settings) -> Doctor {
    let mut probes = Vec::new();
    let mut models: Vec<String> = Vec::new();
    for path in ["/v1/models", "/api/tags", "/health"] {
        let started = Instant::now();
        let r = exchange(s, path, None);
        let rtt_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
        let probe = match r {
            Ok((status, body)) => {
                let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let listed: Vec<String> = v["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m["id"].as_str())
                    .chain(
                        v["models"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|m| m["name"].as_str().or_else(|| m["model"].as_str())),
                    )
                    .map(str::to_owned)
                    .collect();
                let note = if listed.is_empty() {
                    format!("HTTP {status}")
                } else {
                    format!("HTTP {status}, {} model(s)", listed.len())
                };
                for m in listed {
                    if !models.contains(&m) {
                        models.push(m);
                    }
                }
                Probe {
                    path: path.to_owned(),
                    ok: (200..300).contains(&status),
                    status: Some(status),
                    rtt_ms,
                    note,
                }
            }
            Err(e) => Probe {
                path: path.to_owned(),
                ok: false,
                status: None,
                rtt_ms,
                note: e.to_string(),
            },
        };
        probes.push(probe);
    }
    let reachable = probes.iter().any(|p| p.status.is_some());
    let served = |m: &str| {
        m == s.model
            || m.strip_suffix(":latest") == Some(s.model.as_str())
            || s.model.strip_suffix(":latest") == Some(m)
    };
    let model_served = (!models.is_empty()).then(|| models.iter().any(|m| served(m)));
    Doctor {
        base_url: s.base_url.clone(),
        model: s.model.clone(),
        protocol: s.protocol,
        reachable,
        model_served,
        models,
        probes,
    }
}

/// Where `llm doctor` looks when no model is configured: Ollama's port, then the usual ports
/// of OpenAI-compatible servers (vLLM, llama.cpp). Loopback only.
pub const USUAL_SERVERS: &[(&str, Protocol)] = &[
    ("http://127.0.0.1:11434", Protocol::Ollama),
    ("http://127.0.0.1:8000", Protocol::Openai),
    ("http://127.0.0.1:8080", Protocol::Openai),
];

/// What `llm doctor` found at each candidate server, and the `[llm]` table to write.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    pub servers: Vec<Doctor>,
    /// The `[llm]` table for the first server that lists a model, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// Probe each candidate (base URL, protocol) with short timeouts and no model: which answer,
/// and which models they serve. Only loopback addresses are passed in.
pub fn discover(candidates: &[(String, Protocol)]) -> Discovery {
    let servers: Vec<Doctor> = candidates
        .iter()
        .map(|(url, protocol)| {
            doctor(&Settings {
                base_url: url.trim_end_matches('/').to_owned(),
                model: String::new(),
                protocol: *protocol,
                connect_timeout: Duration::from_millis(500),
                request_timeout: Duration::from_secs(3),
                api_key: None,
            })
        })
        .collect();
    let suggestion = servers.iter().find(|d| !d.models.is_empty()).map(|d| {
        let protocol = match d.protocol {
            Protocol::Openai => "openai",
            Protocol::Ollama => "ollama",
        };
        format!(
            "[llm]\nenabled = true\nbase_url = \"{}\"\nprotocol = \"{protocol}\"\nmodel = \"{}\"\n",
            d.base_url, d.models[0]
        )
    });
    Discovery {
        servers,
        suggestion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(url: &str) -> LlmFile {
        LlmFile {
            enabled: Some(true),
            base_url: Some(url.into()),
            model: Some("m".into()),
            ..LlmFile::default()
        }
    }

    #[test]
    fn off_unless_asked() {
        assert!(settings(None, false, |_| None).unwrap().is_none());
        assert!(
            settings(Some(&LlmFile::default()), false, |_| None)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn loopback_only_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:11434/",
            "http://[::1]:8000",
            "http://127.3.4.5",
        ] {
            assert!(settings(Some(&file(ok)), false, |_| None).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.5:8080",
            "http://gpu-box:8080",
            "http://127.0.0.1.evil.com",
            "http://user@example.org",
        ] {
            let e = settings(Some(&file(bad)), false, |_| None).unwrap_err();
            assert!(e.to_string().contains("not on this machine"), "{bad}: {e}");
        }
        let mut f = file("http://10.0.0.5:8080");
        f.allow_remote = Some(true);
        assert!(settings(Some(&f), false, |_| None).is_ok());
        assert!(settings(Some(&file("https://127.0.0.1")), false, |_| None).is_err());
    }

    #[test]
    fn a_key_never_crosses_the_network_in_clear_text_unless_allowed() {
        let key = |k: &str| (k == ENV_API_KEY).then(|| "sk-secret".to_owned());
        let mut f = file("http://10.0.0.5:8080");
        f.allow_remote = Some(true);
        let e = settings(Some(&f), false, key).unwrap_err();
        assert!(e.to_string().contains("clear text"), "{e}");
        assert!(!e.to_string().contains("sk-secret"), "{e}");
        // No key: remote is allowed as before. Loopback: a key is fine.
        assert!(settings(Some(&f), false, |_| None).is_ok());
        assert!(settings(Some(&file("http://127.0.0.1:1")), false, key).is_ok());
        f.allow_insecure_key = Some(true);
        assert!(settings(Some(&f), false, key).unwrap().is_some());
    }

    #[test]
    fn environment_overrides_and_keys_stay_out_of_files() {
        let s = settings(Some(&file("http://127.0.0.1:1")), false, |k| match k {
            ENV_BASE_URL => Some("http://localhost:2".into()),
            ENV_MODEL => Some("qwen".into()),
            _ => None,
        })
        .unwrap()
        .unwrap();
        assert_eq!(
            (s.base_url.as_str(), s.model.as_str()),
            ("http://localhost:2", "qwen")
        );
        let mut f = file("http://127.0.0.1:1");
        f.api_key = Some(toml::Value::String("sk".into()));
        assert!(
            settings(Some(&f), false, |_| None)
                .unwrap_err()
                .to_string()
                .contains("api_key")
        );
    }

    #[test]
    fn streamed_and_fenced_answers_are_read() {
        let sse = "data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"narr\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"ative\\\": \\\"x\\\"}\"}}]}\n\ndata: [DONE]\n";
        assert_eq!(
            content_of(Protocol::Openai, sse).as_deref(),
            Some("{\"narrative\": \"x\"}")
        );
        let nd =
            "{\"message\":{\"content\":\"{\\\"a\\\":\"}}\n{\"message\":{\"content\":\"1}\"}}\n";
        assert_eq!(
            content_of(Protocol::Ollama, nd).as_deref(),
            Some("{\"a\":1}")
        );
        assert!(json_object("Sure! ```json\n{\"a\": 1}\n```").is_some());
    }

    #[test]
    fn invalid_items_are_dropped_and_counted() {
        let v = json!({"narrative": "n", "questions": [{"dimension": "technical", "text": "ok?"}, {"dimension": "vibes", "text": "no"}],
            "classification": {"layers": ["L0", "L9"], "tiers": ["student"], "gpu_impact": "lots", "principles": []}});
        let s = validate("m", &v, true);
        assert_eq!(s.questions.len(), 1);
        assert_eq!(s.ignored, 3);
        assert_eq!(s.classification.unwrap().layers, vec!["L0"]);
        assert!(validate("m", &v, false).classification.is_none());
    }
}
