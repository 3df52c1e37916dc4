//! `radscreen serve`: the DICOM node, a thin wrapper over `radscreen::node`.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args as ClapArgs;
use radscreen::node::{NodeOptions, ScpConfig, Screen, Screened};
use radscreen::screen::{ModelSource, ReportOptions, ScreenOptions, Screener, screen_to_report};

use crate::device_args::DeviceArgs;
use crate::{CmdResult, usage};

#[derive(ClapArgs)]
pub struct Args {
    /// This node's AE title: associations calling another title are refused.
    #[arg(long, default_value = "RADSCREEN")]
    ae: String,
    /// TCP port to listen on.
    #[arg(long, default_value_t = 11112)]
    port: u16,
    /// Address to listen on (default loopback only; 0.0.0.0 for every interface).
    #[arg(long, default_value = "127.0.0.1")]
    listen: IpAddr,
    /// Where to send each study's SR and SEG (C-STORE), as AE@host:port. Without it results
    /// stay in the spool (SPOOL/done/*/report/dicom/).
    #[arg(long, value_name = "AE@HOST:PORT")]
    send_to: Option<String>,
    /// Calling AE titles allowed to send (comma-separated); default: any.
    #[arg(long, value_delimiter = ',', value_name = "AE,...")]
    allow: Vec<String>,
    /// Spool folder: what was received, screened and sent (kept across restarts).
    #[arg(long, default_value = "radscreen-spool")]
    spool: PathBuf,
    /// Screen a study once nothing has arrived for it, nor for any other study, for this many
    /// seconds (a push is screened as one batch after it ends).
    #[arg(long, default_value_t = 5.0)]
    quiet_seconds: f64,
    /// While other studies keep arriving, screen a quiet study at the latest once it has been
    /// quiet this many seconds.
    #[arg(long, default_value_t = 60.0)]
    hold_seconds: f64,
    /// Largest object accepted, in MiB (larger ones are refused with status 0xA700).
    #[arg(long, default_value_t = 1024)]
    max_object_mib: u64,
    /// Largest PDU accepted, in bytes (at least 1018).
    #[arg(long, default_value_t = 65_536)]
    max_pdu: u32,
    /// Model folder from `radscreen train` (default: the model shipped with radscreen).
    #[arg(long)]
    model: Option<PathBuf>,
    #[command(flatten)]
    device: DeviceArgs,
}

pub fn run(a: Args) -> CmdResult {
    if a.ae.is_empty() || a.ae.len() > 16 {
        return usage(format!(
            "--ae '{}': an AE title has 1 to 16 characters",
            a.ae
        ));
    }
    if let Some(to) = &a.send_to {
        let ok = to
            .split_once('@')
            .is_some_and(|(ae, addr)| !ae.is_empty() && ae.len() <= 16 && addr.contains(':'));
        if !ok {
            return usage(format!("--send-to '{to}': expected AE@host:port"));
        }
    }
    if a.max_pdu < 1018 {
        return usage(format!("--max-pdu {}: at least 1018 bytes", a.max_pdu));
    }
    if !(a.quiet_seconds.is_finite() && a.quiet_seconds >= 0.0) {
        return usage("--quiet-seconds: a number of seconds ≥ 0");
    }
    if !(a.hold_seconds.is_finite() && a.hold_seconds >= 0.0) {
        return usage("--hold-seconds: a number of seconds ≥ 0");
    }
    let device = match a.device.options() {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    // The results go back to the PACS that sent the images, which files them by patient: the
    // DICOM results carry the patient module (docs/dicom-output.md); the log never does.
    let mut opts = ScreenOptions::new().with_device(device).with_keep_phi(true);
    if let Some(m) = &a.model {
        opts = opts.with_model(ModelSource::Dir(m.clone()));
    }
    let screener = match Screener::new(opts) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let mut node = NodeOptions::new();
    node.listen = SocketAddr::new(a.listen, a.port);
    let mut scp = ScpConfig::default();
    scp.ae_title = a.ae.clone();
    scp.allow = a
        .allow
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    scp.max_pdu = a.max_pdu;
    scp.max_object_bytes = a.max_object_mib.saturating_mul(1 << 20);
    node.scp = scp;
    node.send_to = a.send_to.clone();
    node.spool = a.spool.clone();
    node.quiet = Duration::from_secs_f64(a.quiet_seconds);
    node.hold = Duration::from_secs_f64(a.hold_seconds);
    let dev = screener.device().report();
    eprintln!(
        "radscreen serve: device {} ({}); model {}",
        dev.backend,
        dev.adapter,
        screener.model().config().id
    );
    let stop = AtomicBool::new(false);
    radscreen::node::run(&node, &Pipeline(&screener), &stop, &|line| {
        // a daemon's log: each line stamped with the UTC time (HH:MM:SS.mmm)
        let (_, t) = radscreen::dicom::date::now_utc();
        eprintln!(
            "{}:{}:{} {line}",
            &t[..2],
            &t[2..4],
            t.get(4..10).unwrap_or(&t[4..])
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The screening pipeline as the node runs it: a report with DICOM results per batch.
struct Pipeline<'a>(&'a Screener);

impl Screen for Pipeline<'_> {
    fn screen(&self, images: &Path, report: &Path) -> Result<Screened, String> {
        let opts = ReportOptions::new(report).with_dicom(true);
        let outcome =
            screen_to_report(self.0, images, &opts, &mut |_| {}).map_err(|e| e.to_string())?;
        let c = &outcome.info.counts;
        let d = outcome.dicom.unwrap_or_default();
        let mut done = Screened::default();
        done.summary = format!(
            "screened {} files ({} ok, {} skipped, {} error), {} studies",
            c.files, c.ok, c.skipped, c.error, d.studies
        );
        done.results = d.files;
        done.warnings = d.errors;
        Ok(done)
    }
}
