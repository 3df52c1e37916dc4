//! The Storage SCP: one association at a time per thread, C-ECHO and C-STORE for the image SOP
//! classes radscreen reads. A C-STORE is answered only after its [`Sink`] has the object on
//! disk; anything refused is answered with a failure status and nothing is kept.

use std::borrow::Cow;
use std::net::TcpStream;
use std::time::Duration;

use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::InMemDicomObject;
use dicom_transfer_syntax_registry::entries::IMPLICIT_VR_LITTLE_ENDIAN;
use dicom_ul::association::server::{AccessControl, ServerAssociationOptions};
use dicom_ul::association::{Association, Error as UlError};
use dicom_ul::pdu::{
    AssociationRJServiceUserReason, PDataValue, PDataValueType, PresentationContextResultReason,
    UserIdentity,
};
use dicom_ul::{Pdu, ServerAssociation};

/// The image storage SOP classes the node accepts (what radscreen screens); anything else is
/// refused at negotiation.
pub const IMAGE_SOP_CLASSES: &[&str] = &[
    uids::CT_IMAGE_STORAGE,
    uids::ENHANCED_CT_IMAGE_STORAGE,
    uids::MR_IMAGE_STORAGE,
    uids::ENHANCED_MR_IMAGE_STORAGE,
    uids::COMPUTED_RADIOGRAPHY_IMAGE_STORAGE,
    uids::DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PRESENTATION,
    uids::DIGITAL_X_RAY_IMAGE_STORAGE_FOR_PROCESSING,
];

/// DIMSE statuses the SCP answers with.
pub mod status {
    /// Success.
    pub const SUCCESS: u16 = 0x0000;
    /// Refused: SOP class not supported.
    pub const SOP_CLASS_NOT_SUPPORTED: u16 = 0x0122;
    /// Refused: out of resources (the object is over the size limit, or the disk failed).
    pub const OUT_OF_RESOURCES: u16 = 0xA700;
    /// Error: the data set cannot be understood.
    pub const CANNOT_UNDERSTAND: u16 = 0xC000;
}

/// Where received objects go.
pub trait Sink: Sync {
    /// Stores one object: `dataset` is its data set encoded in `transfer_syntax`. Returns only
    /// once the object is durable; an error is answered with [`status::OUT_OF_RESOURCES`] or
    /// [`status::CANNOT_UNDERSTAND`] (`Err((status, reason))`).
    fn store(
        &self,
        sop_class: &str,
        sop_instance: &str,
        transfer_syntax: &str,
        dataset: &[u8],
    ) -> Result<(), (u16, String)>;
}

/// What the SCP accepts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScpConfig {
    /// This node's AE title (calls to another title are refused).
    pub ae_title: String,
    /// Calling AE titles allowed; empty allows any.
    pub allow: Vec<String>,
    /// Largest PDU accepted, in bytes (≥ 1,018).
    pub max_pdu: u32,
    /// Largest object accepted, in bytes.
    pub max_object_bytes: u64,
    /// A peer silent for this long is dropped.
    pub timeout: Duration,
    /// Accept any SOP class (a results archive, a test PACS), not only the image classes.
    pub accept_any_storage: bool,
}

impl Default for ScpConfig {
    fn default() -> Self {
        ScpConfig {
            ae_title: "RADSCREEN".into(),
            allow: Vec::new(),
            max_pdu: 65_536,
            max_object_bytes: 1 << 30,
            timeout: Duration::from_secs(60),
            accept_any_storage: false,
        }
    }
}

#[derive(Debug, Clone)]
struct Access {
    ae: String,
    allow: Vec<String>,
}

impl AccessControl for Access {
    fn check_access(
        &self,
        _this: &str,
        calling: &str,
        called: &str,
        _user: Option<&UserIdentity>,
    ) -> Result<(), AssociationRJServiceUserReason> {
        if called.trim() != self.ae {
            return Err(AssociationRJServiceUserReason::CalledAETitleNotRecognized);
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|a| a == calling.trim()) {
            return Err(AssociationRJServiceUserReason::CallingAETitleNotRecognized);
        }
        Ok(())
    }
}

/// What one association did, for the log (no PHI: counts and the peer's AE title).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AssociationLog {
    /// The calling AE title (empty when refused before it was read).
    pub peer: String,
    /// Objects stored.
    pub stored: u64,
    /// Objects refused, with the reason.
    pub refused: Vec<String>,
    /// How it ended: `released`, `aborted`, or the error.
    pub end: String,
}

/// Serves one connection to its end. Never panics on what the peer sends.
pub fn serve_connection(stream: TcpStream, config: &ScpConfig, sink: &dyn Sink) -> AssociationLog {
    let mut log = AssociationLog::default();
    let _ = stream.set_read_timeout(Some(config.timeout));
    let _ = stream.set_write_timeout(Some(config.timeout));
    // each response is a small PDU the peer waits for: Nagle's algorithm would hold it back
    let _ = stream.set_nodelay(true);
    let mut opts = ServerAssociationOptions::new()
        .ae_access_control(Access {
            ae: config.ae_title.clone(),
            allow: config.allow.clone(),
        })
        .ae_title(Cow::Owned(config.ae_title.clone()))
        .max_pdu_length(config.max_pdu.max(dicom_ul::pdu::MINIMUM_PDU_SIZE))
        .strict(true)
        .promiscuous(config.accept_any_storage)
        .with_abstract_syntax(uids::VERIFICATION);
    for uid in IMAGE_SOP_CLASSES {
        opts = opts.with_abstract_syntax(*uid);
    }
    let mut assoc = match opts.establish(stream) {
        Ok(a) => a,
        Err(e) => {
            log.end = format!("refused: {e}");
            return log;
        }
    };
    log.peer = assoc.peer_ae_title().to_string();
    let mut pending: Option<Pending> = None;
    loop {
        match assoc.receive() {
            Ok(Pdu::PData { data }) => {
                for pdv in data {
                    if let Err(end) = on_pdv(&mut assoc, pdv, &mut pending, config, sink, &mut log)
                    {
                        log.end = end;
                        let _ = assoc.abort();
                        return log;
                    }
                }
            }
            Ok(Pdu::ReleaseRQ) => {
                let _ = assoc.send(&Pdu::ReleaseRP);
                log.end = if pending.is_some() {
                    "released mid-object (partial object discarded)".into()
                } else {
                    "released".into()
                };
                return log;
            }
            Ok(Pdu::AbortRQ { .. }) => {
                log.end = "aborted by the peer (partial object discarded)".into();
                return log;
            }
            Ok(other) => {
                log.end = format!("unexpected {}: aborted", other.short_description());
                let _ = assoc.abort();
                return log;
            }
            Err(e) => {
                log.end = match e {
                    UlError::ConnectionClosed { .. } => {
                        "connection closed by the peer (partial object discarded)".into()
                    }
                    other => format!("{other} (association aborted, partial object discarded)"),
                };
                let _ = assoc.abort();
                return log;
            }
        }
    }
}

/// A C-STORE whose command has arrived and whose data is arriving.
struct Pending {
    context: u8,
    message_id: u16,
    sop_class: String,
    sop_instance: String,
    data: Vec<u8>,
    /// Refused (over the size limit, or the wrong SOP class): the rest is read and dropped.
    discard: bool,
}

fn command_set(bytes: &[u8]) -> Result<InMemDicomObject, String> {
    InMemDicomObject::read_dataset_with_ts(bytes, &IMPLICIT_VR_LITTLE_ENDIAN.erased())
        .map_err(|e| format!("malformed command set: {e}"))
}

fn uint(obj: &InMemDicomObject, tag: dicom_core::Tag) -> Option<u16> {
    obj.element(tag).ok()?.to_int::<u16>().ok()
}

/// A string attribute without its padding (empty when absent).
pub(crate) fn text(obj: &InMemDicomObject, tag: dicom_core::Tag) -> String {
    obj.element(tag)
        .ok()
        .and_then(|e| e.to_str().ok())
        .map(|s| s.trim_end_matches(['\0', ' ']).to_string())
        .unwrap_or_default()
}

/// Handles one PDV; `Err` ends the association with the reason.
fn on_pdv(
    assoc: &mut ServerAssociation<TcpStream>,
    pdv: PDataValue,
    pending: &mut Option<Pending>,
    config: &ScpConfig,
    sink: &dyn Sink,
    log: &mut AssociationLog,
) -> Result<(), String> {
    let accepted = assoc
        .presentation_contexts()
        .iter()
        .find(|pc| {
            pc.id == pdv.presentation_context_id
                && pc.reason == PresentationContextResultReason::Acceptance
        })
        .map(|pc| (pc.abstract_syntax.clone(), pc.transfer_syntax.clone()));
    let Some((abstract_syntax, transfer_syntax)) = accepted else {
        return Err(format!(
            "data on presentation context {} that was not accepted",
            pdv.presentation_context_id
        ));
    };
    match pdv.value_type {
        PDataValueType::Command => {
            if !pdv.is_last {
                return Err("command sets split over several PDVs are not supported".into());
            }
            if pending.is_some() {
                return Err("a new command before the previous object's data ended".into());
            }
            let cmd = command_set(&pdv.data)?;
            let field =
                uint(&cmd, tags::COMMAND_FIELD).ok_or("command set without Command Field")?;
            let message_id = uint(&cmd, tags::MESSAGE_ID).unwrap_or(0);
            match field {
                0x0030 => {
                    let rsp = response(
                        0x8030,
                        message_id,
                        uids::VERIFICATION,
                        None,
                        status::SUCCESS,
                    );
                    send_command(assoc, pdv.presentation_context_id, &rsp)
                }
                0x0001 => {
                    let sop_class = text(&cmd, tags::AFFECTED_SOP_CLASS_UID);
                    *pending = Some(Pending {
                        context: pdv.presentation_context_id,
                        message_id,
                        sop_instance: text(&cmd, tags::AFFECTED_SOP_INSTANCE_UID),
                        discard: sop_class != abstract_syntax,
                        sop_class,
                        data: Vec::new(),
                    });
                    Ok(())
                }
                other => Err(format!("unsupported command 0x{other:04X}")),
            }
        }
        PDataValueType::Data => {
            let Some(p) = pending.as_mut() else {
                return Err("data without a C-STORE command".into());
            };
            if p.context != pdv.presentation_context_id {
                return Err("data on another presentation context than its command".into());
            }
            if !p.discard {
                if (p.data.len() + pdv.data.len()) as u64 > config.max_object_bytes {
                    p.discard = true;
                    p.data = Vec::new();
                } else {
                    p.data.extend_from_slice(&pdv.data);
                }
            }
            if !pdv.is_last {
                return Ok(());
            }
            let Some(p) = pending.take() else {
                return Ok(());
            };
            let result = if p.sop_class != abstract_syntax {
                Err((
                    status::SOP_CLASS_NOT_SUPPORTED,
                    format!("SOP class {} on a {abstract_syntax} context", p.sop_class),
                ))
            } else if p.discard {
                Err((
                    status::OUT_OF_RESOURCES,
                    format!("object over the {} byte limit", config.max_object_bytes),
                ))
            } else {
                sink.store(&p.sop_class, &p.sop_instance, &transfer_syntax, &p.data)
            };
            let code = match result {
                Ok(()) => {
                    log.stored += 1;
                    status::SUCCESS
                }
                Err((code, reason)) => {
                    log.refused.push(reason);
                    code
                }
            };
            let rsp = response(
                0x8001,
                p.message_id,
                &p.sop_class,
                Some(&p.sop_instance),
                code,
            );
            send_command(assoc, p.context, &rsp)
        }
    }
}

/// A response command set.
fn response(
    field: u16,
    message_id: u16,
    sop_class: &str,
    sop_instance: Option<&str>,
    status: u16,
) -> InMemDicomObject {
    let mut els = vec![
        DataElement::new(
            tags::AFFECTED_SOP_CLASS_UID,
            VR::UI,
            PrimitiveValue::from(sop_class),
        ),
        DataElement::new(tags::COMMAND_FIELD, VR::US, PrimitiveValue::from(field)),
        DataElement::new(
            tags::MESSAGE_ID_BEING_RESPONDED_TO,
            VR::US,
            PrimitiveValue::from(message_id),
        ),
        DataElement::new(
            tags::COMMAND_DATA_SET_TYPE,
            VR::US,
            PrimitiveValue::from(0x0101u16),
        ),
        DataElement::new(tags::STATUS, VR::US, PrimitiveValue::from(status)),
    ];
    if let Some(i) = sop_instance {
        els.push(DataElement::new(
            tags::AFFECTED_SOP_INSTANCE_UID,
            VR::UI,
            PrimitiveValue::from(i),
        ));
    }
    InMemDicomObject::command_from_element_iter(els)
}

/// Sends a command set on its own PDU.
pub(crate) fn send_command<S>(
    assoc: &mut S,
    context: u8,
    cmd: &InMemDicomObject,
) -> Result<(), String>
where
    S: CommandChannel,
{
    let mut bytes = Vec::new();
    cmd.write_dataset_with_ts(&mut bytes, &IMPLICIT_VR_LITTLE_ENDIAN.erased())
        .map_err(|e| format!("encoding a command: {e}"))?;
    assoc
        .send_pdu(&Pdu::PData {
            data: vec![PDataValue {
                presentation_context_id: context,
                value_type: PDataValueType::Command,
                is_last: true,
                data: bytes,
            }],
        })
        .map_err(|e| format!("sending a response: {e}"))
}

/// Both ends of an association can send a PDU.
pub(crate) trait CommandChannel {
    fn send_pdu(&mut self, pdu: &Pdu) -> Result<(), UlError>;
}

impl CommandChannel for ServerAssociation<TcpStream> {
    fn send_pdu(&mut self, pdu: &Pdu) -> Result<(), UlError> {
        self.send(pdu)
    }
}

impl CommandChannel for dicom_ul::ClientAssociation<TcpStream> {
    fn send_pdu(&mut self, pdu: &Pdu) -> Result<(), UlError> {
        self.send(pdu)
    }
}
