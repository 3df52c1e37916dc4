//! Unit tests of the screening pieces that need no model.

use crate::pipeline::peaks;
use crate::rows::{Row, Status, complete_files};
use crate::{in_shard, parse_shard, pseudonym};

#[test]
fn shards_partition_the_files() {
    let files: Vec<String> = (0..500)
        .map(|i| format!("p{i}/s{}/i{}.dcm", i % 7, i % 3))
        .collect();
    for n in [1u32, 2, 3, 7] {
        let mut seen = 0;
        for f in &files {
            let owners = (0..n).filter(|&i| in_shard(f, i, n)).count();
            assert_eq!(owners, 1, "{f} in {owners} of {n} shards");
            seen += 1;
        }
        assert_eq!(seen, files.len());
    }
    assert_eq!(parse_shard("2/5").unwrap(), (2, 5));
    for bad in ["5/5", "x/2", "1", "-1/2", "0/0", ""] {
        assert!(parse_shard(bad).is_err(), "{bad}");
    }
}

#[test]
fn pseudonyms_are_keyed_and_stable() {
    let k1 = crate::PseudonymKey::from_secret("k1").unwrap();
    let k2 = crate::PseudonymKey::from_secret("k2").unwrap();
    let a = pseudonym(&k1, Some("1.2.3"));
    assert_eq!(a, pseudonym(&k1, Some("1.2.3")));
    assert_ne!(a, pseudonym(&k2, Some("1.2.3")));
    assert_ne!(a, pseudonym(&k1, Some("1.2.4")));
    assert!(!a.contains("1.2.3"));
    assert_eq!(pseudonym(&k1, None), "");
    assert_eq!(pseudonym(&k1, Some("")), "");
}

#[test]
fn peaks_are_local_maxima_above_the_floor() {
    let mut m = ndarray::Array2::<f32>::zeros((8, 8));
    m[[2, 2]] = 0.9;
    m[[2, 3]] = 0.5; // a shoulder, not a peak
    m[[6, 6]] = 0.3;
    m[[0, 7]] = 0.01; // below the floor
    m[[5, 0]] = 0.4;
    m[[5, 1]] = 0.4; // a tie: one peak, not two
    let p = peaks(m.view(), 0.05);
    assert_eq!(
        p.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(),
        vec![(2, 2), (5, 0), (6, 6)]
    );
}

fn row(path: &str, frame: u32, frames: u32, status: Status) -> Row {
    let mut r = Row::file(path, status, "", "", 2);
    r.frame = frame;
    r.frames = frames;
    r
}

#[test]
fn resume_keeps_only_complete_files() {
    let rows = vec![
        row("a", 0, 1, Status::Ok),
        row("b", 0, 3, Status::Ok),
        row("b", 1, 3, Status::Ok), // frame 2 missing: redo b
        row("c", 0, 0, Status::Skipped),
        row("d", 0, 2, Status::Ok),
        row("d", 1, 2, Status::Error), // a frame that failed still completes the file
        row("e", 0, 0, Status::Error),
    ];
    let (kept, done) = complete_files(rows);
    let mut done: Vec<_> = done.into_iter().collect();
    done.sort();
    assert_eq!(done, vec!["a", "c", "d", "e"]);
    assert_eq!(kept.len(), 5);
}

#[test]
fn lesion_lines_give_back_their_path() {
    use crate::PredictedLesion;
    use crate::report::{complete_lines_of, lesion_line};
    let paths = [
        "a/b.dcm",
        "with,comma.dcm",
        "quote\"d, and,more.dcm",
        "\"lead.dcm",
        "",
    ];
    let mut text = String::from("path,frame,finding,row,col,score,radius_px\n");
    let mut lines = Vec::new();
    for path in paths {
        let line = lesion_line(&PredictedLesion {
            path: path.to_string(),
            frame: 3,
            finding: "tumor".into(),
            row: 1.0,
            col: 2.0,
            score: 0.5,
            radius_px: 4.0,
        });
        text.push_str(&line);
        text.push('\n');
        lines.push(line);
    }
    for (path, line) in paths.iter().zip(&lines) {
        let done = std::collections::HashSet::from([path.to_string()]);
        assert_eq!(
            complete_lines_of(&text, &done),
            vec![line.clone()],
            "{line}"
        );
    }
    // a torn last line (no newline: the process was killed mid-write) is dropped
    let all: std::collections::HashSet<String> = paths.iter().map(|p| p.to_string()).collect();
    let torn = format!("{text}\"torn,line");
    assert_eq!(complete_lines_of(&torn, &all), lines);
}

#[test]
fn finishing_sweeps_heatmaps_no_row_refers_to() {
    let dir = std::env::temp_dir().join(format!("radscreen-sweep-{}", std::process::id()));
    let h = dir.join("heatmaps");
    std::fs::create_dir_all(&h).unwrap();
    for f in [
        "a_0_tumor.png",
        "a_0_fracture.png",
        "old_0_tumor.png",
        "notes.txt",
    ] {
        std::fs::write(h.join(f), b"x").unwrap();
    }
    let mut row = Row::file("a.dcm", Status::Ok, "", "", 2);
    row.heatmap = "heatmaps/a_0_tumor.png;heatmaps/a_0_fracture.png".into();
    crate::report::sweep_heatmaps(&dir, &[row]);
    let mut left: Vec<String> = std::fs::read_dir(&h)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // the stale PNG goes; referenced ones and anything not a PNG stay
    assert_eq!(left, ["a_0_fracture.png", "a_0_tumor.png", "notes.txt"]);
    let _ = std::fs::remove_dir_all(&dir);
}
