//! The Storage SCU: sends objects (the node's SR and SEG results) with C-STORE, one association
//! per call, each object answered before the next is sent.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_encoding::TransferSyntaxIndex;
use dicom_object::InMemDicomObject;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use dicom_transfer_syntax_registry::entries::IMPLICIT_VR_LITTLE_ENDIAN;
use dicom_ul::pdu::{PDataValue, PDataValueType};
use dicom_ul::{ClientAssociation, ClientAssociationOptions, Pdu};

use crate::error::{Error, Result};
use crate::scp::send_command;

/// Sends Part 10 `files` to `address` (`AE@host:port`) calling as `calling_ae`, on one
/// association: a presentation context per SOP class, each file in its own transfer syntax
/// (or Explicit/Implicit VR Little Endian where the file is native and the peer prefers it).
///
/// # Errors
/// The association cannot be made, a file cannot be read, or the peer refuses an object (the
/// error names the file and the status).
pub fn send_files(address: &str, calling_ae: &str, files: &[PathBuf]) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut contexts: Vec<(String, String)> = Vec::new();
    for f in files {
        let meta = dicom_object::OpenFileOptions::new()
            .read_until(tags::PIXEL_DATA)
            .open_file(f)
            .map_err(|e| Error::dicom(f.display().to_string(), e))?;
        let key = (
            meta.meta()
                .media_storage_sop_class_uid()
                .trim_end_matches('\0')
                .to_string(),
            meta.meta()
                .transfer_syntax()
                .trim_end_matches('\0')
                .to_string(),
        );
        if !contexts.contains(&key) {
            contexts.push(key);
        }
    }
    let mut opts = ClientAssociationOptions::new()
        .calling_ae_title(calling_ae.to_string())
        .max_pdu_length(65_536)
        .read_timeout(Duration::from_secs(120))
        .write_timeout(Duration::from_secs(120))
        .connection_timeout(Duration::from_secs(30));
    for (sop, ts) in &contexts {
        let mut syntaxes = vec![ts.clone()];
        for native in [
            uids::EXPLICIT_VR_LITTLE_ENDIAN,
            uids::IMPLICIT_VR_LITTLE_ENDIAN,
        ] {
            if !syntaxes.iter().any(|s| s == native) && is_native(ts) {
                syntaxes.push(native.to_string());
            }
        }
        opts = opts.with_presentation_context(sop.clone(), syntaxes);
    }
    let mut assoc = opts
        .establish_with(address)
        .map_err(|e| Error::ul(format!("association with {address}"), e))?;
    // a C-STORE is a command PDU then data PDUs, answered before the next object: with
    // Nagle's algorithm the data waits for the peer's delayed ACK of the command
    let _ = assoc.inner_stream().set_nodelay(true);
    for (i, f) in files.iter().enumerate() {
        if let Err(e) = send_one(&mut assoc, f, (i % 0xFFFF) as u16 + 1) {
            let _ = assoc.abort();
            return Err(e);
        }
    }
    assoc
        .release()
        .map_err(|e| Error::ul(format!("releasing the association with {address}"), e))
}

fn is_native(ts: &str) -> bool {
    [
        uids::EXPLICIT_VR_LITTLE_ENDIAN,
        uids::IMPLICIT_VR_LITTLE_ENDIAN,
    ]
    .contains(&ts)
}

fn send_one(assoc: &mut ClientAssociation<TcpStream>, file: &Path, message_id: u16) -> Result<()> {
    let obj =
        dicom_object::open_file(file).map_err(|e| Error::dicom(file.display().to_string(), e))?;
    let sop_class = obj
        .meta()
        .media_storage_sop_class_uid()
        .trim_end_matches('\0')
        .to_string();
    let sop_instance = obj
        .meta()
        .media_storage_sop_instance_uid()
        .trim_end_matches('\0')
        .to_string();
    let file_ts = obj
        .meta()
        .transfer_syntax()
        .trim_end_matches('\0')
        .to_string();
    let pc = assoc
        .presentation_contexts()
        .iter()
        .find(|pc| {
            pc.abstract_syntax == sop_class
                && (pc.transfer_syntax == file_ts
                    || (is_native(&file_ts) && is_native(&pc.transfer_syntax)))
        })
        .cloned()
        .ok_or_else(|| {
            Error::dicom(
                file.display().to_string(),
                format!("the peer accepts no presentation context for SOP class {sop_class} in {file_ts}"),
            )
        })?;
    let ts = TransferSyntaxRegistry
        .get(&pc.transfer_syntax)
        .ok_or_else(|| Error::dicom(file.display().to_string(), "unknown transfer syntax"))?;
    let mut data = Vec::new();
    obj.write_dataset_with_ts(&mut data, ts)
        .map_err(|e| Error::dicom(file.display().to_string(), e))?;
    let cmd = InMemDicomObject::command_from_element_iter([
        DataElement::new(
            tags::AFFECTED_SOP_CLASS_UID,
            VR::UI,
            PrimitiveValue::from(sop_class.as_str()),
        ),
        DataElement::new(tags::COMMAND_FIELD, VR::US, PrimitiveValue::from(0x0001u16)),
        DataElement::new(tags::MESSAGE_ID, VR::US, PrimitiveValue::from(message_id)),
        DataElement::new(tags::PRIORITY, VR::US, PrimitiveValue::from(0u16)),
        DataElement::new(
            tags::COMMAND_DATA_SET_TYPE,
            VR::US,
            PrimitiveValue::from(0u16),
        ),
        DataElement::new(
            tags::AFFECTED_SOP_INSTANCE_UID,
            VR::UI,
            PrimitiveValue::from(sop_instance.as_str()),
        ),
    ]);
    let what = || file.display().to_string();
    send_command(assoc, pc.id, &cmd).map_err(|e| Error::dicom(what(), e))?;
    // Data in fragments that fit the peer's PDU size.
    let max = (assoc.acceptor_max_pdu_length().max(1024) - 12) as usize;
    let mut chunks = data.chunks(max).peekable();
    while let Some(chunk) = chunks.next() {
        assoc
            .send(&Pdu::PData {
                data: vec![PDataValue {
                    presentation_context_id: pc.id,
                    value_type: PDataValueType::Data,
                    is_last: chunks.peek().is_none(),
                    data: chunk.to_vec(),
                }],
            })
            .map_err(|e| Error::ul(what(), e))?;
    }
    let status = response_status(assoc, &what())?;
    // 0x0000 success; 0x0001, 0x0107, 0x0116 and 0xBxxx are warnings: stored.
    if status == 0 || matches!(status, 0x0001 | 0x0107 | 0x0116 | 0xB000..=0xBFFF) {
        Ok(())
    } else {
        Err(Error::Status {
            context: format!("C-STORE of {}", what()),
            status,
        })
    }
}

/// Reads a response command set and returns its status.
fn response_status(assoc: &mut ClientAssociation<TcpStream>, what: &str) -> Result<u16> {
    match assoc.receive().map_err(|e| Error::ul(what, e))? {
        Pdu::PData { data } if !data.is_empty() => {
            let rsp = InMemDicomObject::read_dataset_with_ts(
                &data[0].data[..],
                &IMPLICIT_VR_LITTLE_ENDIAN.erased(),
            )
            .map_err(|e| Error::dicom(what, e))?;
            Ok(rsp
                .element(tags::STATUS)
                .ok()
                .and_then(|e| e.to_int::<u16>().ok())
                .unwrap_or(0xFFFF))
        }
        other => Err(Error::dicom(
            what,
            format!("unexpected answer {}", other.short_description()),
        )),
    }
}

/// C-ECHO: checks that `address` (`AE@host:port`) answers, calling as `calling_ae`.
///
/// # Errors
/// No association, or a status other than success.
pub fn echo(address: &str, calling_ae: &str) -> Result<()> {
    let mut assoc = ClientAssociationOptions::new()
        .calling_ae_title(calling_ae.to_string())
        .with_abstract_syntax(uids::VERIFICATION)
        .read_timeout(Duration::from_secs(30))
        .connection_timeout(Duration::from_secs(10))
        .establish_with(address)
        .map_err(|e| Error::ul(format!("association with {address}"), e))?;
    let pc = assoc
        .presentation_contexts()
        .first()
        .map(|p| p.id)
        .ok_or_else(|| Error::dicom(address, "no presentation context accepted"))?;
    let cmd = InMemDicomObject::command_from_element_iter([
        DataElement::new(
            tags::AFFECTED_SOP_CLASS_UID,
            VR::UI,
            PrimitiveValue::from(uids::VERIFICATION),
        ),
        DataElement::new(tags::COMMAND_FIELD, VR::US, PrimitiveValue::from(0x0030u16)),
        DataElement::new(tags::MESSAGE_ID, VR::US, PrimitiveValue::from(1u16)),
        DataElement::new(
            tags::COMMAND_DATA_SET_TYPE,
            VR::US,
            PrimitiveValue::from(0x0101u16),
        ),
    ]);
    send_command(&mut assoc, pc, &cmd).map_err(|e| Error::dicom(address, e))?;
    let status = response_status(&mut assoc, &format!("C-ECHO to {address}"))?;
    let _ = assoc.release();
    if status == 0 {
        Ok(())
    } else {
        Err(Error::Status {
            context: format!("C-ECHO to {address}"),
            status,
        })
    }
}
