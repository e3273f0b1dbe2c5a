//! `score`: the ranked backlog as a table, JSON, CSV or Markdown, with the sensitivity and
//! critical-chain extras.
use super::*;
use comfy_table::Width;

/// Everything `score` shows.
pub struct ScoreView<'a> {
    pub path: &'a str,
    pub backlog: &'a Backlog,
    pub ranking: &'a Ranking,
    /// `None` with `--no-concerns`.
    pub concerns: Option<&'a Concerns>,
    pub top: Option<usize>,
    pub critical_path: bool,
    pub sensitivity: Option<&'a [Sensitivity]>,
}

#[derive(Serialize)]
struct InheritJson<'a> {
    /// The item whose score flows in (for `max`, the original source).
    from: &'a str,
    /// For `max`, the direct dependent it flows through when that is not `from` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'a str>,
    value: f64,
}

#[cfg(test)]
#[derive(Serialize)]
struct ItemJson<'a> {
    rank: usize,
    id: &'a str,
    title: &'a str,
    status: Status,
    reach: f64,
    impact: f64,
    confidence: f64,
    effort: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    effort_label: Option<&'a str>,
    own_score: f64,
    effective_score: f64,
    inherits: Vec<InheritJson<'a>>,
    unblocks: Vec<&'a str>,
    blocked_by: Vec<&'a str>,
    /// Prerequisites already done.
    satisfied: Vec<&'a str>,
    chain_effort: f64,
    chain_prev: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concerns: Option<&'a ConcernSummary>,
    tags: &'a [String],
    /// Where the item is tracked (an issue's URL), when the backlog says.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    /// The estimates are defaults `import` put in: the rank rests on guesses. Absent when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    needs_estimate: bool,
}

#[cfg(test)]
#[derive(Serialize)]
struct CriticalJson<'a> {
    items: Vec<&'a str>,
    effort: f64,
}

#[derive(Serialize)]
struct ChangeJson {
    estimate: &'static str,
    from: f64,
    to: f64,
    new_rank: usize,
}

#[derive(Serialize)]
struct SensitivityJson<'a> {
    id: &'a str,
    rank: usize,
    changes: Vec<ChangeJson>,
}

/// The `sensitivity` array of `score --format json`, for both JSON writers.
fn sensitivity_json<'a>(
    b: &'a crate::backlog::Backlog,
    s: &[crate::backlog::rank::Sensitivity],
) -> Vec<SensitivityJson<'a>> {
    s.iter()
        .map(|x| SensitivityJson {
            id: &b.items[x.index].id,
            rank: x.rank,
            changes: x
                .changes
                .iter()
                .map(|c| ChangeJson {
                    estimate: c.estimate,
                    from: round(c.from),
                    to: round(c.to),
                    new_rank: c.new_rank,
                })
                .collect(),
        })
        .collect()
}

/// The ranked items, serialized one at a time (100k items never exist as JSON structs at once).
#[cfg(test)]
struct ItemsJson<'v, 'a> {
    view: &'v ScoreView<'a>,
    count: usize,
}

#[cfg(test)]
impl Serialize for ItemsJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.view
                .ranking
                .order
                .iter()
                .take(self.count)
                .enumerate()
                .map(|(k, &i)| item_json(self.view, k + 1, i)),
        )
    }
}

#[cfg(test)]
#[derive(Serialize)]
struct ScoreJson<'v, 'a> {
    schema_version: u32,
    backlog: &'a str,
    scoring: &'a crate::backlog::Scoring,
    open: usize,
    items: ItemsJson<'v, 'a>,
    done: Vec<&'a str>,
    critical_path: CriticalJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<Vec<SensitivityJson<'a>>>,
}

/// What `i` inherits, as (source, via, value) rows.
fn inherits<'a>(b: &'a Backlog, r: &Ranking, i: usize) -> Vec<InheritJson<'a>> {
    match b.scoring.propagation {
        Propagation::None => Vec::new(),
        Propagation::Max | Propagation::Chain => r.effective.via[i]
            .map(|via| {
                let origin = r.effective.origin[i];
                InheritJson {
                    from: &b.items[origin].id,
                    via: (via != origin).then(|| b.items[via].id.as_str()),
                    value: round(r.effective.score[i]),
                }
            })
            .into_iter()
            .collect(),
        Propagation::Sum => r
            .sum_contributions(i, b.scoring.decay)
            .into_iter()
            .map(|(j, v)| InheritJson {
                from: &b.items[j].id,
                via: None,
                value: round(v),
            })
            .collect(),
    }
}

#[cfg(test)]
fn item_json<'a>(v: &ScoreView<'a>, rank: usize, i: usize) -> ItemJson<'a> {
    let b = v.backlog;
    let r = v.ranking;
    let it = &b.items[i];
    ItemJson {
        rank,
        id: &it.id,
        title: &it.title,
        status: it.status,
        reach: it.reach,
        impact: it.impact,
        confidence: it.confidence,
        effort: it.effort,
        effort_label: it.effort_label.as_deref(),
        own_score: round(r.own[i]),
        effective_score: round(r.effective.score[i]),
        inherits: inherits(b, r, i),
        unblocks: ids(b, &r.unblocks(i)),
        blocked_by: ids(b, &r.blocked_by(i)),
        satisfied: ids(b, &r.satisfied(i)),
        chain_effort: round(r.chain_effort[i]),
        chain_prev: r.chain_prev[i].map(|p| b.items[p].id.as_str()),
        concerns: v.concerns.map(|c| c.get(i)),
        tags: &it.tags,
        url: it.url.as_deref(),
        needs_estimate: it.needs_estimate,
    }
}

/// `score` in every format.
pub fn score(v: &ScoreView<'_>, format: ScoreFormat) -> String {
    if format == ScoreFormat::Json {
        return score_in(v, format);
    }
    let safe = one_line(v.backlog);
    let view = ScoreView {
        backlog: &safe,
        ..*v
    };
    escape::finish_text(score_in(&view, format), false)
}

fn score_in(v: &ScoreView<'_>, format: ScoreFormat) -> String {
    let b = v.backlog;
    let r = v.ranking;
    let n = v.top.unwrap_or(usize::MAX);
    let rows = r
        .order
        .iter()
        .copied()
        .take(n)
        .enumerate()
        .map(|(k, i)| (k + 1, i));
    match format {
        ScoreFormat::Json => {
            let count = n.min(r.order.len());
            let edges: usize = b.items.iter().map(|it| it.prereqs.len()).sum();
            let mut buf = Vec::with_capacity(4096 + count * 1000 + edges * 80);
            score_json_to(v, &mut buf).expect("writing to memory does not fail");
            String::from_utf8(buf).expect("serde_json writes UTF-8")
        }
        ScoreFormat::Csv => {
            let mut out = String::from(
                "rank,id,title,reach,impact,confidence,effort,own_score,effective_score,unblocks,blocked_by,layers,tiers,gpu_impact,status,needs_estimate,url\n",
            );
            // `--no-concerns` leaves the three concern columns empty.
            let none = ConcernSummary {
                layers: Vec::new(),
                tiers: Vec::new(),
                gpu_impact: String::new(),
            };
            for (k, i) in rows {
                let it = &b.items[i];
                let c = v.concerns.map_or(&none, |c| c.get(i));
                let fields = [
                    k.to_string(),
                    it.id.clone(),
                    it.title.clone(),
                    num(it.reach),
                    num(it.impact),
                    num(it.confidence),
                    num(it.effort),
                    num(r.own[i]),
                    num(r.effective.score[i]),
                    ids(b, &r.unblocks(i)).join(" "),
                    ids(b, &r.blocked_by(i)).join(" "),
                    c.layers.join(" "),
                    c.tiers.join(" "),
                    c.gpu_impact.clone(),
                    it.status.name().to_owned(),
                    it.needs_estimate.to_string(),
                    it.url.clone().unwrap_or_default(),
                ];
                // Numbers as they are (a negative number is no formula); text neutralised.
                let line: Vec<String> = fields
                    .iter()
                    .enumerate()
                    .map(|(k, f)| {
                        if matches!(k, 1 | 2 | 9..) {
                            csv_field(f)
                        } else {
                            f.clone()
                        }
                    })
                    .collect();
                let _ = writeln!(out, "{}", line.join(","));
            }
            out
        }
        ScoreFormat::Markdown => {
            let mut out = String::from(
                "| # | ID | Title | R | I | C | E | Own | Effective | Unblocks | Blocked by | Concerns |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|---|\n",
            );
            for (k, i) in rows {
                let it = &b.items[i];
                let _ = writeln!(
                    out,
                    "| {k} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    md_cell(&escape::md_code(&it.id)),
                    md_title(it),
                    num(it.reach),
                    num(it.impact),
                    pct(it.confidence),
                    md_cell(&effort(it)),
                    num(r.own[i]),
                    num(r.effective.score[i]),
                    md_cell(&ids(b, &r.unblocks(i)).join(", ")),
                    md_cell(&ids(b, &r.blocked_by(i)).join(", ")),
                    md_cell(
                        &v.concerns
                            .map_or_else(String::new, |c| concerns_cell(c.get(i)))
                    )
                );
            }
            let _ = writeln!(out, "\n{}", footer(v));
            extras(&mut out, v, true);
            out
        }
        ScoreFormat::Human => {
            // The terminal's width, or PIPE_WIDTH when stdout is not one.
            let width = table(&[]).width().unwrap_or(PIPE_WIDTH);
            let mut out = human_table(v, rows, width);
            extras(&mut out, v, false);
            out
        }
    }
}

/// `score --format json`, written to `w` as it is produced: at a million items the document
/// is about 600 MB, which need not be held in memory next to the backlog. The same bytes as
/// [`score`] with [`ScoreFormat::Json`].
///
/// The items are written by hand in `serde_json`'s pretty format (two spaces an indent level,
/// `"key": value`, `[]` for an empty list), the way `serde_json` writes them: strings that need
/// no escape as they are and the others through `serde_json`, numbers through `serde_json`,
/// and the small nested values (`scoring`, `concerns`, `sensitivity`) serialized by
/// `serde_json` and indented to their depth. Through serde, keys and strings went byte by
/// byte through the escaper and the pretty printer: a third of a 100k-item run. A test holds
/// this to the serde rendering ([`score_json_serde_to`]).
pub fn score_json_to<W: std::io::Write>(v: &ScoreView<'_>, mut w: W) -> std::io::Result<()> {
    let b = v.backlog;
    let r = v.ranking;
    let n = v.top.unwrap_or(usize::MAX);
    let count = n.min(r.order.len());
    let mut o = JsonOut {
        buf: Vec::with_capacity(1 << 17),
        tmp: Vec::new(),
    };
    o.raw("{\n  \"schema_version\": ");
    o.int(SCHEMA_VERSION as usize);
    o.raw(",\n  \"backlog\": ");
    o.str(v.path);
    o.raw(",\n  \"scoring\": ");
    o.value(&b.scoring, "  ");
    o.raw(",\n  \"open\": ");
    o.int(r.order.len());
    o.raw(",\n  \"items\": ");
    if count == 0 {
        o.raw("[]");
    } else {
        o.raw("[\n");
        // Each distinct concern summary, rendered once.
        let mut concerns: Vec<Option<Vec<u8>>> = Vec::new();
        let mut ids = Vec::new();
        let literals = IdLiterals::of(b, r);
        let figures = Figures::in_rank_order(v, count);
        for (k, f) in figures.iter().enumerate() {
            if k > 0 {
                o.raw(",\n");
            }
            o.item(v, k + 1, f, &mut concerns, &mut ids, &literals);
            if o.buf.len() >= 1 << 16 {
                w.write_all(&o.buf)?;
                o.buf.clear();
            }
        }
        o.raw("\n  ]");
    }
    o.raw(",\n  \"done\": ");
    o.strs(
        b.items
            .iter()
            .filter(|it| !it.is_open())
            .map(|it| it.id.as_str()),
        "  ",
    );
    o.raw(",\n  \"critical_path\": {\n    \"items\": ");
    o.strs(r.critical.iter().map(|&i| b.items[i].id.as_str()), "    ");
    o.raw(",\n    \"effort\": ");
    o.f64(round(r.critical_effort));
    o.raw("\n  }");
    if let Some(s) = v.sensitivity {
        let s = sensitivity_json(b, s);
        o.raw(",\n  \"sensitivity\": ");
        o.value(&s, "  ");
    }
    o.raw("\n}\n");
    w.write_all(&o.buf)
}

/// Pretty JSON as `serde_json` writes it, into a buffer.
struct JsonOut {
    buf: Vec<u8>,
    /// Scratch space for values serialized by `serde_json`.
    tmp: Vec<u8>,
}

impl JsonOut {
    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A string: as it is when nothing in it needs an escape (`"`, backslash, C0), else through
    /// `serde_json`, which escapes exactly those.
    fn str(&mut self, s: &str) {
        if s.bytes().any(|c| c < 0x20 || c == b'"' || c == b'\\') {
            serde_json::to_writer(&mut self.buf, s).expect("writing to memory does not fail");
        } else {
            self.buf.push(b'"');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.push(b'"');
        }
    }

    fn f64(&mut self, x: f64) {
        serde_json::to_writer(&mut self.buf, &x).expect("writing to memory does not fail");
    }

    fn int(&mut self, x: usize) {
        let _ = std::io::Write::write_fmt(&mut self.buf, format_args!("{x}"));
    }

    /// A list of item ids whose key is at the items' field indent: the items of `list`'s
    /// `(key, item)` pairs, in the order of their keys.
    fn ids(&mut self, list: &mut [(u32, u32)], ids: &IdLiterals) {
        if list.is_empty() {
            self.raw("[]");
            return;
        }
        list.sort_unstable();
        for (k, &(_, j)) in list.iter().enumerate() {
            self.raw(if k == 0 { "[\n        " } else { ",\n        " });
            ids.put(j as usize, &mut self.buf);
        }
        self.raw("\n      ]");
    }

    /// A list of strings whose key is at `indent`.
    fn strs<'s>(&mut self, list: impl Iterator<Item = &'s str>, indent: &str) {
        let mut empty = true;
        for s in list {
            self.raw(if empty { "[\n" } else { ",\n" });
            empty = false;
            self.raw(indent);
            self.raw("  ");
            self.str(s);
        }
        if empty {
            self.raw("[]");
        } else {
            self.raw("\n");
            self.raw(indent);
            self.raw("]");
        }
    }

    /// A value serialized by `serde_json`, its lines indented by `indent` (a newline in JSON
    /// text is always formatting: inside strings it is escaped).
    fn value<T: Serialize + ?Sized>(&mut self, v: &T, indent: &str) {
        self.tmp.clear();
        serde_json::to_writer_pretty(&mut self.tmp, v).expect("backlog values serialize to JSON");
        indented(&self.tmp, indent, &mut self.buf);
    }

    fn item(
        &mut self,
        v: &ScoreView<'_>,
        rank: usize,
        f: &Figures,
        concerns: &mut Vec<Option<Vec<u8>>>,
        list: &mut Vec<(u32, u32)>,
        ids: &IdLiterals,
    ) {
        let i = f.index as usize;
        const F: &str = "      ";
        let b = v.backlog;
        let r = v.ranking;
        let it = &b.items[i];
        self.raw("    {\n      \"rank\": ");
        self.int(rank);
        self.raw(",\n      \"id\": ");
        ids.put(i, &mut self.buf);
        self.raw(",\n      \"title\": ");
        self.str(&it.title);
        self.raw(",\n      \"status\": ");
        self.str(it.status.name());
        self.raw(",\n      \"reach\": ");
        self.f64(it.reach);
        self.raw(",\n      \"impact\": ");
        self.f64(it.impact);
        self.raw(",\n      \"confidence\": ");
        self.f64(it.confidence);
        self.raw(",\n      \"effort\": ");
        self.f64(it.effort);
        if let Some(l) = &it.effort_label {
            self.raw(",\n      \"effort_label\": ");
            self.str(l);
        }
        self.raw(",\n      \"own_score\": ");
        self.f64(round(f.own));
        self.raw(",\n      \"effective_score\": ");
        self.f64(round(f.effective));
        self.raw(",\n      \"inherits\": ");
        if matches!(b.scoring.propagation, Propagation::Max | Propagation::Chain) {
            // As `inherits` gives it, with the ids from their literals.
            if f.via == NONE {
                self.raw("[]");
            } else {
                self.raw("[\n        {\n          \"from\": ");
                ids.put(f.origin as usize, &mut self.buf);
                if f.via != f.origin {
                    self.raw(",\n          \"via\": ");
                    ids.put(f.via as usize, &mut self.buf);
                }
                self.raw(",\n          \"value\": ");
                self.f64(round(f.effective));
                self.raw("\n        }\n      ]");
            }
        } else {
            self.inherits(&inherits(b, r, i));
        }
        // As `Ranking::unblocks_into`, `blocked_by_into` and `satisfied_into` list them (open
        // neighbours by rank, done prerequisites by index; ranks are distinct), with the ranks
        // from the same records as the ids.
        let small = |x: usize| u32::try_from(x).expect("a backlog has fewer than 2^32 items");
        let open = |j: usize| {
            let k = ids.rank(j);
            (k != 0).then_some((k, small(j)))
        };
        self.raw(",\n      \"unblocks\": ");
        list.clear();
        list.extend(crate::backlog::graph::dependents(&r.graph, i).filter_map(open));
        self.ids(list, ids);
        self.raw(",\n      \"blocked_by\": ");
        list.clear();
        list.extend(crate::backlog::graph::prerequisites(&r.graph, i).filter_map(open));
        self.ids(list, ids);
        self.raw(",\n      \"satisfied\": ");
        list.clear();
        list.extend(
            crate::backlog::graph::prerequisites(&r.graph, i)
                .filter(|&j| ids.rank(j) == 0)
                .map(|j| (small(j), small(j))),
        );
        self.ids(list, ids);
        self.raw(",\n      \"chain_effort\": ");
        self.f64(round(f.chain_effort));
        self.raw(",\n      \"chain_prev\": ");
        if f.chain_prev == NONE {
            self.raw("null");
        } else {
            ids.put(f.chain_prev as usize, &mut self.buf);
        }
        if let Some(c) = v.concerns {
            self.raw(",\n      \"concerns\": ");
            let slot = f.slot as usize;
            if concerns.len() <= slot {
                concerns.resize(slot + 1, None);
            }
            let json = concerns[slot].get_or_insert_with(|| {
                let mut tmp = Vec::new();
                serde_json::to_writer_pretty(&mut tmp, c.get(i))
                    .expect("a concern summary serializes to JSON");
                let mut out = Vec::with_capacity(tmp.len() + 64);
                indented(&tmp, F, &mut out);
                out
            });
            self.buf.extend_from_slice(json);
        }
        self.raw(",\n      \"tags\": ");
        self.strs(it.tags.iter().map(String::as_str), F);
        if let Some(u) = &it.url {
            self.raw(",\n      \"url\": ");
            self.str(u);
        }
        if it.needs_estimate {
            self.raw(",\n      \"needs_estimate\": true");
        }
        self.raw("\n    }");
    }
}

/// The `inherits` rows of an item.
impl JsonOut {
    fn inherits(&mut self, inh: &[InheritJson<'_>]) {
        if inh.is_empty() {
            self.raw("[]");
            return;
        }
        for (k, x) in inh.iter().enumerate() {
            self.raw(if k == 0 { "[\n" } else { ",\n" });
            self.raw("        {\n          \"from\": ");
            self.str(x.from);
            if let Some(via) = x.via {
                self.raw(",\n          \"via\": ");
                self.str(via);
            }
            self.raw(",\n          \"value\": ");
            self.f64(x.value);
            self.raw("\n        }");
        }
        self.raw("\n      ]");
    }
}

/// No item (an absent `chain_prev` or `via` in [`Figures`]).
const NONE: u32 = u32::MAX;

/// An item's figures from the ranking, for the JSON writer. The writer visits the items in
/// ranked order, and read from the ranking's arrays (in item order) each figure is a cache miss
/// of its own at 300k items; these are gathered once, in one sequential pass over those
/// arrays, into one array in ranked order that the writer then reads from front to back.
#[derive(Clone, Copy)]
struct Figures {
    /// The item.
    index: u32,
    own: f64,
    effective: f64,
    chain_effort: f64,
    chain_prev: u32,
    /// `effective.via` and `effective.origin`.
    via: u32,
    origin: u32,
    /// The item's concern summary ([`Concerns::slot`]), 0 without concerns.
    slot: u32,
}

impl Figures {
    /// The figures of the first `count` ranked items, in ranked order.
    fn in_rank_order(v: &ScoreView<'_>, count: usize) -> Vec<Figures> {
        let r = v.ranking;
        let small = |x: usize| u32::try_from(x).expect("a backlog has fewer than 2^32 items");
        let mut out = vec![
            Figures {
                index: 0,
                own: 0.0,
                effective: 0.0,
                chain_effort: 0.0,
                chain_prev: NONE,
                via: NONE,
                origin: NONE,
                slot: 0,
            };
            count
        ];
        for (i, rank) in r.rank.iter().enumerate() {
            let Some(k) = rank.filter(|&k| k <= count) else {
                continue;
            };
            out[k - 1] = Figures {
                index: small(i),
                own: r.own[i],
                effective: r.effective.score[i],
                chain_effort: r.chain_effort[i],
                chain_prev: r.chain_prev[i].map_or(NONE, small),
                via: r.effective.via[i].map_or(NONE, small),
                origin: small(r.effective.origin[i]),
                slot: v.concerns.map_or(0, |c| small(c.slot(i))),
            };
        }
        out
    }
}

/// Every item's rank and id as a JSON string (quoted, escaped), for the JSON writer, which
/// names each ranked item's neighbours by id in ranked order. Per item one 16-byte record
/// holds its rank (0 for done items) and, when the id's literal is at most
/// [`IdLiterals::INLINE`] bytes between its quotes (`item-123456`), the literal itself; longer
/// ones are in `text`. Listing a neighbour (its rank to filter and sort by, then its id) reads
/// one record: from the ranking's rank array, an offset array and the literals' text it was
/// three cache misses each at 300k items (each array beyond the second-level cache or sharing
/// it).
struct IdLiterals {
    records: Vec<IdRecord>,
    /// The literals longer than [`IdLiterals::INLINE`] (quotes included), one after the other.
    text: Vec<u8>,
}

/// See [`IdLiterals`]: `len` is the inline literal's length, or [`IdLiterals::LONG`] when
/// `bytes` holds the literal's offset in `text` and its length (two little-endian `u32`s).
#[derive(Clone, Copy)]
struct IdRecord {
    rank: u32,
    len: u8,
    bytes: [u8; IdLiterals::INLINE],
}

impl IdLiterals {
    const INLINE: usize = 11;
    const LONG: u8 = u8::MAX;

    fn of(b: &Backlog, r: &Ranking) -> IdLiterals {
        let small = |x: usize| u32::try_from(x).expect("a backlog's ids fit in 4 GB");
        let mut o = JsonOut {
            buf: Vec::new(),
            tmp: Vec::new(),
        };
        let mut text = Vec::new();
        let records = b
            .items
            .iter()
            .zip(&r.rank)
            .map(|(it, rank)| {
                o.buf.clear();
                o.str(&it.id);
                let inner = &o.buf[1..o.buf.len() - 1];
                let mut rec = IdRecord {
                    rank: rank.map_or(0, small),
                    len: 0,
                    bytes: [0; IdLiterals::INLINE],
                };
                if inner.len() <= IdLiterals::INLINE {
                    rec.bytes[..inner.len()].copy_from_slice(inner);
                    rec.len = u8::try_from(inner.len()).expect("at most INLINE");
                } else {
                    rec.len = IdLiterals::LONG;
                    rec.bytes[..4].copy_from_slice(&small(text.len()).to_le_bytes());
                    rec.bytes[4..8].copy_from_slice(&small(o.buf.len()).to_le_bytes());
                    text.extend_from_slice(&o.buf);
                }
                rec
            })
            .collect();
        IdLiterals { records, text }
    }

    /// Item `i`'s rank, 0 when it is done.
    fn rank(&self, i: usize) -> u32 {
        self.records[i].rank
    }

    /// Append item `i`'s literal to `out`.
    fn put(&self, i: usize, out: &mut Vec<u8>) {
        let r = &self.records[i];
        if r.len == IdLiterals::LONG {
            let word = |k: usize| {
                u32::from_le_bytes([r.bytes[k], r.bytes[k + 1], r.bytes[k + 2], r.bytes[k + 3]])
                    as usize
            };
            let (at, len) = (word(0), word(4));
            out.extend_from_slice(&self.text[at..at + len]);
        } else {
            out.push(b'"');
            out.extend_from_slice(&r.bytes[..r.len as usize]);
            out.push(b'"');
        }
    }
}

/// `json` with `indent` after every newline.
fn indented(json: &[u8], indent: &str, out: &mut Vec<u8>) {
    let mut lines = json.split(|&c| c == b'\n');
    if let Some(first) = lines.next() {
        out.extend_from_slice(first);
    }
    for line in lines {
        out.push(b'\n');
        out.extend_from_slice(indent.as_bytes());
        out.extend_from_slice(line);
    }
}

/// The serde rendering [`score_json_to`] writes by hand: the reference it is tested against.
#[cfg(test)]
fn score_json_serde_to<W: std::io::Write>(v: &ScoreView<'_>, mut w: W) -> std::io::Result<()> {
    let b = v.backlog;
    let r = v.ranking;
    let n = v.top.unwrap_or(usize::MAX);
    let count = n.min(r.order.len());
    serde_json::to_writer_pretty(
        &mut w,
        &ScoreJson {
            schema_version: SCHEMA_VERSION,
            backlog: v.path,
            scoring: &b.scoring,
            open: r.order.len(),
            items: ItemsJson { view: v, count },
            done: b
                .items
                .iter()
                .filter(|it| !it.is_open())
                .map(|it| it.id.as_str())
                .collect(),
            critical_path: CriticalJson {
                items: ids(b, &r.critical),
                effort: round(r.critical_effort),
            },
            sensitivity: v.sensitivity.map(|s| sensitivity_json(b, s)),
        },
    )?;
    w.write_all(b"\n")
}

/// The human table's columns, most valuable first is not their order: `DROP_ORDER` says which
/// go first when the table would not fit.
const HEADER: [&str; 12] = [
    "#",
    "ID",
    "Title",
    "R",
    "I",
    "C",
    "E",
    "Own",
    "Effective",
    "Unblocks",
    "Blocked by",
    "Concerns",
];

/// Columns left out, in this order, while the table cannot fit the width with every kept
/// column at least as wide as its longest word: concerns and the dependency lists first (they
/// are in `--explain` and the graph), then the estimates behind the score. Rank, id, title,
/// effort and effective score always stay.
const DROP_ORDER: [usize; 7] = [11, 10, 9, 5, 4, 3, 7];

/// The ranked table, fitted to `width` columns: no header or id is ever split mid-word.
///
/// No cell is kept: each row's twelve cells are formatted into the same buffers, once to
/// measure the columns ([`measure`]) and once to write the row ([`fitted_table`]).
fn human_table(
    v: &ScoreView<'_>,
    rows: impl Iterator<Item = (usize, usize)>,
    width: u16,
) -> String {
    let b = v.backlog;
    let r = v.ranking;
    let rows: Vec<(usize, usize)> = rows.collect();
    // Each distinct concern summary formatted once.
    let concern_cells: Vec<String> = v
        .concerns
        .map(|c| c.summaries().iter().map(concerns_cell).collect())
        .unwrap_or_default();
    let fill = |pos: usize, cells: &mut Cells, deps: &mut Vec<usize>| {
        let (k, i) = rows[pos];
        for cell in cells.iter_mut() {
            cell.clear();
        }
        let it = &b.items[i];
        push_u64(&mut cells[0], k as u64);
        cells[1].push_str(&it.id);
        cells[2].push_str(&it.title);
        cells[2].push_str(markers(it));
        push_num(&mut cells[3], it.reach);
        push_num(&mut cells[4], it.impact);
        push_pct(&mut cells[5], it.confidence);
        push_effort(&mut cells[6], it);
        push_num(&mut cells[7], r.own[i]);
        push_num(&mut cells[8], r.effective.score[i]);
        if r.effective.score[i] > r.own[i] + 1e-9 {
            cells[8].push_str(" ↑");
        }
        r.unblocks_into(i, deps);
        push_ids(&mut cells[9], b, deps);
        r.blocked_by_into(i, deps);
        push_ids(&mut cells[10], b, deps);
        if let Some(c) = v.concerns {
            cells[11].push_str(&concern_cells[c.slot(i)]);
        }
    };
    // Rows in file order for the measuring pass.
    let mut visit: Vec<usize> = (0..rows.len()).collect();
    visit.sort_unstable_by_key(|&pos| rows[pos].1);
    let layout = measure(&visit, &fill);
    // The narrowest each column can be without splitting a word (ids are one word).
    let min_width: Vec<usize> = (0..HEADER.len())
        .map(|c| layout.longest_word[c].max(longest_word(HEADER[c])))
        .collect();
    // Each column adds a separator and one space of padding on either side; plus the left border.
    let needed = |keep: &[usize]| 1 + keep.iter().map(|&c| min_width[c] + 3).sum::<usize>();
    let mut keep: Vec<usize> = (0..HEADER.len()).collect();
    let mut dropped: Vec<&str> = Vec::new();
    for &c in &DROP_ORDER {
        if needed(&keep) <= usize::from(width) {
            break;
        }
        keep.retain(|&k| k != c);
        dropped.push(HEADER[c]);
    }
    let header: Vec<&str> = keep.iter().map(|&c| HEADER[c]).collect();
    let constraint = |c: usize| {
        if c == 1 {
            ColumnConstraint::ContentWidth
        } else {
            // comfy-table's widths include the padding of one space on either side.
            ColumnConstraint::LowerBoundary(Width::Fixed(
                u16::try_from(min_width[c] + 2).unwrap_or(u16::MAX),
            ))
        }
    };
    let mut out = fitted_table(
        &header,
        width,
        &TableRows {
            n: rows.len(),
            layout: &layout,
        },
        &fill,
        &keep,
        &constraint,
        PIECE_ROWS,
    );
    out.push('\n');
    out.push_str(&footer(v));
    out.push('\n');
    if !dropped.is_empty() {
        let _ = writeln!(
            out,
            "Left out to fit {width} columns: {}. A wider terminal shows them; `--format csv` or `--format json` has every column.",
            dropped.join(", ")
        );
    }
    out
}

/// The ids of `list`, one a line.
fn push_ids(out: &mut String, b: &Backlog, list: &[usize]) {
    for (k, &j) in list.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str(&b.items[j].id);
    }
}

/// The longest word of `s`, in characters.
fn longest_word(s: &str) -> usize {
    s.split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0)
}

/// The characters of `s`, counted without decoding when it is ASCII.
fn chars(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// A line the table writes (and splits) itself: printable ASCII and the table's own `↑`,
/// each one column wide. Any other character goes through comfy-table.
fn plain_line(line: &str) -> bool {
    if line.is_ascii() {
        line.bytes().all(|c| (b' '..=b'~').contains(&c))
    } else {
        line.chars()
            .all(|ch| (' '..='~').contains(&ch) || ch == '↑')
    }
}

/// One row's twelve cells, formatted into buffers reused from row to row.
type Cells = [String; 12];

/// Formats row `pos` (0-based, in rank order) into the cells, with a scratch list.
type Fill<'f> = dyn Fn(usize, &mut Cells, &mut Vec<usize>) + Sync + 'f;

/// Tables of at least this many rows are measured and written on two threads, each taking
/// half of the rows (the output is the same: each half is laid out with the same widths).
const PARALLEL_ROWS: usize = 8192;

/// Whether a second thread is worth starting for `n` rows.
fn two_threads(n: usize) -> bool {
    n >= PARALLEL_ROWS && std::thread::available_parallelism().is_ok_and(|k| k.get() > 1)
}

/// What the layout of the columns needs from every row, gathered in one pass.
struct Layout {
    /// Each column's longest word, in characters.
    longest_word: [usize; 12],
    /// Each column's distinct line patterns with a space or a character that is not ASCII (see
    /// [`fitted_table`]).
    patterns: Vec<HashSet<String>>,
    /// Each column's lengths of ASCII lines without a space (their pattern is that many `x`).
    solid: Vec<Vec<bool>>,
    /// For each row, a bit for each column with a line that is not a [`plain_line`].
    odd: Vec<u16>,
    /// For each row, its number of lines before any is split (to size the output).
    height: Vec<u16>,
}

impl Layout {
    /// Column `c`'s distinct line patterns, sorted.
    fn patterns(&self, c: usize) -> Vec<String> {
        let mut v: Vec<String> = self.patterns[c].iter().cloned().collect();
        v.extend(
            self.solid[c]
                .iter()
                .enumerate()
                .filter(|(_, seen)| **seen)
                .map(|(n, _)| "x".repeat(n)),
        );
        v.sort_unstable();
        v
    }
}

/// The rows of a table: how many there are and their [`Layout`].
struct TableRows<'l> {
    n: usize,
    layout: &'l Layout,
}

/// A line's pattern: ASCII characters but the space become `x`; `↑` (the table's own marker)
/// stays. A line with any other character is kept as it is (its widths, and how characters
/// combine, are left to comfy-table).
fn pattern(line: &str, out: &mut String) {
    out.clear();
    if line.is_ascii() {
        out.extend(line.bytes().map(|c| if c == b' ' { ' ' } else { 'x' }));
    } else if line.chars().all(|c| c.is_ascii() || c == '↑') {
        out.extend(line.chars().map(|c| match c {
            ' ' | '↑' => c,
            _ => 'x',
        }));
    } else {
        out.push_str(line);
    }
}

/// The [`Layout`] of the rows, each formatted by `fill`, visited in the order of `visit` (row
/// positions: the table's items in file order, so that neighbouring rows' data is close in
/// memory); two halves on two threads for large tables.
fn measure(visit: &[usize], fill: &Fill<'_>) -> Layout {
    let n = visit.len();
    if !two_threads(n) {
        return measure_rows(visit, n, fill);
    }
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| measure_rows(&visit[..n / 2], n, fill));
        let second = measure_rows(&visit[n / 2..], n, fill);
        (first.join(), second)
    });
    let Ok(mut layout) = first else {
        // A panic in the thread: measured again here, so it is reported from this thread.
        return measure_rows(visit, n, fill);
    };
    for c in 0..12 {
        layout.longest_word[c] = layout.longest_word[c].max(second.longest_word[c]);
        layout.patterns[c].extend(second.patterns[c].iter().cloned());
        let (solid, more) = (&mut layout.solid[c], &second.solid[c]);
        if solid.len() < more.len() {
            solid.resize(more.len(), false);
        }
        for (seen, &also) in solid.iter_mut().zip(more) {
            *seen |= also;
        }
    }
    // Each half filled in its own rows' entries.
    for (a, b) in layout.odd.iter_mut().zip(&second.odd) {
        *a |= b;
    }
    for (a, b) in layout.height.iter_mut().zip(&second.height) {
        *a = (*a).max(*b);
    }
    layout
}

/// The [`Layout`] of the rows at positions `visit`, of `n` rows.
fn measure_rows(visit: &[usize], n: usize, fill: &Fill<'_>) -> Layout {
    let mut cells: Cells = Default::default();
    let mut deps = Vec::new();
    let mut layout = Layout {
        longest_word: [0; 12],
        patterns: (0..12).map(|_| HashSet::new()).collect(),
        solid: vec![Vec::new(); 12],
        odd: vec![0; n],
        height: vec![0; n],
    };
    let mut buf = String::new();
    for &pos in visit {
        fill(pos, &mut cells, &mut deps);
        let (mut odd, mut height) = (0u16, 1u16);
        for (c, cell) in cells.iter().enumerate() {
            let mut lines = 0u16;
            for line in cell.split('\n') {
                lines = lines.saturating_add(1);
                let (word, space, plain) = if line.is_ascii() {
                    // The longest word (split at ASCII whitespace, as `split_whitespace`
                    // splits ASCII text), whether there is a space, whether all is printable.
                    let (mut word, mut run, mut space, mut plain) = (0, 0, false, true);
                    for &b in line.as_bytes() {
                        if matches!(b, b' ' | b'\t'..=b'\r') {
                            word = word.max(run);
                            run = 0;
                            space |= b == b' ';
                        } else {
                            run += 1;
                        }
                        plain &= (b' '..=b'~').contains(&b);
                    }
                    (word.max(run), space, plain)
                } else {
                    (longest_word(line), true, plain_line(line))
                };
                if word > layout.longest_word[c] {
                    layout.longest_word[c] = word;
                }
                if !plain {
                    odd |= 1 << c;
                }
                if space {
                    pattern(line, &mut buf);
                    if !layout.patterns[c].contains(buf.as_str()) {
                        layout.patterns[c].insert(buf.clone());
                    }
                } else {
                    let solid = &mut layout.solid[c];
                    if solid.len() <= line.len() {
                        solid.resize(line.len() + 1, false);
                    }
                    solid[line.len()] = true;
                }
            }
            height = height.max(lines);
        }
        layout.odd[pos] = odd;
        layout.height[pos] = height;
    }
    layout
}

/// Tables of more rows than this are laid out from a summary of their cells and written row
/// by row (see [`fitted_table`]).
const PIECE_ROWS: usize = 2048;

/// The table as comfy-table lays it out, without holding its rows.
///
/// comfy-table's dynamic layout of a column depends only on the lines of its cells: the widest
/// one, and how wide each would be once split at a given width. An ASCII line splits the same
/// as any other of the same pattern of spaces, so the layout is worked out on a small table
/// holding each column's distinct line patterns (`x` for every other ASCII character); its
/// column widths, read off its top border, are then fixed. Rows whose lines are all
/// [`plain_line`]s are written here, split as comfy-table splits them ([`split_line`]); the
/// others are rendered by comfy-table at the same widths, in pieces of `piece` rows. Small
/// tables, and tables with many rows of other text, are rendered by comfy-table whole.
fn fitted_table(
    header: &[&str],
    width: u16,
    rows: &TableRows<'_>,
    fill: &Fill<'_>,
    keep: &[usize],
    constraint: &dyn Fn(usize) -> ColumnConstraint,
    piece: usize,
) -> String {
    let new_table = |constrain: &dyn Fn(usize, usize) -> ColumnConstraint| {
        let mut t = super::super::human::table_with_width(header, PIPE_WIDTH);
        t.set_width(width);
        for (pos, &c) in keep.iter().enumerate() {
            if let Some(col) = t.column_mut(pos) {
                col.set_constraint(constrain(pos, c));
            }
        }
        t
    };
    let whole = || {
        let (mut cells, mut deps): (Cells, _) = Default::default();
        let mut t = new_table(&|_, c| constraint(c));
        for pos in 0..rows.n {
            fill(pos, &mut cells, &mut deps);
            t.add_row(keep.iter().map(|&c| std::mem::take(&mut cells[c])));
        }
        t.to_string()
    };
    let kept_mask: u16 = keep.iter().map(|&c| 1u16 << c).sum();
    let odd = |pos: usize| rows.layout.odd[pos] & kept_mask != 0;
    // With many rows of other text, comfy-table renders the whole table at once: pieces of
    // them, each rendered and freed in turn, leave glibc's heap so fragmented that
    // allocation grows slower with the table (about 9x the time for 3x the rows).
    if rows.n <= piece || (0..rows.n).filter(|&pos| odd(pos)).count() > rows.n / 8 {
        return whole();
    }
    let mut probe = new_table(&|_, c| constraint(c));
    let patterns: Vec<Vec<String>> = keep.iter().map(|&c| rows.layout.patterns(c)).collect();
    let height = patterns.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..height {
        probe.add_row(
            patterns
                .iter()
                .map(|p| p.get(k).map_or("", String::as_str))
                .collect::<Vec<_>>(),
        );
    }
    let probe = probe.to_string();
    let probe: Vec<&str> = probe.split('\n').collect();
    let widths: Vec<u16> = probe
        .first()
        .copied()
        .unwrap_or("")
        .trim_start_matches('┌')
        .trim_end_matches('┐')
        .split('┬')
        .map(|s| u16::try_from(s.chars().count()).unwrap_or(u16::MAX))
        .collect();
    // The probe's top border, header and header separator are the table's; so is its bottom.
    let head = probe.iter().position(|l| l.starts_with('╞')).unwrap_or(0);
    let mut out = String::new();
    for line in &probe[..=head] {
        out.push_str(line);
        out.push('\n');
    }
    // A line of the table: `│`, each cell and its padding, `┆` between cells, `│` and `\n`
    // (more when a cell holds `↑` or other text; fewer lines than rows hold once lines split).
    let line_bytes = 7 + widths.iter().map(|&w| usize::from(w) + 3).sum::<usize>();
    let write = |range: std::ops::Range<usize>, out: &mut String| {
        let lines: usize = rows.layout.height[range.clone()]
            .iter()
            .map(|&h| usize::from(h))
            .sum();
        out.reserve(lines * line_bytes);
        write_rows(range, fill, &odd, &new_table, keep, &widths, piece, out);
    };
    if two_threads(rows.n) {
        // The first half straight into `out`, the second into its own buffer on the other
        // thread (the output is held one and a half times, not twice).
        let second = std::thread::scope(|s| {
            let second = s.spawn(|| {
                let mut second = String::new();
                write(rows.n / 2..rows.n, &mut second);
                second
            });
            write(0..rows.n / 2, &mut out);
            second.join()
        });
        // A panic in the thread: written again here, so it is reported from this thread.
        match second {
            Ok(second) => out.push_str(&second),
            Err(_) => write(rows.n / 2..rows.n, &mut out),
        }
    } else {
        write(0..rows.n, &mut out);
    }
    out.push_str(probe.last().copied().unwrap_or(""));
    out
}

/// A comfy-table with the table's header and width, each column constrained by its position
/// in the table and its column number.
type NewTable<'f> = dyn Fn(&dyn Fn(usize, usize) -> ColumnConstraint) -> Table + Sync + 'f;

/// Rows `range` of a table laid out at `widths`, appended to `out`: rows of [`plain_line`]s
/// written by hand, the others (`odd`) rendered by comfy-table a piece of `piece` rows at a
/// time.
#[allow(clippy::too_many_arguments)]
fn write_rows(
    range: std::ops::Range<usize>,
    fill: &Fill<'_>,
    odd: &(dyn Fn(usize) -> bool + Sync),
    new_table: &NewTable<'_>,
    keep: &[usize],
    widths: &[u16],
    piece: usize,
    out: &mut String,
) {
    let content: Vec<usize> = widths
        .iter()
        .map(|&w| usize::from(w).saturating_sub(2).max(1))
        .collect();
    let (mut cells, mut deps): (Cells, _) = Default::default();
    let mut wrap = Wrapped::default();
    let mut start = range.start;
    while start < range.end {
        let end = (start + piece).min(range.end);
        // The rows of other text, rendered by comfy-table with the same fixed widths, a row
        // separator marking where each row's lines end.
        let mut rendered = String::new();
        if (start..end).any(odd) {
            let mut t = new_table(&|pos, _| {
                ColumnConstraint::Absolute(Width::Fixed(widths.get(pos).copied().unwrap_or(1)))
            });
            t.load_style(comfy_table::presets::UTF8_FULL);
            for pos in (start..end).filter(|&pos| odd(pos)) {
                fill(pos, &mut cells, &mut deps);
                t.add_row(keep.iter().map(|&c| std::mem::take(&mut cells[c])));
            }
            rendered = t.to_string();
        }
        // Each such row's lines, in order: after the header separator, up to each row
        // separator (`├`) and to the bottom border.
        let mut groups = rendered
            .split('\n')
            .skip_while(|l| !l.starts_with('╞'))
            .skip(1);
        for pos in start..end {
            if odd(pos) {
                for line in groups.by_ref() {
                    if line.starts_with('├') || line.starts_with('└') {
                        break;
                    }
                    out.push_str(line);
                    out.push('\n');
                }
                continue;
            }
            fill(pos, &mut cells, &mut deps);
            wrap.row(&cells, keep, &content);
            wrap.write(out, &content);
        }
        start = end;
    }
}

/// One row's lines, column by column, as comfy-table splits them: the text of every line in
/// one buffer, and for each kept column its lines as (start, end, characters) in it.
#[derive(Default)]
struct Wrapped {
    text: String,
    lines: Vec<Vec<(usize, usize, usize)>>,
}

impl Wrapped {
    /// The lines of the kept columns of a row of [`plain_line`]s, each split to its column's
    /// `content` width.
    fn row(&mut self, cells: &Cells, keep: &[usize], content: &[usize]) {
        self.text.clear();
        self.lines.resize_with(keep.len(), Vec::new);
        for (pos, (&c, &w)) in keep.iter().zip(content).enumerate() {
            let lines = &mut self.lines[pos];
            lines.clear();
            for line in cells[c].split('\n') {
                let n = chars(line);
                if n > w {
                    split_line(line, w, &mut self.text, lines);
                } else {
                    let at = self.text.len();
                    self.text.push_str(line);
                    lines.push((at, self.text.len(), n));
                }
            }
        }
    }

    /// The row's lines as comfy-table writes them: left aligned, one space of padding, `┆`
    /// between cells, blank cells below a column's last line.
    fn write(&self, out: &mut String, content: &[usize]) {
        let height = self.lines.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            out.push('│');
            for (pos, (cell, &w)) in self.lines.iter().zip(content).enumerate() {
                if pos > 0 {
                    out.push('┆');
                }
                out.push(' ');
                let pad = match cell.get(k) {
                    Some(&(a, b, n)) => {
                        out.push_str(&self.text[a..b]);
                        w.saturating_sub(n)
                    }
                    None => w,
                };
                spaces(out, pad + 1);
            }
            out.push('│');
            out.push('\n');
        }
    }
}

/// comfy-table's `split_line` (8.0, `content_split/normal.rs`) for a [`plain_line`] wider than
/// `width`, with the space as delimiter: its words are added to a line while they fit, a line
/// with at most 2 columns left is closed, and a word wider than the column is cut. Each
/// resulting line is appended to `text` and listed in `lines` as (start, end, characters).
/// Every character of a plain line is one column wide, so widths are character counts.
fn split_line(line: &str, width: usize, text: &mut String, lines: &mut Vec<(usize, usize, usize)>) {
    const MIN_FREE_CHARS: usize = 2;
    let mut elements: Vec<&str> = line.split(' ').collect();
    elements.reverse();
    // The current line is text[start..], `len` characters long.
    let mut start = text.len();
    let mut len = 0;
    let close = |text: &mut String,
                 lines: &mut Vec<(usize, usize, usize)>,
                 start: &mut usize,
                 len: &mut usize| {
        lines.push((*start, text.len(), *len));
        *start = text.len();
        *len = 0;
    };
    while let Some(next) = elements.pop() {
        let next_len = chars(next);
        let empty = text.len() == start;
        let mut added = next_len + len;
        if !empty {
            added += 1;
        }
        let mut remaining = width.saturating_sub(len);
        if !empty {
            remaining = remaining.saturating_sub(1);
        }
        if added <= width {
            if !empty {
                text.push(' ');
                len += 1;
            }
            text.push_str(next);
            len += next_len;
            if len > width.saturating_sub(MIN_FREE_CHARS) {
                close(text, lines, &mut start, &mut len);
            }
            continue;
        }
        if !empty && remaining <= MIN_FREE_CHARS {
            elements.push(next);
            close(text, lines, &mut start, &mut len);
            continue;
        }
        if next_len > width {
            if !empty {
                text.push(' ');
                len += 1;
            }
            // The first `remaining` characters (each one column wide) and the rest.
            let cut = next
                .char_indices()
                .nth(remaining)
                .map_or(next.len(), |(at, _)| at);
            let (head, tail) = next.split_at(cut);
            if empty && head.is_empty() {
                let first = tail.chars().next().map_or(0, char::len_utf8);
                text.push_str(&tail[..first]);
                len += chars(&tail[..first]);
                elements.push(&tail[first..]);
            } else {
                text.push_str(head);
                len += chars(head);
                elements.push(tail);
            }
            close(text, lines, &mut start, &mut len);
            continue;
        }
        close(text, lines, &mut start, &mut len);
        text.push_str(next);
        len = next_len;
        if len > width.saturating_sub(MIN_FREE_CHARS) {
            close(text, lines, &mut start, &mut len);
        }
    }
    if text.len() > start {
        close(text, lines, &mut start, &mut len);
    }
}

/// `n` spaces, pushed a slice at a time (not a character at a time).
fn spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// The title with its markers: `[in-progress]`, and `[needs estimate]` when the estimates are
/// the defaults `import` put in (the rank rests on guesses).
fn title_cell(it: &Item) -> String {
    format!("{}{}", it.title, markers(it))
}

fn markers(it: &Item) -> &'static str {
    match (it.status == Status::InProgress, it.needs_estimate) {
        (true, true) => " [in-progress] [needs estimate]",
        (true, false) => " [in-progress]",
        (false, true) => " [needs estimate]",
        (false, false) => "",
    }
}

/// The Markdown title cell: the title linked to the item's `url` when that is a plain
/// http(s) address (anything else is left unlinked rather than trusted), then its markers.
fn md_title(it: &Item) -> String {
    match it.url.as_deref().and_then(escape::link_url) {
        Some(url) => format!(
            "[{}](<{url}>){}",
            md_cell(
                &it.title
                    .replace('\\', "\\\\")
                    .replace('[', "\\[")
                    .replace(']', "\\]")
            ),
            markers(it)
        ),
        None => md_cell(&title_cell(it)),
    }
}

fn footer(v: &ScoreView<'_>) -> String {
    let s = &v.backlog.scoring;
    let total = v.ranking.order.len();
    let shown = v.top.unwrap_or(total).min(total);
    let done = v.backlog.items.len() - total;
    let strategy = match s.propagation {
        Propagation::None => "strategy none: no inheritance".to_owned(),
        Propagation::Max => "↑ = inherits the best score it unblocks (strategy max)".to_owned(),
        Propagation::Chain => {
            "↑ = inherits the value per effort of the best chain it is part of (strategy chain)"
                .to_owned()
        }
        Propagation::Sum => format!(
            "↑ = inherits {} × what it unblocks (strategy sum)",
            num(s.decay)
        ),
    };
    let guessed = v
        .backlog
        .items
        .iter()
        .filter(|it| it.needs_estimate)
        .count();
    let guessed = if guessed > 0 {
        format!(
            " {guessed} item(s) marked [needs estimate] carry the default estimates of `import`: their ranks rest on guesses."
        )
    } else {
        String::new()
    };
    format!(
        "{shown} of {total} open items; {done} done.{guessed} RICE = reach ({}) × impact × confidence ÷ effort ({}); {strategy}. Never ranked above an unfinished prerequisite; ties: own score, then id. `--explain ID` shows the arithmetic.",
        s.reach_period,
        s.effort_unit.short(),
    )
}

fn extras(out: &mut String, v: &ScoreView<'_>, markdown: bool) {
    let b = v.backlog;
    let unit = b.scoring.effort_unit.short();
    let head = |s: &str| {
        if markdown {
            format!("\n**{s}**")
        } else {
            format!("\n{s}")
        }
    };
    if v.critical_path {
        let _ = writeln!(
            out,
            "{}: {} ({} {unit})",
            head("Critical chain"),
            ids(b, &v.ranking.critical).join(" → "),
            num(v.ranking.critical_effort),
        );
    }
    if let Some(sens) = v.sensitivity {
        let _ = writeln!(
            out,
            "{}",
            head("Sensitivity (one estimate changed at a time):")
        );
        for s in sens {
            let id = &b.items[s.index].id;
            if s.changes.is_empty() {
                let _ = writeln!(
                    out,
                    "- #{} {id}: stays at #{} under every single change (confidence step, impact step, effort ±50%)",
                    s.rank, s.rank
                );
                continue;
            }
            let what: Vec<String> = s
                .changes
                .iter()
                .map(|c| {
                    let (from, to) = match c.estimate {
                        "confidence" => (pct(c.from), pct(c.to)),
                        "effort" => (
                            format!("{} {unit}", num(c.from)),
                            format!("{} {unit}", num(c.to)),
                        ),
                        _ => (num(c.from), num(c.to)),
                    };
                    format!("{} {from} → {to} moves it to #{}", c.estimate, c.new_rank)
                })
                .collect();
            let _ = writeln!(out, "- #{} {id}: {}", s.rank, what.join("; "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(width: u16) -> String {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/backlog.toml"
        ))
        .expect("fixture");
        let b = crate::backlog::parse(&text).expect("valid");
        let r = crate::backlog::rank::rank(&b);
        let set = crate::rules::defaults().expect("rules");
        let c = crate::backlog::concerns::annotate(&b, set);
        let v = ScoreView {
            path: "backlog.toml",
            backlog: &b,
            ranking: &r,
            concerns: Some(&c),
            top: None,
            critical_path: false,
            sensitivity: None,
        };
        let rows = r.order.iter().copied().enumerate().map(|(k, i)| (k + 1, i));
        human_table(&v, rows, width)
    }

    #[test]
    fn narrow_tables_drop_columns_by_priority_and_never_split_ids_or_headers() {
        let ids = [
            "lifecycle-exemptions",
            "multi-signal-idle",
            "queue-notifications",
        ];
        for width in [160u16, 120, 100, 80, 60] {
            let out = rendered(width);
            let table: Vec<&str> = out
                .lines()
                .take_while(|l| !l.starts_with("23 of"))
                .collect();
            let widest = table.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            // Rank, id, title, effort and effective score always stay, so the narrowest
            // widths may overflow, but only there.
            if width >= 100 {
                assert!(
                    widest <= usize::from(width),
                    "{width}: {widest} columns\n{out}"
                );
            }
            for header in ["Effective", "ID", "Title"] {
                assert!(
                    table[1].contains(header),
                    "{width}: header {header} split\n{out}"
                );
            }
            for id in ids.iter().filter(|id| out.contains(&id[..8])) {
                assert!(out.contains(id), "{width}: {id} split\n{out}");
            }
        }
        assert!(!rendered(160).contains("Left out"));
        let narrow = rendered(100);
        assert!(
            narrow.contains("Left out to fit 100 columns: Concerns"),
            "{narrow}"
        );
        assert!(!narrow.lines().nth(1).unwrap_or("").contains("Concerns"));
    }

    /// Rows of every kind: long titles that wrap, several lines of ids, non-ASCII text.
    fn many_cells(n: usize, odd: usize) -> Vec<[String; 12]> {
        let words = [
            "Let students keep a container running over the weekend",
            "GPU",
            "Researchers want to join a GPU queue when no GPU is free during the semester",
            "Ünïcode títle with àccents and a very-long-hyphenated-word-that-must-split",
            "短い",
        ];
        (0..n)
            .map(|i| {
                let ids = |k: usize| {
                    (0..k % 4)
                        .map(|j| format!("item-{}", i * 7 + j))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                [
                    (i + 1).to_string(),
                    format!("item-{i}"),
                    if i % odd == 0 {
                        format!("{} {i}", words[(i / odd) % words.len()])
                    } else {
                        format!("Item {i}")
                    },
                    (i % 300).to_string(),
                    ["3", "2", "0.5"][i % 3].to_owned(),
                    "80%".to_owned(),
                    ["1", "2 (M)", "0.5 (XS)"][i % 3].to_owned(),
                    format!("{}.{}", i % 97, i % 10),
                    // `↑` is kept in the patterns; other non-ASCII lines are kept whole.
                    format!("{} ↑", i % 1000),
                    ids(i),
                    ids(i / 3),
                    ["", "L0 L1; gpu:partial", "L2"][i % 3].to_owned(),
                ]
            })
            .collect()
    }

    /// A backlog with every optional field, hostile and escaped strings, done items and
    /// t-shirt efforts, under `propagation`.
    fn odd_backlog(propagation: &str) -> String {
        let mut t = format!(
            "[scoring]\nreach_period = \"users \\\"per\\\" term\"\npropagation = \"{propagation}\"\n"
        );
        let titles = [
            "Plain title",
            "Quote \\\" and backslash \\\\ inside",
            "Tab\\tand newline\\n and bell \\u0007 and DEL \\u007f",
            "Bidi \\u202e and C1 \\u0085 and é and 短い",
            "GPU queue for students with MIG slices",
        ];
        for i in 0..12 {
            let _ = write!(
                t,
                "[[item]]\nid = \"it-{i}\"\ntitle = \"{}\"\nreach = {}\nimpact = {}\nconfidence = 0.8\neffort = {}\n",
                titles[i % titles.len()],
                i * 7 % 50,
                ["1", "2", "0.5", "\"massive\""][i % 4],
                ["1", "\"M\"", "2.5", "\"xs\""][i % 4],
            );
            if i % 5 == 3 {
                t.push_str("status = \"done\"\n");
            } else if i % 5 == 1 {
                t.push_str("status = \"in-progress\"\n");
            }
            if i % 3 == 0 {
                t.push_str("tags = [\"a\", \"b\\\"c\"]\nurl = \"https://example.org/1\"\n");
            }
            if i % 4 == 2 {
                t.push_str("needs_estimate = true\n");
            }
            if i > 0 {
                let deps: Vec<String> = (0..i)
                    .filter(|j| (i + j) % 3 == 0)
                    .map(|j| format!("\"it-{j}\""))
                    .collect();
                let _ = writeln!(t, "depends_on = [{}]", deps.join(", "));
            }
        }
        t
    }

    #[test]
    fn json_written_by_hand_is_serde_json_s() {
        let set = crate::rules::defaults().expect("rules");
        let mut texts: Vec<String> = ["none", "max", "sum", "chain"]
            .iter()
            .map(|p| odd_backlog(p))
            .collect();
        for f in [
            "backlog.toml",
            "backlog/enabler-chain.toml",
            "backlog/ok-minimal.toml",
        ] {
            texts.push(
                std::fs::read_to_string(format!("{}/fixtures/{f}", env!("CARGO_MANIFEST_DIR")))
                    .expect("fixture"),
            );
        }
        for text in &texts {
            let b = crate::backlog::parse(text).expect("valid");
            let r = crate::backlog::rank::rank(&b);
            let c = crate::backlog::concerns::annotate(&b, set);
            let sens = crate::backlog::rank::sensitivity(&b, &r, 3);
            for (concerns, top, critical_path, sensitivity) in [
                (Some(&c), None, false, None),
                (None, Some(0), true, Some(&sens[..])),
                (Some(&c), Some(2), true, Some(&[][..])),
                (None, Some(usize::MAX), false, Some(&sens[..])),
            ] {
                let v = ScoreView {
                    path: "dir/\"odd\"\tname.toml",
                    backlog: &b,
                    ranking: &r,
                    concerns,
                    top,
                    critical_path,
                    sensitivity,
                };
                let (mut by_hand, mut by_serde) = (Vec::new(), Vec::new());
                score_json_to(&v, &mut by_hand).expect("in memory");
                score_json_serde_to(&v, &mut by_serde).expect("in memory");
                assert_eq!(
                    String::from_utf8(by_hand).expect("UTF-8"),
                    String::from_utf8(by_serde).expect("UTF-8"),
                    "{text}"
                );
            }
        }
    }

    /// `fitted_table` over `cells`, in pieces of `piece` rows.
    fn fitted(
        header: &[&str],
        width: u16,
        cells: &[[String; 12]],
        keep: &[usize],
        constraint: &dyn Fn(usize) -> ColumnConstraint,
        piece: usize,
    ) -> String {
        let fill = |pos: usize, out: &mut Cells, _: &mut Vec<usize>| out.clone_from(&cells[pos]);
        let visit: Vec<usize> = (0..cells.len()).rev().collect();
        let layout = measure(&visit, &fill);
        let rows = TableRows {
            n: cells.len(),
            layout: &layout,
        };
        fitted_table(header, width, &rows, &fill, keep, constraint, piece)
    }

    /// ASCII titles that wrap, with runs of spaces, leading and trailing spaces, words longer
    /// than any column, and `↑`.
    fn wrapping_cells(n: usize) -> Vec<[String; 12]> {
        let titles = [
            "Let students keep a container running over the weekend",
            "  two leading spaces and  double  spaces   and trailing  ",
            "averyveryveryveryveryverylongwordthatcannotfitinanycolumnatallreally and more",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p",
            "x ↑ yy ↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑↑ zz",
            " ",
            "",
            "ab  cd ef gh ij kl mn op qr st uv wx yz ab cd ef gh ij kl mn op qr st uv wx",
        ];
        let mut cells = many_cells(n, 1_000_000);
        for (i, row) in cells.iter_mut().enumerate() {
            let t = titles[i % titles.len()];
            row[2] = if i % 3 == 0 {
                format!("{t} {i}")
            } else {
                t.to_owned()
            };
            if i % 5 == 0 {
                row[11] = format!("L0 L1 L2 L3 L4; student researcher admin; gpu:{t}");
            }
        }
        cells
    }

    #[test]
    fn a_table_rendered_in_pieces_is_the_table_rendered_whole() {
        for width in [160u16, 110, 80, 50, 30] {
            for keep in [(0..12).collect::<Vec<_>>(), vec![0, 1, 2, 6, 8]] {
                let header: Vec<&str> = keep.iter().map(|&c| HEADER[c]).collect();
                let constraint = |c: usize| {
                    if c == 1 {
                        ColumnConstraint::ContentWidth
                    } else {
                        ColumnConstraint::LowerBoundary(Width::Fixed(5))
                    }
                };
                // Every row odd (whole-table path past 1 in 8), or one in 20 (pieces); ASCII
                // rows that wrap, written by hand.
                for (what, cells) in [
                    ("odd 1", many_cells(500, 1)),
                    ("odd 20", many_cells(500, 20)),
                    ("wrapping", wrapping_cells(500)),
                ] {
                    let whole = fitted(&header, width, &cells, &keep, &constraint, 1000);
                    let pieces = fitted(&header, width, &cells, &keep, &constraint, 64);
                    assert_eq!(whole, pieces, "width {width}, columns {keep:?}, {what}");
                }
            }
        }
    }

    /// Past `PARALLEL_ROWS`, each half of the rows is measured and written on its own thread.
    #[test]
    fn a_table_written_on_two_threads_is_the_table_rendered_whole() {
        let keep: Vec<usize> = (0..12).collect();
        let constraint = |c: usize| {
            if c == 1 {
                ColumnConstraint::ContentWidth
            } else {
                ColumnConstraint::LowerBoundary(Width::Fixed(5))
            }
        };
        let mut cells = wrapping_cells(PARALLEL_ROWS + 808);
        // A few rows of other text in both halves, and a first half with wider ids.
        for (i, row) in cells.iter_mut().enumerate() {
            if i % 997 == 0 {
                row[2] = format!("Ünïcode títle {i}");
            }
            if i < 100 {
                row[9] = format!("a-much-longer-id-{i}");
            }
        }
        let whole = fitted(&HEADER, 140, &cells, &keep, &constraint, usize::MAX);
        let halves = fitted(&HEADER, 140, &cells, &keep, &constraint, 500);
        assert_eq!(whole, halves);
    }

    /// The hand-written split is comfy-table's, on plain lines of every width.
    #[test]
    fn lines_split_as_comfy_table_splits_them() {
        let words = ["a", "bb", "ccc", "dddd", "", "↑", "eeeeeeeeeeeee", "ff↑ff"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |k: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % k as u64).unwrap_or(0)
        };
        for _ in 0..3000 {
            let line: Vec<&str> = (0..1 + next(12))
                .map(|_| words[next(words.len())])
                .collect();
            let line = line.join(" ");
            let width = 1 + next(14);
            let mut t = comfy_table::Table::new();
            t.load_style(comfy_table::presets::ASCII_FULL);
            t.add_row([line.as_str()]);
            t.column_mut(0)
                .expect("one column")
                .set_constraint(ColumnConstraint::Absolute(Width::Fixed(
                    u16::try_from(width + 2).expect("small"),
                )));
            let theirs: Vec<String> = t
                .to_string()
                .lines()
                .filter(|l| l.starts_with('|'))
                .map(|l| l[2..l.len() - 2].trim_end().to_owned())
                .collect();
            let (mut text, mut lines) = (String::new(), Vec::new());
            if chars(&line) > width {
                split_line(&line, width, &mut text, &mut lines);
            } else {
                text.push_str(&line);
                lines.push((0, line.len(), chars(&line)));
            }
            let ours: Vec<String> = lines
                .iter()
                .map(|&(a, b, n)| {
                    assert_eq!(n, chars(&text[a..b]));
                    text[a..b].trim_end().to_owned()
                })
                .collect();
            assert_eq!(ours, theirs, "{line:?} at width {width}");
        }
    }
}
