//! PNG plots: ROC, precision–recall, reliability (calibration) and FROC, one line per finding.
//!
//! Drawn with plotters into an RGB buffer and encoded with the `image` crate. Text uses the
//! Ubuntu Light font shipped inside the `epaint_default_fonts` crate through plotters' pure-Rust
//! `ab_glyph` renderer, so no system font (fontconfig, FreeType) is needed.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::report::EvalReport;

const W: u32 = 900;
const H: u32 = 700;
const FONT: &str = "sans-serif";

type DrawResult = std::result::Result<(), Box<dyn StdError + Send + Sync>>;
type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Registers the bundled font once; false if it could not be parsed.
fn font_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, epaint_default_fonts::UBUNTU_LIGHT)
            .is_ok()
    })
}

fn colour(i: usize) -> RGBColor {
    const C: [RGBColor; 6] = [
        RGBColor(31, 119, 180),
        RGBColor(214, 39, 40),
        RGBColor(44, 160, 44),
        RGBColor(255, 127, 14),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
    ];
    C[i % C.len()]
}

/// Draws into a buffer with `draw` and writes it as PNG.
fn render(path: &Path, draw: impl FnOnce(&Area<'_>) -> DrawResult) -> Result<()> {
    let plot_err = |source: Box<dyn StdError + Send + Sync>| Error::Plot {
        path: path.to_path_buf(),
        source,
    };
    if !font_ready() {
        return Err(plot_err("the bundled font could not be loaded".into()));
    }
    let mut buf = vec![255u8; (W * H * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| plot_err(Box::new(e)))?;
        draw(&root).map_err(plot_err)?;
        root.present().map_err(|e| plot_err(Box::new(e)))?;
    }
    let img = image::RgbImage::from_raw(W, H, buf)
        .ok_or_else(|| plot_err("image buffer has the wrong size".into()))?;
    img.save_with_format(path, image::ImageFormat::Png)
        .map_err(|source| Error::Png {
            path: path.to_path_buf(),
            source,
        })
}

/// One curve per finding: (label, points).
type Curves = Vec<(String, Vec<(f64, f64)>)>;

struct Axes<'a> {
    title: &'a str,
    x: &'a str,
    y: &'a str,
    diagonal: bool,
    empty_note: &'a str,
}

fn unit_square_chart(
    root: &Area<'_>,
    axes: &Axes<'_>,
    curves: &Curves,
    legend: SeriesLabelPosition,
) -> DrawResult {
    let mut chart = ChartBuilder::on(root)
        .caption(axes.title, (FONT, 30))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(65)
        .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)?;
    chart
        .configure_mesh()
        .x_desc(axes.x)
        .y_desc(axes.y)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 19))
        .draw()?;
    if axes.diagonal {
        chart.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.25)))?;
    }
    for (i, (label, pts)) in curves.iter().enumerate() {
        let c = colour(i);
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(3)))?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3)));
    }
    if curves.is_empty() {
        root.draw(&Text::new(
            axes.empty_note.to_string(),
            (120, (H / 2) as i32),
            (FONT, 22).into_font(),
        ))?;
    } else {
        chart
            .configure_series_labels()
            .position(legend)
            .label_font((FONT, 18))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .draw()?;
    }
    Ok(())
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.3}"))
}

fn roc_curves(r: &EvalReport) -> Curves {
    r.findings
        .iter()
        .filter_map(|(name, f)| {
            let roc = f.roc.as_ref()?;
            let pts = roc
                .fpr
                .iter()
                .copied()
                .zip(roc.tpr.iter().copied())
                .collect();
            Some((format!("{name} (AUROC {})", fmt(f.auroc.value)), pts))
        })
        .collect()
}

fn pr_curves(r: &EvalReport) -> Curves {
    r.findings
        .iter()
        .filter_map(|(name, f)| {
            let pr = f.pr.as_ref()?;
            // a step function, as scikit-learn draws it (drawstyle "steps-post")
            let mut pts = Vec::new();
            for i in 0..pr.recall.len() {
                if i > 0 {
                    pts.push((pr.recall[i], pr.precision[i - 1]));
                }
                pts.push((pr.recall[i], pr.precision[i]));
            }
            Some((
                format!("{name} (AP {})", fmt(f.average_precision.value)),
                pts,
            ))
        })
        .collect()
}

fn calibration_curves(r: &EvalReport) -> Curves {
    r.findings
        .iter()
        .filter_map(|(name, f)| {
            let cal = f.calibration.as_ref()?;
            let pts: Vec<(f64, f64)> = cal
                .bins
                .iter()
                .filter_map(|b| Some((b.mean_predicted?, b.fraction_positive?)))
                .collect();
            (!pts.is_empty()).then(|| {
                (
                    format!("{name} (Brier {}, ECE {})", fmt(f.brier), fmt(f.ece)),
                    pts,
                )
            })
        })
        .collect()
}

fn froc(root: &Area<'_>, r: &EvalReport) -> DrawResult {
    const X_MIN: f64 = 1.0 / 16.0;
    // colour by position among all lesion findings, so a curve and its markers agree
    let all: Vec<(usize, &String, &crate::lesion::LesionSummary)> = r
        .lesions
        .iter()
        .flat_map(|l| l.findings.iter())
        .enumerate()
        .map(|(i, (n, s))| (i, n, s))
        .collect();
    let x_max = all
        .iter()
        .filter_map(|(_, _, s)| s.froc.as_ref())
        .flat_map(|f| f.points.iter().map(|p| p.fp_per_image))
        .fold(8.0f64, f64::max)
        * 1.25;
    let mut ticks: Vec<f64> = (-3..=10)
        .map(|e| 2f64.powi(e))
        .filter(|&t| t <= x_max)
        .collect();
    ticks.retain(|&t| t >= X_MIN);
    let mut chart = ChartBuilder::on(root)
        .caption("FROC", (FONT, 30))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(65)
        .build_cartesian_2d(
            (X_MIN..x_max).log_scale().with_key_points(ticks),
            0f64..1.02f64,
        )?;
    chart
        .configure_mesh()
        .x_desc("False positives per image (log scale)")
        .y_desc("Lesion sensitivity")
        .x_label_formatter(&|v| {
            if *v < 1.0 {
                format!("1/{}", (1.0 / v).round())
            } else {
                format!("{v}")
            }
        })
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 19))
        .draw()?;
    let mut drawn = 0;
    for &(i, name, s) in &all {
        let Some(f) = s.froc.as_ref() else { continue };
        let c = colour(i);
        let pts: Vec<(f64, f64)> = f
            .points
            .iter()
            .map(|p| (p.fp_per_image.max(X_MIN), p.sensitivity))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(3)))?
            .label(format!(
                "{name} (mean sensitivity {})",
                fmt(s.mean_sensitivity)
            ))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3)));
        // beyond the last point the sensitivity is held constant (np.interp's clamp): faded
        if let Some(&(x, y)) = pts.last() {
            chart.draw_series(LineSeries::new(
                [(x, y), (x_max, y)],
                c.mix(0.35).stroke_width(2),
            ))?;
        }
        let marks = s
            .fp_rates
            .iter()
            .zip(&s.sensitivity_at_rates)
            .filter_map(|(&x, y)| Some((x.max(X_MIN), (*y)?)));
        chart.draw_series(marks.map(|p| Circle::new(p, 5, c.filled())))?;
        drawn += 1;
    }
    if drawn == 0 {
        root.draw(&Text::new(
            "No FROC curve (no true lesions on scored images)".to_string(),
            (120, (H / 2) as i32),
            (FONT, 22).into_font(),
        ))?;
    } else {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font((FONT, 18))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .draw()?;
    }
    Ok(())
}

/// Writes roc.png, pr.png, calibration.png and, when lesions were evaluated, froc.png.
pub(crate) fn write_plots(r: &EvalReport, out: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let roc = Axes {
        title: "ROC",
        x: "False positive rate (1 − specificity)",
        y: "Sensitivity",
        diagonal: true,
        empty_note: "No ROC curve: a finding needs cases with and without it",
    };
    let p = out.join("roc.png");
    render(&p, |a| {
        unit_square_chart(a, &roc, &roc_curves(r), SeriesLabelPosition::LowerRight)
    })?;
    written.push(p);
    let pr = Axes {
        title: "Precision–recall",
        x: "Recall (sensitivity)",
        y: "Precision",
        diagonal: false,
        empty_note: "No PR curve: no case has the finding",
    };
    let p = out.join("pr.png");
    render(&p, |a| {
        unit_square_chart(a, &pr, &pr_curves(r), SeriesLabelPosition::LowerLeft)
    })?;
    written.push(p);
    let cal = Axes {
        title: "Reliability (calibration)",
        x: "Mean predicted score",
        y: "Fraction with the finding",
        diagonal: true,
        empty_note: "No cases scored",
    };
    let p = out.join("calibration.png");
    render(&p, |a| {
        unit_square_chart(
            a,
            &cal,
            &calibration_curves(r),
            SeriesLabelPosition::UpperLeft,
        )
    })?;
    written.push(p);
    if r.lesions.as_ref().is_some_and(|l| l.status == "evaluated") {
        let p = out.join("froc.png");
        render(&p, |a| froc(a, r))?;
        written.push(p);
    }
    Ok(written)
}
