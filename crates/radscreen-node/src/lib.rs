//! radscreen as a DICOM node (`radscreen serve`): a Storage SCP on dicom-rs's upper layer that
//! writes what a PACS or router sends into a spool before acknowledging it, has each study
//! screened once it has been quiet for a while (through [`Screen`], which the CLI implements
//! with the screening pipeline), and sends the study's SR and SEG back with C-STORE.
//!
//! Deployment, limits and the spool's layout: docs/dicom-output.md.

mod error;
pub mod scp;
pub mod scu;
pub mod spool;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

pub use error::{Error, Result};
pub use scp::{AssociationLog, IMAGE_SOP_CLASSES, ScpConfig, Sink, serve_connection};
pub use scu::{echo, send_files};
pub use spool::Spool;

/// How the node runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NodeOptions {
    /// Where to listen (default 127.0.0.1:11112: loopback unless told otherwise).
    pub listen: SocketAddr,
    /// What the SCP accepts (AE title, allow-list, PDU and object limits).
    pub scp: ScpConfig,
    /// Where results go, `AE@host:port`; `None` keeps them in the spool only.
    pub send_to: Option<String>,
    /// The spool folder.
    pub spool: PathBuf,
    /// A study is screened once nothing arrived for it for this long, and nothing for any
    /// study either (so that a push is screened as one batch after it ends)...
    pub quiet: Duration,
    /// ...or, while other studies keep arriving, once it has been quiet this long.
    pub hold: Duration,
    /// Most associations served at once (more wait for a free one).
    pub max_associations: usize,
}

impl NodeOptions {
    /// Defaults: 127.0.0.1:11112, AE RADSCREEN, spool `radscreen-spool`, quiet 5 s, hold 60 s.
    pub fn new() -> Self {
        NodeOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 11112)),
            scp: ScpConfig::default(),
            send_to: None,
            spool: PathBuf::from("radscreen-spool"),
            quiet: Duration::from_secs(5),
            hold: Duration::from_secs(60),
            max_associations: 16,
        }
    }
}

impl Default for NodeOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// One line of the node's log (no PHI: counts, AE titles, batch names, errors).
pub type Logger = dyn Fn(&str) + Sync;

/// What screening a batch produced.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Screened {
    /// The result objects to send (SR and SEG files).
    pub results: Vec<PathBuf>,
    /// One line for the log (counts; no PHI).
    pub summary: String,
    /// Problems that did not stop the batch (a study whose results could not be written).
    pub warnings: Vec<String>,
}

/// Screens a folder of received images into a report folder: the node calls it for every
/// batch (radscreen's CLI passes the screening pipeline with DICOM results on). The node knows
/// nothing of models, so it builds and tests without burn.
pub trait Screen: Sync {
    /// Screens every file under `images` into the fresh folder `report`.
    ///
    /// # Errors
    /// A failure of the whole batch, in words (it is retried when the node restarts).
    fn screen(
        &self,
        images: &std::path::Path,
        report: &std::path::Path,
    ) -> std::result::Result<Screened, String>;
}

/// Runs the node until `stop` is set: listens, spools, screens quiet studies and sends their
/// results. Batches left unfinished by an earlier run on the same spool are screened first.
///
/// # Errors
/// The listener cannot bind or the spool cannot be opened; errors screening or sending one
/// batch are logged and retried, never fatal.
pub fn run(
    options: &NodeOptions,
    screener: &dyn Screen,
    stop: &AtomicBool,
    log: &Logger,
) -> Result<()> {
    let spool = Spool::open(&options.spool)?;
    let listener =
        TcpListener::bind(options.listen).map_err(|e| Error::io(options.listen.to_string(), e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io(options.listen.to_string(), e))?;
    log(&format!(
        "listening on {} as {}; spool {}",
        listener
            .local_addr()
            .map_or_else(|_| options.listen.to_string(), |a| a.to_string()),
        options.scp.ae_title,
        options.spool.display()
    ));
    // scoped threads borrow the spool and the counter: no reference counting needed
    let active = AtomicUsize::new(0);
    std::thread::scope(|s| -> Result<()> {
        s.spawn(|| accept_loop(&listener, options, &spool, &active, stop, log));
        for batch in spool.unfinished() {
            log(&format!("resuming batch {}", name(&batch)));
            process(&spool, &batch, options, screener, log);
        }
        while !stop.load(Ordering::Relaxed) {
            for done in spool.unsent() {
                send(&spool, &done, options, log);
            }
            match spool.take_quiet(options.quiet, options.hold) {
                Ok(Some(batch)) => process(&spool, &batch, options, screener, log),
                Ok(None) => std::thread::sleep(Duration::from_millis(200)),
                Err(e) => {
                    log(&format!("error: {e}"));
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
        }
        Ok(())
    })
}

fn name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn accept_loop(
    listener: &TcpListener,
    options: &NodeOptions,
    spool: &Spool,
    active: &AtomicUsize,
    stop: &AtomicBool,
    log: &Logger,
) {
    std::thread::scope(|s| {
        while !stop.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((stream, peer)) => {
                    while active.load(Ordering::Acquire) >= options.max_associations.max(1) {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    let _ = stream.set_nonblocking(false);
                    active.fetch_add(1, Ordering::AcqRel);
                    s.spawn(move || {
                        let l = serve_connection(stream, &options.scp, spool);
                        active.fetch_sub(1, Ordering::AcqRel);
                        let refused = if l.refused.is_empty() {
                            String::new()
                        } else {
                            format!(", refused {}: {}", l.refused.len(), l.refused.join("; "))
                        };
                        log(&format!(
                            "association from {} ({}): stored {}{refused}; {}",
                            if l.peer.is_empty() { "?" } else { &l.peer },
                            peer.ip(),
                            l.stored,
                            l.end
                        ));
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => {
                    log(&format!("accept: {e}"));
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
    });
}

/// Screens a batch (from scratch), finishes it and sends its results.
fn process(
    spool: &Spool,
    batch: &std::path::Path,
    options: &NodeOptions,
    screener: &dyn Screen,
    log: &Logger,
) {
    let report = batch.join("report");
    let _ = std::fs::remove_dir_all(&report);
    let started = std::time::Instant::now();
    match screener.screen(&batch.join("images"), &report) {
        Ok(done) => {
            for w in &done.warnings {
                log(&format!("batch {}: {w}", name(batch)));
            }
            log(&format!(
                "batch {}: {} in {:.1} s; {} result objects",
                name(batch),
                done.summary,
                started.elapsed().as_secs_f64(),
                done.results.len()
            ));
            let listed = report.join(RESULTS_LIST);
            let text: String = done
                .results
                .iter()
                .map(|p| format!("{}\n", p.strip_prefix(&report).unwrap_or(p).display()))
                .collect();
            if let Err(e) = std::fs::write(&listed, text) {
                log(&format!("batch {}: {}: {e}", name(batch), listed.display()));
                return;
            }
            match spool.finish(batch) {
                Ok(done) => send(spool, &done, options, log),
                Err(e) => log(&format!("batch {}: {e}", name(batch))),
            }
        }
        Err(e) => log(&format!(
            "batch {}: screening failed: {e} (retried on restart)",
            name(batch)
        )),
    }
}

/// The list of result objects a batch's report holds, one path (relative to the report) a line.
const RESULTS_LIST: &str = "results.txt";

/// Sends a finished batch's results to `--send-to` and marks it sent.
fn send(spool: &Spool, done: &std::path::Path, options: &NodeOptions, log: &Logger) {
    let Some(to) = &options.send_to else {
        let _ = spool.mark_sent(done);
        return;
    };
    let report = done.join("report");
    let files: Vec<PathBuf> = std::fs::read_to_string(report.join(RESULTS_LIST))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| report.join(l))
        .collect();
    match send_files(to, &options.scp.ae_title, &files) {
        Ok(()) => {
            log(&format!(
                "batch {}: sent {} result objects to {to}",
                name(done),
                files.len()
            ));
            if let Err(e) = spool.mark_sent(done) {
                log(&format!("batch {}: {e}", name(done)));
            }
        }
        Err(e) => {
            log(&format!(
                "batch {}: sending to {to} failed: {e} (retrying)",
                name(done)
            ));
            std::thread::sleep(Duration::from_secs(2));
        }
    }
}
