//! Opening files: Part 10 with or without preamble, and bare data sets (no file meta), whose
//! transfer syntax is inferred as pydicom's `force=True` does.

use std::io::Read;
use std::path::Path;

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::{
    FileDicomObject, FileMetaTableBuilder, InMemDicomObject, OpenFileOptions, ReadError,
    file::ReadPreamble,
};
use dicom_transfer_syntax_registry::{TransferSyntaxRegistry, entries};

use crate::attrs::str_of;
use crate::{Error, Result, syntax};

/// A parsed file: its meta group and data set.
pub type FileObj = FileDicomObject<InMemDicomObject>;

/// How a byte stream is laid out, read off its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// 128-byte preamble, "DICM", file meta group.
    Preamble,
    /// "DICM" then file meta group, no preamble.
    MagicNoPreamble,
    /// File meta group with neither preamble nor "DICM".
    MetaOnly,
    /// A bare data set in Explicit VR Little Endian.
    RawExplicit,
    /// A bare data set in Implicit VR Little Endian.
    RawImplicit,
}

/// The bytes a sniff needs.
pub(crate) const SNIFF_LEN: usize = 132;

/// Decides the layout from the first bytes, or says why they are not DICOM.
pub(crate) fn sniff(head: &[u8]) -> std::result::Result<Layout, String> {
    if head.len() >= 132 && &head[128..132] == b"DICM" {
        return Ok(Layout::Preamble);
    }
    if head.starts_with(b"DICM") {
        return Ok(Layout::MagicNoPreamble);
    }
    if head.len() < 8 {
        return Err(format!("only {} bytes", head.len()));
    }
    let group = u16::from_le_bytes([head[0], head[1]]);
    let element = u16::from_le_bytes([head[2], head[3]]);
    // A bare data set starts with its lowest tag: in practice the command group (0000),
    // the file meta (0002) or the identifying group (0008); pydicom's force=True accepts
    // anything, but radscreen must tell a stray PNG or text file from a data set.
    let plausible = matches!(group, 0x0000 | 0x0002 | 0x0004 | 0x0008) && element < 0x2000;
    if !plausible {
        return Err(format!(
            "no \"DICM\" marker at offset 128 and the first bytes are not a data element \
             (tag ({group:04X},{element:04X}))"
        ));
    }
    let explicit = head[4].is_ascii_uppercase() && head[5].is_ascii_uppercase();
    Ok(match (group, explicit) {
        (0x0002, _) => Layout::MetaOnly,
        (_, true) => Layout::RawExplicit,
        (_, false) => Layout::RawImplicit,
    })
}

/// Parses a data set from `src` laid out as `layout`. With `until`, parsing stops before that
/// tag (used to read metadata without pixel data).
pub(crate) fn parse<R: Read>(
    path: &Path,
    src: R,
    layout: Layout,
    until: Option<Tag>,
) -> Result<FileObj> {
    let opts = || {
        let o = OpenFileOptions::new();
        match until {
            Some(t) => o.read_until(t),
            None => o,
        }
    };
    let parsed = match layout {
        Layout::Preamble | Layout::MagicNoPreamble | Layout::MetaOnly => {
            let mut src = src;
            let skip = match layout {
                Layout::Preamble => 132,
                Layout::MagicNoPreamble => 4,
                _ => 0,
            };
            std::io::copy(&mut (&mut src).take(skip), &mut std::io::sink())
                .map_err(|e| malformed(path, format!("file preamble: {e}")))?;
            let (meta, rest) = read_meta_group(&mut src)
                .map_err(|e| malformed(path, format!("file meta group: {e}")))?;
            let meta = accepted_meta(meta);
            opts().read_preamble(ReadPreamble::Never).from_reader(
                std::io::Cursor::new(meta)
                    .chain(std::io::Cursor::new(rest))
                    .chain(src),
            )
        }
        Layout::RawExplicit | Layout::RawImplicit => {
            let ts = if layout == Layout::RawExplicit {
                entries::EXPLICIT_VR_LITTLE_ENDIAN.erased()
            } else {
                entries::IMPLICIT_VR_LITTLE_ENDIAN.erased()
            };
            let obj = InMemDicomObject::read_dataset_with_ts(src, &ts)
                .map_err(|e| parse_error(path, e))?;
            if obj.iter().next().is_none() {
                return Err(Error::NotDicom {
                    path: path.to_path_buf(),
                    reason: "no data elements".into(),
                });
            }
            let meta = FileMetaTableBuilder::new()
                .transfer_syntax(ts.uid())
                .media_storage_sop_class_uid(str_of(&obj, tags::SOP_CLASS_UID).unwrap_or_default())
                .media_storage_sop_instance_uid(
                    str_of(&obj, tags::SOP_INSTANCE_UID).unwrap_or_default(),
                )
                .build()
                .map_err(|e| Error::NotDicom {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
            return Ok(obj.with_exact_meta(meta));
        }
    };
    parsed.map_err(|e| parse_error(path, e))
}

/// A deflated file from its meta group (from "DICM" on) and its data set already inflated by
/// `scan::check_deflated`: the same object the parser builds from the file (explicit VR little
/// endian inside the deflate stream, the meta still naming the deflated syntax), without
/// inflating a second time.
#[cfg(feature = "deflate")]
pub(crate) fn parse_inflated(path: &Path, meta: &[u8], inflated: &[u8]) -> Result<FileObj> {
    let magic: &[u8] = if meta.starts_with(b"DICM") {
        b""
    } else {
        b"DICM"
    };
    let mut whole = magic.to_vec();
    whole.extend_from_slice(meta);
    let meta = accepted_meta(whole);
    let mut meta = dicom_object::FileMetaTable::from_reader(meta.as_slice()).map_err(|e| {
        Error::Malformed {
            path: path.to_path_buf(),
            reason: format!("file meta group: {e}"),
        }
    })?;
    let ts = entries::EXPLICIT_VR_LITTLE_ENDIAN.erased();
    let obj =
        InMemDicomObject::read_dataset_with_ts(inflated, &ts).map_err(|e| parse_error(path, e))?;
    // as dicom-object's own reader does: empty media storage UIDs come from the data set
    if meta.media_storage_sop_class_uid().is_empty() {
        meta.media_storage_sop_class_uid = str_of(&obj, tags::SOP_CLASS_UID).unwrap_or_default();
    }
    if meta.media_storage_sop_instance_uid().is_empty() {
        meta.media_storage_sop_instance_uid =
            str_of(&obj, tags::SOP_INSTANCE_UID).unwrap_or_default();
    }
    Ok(obj.with_exact_meta(meta))
}

fn malformed(path: &Path, reason: String) -> Error {
    Error::Malformed {
        path: path.to_path_buf(),
        reason,
    }
}

/// The most bytes one file meta element may hold: the group names a few UIDs and titles.
const MAX_META_VALUE: u32 = 1 << 16;

/// Reads the file meta group (after "DICM") element by element while the tags are in group
/// 0002 and the headers are explicit VR little endian, as the standard writes it: `"DICM"` and
/// those elements, and the bytes read past them (the data set's first header, or whatever
/// did not look like a meta element), which belong to the data set.
fn read_meta_group<R: Read>(src: &mut R) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut meta = b"DICM".to_vec();
    loop {
        let mut head = [0u8; 8];
        let n = read_up_to(src, &mut head)?;
        let group = u16::from_le_bytes([head[0], head[1]]);
        let vr = [head[4], head[5]];
        if n < 8 || group != 0x0002 || !vr.iter().all(u8::is_ascii_uppercase) {
            return Ok((meta, head[..n].to_vec()));
        }
        let mut header = head.to_vec();
        let len = if long_length(vr) {
            let mut l = [0u8; 4];
            src.read_exact(&mut l)?;
            header.extend_from_slice(&l);
            u32::from_le_bytes(l)
        } else {
            u16::from_le_bytes([head[6], head[7]]) as u32
        };
        if len > MAX_META_VALUE {
            // not a meta element as any writer makes one: the strict parser reports it
            meta.extend_from_slice(&header);
            return Ok((meta, Vec::new()));
        }
        let mut value = vec![0u8; len as usize];
        src.read_exact(&mut value)?;
        meta.extend_from_slice(&header);
        meta.extend_from_slice(&value);
    }
}

/// Reads until `buf` is full or the source ends; the bytes read.
fn read_up_to<R: Read>(src: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match src.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// As dicom-parser reads an explicit-VR header: an unknown VR is UN (4-byte length).
fn long_length(vr: [u8; 2]) -> bool {
    crate::scan::long_length(dicom_core::VR::from_binary(vr).unwrap_or(dicom_core::VR::UN))
}

/// `meta` ("DICM" and the meta group's elements) as dicom-object's reader takes it: as it is
/// when that reader accepts it, else rebuilt with only the elements that say how to read
/// the file (version, SOP class and instance, transfer syntax, implementation class) and a
/// group length that counts them. Real files break the reader's stricter checks in elements
/// nothing here uses: DCMTK 3.5.4 wrote an 18-byte Source AE Title (the limit is 16), which
/// pydicom reads and dicom-object refused, losing the whole file.
fn accepted_meta(meta: Vec<u8>) -> Vec<u8> {
    if dicom_object::FileMetaTable::from_reader(meta.as_slice()).is_ok() {
        return meta;
    }
    let mut kept = Vec::new();
    let mut at = 4;
    while at + 8 <= meta.len() {
        let element = u16::from_le_bytes([meta[at + 2], meta[at + 3]]);
        let vr = [meta[at + 4], meta[at + 5]];
        let (head, len) = if long_length(vr) && at + 12 <= meta.len() {
            let l = &meta[at + 8..at + 12];
            (12, u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize)
        } else {
            (8, u16::from_le_bytes([meta[at + 6], meta[at + 7]]) as usize)
        };
        let end = (at + head + len).min(meta.len());
        if matches!(element, 0x0001 | 0x0002 | 0x0003 | 0x0010 | 0x0012) {
            kept.extend_from_slice(&meta[at..end]);
        }
        at = end;
    }
    let mut out = b"DICM".to_vec();
    out.extend_from_slice(&[0x02, 0x00, 0x00, 0x00, b'U', b'L', 4, 0]);
    out.extend_from_slice(&(kept.len() as u32).to_le_bytes());
    out.extend_from_slice(&kept);
    out
}

/// Turns a reader error into ours, naming the missing codec where the transfer syntax is
/// known but not built in (deflate is decoded while parsing, before pixel data).
fn parse_error(path: &Path, e: ReadError) -> Error {
    if let Some(info) = unsupported_ts_in(&e).and_then(|uid| syntax::syntax_info(&uid)) {
        return Error::UnsupportedTransferSyntax {
            path: path.to_path_buf(),
            uid: info.uid.to_string(),
            name: info.name,
            feature: info.feature,
        };
    }
    Error::Parse {
        path: path.to_path_buf(),
        source: Box::new(e),
    }
}

fn unsupported_ts_in(e: &ReadError) -> Option<String> {
    match e {
        ReadError::ReadUnsupportedTransferSyntax { uid, .. }
        | ReadError::ReadUnsupportedTransferSyntaxWithSuggestion { uid, .. } => {
            Some(uid.to_string())
        }
        ReadError::ReadUnrecognizedTransferSyntax { uid, .. } => Some(uid.clone()),
        _ => None,
    }
}

/// Checks that this build can decode the file's pixel data, before any decoding.
pub(crate) fn check_codec(path: &Path, uid: &str) -> Result<()> {
    use dicom_encoding::TransferSyntaxIndex;
    let uid_t = uid.trim_end_matches(['\0', ' ']);
    let info = syntax::syntax_info(uid_t);
    let unsupported = || Error::UnsupportedTransferSyntax {
        path: path.to_path_buf(),
        uid: uid_t.to_string(),
        name: info.map_or("unrecognised transfer syntax", |i| i.name),
        feature: info.and_then(|i| i.feature),
    };
    // JPEG-LS is radscreen's own decoder (feature jpegls), whatever the registry holds.
    if cfg!(feature = "jpegls") && crate::syntax::is_jpegls(uid_t) {
        return Ok(());
    }
    match TransferSyntaxRegistry.get(uid_t) {
        Some(ts) if ts.can_decode_all() => Ok(()),
        _ => Err(unsupported()),
    }
}
