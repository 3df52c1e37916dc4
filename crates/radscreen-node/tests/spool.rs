//! When the spool hands studies over for screening: a quiet study waits while objects keep
//! arriving for other studies (one batch after a push, not many small ones), and at most
//! `hold` (a steady stream is still screened).

use std::path::Path;
use std::thread::sleep;
use std::time::Duration;

use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::InMemDicomObject;
use dicom_transfer_syntax_registry::entries::EXPLICIT_VR_LITTLE_ENDIAN;
use radscreen_node::{Sink, Spool};

/// Stores one CT instance of `study` as the SCP would.
fn store(spool: &Spool, study: &str, instance: &str) {
    let mut obj = InMemDicomObject::new_empty();
    for (tag, vr, v) in [
        (tags::SOP_CLASS_UID, VR::UI, uids::CT_IMAGE_STORAGE),
        (tags::SOP_INSTANCE_UID, VR::UI, instance),
        (tags::STUDY_INSTANCE_UID, VR::UI, study),
    ] {
        obj.put(DataElement::new(tag, vr, PrimitiveValue::from(v)));
    }
    let mut bytes = Vec::new();
    obj.write_dataset_with_ts(&mut bytes, &EXPLICIT_VR_LITTLE_ENDIAN.erased())
        .unwrap();
    spool
        .store(
            uids::CT_IMAGE_STORAGE,
            instance,
            EXPLICIT_VR_LITTLE_ENDIAN.uid(),
            &bytes,
        )
        .unwrap();
}

fn studies_in(batch: &Path) -> usize {
    std::fs::read_dir(batch.join("images")).unwrap().count()
}

// wide margins: a loaded CI machine may stall a few hundred milliseconds between steps
const QUIET: Duration = Duration::from_millis(2_000);
const PAST_QUIET: Duration = Duration::from_millis(2_200);

#[test]
fn quiet_studies_wait_while_others_arrive_and_go_as_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let spool = Spool::open(dir.path()).unwrap();
    let hold = Duration::from_secs(600);
    store(&spool, "1.2.3.1", "1.2.3.1.1");
    sleep(PAST_QUIET);
    store(&spool, "1.2.3.2", "1.2.3.2.1");
    // study 1 is quiet, but study 2 has just arrived: nothing is taken yet
    assert_eq!(spool.take_quiet(QUIET, hold).unwrap(), None);
    sleep(PAST_QUIET);
    let batch = spool.take_quiet(QUIET, hold).unwrap().expect("a batch");
    assert_eq!(studies_in(&batch), 2);
    assert_eq!(spool.take_quiet(QUIET, hold).unwrap(), None);
}

#[test]
fn a_quiet_study_waits_at_most_hold_while_others_keep_arriving() {
    let dir = tempfile::tempdir().unwrap();
    let spool = Spool::open(dir.path()).unwrap();
    let hold = Duration::from_millis(3_000);
    store(&spool, "1.2.3.1", "1.2.3.1.1");
    sleep(PAST_QUIET);
    store(&spool, "1.2.3.2", "1.2.3.2.1");
    assert_eq!(spool.take_quiet(QUIET, hold).unwrap(), None, "before hold");
    sleep(Duration::from_millis(1_000));
    store(&spool, "1.2.3.3", "1.2.3.3.1");
    // study 1 quiet for 3.2 s ≥ hold: it goes, while studies 2 and 3 are not quiet yet
    let batch = spool
        .take_quiet(QUIET, hold)
        .unwrap()
        .expect("held too long");
    assert_eq!(studies_in(&batch), 1);
}

#[test]
fn a_spool_opened_after_a_restart_takes_quiet_studies_at_once() {
    let dir = tempfile::tempdir().unwrap();
    {
        let spool = Spool::open(dir.path()).unwrap();
        store(&spool, "1.2.3.1", "1.2.3.1.1");
    }
    sleep(PAST_QUIET);
    let spool = Spool::open(dir.path()).unwrap();
    let batch = spool.take_quiet(QUIET, Duration::from_secs(600)).unwrap();
    assert_eq!(studies_in(&batch.expect("a batch")), 1);
}
