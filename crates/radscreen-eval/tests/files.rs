//! `evaluate_files` end to end, and input errors that name file, line and column.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use radscreen_eval as ev;
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("radscreen-eval-files")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// A deterministic toy data set: 60 manifest rows, predictions for 58 of them plus 1 stray,
/// 3 rows skipped/error, one subgroup value ("X" manufacturer) with no scored row.
fn dataset(d: &Path) -> (PathBuf, PathBuf) {
    let mut manifest =
        String::from("path,frame,modality,tumor,fracture,sex,age,manufacturer,split,body_part\n");
    let mut findings = String::from(
        "path,frame,status,error_kind,error,modality,score_tumor,score_fracture,flag_tumor,flag_fracture,heatmap,extra\n",
    );
    for i in 0..60u32 {
        let tumor = u32::from(i % 3 == 0);
        let fracture = u32::from(i % 4 == 1);
        let sex = if i % 2 == 0 { "F" } else { "M" };
        let age = match i % 5 {
            0 => "15".to_string(),
            1 => "045Y".to_string(),
            2 => String::new(),
            _ => format!("{}", 50 + i),
        };
        let manufacturer = if i == 59 {
            "X"
        } else if i % 3 == 1 {
            "Acme"
        } else {
            "Bolt"
        };
        let modality = ["CT", "MR", "DX"][(i % 3) as usize];
        let _ = writeln!(
            manifest,
            "img{i}.dcm,0,{modality},{tumor},{fracture},{sex},{age},{manufacturer},test,chest"
        );
        if i >= 58 {
            continue; // truth without predictions (one of them is the only "X" row)
        }
        let status = match i {
            5 => "skipped",
            6 | 7 => "error",
            _ => "ok",
        };
        if status == "ok" {
            // informative, tied scores
            let st = ((i * 7) % 10) as f64 / 20.0 + 0.45 * f64::from(tumor);
            let sf = ((i * 3) % 10) as f64 / 20.0 + 0.4 * f64::from(fracture);
            let _ = writeln!(
                findings,
                "img{i}.dcm,0,ok,,,{modality},{st},{sf},{},{},heat/{i}.png,x",
                u8::from(st >= 0.5),
                u8::from(sf >= 0.5)
            );
        } else {
            let _ = writeln!(
                findings,
                "img{i}.dcm,0,{status},decode,\"bad, file\",{modality},,,,,,x"
            );
        }
    }
    let _ = writeln!(findings, "stray.dcm,2,ok,,,CT,0.5,0.5,1,1,,x");
    let (p, m) = (d.join("findings.csv"), d.join("manifest.csv"));
    write(&p, &findings);
    write(&m, &manifest);
    (p, m)
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn evaluate_files_writes_the_documented_outputs() {
    let d = dir("full");
    let (p, m) = dataset(&d);
    write(
        &d.join("run.json"),
        r#"{"version": "0", "thresholds": {"tumor": 0.5, "fracture": 0.5}}"#,
    );
    let lesions = d.join("lesions.csv");
    write(
        &lesions,
        "path,frame,finding,row,col,radius_px,size_mm,contrast\n\
         img0.dcm,0,tumor,10,10,5,3,0.2\nimg3.dcm,0,tumor,40,40,4,3,0.2\nimg3.dcm,0,tumor,80,80,4,3,0.2\n\
         img9.dcm,0,tumor,20,20,6,3,0.2\nimg5.dcm,0,tumor,1,1,1,1,0.1\n",
    );
    write(
        &d.join(ev::PREDICTED_LESIONS_FILE),
        "path,frame,finding,row,col,score\nimg0.dcm,0,tumor,11,10,0.9\nimg0.dcm,0,tumor,10,12,0.8\n\
         img3.dcm,0,tumor,41,39,0.7\nimg12.dcm,0,tumor,5,5,0.6\nimg9.dcm,0,tumor,60,60,0.3\n",
    );
    let out = d.join("out");
    let opts = ev::EvalOptions::new()
        .with_resamples(300)
        .with_subgroup_columns(["sex", "age", "manufacturer", "modality", "body_part"]);
    let summary = ev::evaluate_files(&p, &m, Some(&lesions), &out, &opts).unwrap();
    for f in [
        "eval.json",
        "eval.md",
        "roc.png",
        "pr.png",
        "calibration.png",
        "froc.png",
    ] {
        assert!(summary.written.contains(&out.join(f)), "{f} not written");
        assert!(out.join(f).is_file());
    }
    for f in ["roc.png", "pr.png", "calibration.png", "froc.png"] {
        let img = image::open(out.join(f)).unwrap();
        assert_eq!((img.width(), img.height()), (900, 700));
    }

    let j = read_json(&out.join("eval.json"));
    // counts: 58 prediction rows joined + 1 stray; 3 not scored; 2 truth rows unjoined
    assert_eq!(j["counts"]["prediction_rows"], 59);
    assert_eq!(j["counts"]["joined"], 58);
    assert_eq!(j["counts"]["scored"], 55);
    assert_eq!(j["counts"]["skipped"], 1);
    assert_eq!(j["counts"]["error"], 2);
    assert_eq!(
        j["unjoined"]["predictions_without_truth"][0]["path"],
        "stray.dcm"
    );
    assert_eq!(j["unjoined"]["predictions_without_truth"][0]["line"], 60);
    assert_eq!(
        j["unjoined"]["truth_without_predictions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(j["not_scored"].as_array().unwrap().len(), 3);

    // DESIGN.md's shape
    let t = &j["findings"]["tumor"];
    assert_eq!(t["threshold"], 0.5);
    assert_eq!(t["threshold_source"], "given");
    assert_eq!(t["n"], 55);
    for k in [
        "sensitivity",
        "specificity",
        "precision",
        "npv",
        "f1",
        "accuracy",
        "auroc",
        "average_precision",
    ] {
        assert!(t[k]["value"].is_f64(), "{k}");
        let ci = t[k]["ci"].as_array().unwrap_or_else(|| panic!("{k} ci"));
        assert_eq!(ci.len(), 2);
        assert!(ci[0].as_f64().unwrap() <= t[k]["value"].as_f64().unwrap());
    }
    assert!(j["findings"]["fracture"].is_object());
    assert!(
        t["roc"]["thresholds"][0].is_null(),
        "+inf is written as null"
    );

    // the values are the library's functions on the joined, scored rows
    let (labels, scores, flags) = scored_rows(&p, &m, "tumor");
    let c = ev::Confusion::from_decisions(&labels, &flags).unwrap();
    assert_eq!(t["sensitivity"]["value"].as_f64(), c.sensitivity());
    assert_eq!(
        t["auroc"]["value"].as_f64(),
        ev::roc_auc(&labels, &scores).unwrap()
    );
    assert_eq!(
        t["average_precision"]["value"].as_f64(),
        ev::average_precision(&labels, &scores).unwrap()
    );

    // subgroups: age banded, an empty subgroup with nulls, any manifest column
    let sg = &j["subgroups"];
    assert!(sg["age"]["<18"]["tumor"]["n"].as_u64().unwrap() > 0);
    assert!(sg["age"]["40-59"].is_object());
    assert!(sg["age"]["unknown"].is_object());
    let x = &sg["manufacturer"]["X"]["tumor"];
    assert_eq!(x["n"], 0);
    assert!(x["sensitivity"]["value"].is_null());
    assert!(x["sensitivity"]["ci"].is_null());
    assert!(x["auroc"]["value"].is_null());
    assert!(x["sensitivity_below_overall"].is_null());
    assert!(sg["body_part"]["chest"]["fracture"]["sensitivity_below_overall"].is_boolean());
    assert!(
        sg["sex"]["F"]["tumor"].get("roc").is_none(),
        "no curves per subgroup"
    );

    // lesions: img5 is not scored (skipped), so its lesion is left out
    let l = &j["lesions"];
    assert_eq!(l["status"], "evaluated");
    assert_eq!(l["truth_lesions_left_out"], 1);
    let lt = &l["findings"]["tumor"];
    assert_eq!(lt["n_lesions"], 4);
    assert_eq!(lt["true_positives"], 2);
    assert_eq!(lt["duplicates"], 1);
    assert_eq!(lt["false_positives"], 2);
    assert_eq!(lt["n_images"], 55);
    assert_eq!(lt["sensitivity_at_rates"].as_array().unwrap().len(), 7);

    let md = std::fs::read_to_string(out.join("eval.md")).unwrap();
    for needle in [
        "## Findings",
        "### tumor",
        "| Sensitivity (recall) |",
        "## Subgroups",
        "### By age",
        "| 40-59 |",
        "## Lesion level",
        "stray.dcm",
        "taken from",
    ] {
        assert!(md.contains(needle), "eval.md lacks {needle:?}\n{md}");
    }
    assert!(summary.to_string().contains("scored 55 of 58"));
}

/// The joined ok rows of `dataset`, recomputed independently of the library's join.
fn scored_rows(p: &Path, m: &Path, finding: &str) -> (Vec<bool>, Vec<f64>, Vec<bool>) {
    let manifest = std::fs::read_to_string(m).unwrap();
    let mut header = manifest.lines().next().unwrap().split(',');
    let col = header.position(|h| h == finding).unwrap();
    let truth: std::collections::HashMap<String, bool> = manifest
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[col] == "1")
        })
        .collect();
    let (mut y, mut s, mut fl) = (Vec::new(), Vec::new(), Vec::new());
    let (sc, fc) = if finding == "tumor" { (6, 8) } else { (7, 9) };
    for l in std::fs::read_to_string(p).unwrap().lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[2] != "ok" || !truth.contains_key(f[0]) {
            continue;
        }
        y.push(truth[f[0]]);
        s.push(f[sc].parse().unwrap());
        fl.push(f[fc] == "1");
    }
    (y, s, fl)
}

#[test]
fn lesions_without_predicted_lesions_are_skipped_with_a_note() {
    let d = dir("no_pred_lesions");
    let (p, m) = dataset(&d);
    let lesions = d.join("lesions.csv");
    write(
        &lesions,
        "path,frame,finding,row,col,radius_px\nimg0.dcm,0,tumor,10,10,5\n",
    );
    let out = d.join("out");
    let opts = ev::EvalOptions::new().with_resamples(0).with_plots(false);
    let s = ev::evaluate_files(&p, &m, Some(&lesions), &out, &opts).unwrap();
    let l = s.report.lesions.as_ref().unwrap();
    assert_eq!(l.status, "skipped");
    assert!(l.note.as_ref().unwrap().contains("predicted_lesions.csv"));
    assert_eq!(s.written.len(), 2, "no plots when plots are off");
    // without run.json and given thresholds, the threshold is inferred from the flags
    let t = &s.report.findings["tumor"];
    assert_eq!(t.threshold_source, ev::ThresholdSource::Inferred);
    assert_eq!(t.threshold, Some(0.5));
    assert_eq!(t.auroc.method, "none");
}

#[test]
fn split_filter_excludes_rows() {
    let d = dir("split");
    let (p, m) = dataset(&d);
    let text = std::fs::read_to_string(&m).unwrap().replace(
        "img1.dcm,0,MR,0,1,M,045Y,Acme,test",
        "img1.dcm,0,MR,0,1,M,045Y,Acme,train",
    );
    write(&m, &text);
    let opts = ev::EvalOptions::new()
        .with_resamples(0)
        .with_plots(false)
        .with_split("test");
    let s = ev::evaluate_files(&p, &m, None, &d.join("out"), &opts).unwrap();
    assert_eq!(s.report.counts.excluded_by_split, 1);
    assert_eq!(s.report.counts.scored, 54);
    assert_eq!(s.report.counts.predictions_without_truth, 1);
}

/// Runs evaluate_files on a broken input and returns the error; checks nothing was written.
fn fails(name: &str, findings: Option<&str>, manifest: Option<&str>) -> ev::Error {
    let d = dir(name);
    let (p, m) = dataset(&d);
    if let Some(f) = findings {
        write(&p, f);
    }
    if let Some(mt) = manifest {
        write(&m, mt);
    }
    let out = d.join("out");
    let err = ev::evaluate_files(
        &p,
        &m,
        None,
        &out,
        &ev::EvalOptions::new().with_resamples(0),
    )
    .unwrap_err();
    assert!(!out.exists(), "{name}: output written from a bad input");
    err
}

const F_HEAD: &str = "path,frame,status,error_kind,error,modality,score_tumor,score_fracture,flag_tumor,flag_fracture,heatmap\n";
const M_HEAD: &str = "path,frame,modality,tumor,fracture,sex,age,manufacturer,split\n";

#[test]
fn missing_column_names_file_and_column() {
    let e = fails(
        "missing_col",
        Some("path,frame,status,score_tumor,flag_tumor,flag_fracture\na,0,ok,0.5,1,0\n"),
        None,
    );
    let msg = e.to_string();
    assert!(
        matches!(&e, ev::Error::MissingColumn { column, .. } if column == "score_fracture"),
        "{msg}"
    );
    assert!(
        msg.contains("findings.csv:1") && msg.contains("score_fracture"),
        "{msg}"
    );
    let e = fails(
        "missing_manifest_col",
        None,
        Some("path,frame,tumor,fracture,age\na,0,1,0,3\n"),
    );
    assert!(
        matches!(&e, ev::Error::MissingColumn { column, .. } if column == "modality"),
        "{e}"
    );
}

#[test]
fn non_numeric_score_names_line_and_column() {
    let f = format!("{F_HEAD}a,0,ok,,,CT,0.4,0.1,0,0,\nb,0,ok,,,CT,high,0.1,0,0,\n");
    let e = fails("non_numeric", Some(&f), None);
    match &e {
        ev::Error::InvalidValue {
            path,
            line,
            column,
            column_index,
            value,
            ..
        } => {
            assert!(path.ends_with("findings.csv"));
            assert_eq!(
                (*line, column.as_str(), *column_index, value.as_str()),
                (3, "score_tumor", 7, "high")
            );
        }
        other => panic!("{other}"),
    }
    assert!(
        e.to_string()
            .contains("findings.csv:3: column 7 `score_tumor`"),
        "{e}"
    );
    let f = format!("{F_HEAD}a,0,ok,,,CT,1.5,0.1,0,0,\n");
    assert!(matches!(
        fails("out_of_range", Some(&f), None),
        ev::Error::InvalidValue { line: 2, .. }
    ));
    let f = format!("{F_HEAD}a,0,ok,,,CT,0.4,0.1,yes,0,\n");
    assert!(matches!(
        fails("bad_flag", Some(&f), None),
        ev::Error::InvalidValue {
            column_index: 9,
            ..
        }
    ));
    let f = format!("{F_HEAD}a,0,done,,,CT,0.4,0.1,0,0,\n");
    assert!(matches!(
        fails("bad_status", Some(&f), None),
        ev::Error::InvalidValue {
            column_index: 3,
            ..
        }
    ));
    let f = format!("{F_HEAD}a,first,ok,,,CT,0.4,0.1,0,0,\n");
    assert!(matches!(
        fails("bad_frame", Some(&f), None),
        ev::Error::InvalidValue {
            column_index: 2,
            ..
        }
    ));
}

#[test]
fn duplicate_rows_name_both_lines() {
    let f = format!(
        "{F_HEAD}a,0,ok,,,CT,0.4,0.1,0,0,\nb,0,ok,,,CT,0.4,0.1,0,0,\na,0,error,,,CT,,,,,\n"
    );
    match fails("dup", Some(&f), None) {
        ev::Error::DuplicateRow {
            line,
            first_line,
            key_path,
            frame,
            ..
        } => {
            assert_eq!((line, first_line, key_path.as_str(), frame), (4, 2, "a", 0));
        }
        other => panic!("{other}"),
    }
    let m = format!("{M_HEAD}a,1,CT,0,0,F,3,A,test\na,1,CT,0,0,F,3,A,test\n");
    assert!(matches!(
        fails("dup_manifest", None, Some(&m)),
        ev::Error::DuplicateRow {
            line: 3,
            first_line: 2,
            ..
        }
    ));
}

#[test]
fn labels_must_be_zero_or_one() {
    let m = format!("{M_HEAD}a,0,CT,0,0,F,3,A,test\nb,0,CT,2,0,F,3,A,test\n");
    let e = fails("label", None, Some(&m));
    assert!(
        matches!(
            &e,
            ev::Error::InvalidValue {
                line: 3,
                column_index: 4,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("manifest.csv:3: column 4 `tumor`: expected a label 0 or 1"),
        "{e}"
    );
    let m = format!("{M_HEAD}a,0,CT,0,yes,F,3,A,test\n");
    assert!(matches!(
        fails("label2", None, Some(&m)),
        ev::Error::InvalidValue {
            column_index: 5,
            ..
        }
    ));
    let m = format!("{M_HEAD}a,0,CT,0,0,F,old,A,test\n");
    assert!(matches!(
        fails("age", None, Some(&m)),
        ev::Error::InvalidValue {
            column_index: 7,
            ..
        }
    ));
}

#[test]
fn ragged_rows_and_missing_files_are_errors() {
    let f = format!("{F_HEAD}a,0,ok,,,CT,0.4,0.1,0,0,\nb,0,ok\n");
    match fails("ragged", Some(&f), None) {
        ev::Error::Csv { line, .. } => assert_eq!(line, 3),
        other => panic!("{other}"),
    }
    let d = dir("missing_file");
    let e = ev::evaluate_files(
        &d.join("nope.csv"),
        &d.join("m.csv"),
        None,
        &d.join("out"),
        &ev::EvalOptions::new(),
    )
    .unwrap_err();
    assert!(matches!(e, ev::Error::Io { .. }), "{e}");
}

#[test]
fn invalid_options_are_rejected_up_front() {
    let d = dir("options");
    let (p, m) = dataset(&d);
    for opts in [
        ev::EvalOptions::new().with_findings(Vec::<String>::new()),
        ev::EvalOptions::new().with_threshold("tumor", 1.5),
        ev::EvalOptions::new().with_threshold("lungs", 0.5),
        ev::EvalOptions::new().with_confidence(1.0),
        ev::EvalOptions::new().with_binary(ev::BinaryOptions::new().with_calibration_bins(0)),
        ev::EvalOptions::new().with_lesion(
            ev::LesionOptions::new().with_criterion(ev::MatchCriterion::Iou { min_iou: 0.0 }),
        ),
    ] {
        let e = ev::evaluate_files(&p, &m, None, &d.join("out"), &opts).unwrap_err();
        assert!(matches!(e, ev::Error::InvalidOption { .. }), "{e}");
    }
    let e = ev::evaluate_files(
        &p,
        &m,
        None,
        &d.join("out"),
        &ev::EvalOptions::new().with_subgroup_columns(["scanner"]),
    )
    .unwrap_err();
    assert!(
        matches!(&e, ev::Error::MissingColumn { column, .. } if column == "scanner"),
        "{e}"
    );
}

#[test]
fn nothing_scored_gives_nulls_not_panics() {
    let d = dir("nothing_scored");
    let p = d.join("findings.csv");
    let m = d.join("manifest.csv");
    write(
        &p,
        &format!("{F_HEAD}a,0,error,decode,boom,CT,,,,,\nb,0,skipped,,,CT,,,,,\n"),
    );
    write(
        &m,
        &format!("{M_HEAD}a,0,CT,1,0,F,40,A,test\nb,0,CT,0,1,M,,B,test\n"),
    );
    let out = d.join("out");
    let s = ev::evaluate_files(
        &p,
        &m,
        None,
        &out,
        &ev::EvalOptions::new().with_resamples(20),
    )
    .unwrap();
    assert_eq!(s.report.counts.scored, 0);
    let j = read_json(&out.join("eval.json"));
    let t = &j["findings"]["tumor"];
    assert_eq!(t["n"], 0);
    assert!(t["threshold"].is_null());
    assert_eq!(t["threshold_source"], "unknown");
    for k in [
        "sensitivity",
        "specificity",
        "precision",
        "npv",
        "f1",
        "accuracy",
        "auroc",
        "average_precision",
    ] {
        assert!(t[k]["value"].is_null() && t[k]["ci"].is_null(), "{k}");
    }
    assert!(j["subgroups"]["sex"]["F"]["tumor"]["sensitivity"]["value"].is_null());
    assert!(out.join("roc.png").is_file());
}
