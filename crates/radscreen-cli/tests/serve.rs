//! `radscreen serve` end to end: a study pushed to the node is screened once it is quiet and
//! its SR and SEG arrive at --send-to; a node killed with received studies still waiting,
//! restarted on the same spool, screens each received instance exactly once, and a second copy
//! of a screened instance is acknowledged but not screened again.

mod serve_support;

use std::path::PathBuf;

use radscreen::node::send_files;
use serve_support::{Receiver, free_port, sample_data, serve, wait_for, wait_listening};

fn files_of(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(sample_data().join(dir))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn count_files(dir: &std::path::Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                n += 1;
            }
        }
    }
    n
}

fn batches(spool: &std::path::Path, state: &str) -> Vec<PathBuf> {
    std::fs::read_dir(spool.join(state))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect()
}

#[test]
fn a_killed_node_restarted_on_its_spool_screens_each_instance_once() {
    let recv = Receiver::start();
    let tmp = tempfile::tempdir().unwrap();
    let spool = tmp.path().join("spool");
    let log = tmp.path().join("serve.log");
    let port = free_port();
    let p = port.to_string();
    let sp = spool.to_str().unwrap();
    let mut files = files_of("p0001/s0001_ct");
    files.extend(files_of("p0000/s0000_dx"));
    let node = format!("RADSCREEN@127.0.0.1:{port}");

    // First run: quiet for ten minutes, so the studies wait in the spool when it is killed.
    let args = |quiet: &'static str| {
        vec![
            "--port".to_string(),
            p.clone(),
            "--spool".into(),
            sp.to_string(),
            "--send-to".into(),
            recv.address.clone(),
            "--allow".into(),
            "PUSHER".into(),
            "--quiet-seconds".into(),
            quiet.into(),
        ]
    };
    let a1 = args("600");
    let mut child = serve(&a1.iter().map(String::as_str).collect::<Vec<_>>(), &log);
    wait_listening(port, 120, &mut child, &log);
    send_files(&node, "PUSHER", &files).unwrap();
    assert_eq!(
        count_files(&spool.join("incoming")),
        files.len(),
        "acknowledged = spooled"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    // Second run on the same spool, quick to screen.
    let log2 = tmp.path().join("serve2.log");
    let a2 = args("0.5");
    let mut child = serve(&a2.iter().map(String::as_str).collect::<Vec<_>>(), &log2);
    wait_listening(port, 120, &mut child, &log2);
    let sent = wait_for(300, || {
        count_files(&spool.join("incoming")) == 0
            && batches(&spool, "work").is_empty()
            && !batches(&spool, "done").is_empty()
            && batches(&spool, "done")
                .iter()
                .all(|b| b.join("sent").exists())
    });
    let text = std::fs::read_to_string(&log2).unwrap_or_default();
    assert!(sent, "results not sent:\n{text}");
    // a second copy of a screened instance: acknowledged, not screened again
    let done_before = batches(&spool, "done").len();
    send_files(&node, "PUSHER", &files[..1]).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(batches(&spool, "done").len(), done_before);
    assert_eq!(count_files(&spool.join("incoming")), 0);
    child.kill().unwrap();
    child.wait().unwrap();

    // Each instance screened once: one findings.csv row per file over all batches.
    let mut rows = Vec::new();
    for b in batches(&spool, "done") {
        let text = std::fs::read_to_string(b.join("report/findings.csv")).unwrap();
        rows.extend(
            text.lines()
                .skip(1)
                .map(|l| l.split(',').next().unwrap().to_string()),
        );
    }
    rows.sort();
    let mut unique = rows.clone();
    unique.dedup();
    assert_eq!(rows.len(), files.len(), "{rows:?}");
    assert_eq!(
        unique.len(),
        rows.len(),
        "an instance screened twice: {rows:?}"
    );
    // Two studies: an SR each, and SEGs, at the receiver.
    let got = recv.received();
    let srs = got
        .iter()
        .filter(|c| c.as_str() == "1.2.840.10008.5.1.4.1.1.88.34")
        .count();
    let segs = got
        .iter()
        .filter(|c| c.as_str() == "1.2.840.10008.5.1.4.1.1.66.4")
        .count();
    assert_eq!(srs, 2, "{got:?}\n{text}");
    assert!(segs >= 2, "{got:?}");
    // the log names no patient
    let all = format!(
        "{}{text}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    for f in &files {
        let h = radscreen::dicom::read_header(f).unwrap();
        for name in ["PatientName", "PatientID"] {
            let v = h
                .element_by_name(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            assert!(!all.contains(v.trim()), "log carries {name}");
        }
    }
}
