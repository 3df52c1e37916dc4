//! report.html: one self-contained page (inline CSS, images referenced relative to the report
//! folder) that opens from disk without a server.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::report::RunInfo;
use super::rows::{Row, Status};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Most flagged images shown (the CSV has them all).
const MAX_FLAGGED: usize = 500;
/// Most files listed per error kind.
const MAX_PER_KIND: usize = 50;

pub fn render(rows: &[Row], run: &RunInfo) -> String {
    let c = &run.counts;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=en><meta charset=utf-8><title>radscreen report</title>\
<style>body{{font:14px system-ui,sans-serif;margin:24px;color:#222}}table{{border-collapse:collapse;margin:8px 0 20px}}\
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}\
.num{{text-align:right}}.flag{{color:#b00;font-weight:600}}img{{max-width:100%;image-rendering:pixelated}}img.hm{{width:520px;height:auto}}\
.note{{color:#666}}code{{font-size:12px}}</style>\
<h1>radscreen screening report</h1>\
<p class=note>Research software trained on synthetic images: not for clinical use. \
Scores are model probabilities; flags use the thresholds below.</p>"
    );
    let _ = write!(
        h,
        "<h2>Summary</h2><table><tr><th>files</th><th>ok</th><th>skipped</th><th>error</th><th>images scored</th>"
    );
    for f in &run.findings {
        let _ = write!(h, "<th>flagged {}</th>", esc(f));
    }
    let _ = write!(
        h,
        "</tr><tr><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td>",
        c.files, c.ok, c.skipped, c.error, c.images
    );
    for f in &run.findings {
        let _ = write!(
            h,
            "<td class=num>{}</td>",
            c.flagged.get(f).copied().unwrap_or(0)
        );
    }
    h.push_str("</tr></table>");
    let dev = |k: &str| {
        run.device
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let _ = write!(
        h,
        "<table><tr><th>model</th><td>{} <code>{}</code></td></tr><tr><th>device</th><td>{} — {}{}</td></tr>\
<tr><th>inference</th><td>{}</td></tr><tr><th>thresholds</th><td>{}</td></tr><tr><th>version</th><td>radscreen {}</td></tr>{}</table>",
        esc(run.model.get("id").and_then(|v| v.as_str()).unwrap_or("")),
        esc(run
            .model
            .get("sha256")
            .and_then(|v| v.as_str())
            .unwrap_or("")),
        esc(&dev("backend")),
        esc(&dev("adapter")),
        match dev("fallback_reason").as_str() {
            "" => String::new(),
            r => format!(" <span class=note>(fallback: {})</span>", esc(r)),
        },
        // the kernels that scored (radscreen's own CPU path or the backend's), as in run.json
        esc(run
            .model
            .get("inference")
            .and_then(|v| v.as_str())
            .unwrap_or("")),
        run.thresholds
            .iter()
            .map(|(k, v)| format!("{} ≥ {v:.3}", esc(k)))
            .collect::<Vec<_>>()
            .join(", "),
        esc(&run.version),
        run.shard
            .as_ref()
            .map(|s| format!("<tr><th>shard</th><td>{}</td></tr>", esc(s)))
            .unwrap_or_default()
    );

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
    let _ = write!(h, "<h2>Flagged images ({})</h2>", flagged.len());
    if flagged.len() > MAX_FLAGGED {
        let _ = write!(
            h,
            "<p class=note>The {MAX_FLAGGED} highest-scoring are shown; findings.csv lists all.</p>"
        );
    }
    if !flagged.is_empty() {
        h.push_str("<table><tr><th>image</th><th>scores</th><th>heatmap (left: image as the model saw it; right: where it looked)</th></tr>");
        for r in flagged.iter().take(MAX_FLAGGED) {
            let _ = write!(
                h,
                "<tr><td><code>{}</code><br>frame {} · {}</td><td>",
                esc(&r.path),
                r.frame,
                esc(&r.modality)
            );
            for (f, name) in run.findings.iter().enumerate() {
                let s = r.scores.get(f).copied().flatten().unwrap_or(0.0);
                let flag = r.flags.get(f).copied().flatten() == Some(true);
                let _ = write!(
                    h,
                    "<div{}>{}: {s:.3}{}</div>",
                    if flag { " class=flag" } else { "" },
                    esc(name),
                    if flag { " ⚑" } else { "" }
                );
            }
            h.push_str("</td><td>");
            for img in r.heatmap.split(';').filter(|s| !s.is_empty()) {
                let _ = write!(
                    h,
                    "<div><img class=hm src=\"{}\" alt=\"{}\"></div>",
                    esc(img),
                    esc(img)
                );
            }
            h.push_str("</td></tr>");
        }
        h.push_str("</table>");
    }

    for (status, title) in [
        (Status::Error, "Errors"),
        (Status::Skipped, "Skipped files"),
    ] {
        let mut by_kind: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for r in rows.iter().filter(|r| r.status == status) {
            by_kind.entry(r.error_kind.as_str()).or_default().push(r);
        }
        let total: usize = by_kind.values().map(Vec::len).sum();
        let _ = write!(h, "<h2>{title} ({total})</h2>");
        for (kind, list) in by_kind {
            let _ = write!(
                h,
                "<h3>{} ({})</h3><table><tr><th>file</th><th>frame</th><th>reason</th></tr>",
                esc(kind),
                list.len()
            );
            for r in list.iter().take(MAX_PER_KIND) {
                let _ = write!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    esc(&r.path),
                    r.frame,
                    esc(&r.error)
                );
            }
            if list.len() > MAX_PER_KIND {
                let _ = write!(
                    h,
                    "<tr><td colspan=3 class=note>… and {} more in findings.csv</td></tr>",
                    list.len() - MAX_PER_KIND
                );
            }
            h.push_str("</table>");
        }
    }
    h.push_str("</html>\n");
    h
}
