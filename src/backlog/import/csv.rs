//! A spreadsheet export (CSV, RFC 4180) to backlog items, one per row.
//!
//! The header row names the fields: by default a column whose name is a field name
//! (case-insensitive: id, title, description, reach, impact, confidence, effort, depends_on,
//! status, url, tags, needs_estimate) holds that field; `--map "Column=field"` names others.
//! One column per field: two columns that would hold one field (by name, or one by `--map` and
//! one by name) are refused, naming both.
//! Quoted cells may hold the delimiter, doubled quotes and newlines; a UTF-8 BOM is skipped;
//! the delimiter (`,`, `;` or tab) is read from the header line unless given. Cells are text:
//! nothing is evaluated, so `=1+2` is the text `=1+2` (and an invalid number where one is
//! expected). Rows are numbered as a spreadsheet shows them: the header is row 1.
use std::collections::HashMap;

use super::{Draft, Import, Sourced, Value};
use crate::error::Error;
use crate::text::did_you_mean;

/// The fields a column may hold: the keys of an `[[item]]`, as `score` reads them.
pub const FIELDS: &[&str] = super::super::model::ITEM_KEYS;

/// How to read the file.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `(column name, field)` pairs from `--map`.
    pub map: Vec<(String, String)>,
    /// The delimiter; `None` reads it from the header line.
    pub delimiter: Option<char>,
}

/// Parse `--map` values: `Column=field` pairs separated by commas.
pub fn parse_map(specs: &[String]) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for spec in specs {
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((column, field)) = part.rsplit_once('=') else {
                return Err(Error::invalid(
                    format!("--map: `{}` is not `Column=field`", part.trim()),
                    Some("e.g. --map \"Effort=effort,Blocked by=depends_on\""),
                ));
            };
            let field = field.trim().to_ascii_lowercase();
            if !FIELDS.contains(&field.as_str()) {
                let hint = did_you_mean(&field, FIELDS.iter().copied()).map_or_else(
                    || format!("the fields are {}", FIELDS.join(", ")),
                    |s| format!("did you mean `{s}`?"),
                );
                return Err(Error::invalid(
                    format!(
                        "--map: unknown field `{field}` for column `{}`",
                        column.trim()
                    ),
                    Some(&hint),
                ));
            }
            out.push((column.trim().to_owned(), field));
        }
    }
    Ok(out)
}

/// One record: its row number (the header is row 1) and cells.
#[derive(Debug)]
struct Record {
    row: usize,
    cells: Vec<String>,
}

/// Import the CSV `text` (read from `name`).
pub fn import(name: &str, text: &str, options: &Options) -> Result<Import, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = options.delimiter.unwrap_or_else(|| detect(text));
    let mut records = records(name, text, delimiter)?.into_iter();
    let Some(header) = records.next() else {
        return Err(Error::invalid(
            format!("{name}: the file is empty: expected a header row and one row per item"),
            Some(
                "export the sheet with its header row (id, title, reach, impact, confidence, effort, ...)",
            ),
        ));
    };
    let columns = columns(name, &header.cells, &options.map)?;
    let header_names = &header.cells;
    let column_of = |field: &str| columns.get(field).copied();
    let decimal_comma = delimiter == ';';
    let mut drafts = Vec::new();
    let mut warnings = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for rec in records {
        if rec.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.cells.len() > header_names.len()
            && rec.cells[header_names.len()..]
                .iter()
                .any(|c| !c.trim().is_empty())
        {
            return Err(Error::invalid(
                format!(
                    "{name}: row {}: {} cells, but the header has {} columns",
                    rec.row,
                    rec.cells.len(),
                    header_names.len()
                ),
                Some("quote cells that hold the delimiter (\"a, b\"), or pass --delimiter"),
            ));
        }
        let origin = format!("row {}", rec.row);
        let cell = |field: &str| -> Option<(String, String)> {
            let c = column_of(field)?;
            let v = rec.cells.get(c).map_or("", |s| s.trim());
            Some((v.to_owned(), format!("column `{}`", header_names[c].trim())))
        };
        let value = |field: &str| {
            cell(field)
                .filter(|(v, _)| !v.is_empty())
                .map(|(v, from)| Sourced::new(Value::parse(&v, decimal_comma), from))
        };
        if decimal_comma {
            for field in ["reach", "impact", "confidence", "effort"] {
                if let Some((v, from)) = cell(field) {
                    if thousands_like(&v) {
                        return Err(Error::invalid(
                            format!(
                                "{name}: {origin}, {from}: `{v}` is ambiguous in a `;`-separated file: {} (a `.` thousands separator, as a German sheet writes it) or {}",
                                v.replace('.', ""),
                                v
                            ),
                            Some(
                                "remove the thousands separator (1000), or write a decimal with a comma (1,5)",
                            ),
                        ));
                    }
                }
            }
        }
        let (id, id_from) = cell("id").expect("the id column is required");
        if id.is_empty() {
            return Err(Error::invalid(
                format!("{name}: {origin}, {id_from}: the id is empty"),
                Some("give every row an id (one word, e.g. gpu-queue), or delete the row"),
            ));
        }
        if let Some(first) = seen.insert(id.clone(), rec.row) {
            return Err(Error::invalid(
                format!("{name}: {origin}, {id_from}: duplicate id `{id}` (first on row {first})"),
                Some("ids must be unique: rename one of the two rows"),
            ));
        }
        let (title, title_from) = cell("title").expect("the title column is required");
        let list = |field: &str| -> Option<(Vec<String>, String)> {
            let (v, from) = cell(field)?;
            let items: Vec<String> = v
                .split([',', ';'])
                .flat_map(str::split_whitespace)
                .map(str::to_owned)
                .collect();
            Some((items, from))
        };
        let mut draft = Draft {
            origin: origin.clone(),
            id: Sourced::new(id, id_from),
            title: Sourced::new(title, title_from),
            reach: value("reach"),
            impact: value("impact"),
            confidence: value("confidence"),
            effort: value("effort"),
            status: cell("status")
                .filter(|(v, _)| !v.is_empty())
                .map(|(v, f)| Sourced::new(v, f)),
            url: cell("url")
                .filter(|(v, _)| !v.is_empty())
                .map(|(v, f)| Sourced::new(v, f)),
            ..Draft::default()
        };
        if let Some((deps, from)) = list("depends_on") {
            let mut unique: Vec<String> = Vec::new();
            for d in deps {
                if !unique.contains(&d) {
                    unique.push(d);
                }
            }
            draft.depends_on = Sourced::new(unique, from);
        }
        if let Some((tags, _)) = list("tags") {
            for t in tags {
                if !draft.tags.contains(&t) {
                    draft.tags.push(t);
                }
            }
        }
        if let Some((v, from)) = cell("needs_estimate") {
            draft.needs_estimate = match v.to_ascii_lowercase().as_str() {
                "" | "false" | "no" | "0" | "n" => false,
                "true" | "yes" | "1" | "y" | "x" => true,
                other => {
                    return Err(Error::invalid(
                        format!(
                            "{name}: {origin}, {from}: expected true or false, got \"{other}\""
                        ),
                        Some("leave the cell empty or write true / false"),
                    ));
                }
            };
        }
        if let Some(c) = column_of("description") {
            let (d, cut) = super::description(rec.cells.get(c).map_or("", String::as_str));
            if let Some(len) = cut {
                warnings.push(format!(
                    "{origin}: the description keeps the first {} of the cell's {len} bytes (the concern analysis reads it)",
                    d.len()
                ));
            }
            draft.description = d;
        }
        drafts.push(draft);
    }
    super::finish(name, "a spreadsheet export", drafts, warnings)
}

/// Field name -> column index, from the header and `--map`.
fn columns(
    name: &str,
    header: &[String],
    map: &[(String, String)],
) -> Result<HashMap<&'static str, usize>, Error> {
    // The column `--map` names: the one spelled exactly so, else the only one equal to it
    // ignoring case (two such, e.g. `Reach` and `reach` for `REACH`, are refused below).
    let find = |column: &str| -> Result<Option<usize>, Error> {
        let column = column.trim();
        if let Some(c) = header.iter().position(|h| h.trim() == column) {
            return Ok(Some(c));
        }
        let mut matches = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim().eq_ignore_ascii_case(column))
            .map(|(c, _)| c);
        let first = matches.next();
        if let (Some(a), Some(b)) = (first, matches.next()) {
            return Err(Error::invalid(
                format!(
                    "{name}: --map column `{column}` matches two columns: `{}` and `{}`",
                    header[a].trim(),
                    header[b].trim()
                ),
                Some("spell the column exactly as the header row does"),
            ));
        }
        Ok(first)
    };
    let header_list = || {
        header
            .iter()
            .map(|h| format!("`{}`", h.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let field = |f: &str| -> &'static str {
        FIELDS
            .iter()
            .copied()
            .find(|x| *x == f)
            .expect("--map fields are checked")
    };
    let mut out: HashMap<&'static str, usize> = HashMap::new();
    let mut mapped: Vec<usize> = Vec::new();
    for (column, f) in map {
        let Some(c) = find(column)? else {
            let hint = did_you_mean(column, header.iter().map(|h| h.trim())).map_or_else(
                || format!("the header has {}", header_list()),
                |s| format!("did you mean `{s}`?"),
            );
            return Err(Error::invalid(
                format!(
                    "{name}: --map names column `{column}`, which the header row does not have"
                ),
                Some(&hint),
            ));
        };
        if let Some(prev) = out.insert(field(f), c) {
            if prev != c {
                return Err(Error::invalid(
                    format!(
                        "{name}: --map gives `{f}` two columns: `{}` and `{}`",
                        header[prev].trim(),
                        header[c].trim()
                    ),
                    Some("map one column to each field"),
                ));
            }
        }
        mapped.push(c);
    }
    for (c, h) in header.iter().enumerate() {
        if mapped.contains(&c) {
            continue;
        }
        let h = h.trim().to_ascii_lowercase();
        if let Some(f) = FIELDS.iter().copied().find(|f| *f == h) {
            // One column per field: a second column named like the field, or one named like a
            // field `--map` gave to another column, is refused rather than one silently
            // winning. (A column `--map` gives another field no longer holds its own.)
            if let Some(&prev) = out.get(f) {
                let how = if mapped.contains(&prev) {
                    format!("--map gives `{f}` column `{}`", header[prev].trim())
                } else {
                    format!("columns `{}` and", header[prev].trim())
                };
                let message = if mapped.contains(&prev) {
                    format!(
                        "{name}: {how}, and column `{}` is named `{f}` too: two columns hold `{f}`",
                        header[c].trim()
                    )
                } else {
                    format!(
                        "{name}: {how} `{}` both hold `{f}` (column names are case-insensitive)",
                        header[c].trim()
                    )
                };
                return Err(Error::invalid(
                    message,
                    Some(&format!(
                        "keep one column for `{f}`: rename or delete the other in the header row, or give it another field with --map \"{}=FIELD\"",
                        header[c].trim()
                    )),
                ));
            }
            out.insert(f, c);
        }
    }
    for required in ["id", "title"] {
        if !out.contains_key(required) {
            return Err(Error::invalid(
                format!(
                    "{name}: no column holds `{required}` (the header has {})",
                    header_list()
                ),
                Some(&format!(
                    "name a column `{required}`, or map one: --map \"Your column={required}\""
                )),
            ));
        }
    }
    Ok(out)
}

/// `1.000`, `12.500`, `-1.000.000`: digits (not starting with 0) grouped by `.` in threes
/// and no `,`. In a `;`-separated file (a locale that writes decimals with a comma) that is
/// more likely a thousands separator than a decimal point, so it is refused, not guessed.
fn thousands_like(s: &str) -> bool {
    let t = s.trim();
    let t = t.strip_prefix('-').unwrap_or(t);
    let mut groups = t.split('.');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && !first.starts_with('0')
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The delimiter the header line uses most: `,`, `;` or tab (`,` on a tie or none).
fn detect(text: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                for (d, n) in &mut counts {
                    if *d == c {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .copied()
        .fold((',', 0), |best, x| if x.1 > best.1 { x } else { best })
        .0
}

/// Split `text` into records (RFC 4180: quoted cells hold delimiters, newlines and doubled
/// quotes; line ends are LF or CRLF).
fn records(name: &str, text: &str, delimiter: char) -> Result<Vec<Record>, Error> {
    let mut out = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut row = 1;
    let mut line = 1;
    let mut chars = text.chars().peekable();
    // Whether the current cell was quoted (and the quote closed), to refuse `"a"b`.
    let mut closed_quote = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => {
                cell.clear();
                let opened = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            cell.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            cell.push(c);
                        }
                        None => {
                            return Err(Error::invalid(
                                format!(
                                    "{name}: row {row}, column {}: the quoted cell opened on line {opened} never closes",
                                    cells.len() + 1
                                ),
                                Some(
                                    "close the quote, and double any quote inside a quoted cell (\"\")",
                                ),
                            ));
                        }
                    }
                }
                at_start = false;
                closed_quote = true;
            }
            c if c == delimiter => {
                cells.push(std::mem::take(&mut cell));
                at_start = true;
                closed_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                cells.push(std::mem::take(&mut cell));
                out.push(Record {
                    row,
                    cells: std::mem::take(&mut cells),
                });
                row += 1;
                line += 1;
                at_start = true;
                closed_quote = false;
            }
            ' ' | '\t' if closed_quote => {}
            c => {
                if closed_quote {
                    return Err(Error::invalid(
                        format!(
                            "{name}: row {row}, column {}: text after the closing quote of a quoted cell",
                            cells.len() + 1
                        ),
                        Some("double a quote inside a quoted cell (\"\"), or quote the whole cell"),
                    ));
                }
                cell.push(c);
                // Blanks before an opening quote are allowed (and dropped with it).
                if c != ' ' && c != '\t' {
                    at_start = false;
                }
            }
        }
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        out.push(Record { row, cells });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str, d: char) -> Vec<Vec<String>> {
        records("t.csv", text, d)
            .expect("valid")
            .into_iter()
            .map(|r| r.cells)
            .collect()
    }

    #[test]
    fn rfc4180_quoting() {
        assert_eq!(
            cells("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\n", ','),
            vec![
                vec!["a", "b, c", "say \"hi\""],
                vec!["multi\nline", "x", ""],
            ]
        );
        assert_eq!(cells("a;b\n1;2", ';'), vec![vec!["a", "b"], vec!["1", "2"]]);
        assert!(records("t.csv", "a,\"b\n", ',').is_err());
        let err = records("t.csv", "a,\"b\"c\n", ',').unwrap_err().to_string();
        assert!(err.contains("row 1, column 2"), "{err}");
    }

    #[test]
    fn the_delimiter_is_read_from_the_header() {
        assert_eq!(detect("id;title;\"a,b,c\"\n1,2,3,4"), ';');
        assert_eq!(detect("id,title\n"), ',');
        assert_eq!(detect("id\ttitle\n"), '\t');
        assert_eq!(detect("id\n"), ',');
    }

    #[test]
    fn thousands_separators_are_recognised() {
        for s in ["1.000", "12.500", "-1.000", "1.000.000", " 100.000 "] {
            assert!(thousands_like(s), "{s}");
        }
        for s in [
            "0.125", "1.5", "1.25", "1.0000", "1000", "1,000", "1.000,5", "x.000", ".000",
        ] {
            assert!(!thousands_like(s), "{s}");
        }
    }

    #[test]
    fn map_specs() {
        let m = parse_map(&["Effort=effort, Blocked by=depends_on".into()]).expect("valid");
        assert_eq!(
            m,
            [
                ("Effort".to_owned(), "effort".to_owned()),
                ("Blocked by".to_owned(), "depends_on".to_owned())
            ]
        );
        let e = parse_map(&["Size=efort".into()]).unwrap_err();
        assert!(e.hint().unwrap_or_default().contains("`effort`"));
        assert!(parse_map(&["Size".into()]).is_err());
    }
}
