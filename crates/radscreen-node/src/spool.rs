//! The spool on disk: what the node received and what it did with it.
//!
//! ```text
//! SPOOL/tmp/                         objects being written (removed at start)
//! SPOOL/incoming/STUDY/INSTANCE.dcm  received, durable, waiting for the study to go quiet
//! SPOOL/work/BATCH/images/STUDY/…    taken for screening (a restart screens these again)
//! SPOOL/work/BATCH/report/           the screening report, DICOM results in report/dicom/
//! SPOOL/done/BATCH/                  screened (moved from work/ in one rename)
//! SPOOL/done/BATCH/sent              the results were stored at --send-to
//! ```
//!
//! STUDY and INSTANCE are hashes of the UIDs: the spool's names carry no identifiers. A batch
//! moves from work/ to done/ by one rename, so a killed node restarted on the same spool
//! screens each received instance exactly once: batches in work/ were never finished and are
//! screened again from the start; those in done/ are not, and are only sent if not yet sent.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use dicom_dictionary_std::tags;
use dicom_encoding::TransferSyntaxIndex;
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::scp::{Sink, status, text};

/// A spool folder (see the module docs).
#[derive(Debug)]
pub struct Spool {
    root: PathBuf,
    /// Held while an object is moved into incoming/ and while studies are taken from it.
    lock: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Instances already taken for screening: a second copy is acknowledged, not screened again.
    taken: HashSet<String>,
    next_tmp: u64,
    /// When the last object was stored (any study): `None` since the spool was opened.
    last_stored: Option<Instant>,
}

fn hash(uid: &str) -> String {
    hex::encode(&Sha256::digest(uid.trim().as_bytes())[..12])
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

fn dirs(path: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

impl Spool {
    /// Opens (creating) a spool folder and clears objects whose writing was interrupted.
    ///
    /// # Errors
    /// The folder cannot be created or read.
    pub fn open(root: &Path) -> Result<Self> {
        for d in ["tmp", "incoming", "work", "done"] {
            let p = root.join(d);
            std::fs::create_dir_all(&p).map_err(io(&p))?;
        }
        let tmp = root.join("tmp");
        for e in std::fs::read_dir(&tmp).map_err(io(&tmp))?.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
        let mut taken = HashSet::new();
        for state in ["work", "done"] {
            for batch in dirs(&root.join(state)) {
                for study in dirs(&batch.join("images")) {
                    for f in std::fs::read_dir(&study).into_iter().flatten().flatten() {
                        if let Some(stem) = f.path().file_stem() {
                            taken.insert(stem.to_string_lossy().into_owned());
                        }
                    }
                }
            }
        }
        Ok(Spool {
            root: root.to_path_buf(),
            lock: Mutex::new(Inner {
                taken,
                next_tmp: 0,
                last_stored: None,
            }),
        })
    }

    /// The spool folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Moves every study in incoming/ that received nothing for `quiet` into a new batch in
    /// work/, and returns the batch folder (`None` when nothing is taken).
    ///
    /// Quiet studies wait while objects are still arriving for any study, so that a push of
    /// many studies is screened as one batch after it ends rather than in small batches that
    /// compete with reception for the CPU (docs/benchmarks.md, "The DICOM node under load").
    /// They wait at most `hold`: once a quiet study has received nothing for `hold`, every
    /// quiet study is taken even while others are still arriving, so a steady stream of
    /// studies is still screened.
    ///
    /// # Errors
    /// The spool cannot be read or renamed in.
    pub fn take_quiet(&self, quiet: Duration, hold: Duration) -> Result<Option<PathBuf>> {
        let mut inner = self.inner();
        let now = SystemTime::now();
        let node_quiet = inner.last_stored.is_none_or(|t| t.elapsed() >= quiet);
        let mut longest = Duration::ZERO;
        let quiet_studies: Vec<PathBuf> = dirs(&self.root.join("incoming"))
            .into_iter()
            .filter(|d| {
                // the folder's mtime moves with every object renamed into it
                let age = std::fs::metadata(d)
                    .and_then(|m| m.modified())
                    .map(|t| now.duration_since(t).unwrap_or_default());
                age.is_ok_and(|a| {
                    longest = longest.max(a);
                    a >= quiet
                })
            })
            .collect();
        if quiet_studies.is_empty() || !(node_quiet || longest >= hold.max(quiet)) {
            return Ok(None);
        }
        let stamp = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let batch = self.root.join("work").join(format!("{stamp:024}"));
        let images = batch.join("images");
        std::fs::create_dir_all(&images).map_err(io(&images))?;
        for study in quiet_studies {
            let Some(name) = study.file_name() else {
                continue;
            };
            for f in std::fs::read_dir(&study).into_iter().flatten().flatten() {
                if let Some(stem) = f.path().file_stem() {
                    inner.taken.insert(stem.to_string_lossy().into_owned());
                }
            }
            let to = images.join(name);
            std::fs::rename(&study, &to).map_err(io(&study))?;
        }
        sync_dir(&images);
        Ok(Some(batch))
    }

    /// Batches taken but not finished (a restart screens them again), oldest first.
    pub fn unfinished(&self) -> Vec<PathBuf> {
        dirs(&self.root.join("work"))
    }

    /// Finished batches whose results were not yet sent, oldest first.
    pub fn unsent(&self) -> Vec<PathBuf> {
        dirs(&self.root.join("done"))
            .into_iter()
            .filter(|b| !b.join("sent").exists())
            .collect()
    }

    /// Marks a batch screened: work/BATCH becomes done/BATCH in one rename.
    ///
    /// # Errors
    /// The rename fails.
    pub fn finish(&self, batch: &Path) -> Result<PathBuf> {
        let name = batch.file_name().unwrap_or_default();
        let to = self.root.join("done").join(name);
        std::fs::rename(batch, &to).map_err(io(batch))?;
        sync_dir(&self.root.join("done"));
        Ok(to)
    }

    /// Marks a finished batch's results sent.
    ///
    /// # Errors
    /// The marker cannot be written.
    pub fn mark_sent(&self, done: &Path) -> Result<()> {
        let p = done.join("sent");
        std::fs::write(&p, b"").map_err(io(&p))
    }

    fn write_object(
        &self,
        sop_class: &str,
        sop_instance: &str,
        transfer_syntax: &str,
        dataset: &[u8],
    ) -> std::result::Result<(), (u16, String)> {
        let ts = TransferSyntaxRegistry.get(transfer_syntax).ok_or((
            status::CANNOT_UNDERSTAND,
            format!("unknown transfer syntax {transfer_syntax}"),
        ))?;
        // Read the data set before storing it: the study it belongs to, and proof it parses.
        let obj = InMemDicomObject::read_dataset_with_ts(dataset, ts).map_err(|e| {
            (
                status::CANNOT_UNDERSTAND,
                format!("unreadable data set: {e}"),
            )
        })?;
        let study = Some(text(&obj, tags::STUDY_INSTANCE_UID))
            .filter(|s| !s.is_empty())
            .ok_or((
                status::CANNOT_UNDERSTAND,
                "no Study Instance UID".to_string(),
            ))?;
        let instance = hash(sop_instance);
        let meta = FileMetaTableBuilder::new()
            .transfer_syntax(transfer_syntax)
            .media_storage_sop_class_uid(sop_class)
            .media_storage_sop_instance_uid(sop_instance)
            .build()
            .map_err(|e| (status::CANNOT_UNDERSTAND, format!("file meta: {e}")))?;
        let disk = |e: std::io::Error| (status::OUT_OF_RESOURCES, format!("spool: {e}"));
        let tmp = {
            let mut inner = self.inner();
            inner.next_tmp += 1;
            self.root
                .join("tmp")
                .join(format!("{}-{}.part", std::process::id(), inner.next_tmp))
        };
        {
            let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(disk)?);
            f.write_all(&[0u8; 128]).map_err(disk)?;
            f.write_all(b"DICM").map_err(disk)?;
            meta.write(&mut f)
                .map_err(|e| (status::OUT_OF_RESOURCES, format!("spool: {e}")))?;
            f.write_all(dataset).map_err(disk)?;
            let f = f.into_inner().map_err(|e| disk(e.into_error()))?;
            f.sync_all().map_err(disk)?;
        }
        let mut inner = self.inner();
        inner.last_stored = Some(Instant::now());
        if inner.taken.contains(&instance) {
            // already screened (or being screened): acknowledged, not screened twice
            let _ = std::fs::remove_file(&tmp);
            return Ok(());
        }
        let dir = self.root.join("incoming").join(hash(&study));
        std::fs::create_dir_all(&dir).map_err(disk)?;
        std::fs::rename(&tmp, dir.join(format!("{instance}.dcm"))).map_err(disk)?;
        sync_dir(&dir);
        drop(inner);
        Ok(())
    }
}

/// Makes a rename durable (best effort: not every file system syncs directories).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

impl Sink for Spool {
    fn store(
        &self,
        sop_class: &str,
        sop_instance: &str,
        transfer_syntax: &str,
        dataset: &[u8],
    ) -> std::result::Result<(), (u16, String)> {
        self.write_object(sop_class, sop_instance, transfer_syntax, dataset)
    }
}
