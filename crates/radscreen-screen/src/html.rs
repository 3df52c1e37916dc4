//! report.html: one self-contained page (inline CSS, images referenced relative to the report
//! folder) that opens from disk without a server. Rendered by maud from the typed run record:
//! every value is escaped by the template, and a renamed field does not compile.

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::record::RunInfo;
use crate::rows::{Row, Status};

/// Most flagged images shown (the CSV has them all).
const MAX_FLAGGED: usize = 500;
/// Most files listed per error kind.
const MAX_PER_KIND: usize = 50;

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:24px;color:#222}\
table{border-collapse:collapse;margin:8px 0 20px}\
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}\
.num{text-align:right}.flag{color:#b00;font-weight:600}img{max-width:100%;image-rendering:pixelated}\
img.hm{width:520px;height:auto}.note{color:#666}code{font-size:12px}";

/// The page for a finished report.
pub fn render(rows: &[Row], run: &RunInfo) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "radscreen report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "radscreen screening report" }
                p.note {
                    "Research software trained on synthetic images: not for clinical use. "
                    "Scores are model probabilities; flags use the thresholds below."
                }
                (summary(run))
                (flagged_images(rows, run))
                (problems(rows, Status::Error, "Errors"))
                (problems(rows, Status::Skipped, "Skipped files"))
            }
        }
    };
    let mut s = page.into_string();
    s.push('\n');
    s
}

fn summary(run: &RunInfo) -> Markup {
    let c = &run.counts;
    let thresholds = run
        .thresholds
        .iter()
        .map(|(k, v)| format!("{k} ≥ {v:.3}"))
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        h2 { "Summary" }
        table {
            tr {
                th { "files" } th { "ok" } th { "skipped" } th { "error" } th { "images scored" }
                @for f in &run.findings { th { "flagged " (f) } }
            }
            tr {
                td.num { (c.files) } td.num { (c.ok) } td.num { (c.skipped) } td.num { (c.error) }
                td.num { (c.images) }
                @for f in &run.findings { td.num { (c.flagged.get(f).copied().unwrap_or(0)) } }
            }
        }
        table {
            tr { th { "model" } td { (run.model.id) " " code { (run.model.sha256) } } }
            tr {
                th { "device" }
                td {
                    (run.device.backend) " — " (run.device.adapter)
                    @if let Some(r) = &run.device.fallback_reason {
                        " " span.note { "(fallback: " (r) ")" }
                    }
                }
            }
            // the kernels that scored (radscreen's own CPU path or the backend's), as in run.json
            tr {
                th { "inference" }
                td {
                    (run.model.inference)
                    @if !run.device.precision.is_empty() { ", " (run.device.precision) }
                }
            }
            tr { th { "thresholds" } td { (thresholds) } }
            tr { th { "version" } td { "radscreen " (run.version) } }
            @if let Some(s) = &run.shard { tr { th { "shard" } td { (s) } } }
        }
    }
}

fn flagged_images(rows: &[Row], run: &RunInfo) -> Markup {
    let mut flagged: Vec<&Row> = rows
        .iter()
        .filter(|r| r.status == Status::Ok && r.flags.contains(&Some(true)))
        .collect();
    flagged.sort_by(|a, b| {
        b.anomaly
            .unwrap_or(0.0)
            .total_cmp(&a.anomaly.unwrap_or(0.0))
            .then(a.path.cmp(&b.path))
    });
    html! {
        h2 { "Flagged images (" (flagged.len()) ")" }
        @if flagged.len() > MAX_FLAGGED {
            p.note { "The " (MAX_FLAGGED) " highest-scoring are shown; findings.csv lists all." }
        }
        @if !flagged.is_empty() {
            table {
                tr {
                    th { "image" } th { "scores" }
                    th { "heatmap (left: image as the model saw it; right: where it looked)" }
                }
                @for r in flagged.iter().take(MAX_FLAGGED) {
                    tr {
                        td { code { (r.path) } br; "frame " (r.frame) " · " (r.modality) }
                        td {
                            @for (f, name) in run.findings.iter().enumerate() {
                                @let s = r.scores.get(f).copied().flatten().unwrap_or(0.0);
                                @let flag = r.flags.get(f).copied().flatten() == Some(true);
                                div class=[flag.then_some("flag")] {
                                    (name) ": " (format!("{s:.3}")) @if flag { " ⚑" }
                                }
                            }
                        }
                        td {
                            @for img in r.heatmap.split(';').filter(|s| !s.is_empty()) {
                                div { img.hm src=(img) alt=(img); }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn problems(rows: &[Row], status: Status, title: &str) -> Markup {
    let mut by_kind: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.status == status) {
        by_kind.entry(r.error_kind.as_str()).or_default().push(r);
    }
    let total: usize = by_kind.values().map(Vec::len).sum();
    html! {
        h2 { (title) " (" (total) ")" }
        @for (kind, list) in &by_kind {
            h3 { (kind) " (" (list.len()) ")" }
            table {
                tr { th { "file" } th { "frame" } th { "reason" } }
                @for r in list.iter().take(MAX_PER_KIND) {
                    tr { td { code { (r.path) } } td { (r.frame) } td { (r.error) } }
                }
                @if list.len() > MAX_PER_KIND {
                    tr {
                        td colspan="3" class="note" {
                            "… and " (list.len() - MAX_PER_KIND) " more in findings.csv"
                        }
                    }
                }
            }
        }
    }
}
