//! Shared by the node tests: the binary, free ports, a receiving SCP and waiting.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use radscreen::node::{ScpConfig, Spool, serve_connection};

pub fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data")
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on `port` (or panics after `secs`).
pub fn wait_listening(port: u16, secs: u64, child: &mut Child, log: &Path) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "radscreen serve exited ({status}):\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "nothing listens on {port} after {secs} s:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Polls `f` every 200 ms until it holds or `secs` pass.
pub fn wait_for(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    f()
}

/// `radscreen serve` with its log in `log`, a key folder of its own and the CPU device.
pub fn serve(args: &[&str], log: &Path) -> Child {
    let config =
        std::env::temp_dir().join(format!("radscreen-serve-{}-config", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_radscreen"))
        .arg("serve")
        .args(args)
        .args(["--device", "cpu"])
        .env("XDG_CONFIG_HOME", config)
        .env_remove("RADSCREEN_KEY")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("start radscreen serve")
}

/// An SCP standing in for a PACS: stores whatever it is sent (any SOP class) into a spool.
pub struct Receiver {
    pub address: String,
    pub spool: PathBuf,
    _dir: tempfile::TempDir,
}

/// A spool sink that accepts any SOP class (the node's SCP accepts image classes only).
struct AnyClass(Spool);

impl radscreen::node::Sink for AnyClass {
    fn store(&self, c: &str, i: &str, ts: &str, d: &[u8]) -> Result<(), (u16, String)> {
        self.0.store(c, i, ts, d)
    }
}

impl Receiver {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let spool = Arc::new(AnyClass(Spool::open(dir.path()).unwrap()));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut config = ScpConfig::default();
        config.ae_title = "RECV".into();
        config.accept_any_storage = true;
        std::thread::spawn(move || {
            for s in listener.incoming().flatten() {
                serve_connection(s, &config, spool.as_ref());
            }
        });
        Receiver {
            address: format!("RECV@127.0.0.1:{port}"),
            spool: dir.path().to_path_buf(),
            _dir: dir,
        }
    }

    /// The SOP Class UIDs of what it received.
    pub fn received(&self) -> Vec<String> {
        let mut out = Vec::new();
        for study in std::fs::read_dir(self.spool.join("incoming"))
            .into_iter()
            .flatten()
            .flatten()
        {
            for f in std::fs::read_dir(study.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if let Ok(o) = radscreen::dicom::read_header(f.path()) {
                    out.push(
                        o.meta()
                            .media_storage_sop_class_uid()
                            .trim_end_matches('\0')
                            .to_string(),
                    );
                }
            }
        }
        out
    }
}
