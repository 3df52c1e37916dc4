//! The Storage SCP against bad input: each case gets a clear refusal, the spool keeps nothing
//! partial, and the node goes on serving (a good object afterwards is stored).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dicom_dictionary_std::uids;
use dicom_ul::pdu::{PDataValue, PDataValueType};
use dicom_ul::{ClientAssociationOptions, Pdu};
use radscreen_node::{Error, ScpConfig, Spool, echo, send_files, serve_connection};

fn sample(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../sample-data")
        .join(rel)
}

/// An SCP on a free loopback port serving connections one after another, spooling into a
/// temporary folder. Returns `AE@127.0.0.1:port`, the spool folder and the guard.
fn start(config: ScpConfig) -> (String, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let spool = Arc::new(Spool::open(dir.path()).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ae = config.ae_title.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            serve_connection(stream, &config, spool.as_ref());
        }
    });
    (
        format!("{ae}@127.0.0.1:{port}"),
        dir.path().to_path_buf(),
        dir,
    )
}

fn config() -> ScpConfig {
    let mut c = ScpConfig::default();
    c.ae_title = "NODE".into();
    c.allow = vec!["GOOD".into()];
    c.timeout = Duration::from_secs(5);
    c
}

/// Every file under the spool's incoming/ and tmp/ folders.
fn spooled(spool: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["incoming", "tmp"] {
        let mut stack = vec![spool.join(sub)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    out.push(e.path());
                }
            }
        }
    }
    out
}

fn ct() -> PathBuf {
    sample("p0001/s0001_ct/i000.dcm")
}

#[test]
fn a_good_object_is_spooled_and_echo_answers() {
    let (addr, spool, _g) = start(config());
    echo(&addr, "GOOD").unwrap();
    send_files(&addr, "GOOD", &[ct(), sample("p0000/s0000_dx/i000.dcm")]).unwrap();
    let files = spooled(&spool);
    assert_eq!(files.len(), 2, "{files:?}");
    // what was spooled is the object sent (its data set unchanged)
    let sent = dicom_object::open_file(ct()).unwrap();
    let uid = sent.meta().media_storage_sop_instance_uid().to_string();
    assert!(files.iter().any(|f| {
        let o = dicom_object::open_file(f).unwrap();
        o.meta().media_storage_sop_instance_uid() == uid
            && o.element_by_name("PixelData").unwrap().to_bytes().unwrap()
                == sent
                    .element_by_name("PixelData")
                    .unwrap()
                    .to_bytes()
                    .unwrap()
    }));
}

#[test]
fn an_unknown_calling_ae_title_is_refused() {
    let (addr, spool, _g) = start(config());
    let err = send_files(&addr, "STRANGER", &[ct()]).unwrap_err();
    assert!(
        matches!(err, Error::Association { .. })
            && err.to_string().to_lowercase().contains("reject"),
        "{err}"
    );
    assert!(spooled(&spool).is_empty());
    send_files(&addr, "GOOD", &[ct()]).unwrap();
    assert_eq!(spooled(&spool).len(), 1);
}

#[test]
fn a_non_image_sop_class_is_refused() {
    let (addr, spool, _g) = start(config());
    // the CT file relabelled as a Basic Text SR: no presentation context is accepted for it
    let dir = tempfile::tempdir().unwrap();
    let mut obj = dicom_object::open_file(ct()).unwrap();
    obj.meta_mut().media_storage_sop_class_uid = uids::BASIC_TEXT_SR_STORAGE.to_string();
    let p = dir.path().join("sr.dcm");
    obj.write_to_file(&p).unwrap();
    let err = send_files(&addr, "GOOD", &[p]).unwrap_err();
    assert!(err.to_string().contains("presentation context"), "{err}");
    assert!(spooled(&spool).is_empty());
}

#[test]
fn an_object_over_the_size_limit_is_refused_with_a700() {
    let mut c = config();
    c.max_object_bytes = 10_000; // a 128 x 128 16-bit CT slice is 32 KiB
    let (addr, spool, _g) = start(c);
    match send_files(&addr, "GOOD", &[ct()]) {
        Err(Error::Status { status, .. }) => assert_eq!(status, 0xA700),
        other => panic!("expected status 0xA700, got {other:?}"),
    }
    assert!(spooled(&spool).is_empty());
}

#[test]
fn a_connection_dropped_mid_object_leaves_nothing() {
    let (addr, spool, _g) = start(config());
    let mut assoc = ClientAssociationOptions::new()
        .calling_ae_title("GOOD")
        .with_presentation_context(
            uids::CT_IMAGE_STORAGE,
            vec![uids::IMPLICIT_VR_LITTLE_ENDIAN],
        )
        .establish_with(&addr)
        .unwrap();
    let pc = assoc.presentation_contexts()[0].id;
    let cmd = dicom_object::InMemDicomObject::command_from_element_iter([
        dicom_core::DataElement::new(
            dicom_dictionary_std::tags::AFFECTED_SOP_CLASS_UID,
            dicom_core::VR::UI,
            dicom_core::PrimitiveValue::from(uids::CT_IMAGE_STORAGE),
        ),
        dicom_core::DataElement::new(
            dicom_dictionary_std::tags::COMMAND_FIELD,
            dicom_core::VR::US,
            dicom_core::PrimitiveValue::from(1u16),
        ),
        dicom_core::DataElement::new(
            dicom_dictionary_std::tags::MESSAGE_ID,
            dicom_core::VR::US,
            dicom_core::PrimitiveValue::from(1u16),
        ),
        dicom_core::DataElement::new(
            dicom_dictionary_std::tags::COMMAND_DATA_SET_TYPE,
            dicom_core::VR::US,
            dicom_core::PrimitiveValue::from(0u16),
        ),
        dicom_core::DataElement::new(
            dicom_dictionary_std::tags::AFFECTED_SOP_INSTANCE_UID,
            dicom_core::VR::UI,
            dicom_core::PrimitiveValue::from("1.2.3.4"),
        ),
    ]);
    let mut bytes = Vec::new();
    cmd.write_dataset_with_ts(
        &mut bytes,
        &dicom_transfer_syntax_registry::entries::IMPLICIT_VR_LITTLE_ENDIAN.erased(),
    )
    .unwrap();
    let pdv = |value_type, is_last, data| Pdu::PData {
        data: vec![PDataValue {
            presentation_context_id: pc,
            value_type,
            is_last,
            data,
        }],
    };
    assoc
        .send(&pdv(PDataValueType::Command, true, bytes))
        .unwrap();
    assoc
        .send(&pdv(PDataValueType::Data, false, vec![0u8; 4000]))
        .unwrap();
    drop(assoc); // the socket closes with the object half sent
    std::thread::sleep(Duration::from_millis(300));
    assert!(spooled(&spool).is_empty(), "{:?}", spooled(&spool));
    send_files(&addr, "GOOD", &[ct()]).unwrap();
    assert_eq!(spooled(&spool).len(), 1, "the node still serves");
}

#[test]
fn a_malformed_pdu_is_refused_and_the_node_goes_on() {
    let (addr, spool, _g) = start(config());
    let port = addr.rsplit(':').next().unwrap();
    for garbage in [
        &b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        // an A-ASSOCIATE-RQ header announcing 4 GiB
        &[0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01][..],
        // a P-DATA-TF before any association
        &[
            0x04, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x02, 0x01, 0x03,
        ][..],
    ] {
        let mut s = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(garbage);
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer); // the node answers (reject/abort) or closes
    }
    assert!(spooled(&spool).is_empty());
    send_files(&addr, "GOOD", &[ct()]).unwrap();
    assert_eq!(spooled(&spool).len(), 1, "the node still serves");
}

/// dcmtk's echoscu and storescu (another DICOM stack) talk to the node. Skipped where dcmtk
/// is not installed, unless RADSCREEN_REQUIRE_DICOM_TOOLS=1 (`.ci/run`).
#[test]
fn dcmtk_echoes_and_stores() {
    if std::process::Command::new("echoscu")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("RADSCREEN_REQUIRE_DICOM_TOOLS").is_none_or(|v| v != "1"),
            "dcmtk is required (apt: dcmtk) but not installed"
        );
        eprintln!("dcmtk not installed: skipping");
        return;
    }
    let (addr, spool, _g) = start(config());
    let port = addr.rsplit(':').next().unwrap().to_string();
    let run = |prog: &str, extra: &[&str]| {
        let out = std::process::Command::new(prog)
            .args(["-aet", "GOOD", "-aec", "NODE", "127.0.0.1", &port])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{prog}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run("echoscu", &[]);
    run("storescu", &[ct().to_str().unwrap()]);
    assert_eq!(spooled(&spool).len(), 1);
    // a calling AE title not allowed: storescu fails and nothing is kept
    let out = std::process::Command::new("storescu")
        .args([
            "-aet",
            "EVIL",
            "-aec",
            "NODE",
            "127.0.0.1",
            &port,
            ct().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(spooled(&spool).len(), 1);
}
