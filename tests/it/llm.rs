//! Real HTTP exchanges between ds01-pm and a stub model server started on 127.0.0.1 with an
//! ephemeral port, for both wire protocols. No model is needed.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

/// What the stub does with one request: (status, content type, body, delay before answering).
type Reply = (u16, &'static str, String, Duration);

struct Stub {
    port: u16,
    requests: Arc<Mutex<Vec<(String, String)>>>,
    /// Connections accepted, counted before their request is read.
    connections: Arc<AtomicUsize>,
}

impl Stub {
    /// How many connections others made before now. A request of our own, answered in turn,
    /// proves that every earlier connection has been accepted and counted (the listen queue is
    /// first in, first out): no waiting for a connection that might still come.
    fn connections_before_now(&self) -> usize {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(s, "GET /sync HTTP/1.1\r\ncontent-length: 0\r\n\r\n").expect("write");
        let mut reply = String::new();
        s.read_to_string(&mut reply).expect("read the reply");
        self.connections.load(Ordering::SeqCst) - 1
    }
}

fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut len = 0;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        if h.trim().is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((path, String::from_utf8_lossy(&body).into_owned()))
}

fn stub(handler: impl Fn(&str, &str) -> Reply + Send + 'static) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let connections = Arc::new(AtomicUsize::new(0));
    let accepted = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            accepted.fetch_add(1, Ordering::SeqCst);
            let Some((path, body)) = read_request(&mut stream) else {
                continue;
            };
            let (status, ctype, reply, delay) = handler(&path, &body);
            seen.lock().expect("lock").push((path, body));
            std::thread::sleep(delay);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    Stub {
        port,
        requests,
        connections,
    }
}

const ANSWER: &str = r#"{"narrative": "Weekend runs hold GPUs that Monday's course needs.", "questions": [{"dimension": "technical", "text": "Could a checkpoint every hour replace the keep-alive?"}, {"dimension": "nonsense", "text": "dropped"}], "classification": {"layers": ["L0"]}}"#;

fn openai_ok(path: &str, _: &str) -> Reply {
    match path {
        "/v1/chat/completions" => {
            let body = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": ANSWER}}]});
            (200, "application/json", body.to_string(), Duration::ZERO)
        }
        "/v1/models" => (
            200,
            "application/json",
            r#"{"data":[{"id":"qwen2.5"}]}"#.into(),
            Duration::ZERO,
        ),
        _ => (404, "text/plain", "not found".into(), Duration::ZERO),
    }
}

fn ollama_ok(path: &str, _: &str) -> Reply {
    match path {
        "/api/chat" => {
            let body = serde_json::json!({"message": {"role": "assistant", "content": ANSWER}, "done": true});
            (200, "application/json", body.to_string(), Duration::ZERO)
        }
        "/api/tags" => (
            200,
            "application/json",
            r#"{"models":[{"name":"llama3.2:latest"}]}"#.into(),
            Duration::ZERO,
        ),
        _ => (
            404,
            "text/plain",
            "404 page not found".into(),
            Duration::ZERO,
        ),
    }
}

/// A working directory with a ds01-pm.toml holding `[llm]`.
fn workdir(llm: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("ds01-pm.toml"), format!("[llm]\n{llm}\n")).expect("write");
    dir
}

fn ds01(dir: &tempfile::TempDir) -> Command {
    let mut c = crate::common::ds01_in(dir.path());
    c.env_remove("DS01_PM_LLM_BASE_URL")
        .env_remove("DS01_PM_LLM_MODEL")
        .env_remove("DS01_PM_LLM_API_KEY")
        .env_remove("NO_COLOR");
    c
}

const IDEA: &str = "Let students keep a container running over the weekend";

fn rules_only_json() -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tmp");
    let out = ds01(&dir)
        .args(["analyze", "--format", "json", IDEA])
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn openai_protocol_adds_a_labelled_section_and_changes_nothing_else() {
    let s = stub(openai_ok);
    let dir = workdir(&format!(
        "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"qwen2.5\"",
        s.port
    ));
    let out = ds01(&dir)
        .args(["analyze", "--format", "json", IDEA])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let llm = v
        .as_object_mut()
        .expect("object")
        .remove("llm")
        .expect("llm section");
    assert_eq!(llm["source"], "llm");
    assert_eq!(llm["questions"].as_array().expect("questions").len(), 1);
    assert_eq!(llm["ignored"], 1);
    assert!(
        llm.get("classification").is_none(),
        "rules fired, so no classification"
    );
    assert_eq!(v, rules_only_json(), "rule findings must not change");
    let (path, body) = s.requests.lock().expect("lock")[0].clone();
    assert_eq!(path, "/v1/chat/completions");
    let sent: serde_json::Value = serde_json::from_str(&body).expect("request json");
    assert_eq!(sent["model"], "qwen2.5");
    assert_eq!(sent["stream"], false);
    assert!(
        sent["messages"][1]["content"]
            .as_str()
            .expect("prompt")
            .contains("strains:ephemeral-containers")
    );

    ds01(&dir)
        .args(["analyze", IDEA])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Model suggestions (LLM output from `qwen2.5`, not rule findings)",
        ))
        .stdout(predicate::str::contains(
            "Could a checkpoint every hour replace the keep-alive?",
        ));
}

#[test]
fn ollama_native_protocol_and_classification_when_no_rule_fires() {
    let s = stub(ollama_ok);
    let dir = workdir(&format!(
        "base_url = \"http://localhost:{}\"\nmodel = \"llama3.2\"\nprotocol = \"ollama\"",
        s.port
    ));
    let out = ds01(&dir)
        .args(["--llm", "analyze", "--format", "json", "hello world"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["llm"]["classification"]["layers"],
        serde_json::json!(["L0"])
    );
    assert!(
        v["layers"].as_array().expect("layers").is_empty(),
        "a suggestion is never a finding"
    );
    assert_eq!(s.requests.lock().expect("lock")[0].0, "/api/chat");
    ds01(&dir)
        .args(["--llm", "questions", "--format", "markdown", "hello world"])
        .assert()
        .success()
        .stdout(predicate::str::contains("> LLM output from `llama3.2`"));
}

#[test]
fn streamed_responses_are_assembled() {
    let s = stub(|path, _| {
        if path != "/v1/chat/completions" {
            return (404, "text/plain", String::new(), Duration::ZERO);
        }
        let mut body = String::new();
        for chunk in [&ANSWER[..20], &ANSWER[20..]] {
            let c = serde_json::json!({"choices": [{"delta": {"content": chunk}}]});
            body.push_str(&format!("data: {c}\n\n"));
        }
        body.push_str("data: [DONE]\n\n");
        (200, "text/event-stream", body, Duration::ZERO)
    });
    let dir = workdir(&format!(
        "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"m\"",
        s.port
    ));
    ds01(&dir)
        .args(["analyze", IDEA])
        .assert()
        .success()
        .stdout(predicate::str::contains("Weekend runs hold GPUs"));
}

/// Each failure: exit 0, rules-only output, exactly one warning line naming the problem.
fn assert_degrades(llm: &str, expect: &str) {
    let dir = workdir(llm);
    let out = ds01(&dir)
        .args(["analyze", "--format", "json", IDEA])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("warning: LLM suggestions skipped: "),
        "{stderr}"
    );
    assert!(stderr.contains(expect), "expected {expect:?} in {stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v.get("llm").is_none());
    assert_eq!(v, rules_only_json());
}

#[test]
fn slow_server_times_out() {
    let s = stub(|_, _| (200, "application/json", "{}".into(), Duration::from_secs(5)));
    assert_degrades(
        &format!(
            "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"m\"\nrequest_timeout_secs = 0.5",
            s.port
        ),
        "within the time limit",
    );
}

#[test]
fn refused_connection() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    assert_degrades(
        &format!("enabled = true\nbase_url = \"http://127.0.0.1:{port}\"\nmodel = \"m\""),
        "connection refused",
    );
}

#[test]
fn server_error() {
    let s = stub(|_, _| {
        (
            500,
            "text/plain",
            "CUDA out of memory".into(),
            Duration::ZERO,
        )
    });
    assert_degrades(
        &format!(
            "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"m\"",
            s.port
        ),
        "HTTP 500",
    );
}

#[test]
fn malformed_json() {
    let s = stub(|_, _| {
        (
            200,
            "application/json",
            "{\"choices\": [".into(),
            Duration::ZERO,
        )
    });
    assert_degrades(
        &format!(
            "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"m\"",
            s.port
        ),
        "not a chat completion",
    );
    let s = stub(|_, _| {
        let body =
            serde_json::json!({"choices": [{"message": {"content": "I think it is fine."}}]});
        (200, "application/json", body.to_string(), Duration::ZERO)
    });
    assert_degrades(
        &format!(
            "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"m\"",
            s.port
        ),
        "no JSON object",
    );
}

#[test]
fn wrong_model() {
    let s = stub(|_, _| {
        (
            404,
            "application/json",
            r#"{"error":"model \"nope\" not found, try pulling it first"}"#.into(),
            Duration::ZERO,
        )
    });
    assert_degrades(
        &format!(
            "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"nope\"\nprotocol = \"ollama\"",
            s.port
        ),
        "does not serve model `nope`",
    );
}

#[test]
fn remote_url_is_refused_without_allow_remote() {
    let dir = workdir("enabled = true\nbase_url = \"http://10.1.2.3:8080\"\nmodel = \"m\"");
    ds01(&dir)
        .args(["analyze", IDEA])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not on this machine"))
        .stderr(predicate::str::contains("allow_remote = true"));
    let dir = workdir(
        "enabled = true\nbase_url = \"http://127.0.0.1:9\"\nmodel = \"m\"\napi_key = \"sk-123\"",
    );
    ds01(&dir)
        .args(["analyze", IDEA])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DS01_PM_LLM_API_KEY"));
}

#[test]
fn off_by_default_makes_no_connection() {
    let s = stub(openai_ok);
    let dir = workdir(&format!(
        "base_url = \"http://127.0.0.1:{}\"\nmodel = \"m\"",
        s.port
    ));
    ds01(&dir)
        .args(["analyze", IDEA])
        .assert()
        .success()
        .stdout(predicate::str::contains("Model suggestions").not());
    assert_eq!(
        s.connections_before_now(),
        0,
        "no connection to the model server"
    );
    assert_eq!(
        s.requests.lock().expect("lock").len(),
        1,
        "only the sync request"
    );
}

#[test]
fn environment_overrides_the_file() {
    let s = stub(openai_ok);
    let dir = workdir("enabled = true\nbase_url = \"http://127.0.0.1:9\"\nmodel = \"wrong\"");
    ds01(&dir)
        .env(
            "DS01_PM_LLM_BASE_URL",
            format!("http://127.0.0.1:{}", s.port),
        )
        .env("DS01_PM_LLM_MODEL", "qwen2.5")
        .env("DS01_PM_LLM_API_KEY", "sk-test")
        .args(["analyze", IDEA])
        .assert()
        .success()
        .stdout(predicate::str::contains("Model suggestions"));
    assert_eq!(s.requests.lock().expect("lock").len(), 1);
}

#[test]
fn doctor_reports_reachability_and_served_models() {
    let s = stub(openai_ok);
    let dir = workdir(&format!(
        "base_url = \"http://127.0.0.1:{}\"\nmodel = \"qwen2.5\"",
        s.port
    ));
    let out = ds01(&dir)
        .args(["llm", "doctor", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["reachable"], true);
    assert_eq!(v["model_served"], true);
    assert_eq!(v["probes"].as_array().expect("probes").len(), 3);
    let dir = workdir(&format!(
        "base_url = \"http://127.0.0.1:{}\"\nmodel = \"llama3.2\"\nprotocol = \"ollama\"",
        stub(ollama_ok).port
    ));
    ds01(&dir)
        .args(["llm", "doctor"])
        .assert()
        .success()
        .stdout(predicate::str::contains("model `llama3.2` is served"));
    let dir = workdir(&format!(
        "base_url = \"http://127.0.0.1:{}\"\nmodel = \"other\"",
        s.port
    ));
    ds01(&dir)
        .args(["llm", "doctor"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOT served"));
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let dir = workdir(&format!(
        "base_url = \"http://127.0.0.1:{port}\"\nmodel = \"m\""
    ));
    ds01(&dir)
        .args(["llm", "doctor"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unreachable"));
}

/// A model server that answers with every control character, escape sequences and forged
/// workflow commands, in its model list, its answer and its errors: none reaches the output
/// raw, in any format.
#[test]
fn hostile_model_output_is_made_visible() {
    let h = crate::hostile_output::hostile();
    let answer = serde_json::json!({
        "narrative": format!("Narrative {h}"),
        "questions": [{"dimension": "technical", "text": format!("Question {h}?")}],
        "classification": {"layers": ["L0"]}
    })
    .to_string();
    let hostile_model = format!("qwen{h}");
    let models = serde_json::json!({"data": [{"id": hostile_model}]}).to_string();
    let s = stub(move |path, _| match path {
        "/v1/chat/completions" => {
            let body = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": answer}}]});
            (200, "application/json", body.to_string(), Duration::ZERO)
        }
        "/v1/models" => (200, "application/json", models.clone(), Duration::ZERO),
        _ => (
            500,
            "text/plain",
            "boom\n::error::forged\x1b]0;t\x07".into(),
            Duration::ZERO,
        ),
    });
    let dir = workdir(&format!(
        "enabled = true\nbase_url = \"http://127.0.0.1:{}\"\nmodel = \"qwen2.5\"",
        s.port
    ));
    for (cmd, f) in [
        ("analyze", "human"),
        ("analyze", "markdown"),
        ("analyze", "json"),
        ("questions", "human"),
        ("questions", "markdown"),
        ("questions", "json"),
    ] {
        let args = [cmd, "--format", f, IDEA];
        let out = ds01(&dir).args(args).output().expect("run");
        crate::hostile_output::assert_clean_output(&args, &out, false);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Narrative T"),
            "{args:?}: the model's answer is shown"
        );
    }
    for f in ["human", "json"] {
        let args = ["llm", "doctor", "--format", f];
        let out = ds01(&dir).args(args).output().expect("run");
        crate::hostile_output::assert_clean_output(&args, &out, false);
    }
    // An error answer: the warning stays on one line.
    let dir = workdir(&format!(
        "enabled = true\nbase_url = \"http://127.0.0.1:{}/broken\"\nmodel = \"qwen2.5\"",
        s.port
    ));
    let args = ["analyze", IDEA];
    let out = ds01(&dir).args(args).output().expect("run");
    crate::hostile_output::assert_clean_output(&args, &out, false);
}

/// `--llm` with no model configured: the rules-only analysis, its usual exit code, and one
/// warning that says what to configure.
#[test]
fn the_llm_flag_without_a_model_warns_and_keeps_the_analysis() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = ds01(&tmp)
        .args(["--llm", "analyze", "--format", "json", IDEA])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["summary"].as_str().is_some_and(|s| !s.is_empty()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("warning: LLM suggestions skipped: "),
        "{stderr}"
    );
    assert!(stderr.contains("no model is named"), "{stderr}");
}

/// `llm doctor` with no model configured looks at the server (the configured base_url here,
/// the usual local ports otherwise), lists what it serves and prints the [llm] table to use.
#[test]
fn doctor_without_a_model_lists_what_the_server_serves_and_what_to_write() {
    let s = stub(openai_ok);
    let dir = workdir(&format!("base_url = \"http://127.0.0.1:{}\"", s.port));
    let out = ds01(&dir).args(["llm", "doctor"]).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("qwen2.5"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "[llm]\nenabled = true\nbase_url = \"http://127.0.0.1:{}\"\nprotocol = \"openai\"\nmodel = \"qwen2.5\"",
            s.port
        )),
        "{stdout}"
    );
    let json = ds01(&dir)
        .args(["llm", "doctor", "--format", "json"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["servers"][0]["models"][0], "qwen2.5");
    // A remote address is refused before anything connects, as for every request.
    let remote = workdir("base_url = \"http://10.1.2.3:8080\"");
    ds01(&remote)
        .args(["llm", "doctor"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not on this machine"));
}
