//! `score --check`: validation problems and cycles as findings, in every format.
use super::*;

#[derive(Serialize)]
struct FindingJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
}

/// `score --check`: validation problems and cycles as findings.
pub fn findings(path: &str, findings: &[Finding], format: ScoreFormat) -> String {
    match format {
        ScoreFormat::Json => findings_in(path, findings, format),
        _ => escape::finish_text(findings_in(path, findings, format), false),
    }
}

fn findings_in(path: &str, findings: &[Finding], format: ScoreFormat) -> String {
    match format {
        ScoreFormat::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                schema_version: u32,
                backlog: &'a str,
                findings: Vec<FindingJson<'a>>,
            }
            json(&Out {
                schema_version: SCHEMA_VERSION,
                backlog: path,
                findings: findings
                    .iter()
                    .map(|f| FindingJson {
                        file: path,
                        line: f.line,
                        column: f.col,
                        severity: "error",
                        code: f.code,
                        message: &f.message,
                    })
                    .collect(),
            })
        }
        ScoreFormat::Csv => {
            let mut out = String::from("file,line,column,severity,code,message\n");
            for f in findings {
                let _ = writeln!(
                    out,
                    "{},{},{},error,{},{}",
                    csv_field(path),
                    f.line,
                    f.col,
                    f.code,
                    csv_field(&f.message)
                );
            }
            out
        }
        ScoreFormat::Markdown => {
            let mut out = String::from("| Location | Code | Problem |\n|---|---|---|\n");
            for f in findings {
                let _ = writeln!(
                    out,
                    "| {}:{}:{} | {} | {} |",
                    md_cell(path),
                    f.line,
                    f.col,
                    f.code,
                    md_cell(&f.message)
                );
            }
            if findings.is_empty() {
                out.push_str("| — | — | no problems |\n");
            }
            out
        }
        ScoreFormat::Human => {
            let path = escape::term(path);
            let mut out = String::new();
            for f in findings {
                let _ = writeln!(
                    out,
                    "{path}:{}:{}: error {} {}",
                    f.line,
                    f.col,
                    f.code,
                    escape::term(&f.message)
                );
            }
            match findings.len() {
                0 => {
                    let _ = writeln!(out, "{path}: no problems");
                }
                1 => {
                    let _ = writeln!(out, "{path}: 1 problem");
                }
                n => {
                    let _ = writeln!(out, "{path}: {n} problems");
                }
            }
            let codes: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.code).collect();
            if !codes.is_empty() {
                let _ = writeln!(
                    out,
                    "`ds01-pm explain CODE` explains {}",
                    codes.into_iter().collect::<Vec<_>>().join(", ")
                );
            }
            out
        }
    }
}
