//! `plan`: the ranked backlog grouped into phases that fit the capacity.
use super::*;

fn reason_text(b: &Backlog, p: &Plan, reason: &Reason, effort: f64) -> String {
    let unit = b.scoring.effort_unit.short();
    let capacity = p.phases.first().map_or(0.0, |ph| ph.capacity);
    match reason {
        Reason::TooBig => format!(
            "its effort {} {unit} is more than a phase's capacity {} {unit}; split it",
            num(effort),
            num(capacity)
        ),
        Reason::PrerequisiteUnplanned { prerequisite } => format!(
            "its prerequisite `{}` is not planned",
            b.items[*prerequisite].id
        ),
        Reason::NoRoom { earliest: 0 } => format!("no phase has {} {unit} left", num(effort)),
        Reason::NoRoom { earliest } => format!(
            "no phase from `{}` on (where its prerequisites allow it) has {} {unit} left",
            p.phases[*earliest].name,
            num(effort)
        ),
    }
}

/// `plan`.
pub fn plan(b: &Backlog, r: &Ranking, p: &Plan, format: ScoreFormat) -> String {
    if format == ScoreFormat::Json {
        return plan_in(b, r, p, format);
    }
    escape::finish_text(plan_in(&one_line(b), r, p, format), false)
}

fn plan_in(b: &Backlog, r: &Ranking, p: &Plan, format: ScoreFormat) -> String {
    let unit = b.scoring.effort_unit.short();
    match format {
        ScoreFormat::Json => {
            #[derive(Serialize)]
            struct PlannedJson<'a> {
                id: &'a str,
                rank: usize,
                effort: f64,
            }
            #[derive(Serialize)]
            struct PhaseJson<'a> {
                name: &'a str,
                capacity: f64,
                used: f64,
                items: Vec<PlannedJson<'a>>,
            }
            #[derive(Serialize)]
            struct UnplannedJson<'a> {
                id: &'a str,
                rank: usize,
                effort: f64,
                #[serde(flatten)]
                reason: &'a Reason,
                #[serde(rename = "message")]
                text: String,
            }
            #[derive(Serialize)]
            struct Out<'a> {
                schema_version: u32,
                effort_unit: crate::backlog::EffortUnit,
                phases: Vec<PhaseJson<'a>>,
                unplanned: Vec<UnplannedJson<'a>>,
            }
            let planned = |i: usize| PlannedJson {
                id: &b.items[i].id,
                rank: r.rank[i].unwrap_or(0),
                effort: b.items[i].effort,
            };
            json(&Out {
                schema_version: SCHEMA_VERSION,
                effort_unit: b.scoring.effort_unit,
                phases: p
                    .phases
                    .iter()
                    .map(|ph| PhaseJson {
                        name: &ph.name,
                        capacity: ph.capacity,
                        used: round(ph.used),
                        items: ph.items.iter().map(|&i| planned(i)).collect(),
                    })
                    .collect(),
                unplanned: p
                    .unplanned
                    .iter()
                    .map(|u| UnplannedJson {
                        id: &b.items[u.index].id,
                        rank: r.rank[u.index].unwrap_or(0),
                        effort: b.items[u.index].effort,
                        reason: &u.reason,
                        text: reason_text(b, p, &u.reason, b.items[u.index].effort),
                    })
                    .collect(),
            })
        }
        ScoreFormat::Csv => {
            let mut out = String::from("phase,rank,id,effort,reason\n");
            for ph in &p.phases {
                for &i in &ph.items {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},",
                        csv_field(&ph.name),
                        r.rank[i].unwrap_or(0),
                        csv_field(&b.items[i].id),
                        num(b.items[i].effort)
                    );
                }
            }
            for u in &p.unplanned {
                let e = b.items[u.index].effort;
                let _ = writeln!(
                    out,
                    "unplanned,{},{},{},{}",
                    r.rank[u.index].unwrap_or(0),
                    csv_field(&b.items[u.index].id),
                    num(e),
                    csv_field(&reason_text(b, p, &u.reason, e))
                );
            }
            out
        }
        ScoreFormat::Markdown | ScoreFormat::Human => {
            let md = format == ScoreFormat::Markdown;
            let bullet = if md { "- " } else { "  " };
            let mut out = String::new();
            for ph in &p.phases {
                let _ = writeln!(
                    out,
                    "{}{} ({} / {} {unit})",
                    if md { "### " } else { "" },
                    escape::term(&ph.name),
                    num(ph.used),
                    num(ph.capacity)
                );
                if ph.items.is_empty() {
                    let _ = writeln!(out, "{bullet}(empty)");
                }
                for &i in &ph.items {
                    let it = &b.items[i];
                    let mut size = it
                        .effort_label
                        .as_ref()
                        .map(|l| format!(", {l}"))
                        .unwrap_or_default();
                    if it.status == Status::InProgress {
                        size.push_str(", in progress");
                    }
                    let _ = writeln!(
                        out,
                        "{bullet}#{} {} — {} ({} {unit}{size})",
                        r.rank[i].unwrap_or(0),
                        it.id,
                        it.title,
                        num(it.effort)
                    );
                }
                out.push('\n');
            }
            if !p.unplanned.is_empty() {
                let _ = writeln!(out, "{}Not planned", if md { "### " } else { "" });
                for u in &p.unplanned {
                    let it = &b.items[u.index];
                    let _ = writeln!(
                        out,
                        "{bullet}#{} {}: {}",
                        r.rank[u.index].unwrap_or(0),
                        it.id,
                        reason_text(b, p, &u.reason, it.effort)
                    );
                }
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "Phases are filled in ranked order, first fit; an item never lands in an earlier phase than its prerequisites."
            );
            out
        }
    }
}
