//! Against a real PACS: Orthanc (Debian's package; `.ci/run` installs it) on loopback with a
//! generated configuration. sample-data is uploaded to Orthanc, Orthanc sends every study to
//! `radscreen serve` (REST `/modalities/radscreen/store`), and each study must come back into
//! Orthanc with its SR and SEG, filed under the same study and referencing its instances.
//!
//! Without Orthanc installed the test says so and passes, unless RADSCREEN_REQUIRE_DICOM_TOOLS=1
//! (set by `.ci/run`).

mod serve_support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serve_support::{free_port, sample_data, serve, wait_for, wait_listening};

/// One HTTP/1.1 request to Orthanc on loopback; returns (status, body).
fn http(port: u16, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to Orthanc");
    s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP response");
    let head = String::from_utf8_lossy(&resp[..split]).to_string();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = resp[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[(eol + 2 + n + 2).min(b.len())..];
    }
    out
}

fn json(port: u16, path: &str) -> serde_json::Value {
    let (status, body) = http(port, "GET", path, b"");
    assert_eq!(
        status,
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).unwrap()
}

struct Orthanc(Child);

impl Drop for Orthanc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_orthanc(dir: &Path, http_port: u16, dicom_port: u16, node_port: u16) -> Orthanc {
    let config = serde_json::json!({
        "Name": "radscreen-test",
        "StorageDirectory": dir.join("db"),
        "IndexDirectory": dir.join("db"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomAet": "ORTHANC",
        "RemoteAccessAllowed": false,
        "AuthenticationEnabled": false,
        "HttpServerEnabled": true,
        "DicomServerEnabled": true,
        "Plugins": [],
        "DicomModalities": { "radscreen": ["RADSCREEN", "127.0.0.1", node_port] },
        "DicomAlwaysAllowStore": true,
        "DicomCheckCalledAet": false,
        "StableAge": 1
    });
    let cfg = dir.join("orthanc.json");
    std::fs::write(&cfg, config.to_string()).unwrap();
    let child = Command::new("Orthanc")
        .arg(&cfg)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("orthanc.log")).unwrap())
        .spawn()
        .expect("start Orthanc");
    Orthanc(child)
}

fn orthanc_installed() -> bool {
    Command::new("Orthanc")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[test]
fn orthanc_sends_every_study_and_gets_its_sr_and_seg_back() {
    if !orthanc_installed() {
        assert!(
            std::env::var_os("RADSCREEN_REQUIRE_DICOM_TOOLS").is_none_or(|v| v != "1"),
            "Orthanc is required (apt: orthanc) but not installed"
        );
        eprintln!("Orthanc not installed: skipping the PACS test");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (http_port, dicom_port, node_port) = (free_port(), free_port(), free_port());
    let mut orthanc = start_orthanc(tmp.path(), http_port, dicom_port, node_port);
    wait_listening(
        http_port,
        60,
        &mut orthanc.0,
        &tmp.path().join("orthanc.log"),
    );

    // Upload sample-data's screenable files (broken/ holds files made to fail).
    let mut uploaded = 0;
    for entry in walk(&sample_data())
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "broken"))
    {
        let bytes = std::fs::read(&entry).unwrap();
        let (status, _) = http(http_port, "POST", "/instances", &bytes);
        uploaded += usize::from(status == 200);
    }
    assert!(uploaded > 80, "{uploaded} instances uploaded");
    let studies: Vec<String> = serde_json::from_value(json(http_port, "/studies")).unwrap();
    let images_before: BTreeMap<String, BTreeSet<String>> = studies
        .iter()
        .map(|s| (s.clone(), sop_uids(http_port, s)))
        .collect();

    let log = tmp.path().join("serve.log");
    let spool = tmp.path().join("spool");
    let np = node_port.to_string();
    let send_to = format!("ORTHANC@127.0.0.1:{dicom_port}");
    let mut node = serve(
        &[
            "--port",
            &np,
            "--spool",
            spool.to_str().unwrap(),
            "--send-to",
            &send_to,
            "--allow",
            "ORTHANC",
            "--quiet-seconds",
            "1",
        ],
        &log,
    );
    wait_listening(node_port, 120, &mut node, &log);
    for s in &studies {
        let body = serde_json::json!({ "Resources": [s], "Synchronous": true }).to_string();
        let (status, text) = http(
            http_port,
            "POST",
            "/modalities/radscreen/store",
            body.as_bytes(),
        );
        assert_eq!(status, 200, "store {s}: {}", String::from_utf8_lossy(&text));
    }
    let back = wait_for(300, || {
        studies.iter().all(|s| {
            let m = modalities(http_port, s);
            m.contains("SR") && m.contains("SEG")
        })
    });
    let _ = node.kill();
    let _ = node.wait();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(back, "not every study got its SR and SEG back:\n{text}");
    assert_eq!(
        serde_json::from_value::<Vec<String>>(json(http_port, "/studies"))
            .unwrap()
            .len(),
        studies.len(),
        "results filed under the studies they belong to, not new ones"
    );
    for s in &studies {
        for sr in instances_of(http_port, s, "SR") {
            let tags = json(http_port, &format!("/instances/{sr}/tags?simplify"));
            let mut refs = BTreeSet::new();
            for st in tags["CurrentRequestedProcedureEvidenceSequence"]
                .as_array()
                .unwrap()
            {
                for se in st["ReferencedSeriesSequence"].as_array().unwrap() {
                    for r in se["ReferencedSOPSequence"].as_array().unwrap() {
                        refs.insert(r["ReferencedSOPInstanceUID"].as_str().unwrap().to_string());
                    }
                }
            }
            assert!(!refs.is_empty());
            assert!(
                refs.is_subset(&images_before[s]),
                "the SR of study {s} references instances outside it"
            );
        }
        for seg in instances_of(http_port, s, "SEG") {
            let tags = json(http_port, &format!("/instances/{seg}/tags?simplify"));
            for se in tags["ReferencedSeriesSequence"].as_array().unwrap() {
                for r in se["ReferencedInstanceSequence"].as_array().unwrap() {
                    let uid = r["ReferencedSOPInstanceUID"].as_str().unwrap();
                    assert!(
                        images_before[s].contains(uid),
                        "SEG of {s} references {uid}"
                    );
                }
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "dcm") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn sop_uids(port: u16, study: &str) -> BTreeSet<String> {
    let instances = json(port, &format!("/studies/{study}/instances"));
    instances
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["MainDicomTags"]["SOPInstanceUID"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn modalities(port: u16, study: &str) -> BTreeSet<String> {
    json(port, &format!("/studies/{study}/series"))
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["MainDicomTags"]["Modality"].as_str().map(String::from))
        .collect()
}

fn instances_of(port: u16, study: &str, modality: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in json(port, &format!("/studies/{study}/series"))
        .as_array()
        .unwrap()
    {
        if s["MainDicomTags"]["Modality"].as_str() == Some(modality) {
            for i in s["Instances"].as_array().unwrap() {
                out.push(i.as_str().unwrap().to_string());
            }
        }
    }
    out
}
