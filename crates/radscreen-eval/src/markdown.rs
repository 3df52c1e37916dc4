//! eval.md: the report as tables a person reads.

use std::fmt::Write as _;

use crate::binary::FindingReport;
use crate::ci::Estimate;
use crate::report::EvalReport;
use crate::threshold::OperatingPoint;

/// At most this many rows of each listing (unjoined, not scored) are shown; eval.json has all.
const LIST_MAX: usize = 20;

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{x:.3}"))
}

pub(crate) fn fmt_interval(e: &Estimate) -> String {
    e.ci.map_or_else(|| "—".to_string(), |i| format!("{:.3}–{:.3}", i.lo, i.hi))
}

/// "0.833 (0.694–0.917)" or "—".
pub(crate) fn fmt_estimate(e: &Estimate) -> String {
    match (e.value, e.ci) {
        (None, _) => "—".to_string(),
        (Some(v), None) => format!("{v:.3}"),
        (Some(v), Some(i)) => format!("{v:.3} ({:.3}–{:.3})", i.lo, i.hi),
    }
}

fn percent(level: f64) -> String {
    let s = format!("{:.1}", level * 100.0);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

fn finding_section(md: &mut String, name: &str, r: &FindingReport, conf: &str) {
    let _ = writeln!(md, "### {name}\n");
    let threshold = match r.threshold {
        Some(t) => format!("{t} ({})", r.threshold_source.as_str()),
        None => "unknown".to_string(),
    };
    let c = &r.confusion;
    let _ = writeln!(
        md,
        "Threshold {threshold} · n = {} ({} with {name}, {} without) · TP {} · FP {} · TN {} · FN {}\n",
        r.n, r.n_positive, r.n_negative, c.tp, c.fp, c.tn, c.fn_
    );
    let _ = writeln!(
        md,
        "| Metric | Value | {conf} CI | Method |\n|---|---:|---:|---|"
    );
    let rows: [(&str, &Estimate); 15] = [
        ("Sensitivity (recall)", &r.sensitivity),
        ("Specificity", &r.specificity),
        ("Precision (PPV)", &r.precision),
        ("NPV", &r.npv),
        ("F1", &r.f1),
        ("Accuracy", &r.accuracy),
        ("AUROC", &r.auroc),
        ("Average precision", &r.average_precision),
        ("Balanced accuracy", &r.balanced_accuracy),
        ("MCC", &r.mcc),
        ("Youden's J", &r.youden_j),
        ("Prevalence", &r.prevalence),
        ("False positive rate", &r.fpr),
        ("False discovery rate", &r.fdr),
        ("Miss rate", &r.miss_rate),
    ];
    for (label, e) in rows {
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} |",
            num(e.value),
            fmt_interval(e),
            if e.ci.is_some() { e.method } else { "" }
        );
    }
    let _ = writeln!(md, "| F{} | {} | — | |", r.f_beta.beta, num(r.f_beta.value));
    if let Some(d) = &r.auroc_delong {
        let _ = writeln!(
            md,
            "| AUROC (DeLong) | {} | {:.3}–{:.3} | delong, SE {:.4} |",
            num(r.auroc.value),
            d.ci.lo,
            d.ci.hi,
            d.std_error
        );
    }
    let _ = writeln!(
        md,
        "\nCalibration: Brier {} · ECE {}\n",
        num(r.brier),
        num(r.ece)
    );
    if let Some(op) = &r.operating_points {
        let _ = writeln!(
            md,
            "| Operating point | Threshold | Sensitivity | Specificity | Precision | F1 |\n|---|---:|---:|---:|---:|---:|"
        );
        let line = |md: &mut String, label: String, p: &Option<OperatingPoint>| {
            let _ = match p {
                Some(p) => writeln!(
                    md,
                    "| {label} | {} | {} | {} | {} | {} |",
                    p.threshold,
                    num(p.metrics.sensitivity),
                    num(p.metrics.specificity),
                    num(p.metrics.precision),
                    num(p.metrics.f1)
                ),
                None => writeln!(md, "| {label} | not reached | | | | |"),
            };
        };
        line(
            md,
            format!("Sensitivity ≥ {}", op.target_sensitivity),
            &op.at_target_sensitivity,
        );
        line(
            md,
            format!("Precision ≥ {}", op.target_precision),
            &op.at_target_precision,
        );
        line(md, "Youden-optimal".into(), &op.youden);
        line(md, "F1-optimal".into(), &op.f1);
        md.push('\n');
    }
}

/// Sort key of an age-band label: "<18" first, then by lower edge, "unknown" last.
fn age_band_order(label: &str) -> f64 {
    if label.starts_with('<') {
        return f64::NEG_INFINITY;
    }
    let lead: String = label
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    lead.parse().unwrap_or(f64::INFINITY)
}

/// Renders the report as Markdown.
pub fn render_markdown(r: &EvalReport) -> String {
    let mut md = String::new();
    let conf = percent(r.options.confidence);
    let _ = writeln!(md, "# radscreen evaluation\n");
    let _ = writeln!(
        md,
        "- Predictions: `{}`\n- Truth: `{}`",
        r.inputs.predictions, r.inputs.truth
    );
    if let Some(l) = &r.inputs.lesions {
        let _ = writeln!(md, "- Lesions: `{l}`");
    }
    if let Some(s) = &r.options.split {
        let _ = writeln!(md, "- Split: `{s}`");
    }
    let _ = writeln!(
        md,
        "- Positive class: the finding is present (manifest label 1). Decisions are the screener's flags (score ≥ threshold).\n\
         - {conf} intervals: Wilson score for proportions; stratified percentile bootstrap ({} resamples, seed {}) for F1, AUROC and AP; DeLong for AUROC.\n\
         - — means undefined (a zero denominator).\n- {}\n",
        r.options.bootstrap_resamples, r.options.bootstrap_seed, r.generator
    );

    let c = &r.counts;
    let _ = writeln!(md, "## Rows\n\n| | Rows |\n|---|---:|");
    for (label, n) in [
        ("findings.csv rows", c.prediction_rows),
        ("manifest rows", c.truth_rows),
        ("excluded by split", c.excluded_by_split),
        ("joined", c.joined),
        ("scored (status ok)", c.scored),
        ("not scored: skipped", c.skipped),
        ("not scored: error", c.error),
        ("predictions without truth", c.predictions_without_truth),
        ("truth without predictions", c.truth_without_predictions),
    ] {
        let _ = writeln!(md, "| {label} | {n} |");
    }
    md.push('\n');

    let _ = writeln!(md, "## Findings\n");
    for (name, f) in &r.findings {
        finding_section(&mut md, name, f, &conf);
    }

    if !r.subgroups.is_empty() {
        let _ = writeln!(
            md,
            "## Subgroups\n\n⚠ marks a subgroup whose sensitivity interval lies wholly below the overall sensitivity.\n"
        );
    }
    for (col, values) in &r.subgroups {
        let _ = writeln!(md, "### By {col}\n");
        let _ = writeln!(
            md,
            "| {col} | Finding | n | With finding | Sensitivity ({conf} CI) | Specificity | Precision | AUROC | |\n|---|---|---:|---:|---|---|---|---|---|"
        );
        let mut values: Vec<_> = values.iter().collect();
        if col == "age" {
            values.sort_by(|a, b| age_band_order(a.0).total_cmp(&age_band_order(b.0)));
        }
        for (value, per_finding) in values {
            for (finding, s) in per_finding {
                let flag = if s.sensitivity_below_overall == Some(Some(true)) {
                    "⚠"
                } else {
                    ""
                };
                let _ = writeln!(
                    md,
                    "| {value} | {finding} | {} | {} | {} | {} | {} | {} | {flag} |",
                    s.n,
                    s.n_positive,
                    fmt_estimate(&s.sensitivity),
                    fmt_estimate(&s.specificity),
                    fmt_estimate(&s.precision),
                    fmt_estimate(&s.auroc)
                );
            }
        }
        md.push('\n');
    }

    if let Some(l) = &r.lesions {
        let _ = writeln!(md, "## Lesion level\n");
        if let Some(n) = &l.note {
            let _ = writeln!(md, "{n}\n");
        }
        if !l.findings.is_empty() {
            let rates = l
                .findings
                .values()
                .next()
                .map(|s| s.fp_rates.clone())
                .unwrap_or_default();
            let head: Vec<String> = rates.iter().map(|r| format!("@{r}")).collect();
            let _ = writeln!(
                md,
                "| Finding | Images | Lesions | Predicted | Lesion sensitivity ({conf} CI) | FP / image | {} | Mean sens. |\n|---|---:|---:|---:|---|---:|{}---:|",
                head.join(" | "),
                "---:|".repeat(rates.len())
            );
            for (name, s) in &l.findings {
                let at: Vec<String> = s.sensitivity_at_rates.iter().map(|v| num(*v)).collect();
                let _ = writeln!(
                    md,
                    "| {name} | {} | {} | {} | {} | {} | {} | {} |",
                    s.n_images,
                    s.n_lesions,
                    s.n_predicted,
                    fmt_estimate(&s.sensitivity),
                    num(s.fp_per_image),
                    at.join(" | "),
                    num(s.mean_sensitivity)
                );
            }
            let _ = writeln!(
                md,
                "\nSensitivity at FP-per-image rates is read off the FROC curve by linear interpolation (as LUNA16's evaluation); the mean is LUNA16's CPM.\n"
            );
        }
    }

    let listing = |md: &mut String, title: &str, rows: Vec<String>| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(md, "### {title} ({})\n", rows.len());
        for row in rows.iter().take(LIST_MAX) {
            let _ = writeln!(md, "- {row}");
        }
        if rows.len() > LIST_MAX {
            let _ = writeln!(md, "- … {} more in eval.json", rows.len() - LIST_MAX);
        }
        md.push('\n');
    };
    if c.skipped + c.error + c.predictions_without_truth + c.truth_without_predictions > 0 {
        let _ = writeln!(md, "## Rows not scored\n");
    }
    listing(
        &mut md,
        "Not scored",
        r.not_scored
            .iter()
            .map(|n| {
                format!(
                    "`{}` frame {} (line {}): {} {}",
                    n.path,
                    n.frame,
                    n.line,
                    n.status.as_str(),
                    n.error_kind
                )
            })
            .collect(),
    );
    listing(
        &mut md,
        "In findings.csv only",
        r.unjoined
            .predictions_without_truth
            .iter()
            .map(|n| format!("`{}` frame {} (line {})", n.path, n.frame, n.line))
            .collect(),
    );
    listing(
        &mut md,
        "In the manifest only",
        r.unjoined
            .truth_without_predictions
            .iter()
            .map(|n| format!("`{}` frame {} (line {})", n.path, n.frame, n.line))
            .collect(),
    );

    if !r.notes.is_empty() {
        let _ = writeln!(md, "## Notes\n");
        for n in &r.notes {
            let _ = writeln!(md, "- {n}");
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting() {
        assert_eq!(percent(0.95), "95%");
        assert_eq!(percent(0.999), "99.9%");
        assert_eq!(num(None), "—");
        assert_eq!(fmt_estimate(&Estimate::bare(Some(0.5))), "0.500");
    }
}
