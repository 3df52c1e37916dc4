//! [`DicomImage`]: one opened file, its metadata, and its frames at each pipeline stage.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use dicom_core::value::{PrimitiveValue, Value};
use dicom_dictionary_std::{tags, uids};
use dicom_encoding::TransferSyntaxIndex;
use dicom_encoding::transfer_syntax::Codec;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use crate::meta::ImageMeta;
use crate::open::{FileObj, Layout, SNIFF_LEN, parse, sniff};
use crate::pixel::{
    PixelInfo, StoredFrame, planar_to_interleaved, to_stored, unpack_bits, upsample_422,
};
use crate::{CodecError, Error, ReadOptions, Result};

/// One DICOM file, parsed, with its pixel data still encoded: frames are decoded on request,
/// one at a time.
pub struct DicomImage {
    pub(crate) path: PathBuf,
    pub(crate) obj: FileObj,
    pub(crate) meta: ImageMeta,
    pub(crate) options: ReadOptions,
    /// The pixel description, worked out on first use: every stage of every frame needs it.
    pub(crate) pixel_info: std::sync::OnceLock<PixelInfo>,
}

impl std::fmt::Debug for DicomImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DicomImage")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Reads at most `limit` bytes of a file, erroring past it.
fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > limit {
        return Err(Error::LimitExceeded {
            path: path.to_path_buf(),
            what: "file size",
            value: len,
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// Whether a file is DICOM, judged from its first bytes only (for folder walks that must
/// not trust extensions).
pub fn is_dicom(path: impl AsRef<Path>) -> bool {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    std::fs::File::open(path.as_ref())
        .and_then(|f| f.take(SNIFF_LEN as u64).read_to_end(&mut head))
        .is_ok()
        && sniff(&head).is_ok()
}

/// Reads only the metadata of a file (parsing stops before the pixel data, so this is cheap
/// even for very large files).
pub fn read_metadata(path: impl AsRef<Path>, options: &ReadOptions) -> Result<ImageMeta> {
    let path = path.as_ref();
    let obj = read_header(path)?;
    // The pixel data was not read, so "has pixel data" comes from whether parsing stopped at it.
    let mut meta = ImageMeta::from_obj(path, &obj, options.keep_phi);
    meta.has_pixel_data = None;
    Ok(meta)
}

/// Parses a file's data set up to (not including) the pixel data, for callers who need
/// attributes [`ImageMeta`] does not carry (the DICOM SR/SEG writers copy the study and
/// patient modules from it). Accepts the same layouts as [`DicomImage::open`].
pub fn read_header(path: impl AsRef<Path>) -> Result<FileObj> {
    let path = path.as_ref();
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut file)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    let layout = sniff(&head).map_err(|reason| Error::NotDicom {
        path: path.to_path_buf(),
        reason,
    })?;
    let src = std::io::Cursor::new(head).chain(file);
    parse(path, src, layout, Some(tags::PIXEL_DATA))
}

/// Regroups an encapsulated multi-frame pixel sequence into one fragment per frame when it has
/// more fragments than frames and an empty Basic Offset Table (the table is optional): the
/// codecs (dicom-object's `frame_pixel_data`, dicom-pixeldata's JPEG adapter) find a frame's
/// fragments through that table, so without it every frame after the first was lost. Split as
/// pydicom does ([`crate::pixel::frames_by_end_marker`]); left as it is when that fails, and
/// the codecs then report the frame they cannot find.
fn one_fragment_per_frame(obj: &mut FileObj) {
    use dicom_core::DataElement;
    use dicom_core::value::PixelFragmentSequence;
    use dicom_encoding::adapters::PixelDataObject;
    let frames = obj.number_of_frames().unwrap_or(1) as usize;
    let Some(element) = obj.get(tags::PIXEL_DATA) else {
        return;
    };
    let Value::PixelSequence(seq) = element.value() else {
        return;
    };
    let fragments = seq.fragments();
    if frames < 2 || fragments.len() <= frames || !seq.offset_table().is_empty() {
        return;
    }
    let Some(ranges) = crate::pixel::frames_by_end_marker(fragments, frames) else {
        return;
    };
    let joined: Vec<Vec<u8>> = ranges.into_iter().map(|r| fragments[r].concat()).collect();
    let vr = element.vr();
    obj.put(DataElement::new(
        tags::PIXEL_DATA,
        vr,
        Value::PixelSequence(PixelFragmentSequence::new(Vec::<u32>::new(), joined)),
    ));
}

impl DicomImage {
    /// Opens a file with default options (default limits, no PHI in metadata).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, &ReadOptions::default())
    }

    /// Opens a file.
    pub fn open_with(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
        let path = path.as_ref();
        let bytes = read_limited(path, options.limits.max_file_bytes)?;
        Self::from_bytes(&bytes, path, options)
    }

    /// Parses a file already in memory; `path` only labels errors and metadata.
    pub fn from_bytes(bytes: &[u8], path: &Path, options: &ReadOptions) -> Result<Self> {
        let layout: Layout = sniff(bytes).map_err(|reason| Error::NotDicom {
            path: path.to_path_buf(),
            reason,
        })?;
        if bytes.len() as u64 > options.limits.max_file_bytes {
            return Err(Error::LimitExceeded {
                path: path.to_path_buf(),
                what: "file size",
                value: bytes.len() as u64,
                limit: options.limits.max_file_bytes,
            });
        }
        let (start, meta, explicit) = match layout {
            Layout::Preamble => (132, true, true),
            Layout::MagicNoPreamble => (4, true, true),
            Layout::MetaOnly => (0, true, true),
            Layout::RawExplicit => (0, false, true),
            Layout::RawImplicit => (0, false, false),
        };
        let malformed = |reason| Error::Malformed {
            path: path.to_path_buf(),
            reason,
        };
        let scan = crate::scan::check_lengths(bytes, start, meta, explicit).map_err(malformed)?;
        let mut obj = match scan {
            #[cfg(feature = "deflate")]
            crate::scan::Scan::Deflated(at) => {
                let limit = options
                    .limits
                    .max_file_bytes
                    .min(options.limits.max_decoded_bytes);
                let at = at.min(bytes.len());
                let inflated =
                    crate::scan::check_deflated(&bytes[at..], limit).map_err(malformed)?;
                // the meta group starts at its "DICM" (start - 4; MetaOnly files have none)
                crate::open::parse_inflated(path, &bytes[start.saturating_sub(4)..at], &inflated)?
            }
            crate::scan::Scan::ZeroPadded(end) => parse(path, &bytes[..end], layout, None)?,
            crate::scan::Scan::Fits => parse(path, bytes, layout, None)?,
        };
        one_fragment_per_frame(&mut obj);
        let meta = ImageMeta::from_obj(path, &obj, options.keep_phi);
        Ok(DicomImage {
            path: path.to_path_buf(),
            obj,
            meta,
            options: options.clone(),
            pixel_info: std::sync::OnceLock::new(),
        })
    }

    /// The file's path (as given).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The PHI-safe metadata record.
    pub fn meta(&self) -> &ImageMeta {
        &self.meta
    }

    /// The parsed data set, for attributes radscreen does not model.
    pub fn dataset(&self) -> &dicom_object::InMemDicomObject {
        &self.obj
    }

    /// The transfer syntax UID.
    pub fn transfer_syntax(&self) -> &str {
        self.obj
            .meta()
            .transfer_syntax()
            .trim_end_matches(['\0', ' '])
    }

    /// The pixel description, validated against the limits (worked out once per image).
    pub fn pixel_info(&self) -> Result<PixelInfo> {
        if let Some(info) = self.pixel_info.get() {
            return Ok(info.clone());
        }
        let info = self.describe_pixels()?;
        Ok(self.pixel_info.get_or_init(|| info).clone())
    }

    fn describe_pixels(&self) -> Result<PixelInfo> {
        if self.obj.get(tags::PIXEL_DATA).is_none() {
            // a parametric map's real-valued pixels are not an image to screen, but they are
            // pixel data: say what the file holds
            let detail = [tags::FLOAT_PIXEL_DATA, tags::DOUBLE_FLOAT_PIXEL_DATA]
                .into_iter()
                .find(|&t| self.obj.get(t).is_some())
                .map(|t| {
                    format!(
                        ": it holds real-valued pixel data {t} (a parametric \
                         map), which is not read"
                    )
                })
                .unwrap_or_default();
            return Err(Error::NoPixelData {
                path: self.path.clone(),
                detail,
            });
        }
        let info = PixelInfo::from_obj(&self.path, &self.obj)?;
        let l = &self.options.limits;
        let over = |what, value: u64, limit: u64| {
            (value > limit).then(|| Error::LimitExceeded {
                path: self.path.clone(),
                what,
                value,
                limit,
            })
        };
        if let Some(e) = over("pixels per frame", info.pixels(), l.max_pixels_per_frame)
            .or_else(|| over("frames", u64::from(info.frames), u64::from(l.max_frames)))
            .or_else(|| {
                over(
                    "decoded frame bytes",
                    info.decoded_frame_bytes(),
                    l.max_decoded_bytes,
                )
            })
        {
            return Err(e);
        }
        Ok(info)
    }

    /// Number of frames (1 for single-frame images).
    pub fn frames(&self) -> Result<u32> {
        Ok(self.pixel_info()?.frames)
    }

    fn check_frame(&self, info: &PixelInfo, frame: u32) -> Result<()> {
        if frame >= info.frames {
            return Err(Error::FrameOutOfRange {
                path: self.path.clone(),
                frame,
                frames: info.frames,
            });
        }
        Ok(())
    }

    /// Decoded samples of one frame: interleaved, full chroma, little-endian, one byte per
    /// 1-bit pixel.
    pub(crate) fn frame_bytes(&self, info: &PixelInfo, frame: u32) -> Result<Vec<u8>> {
        self.check_frame(info, frame)?;
        let ts = self.transfer_syntax();
        crate::open::check_codec(&self.path, ts)?;
        let elem = self
            .obj
            .get(tags::PIXEL_DATA)
            .ok_or_else(|| Error::NoPixelData {
                path: self.path.clone(),
                detail: String::new(),
            })?;
        let expected = info.decoded_frame_bytes();
        let mut data = match elem.value() {
            Value::PixelSequence(_) if ts == uids::RLE_LOSSLESS => self.decode_rle(info, frame)?,
            #[cfg(feature = "jpegls")]
            Value::PixelSequence(_) if crate::syntax::is_jpegls(ts) => {
                self.decode_jpegls(info, frame)?
            }
            #[cfg(feature = "jpeg")]
            Value::PixelSequence(_) if crate::jpeg::handles(ts) => {
                match self.decode_jpeg(info, frame)? {
                    Some(data) => data,
                    None => self.decode_encapsulated(frame, expected)?,
                }
            }
            Value::PixelSequence(_) => self.decode_encapsulated(frame, expected)?,
            Value::Primitive(p) => self.native_frame(info, p, frame)?,
            Value::Sequence(_) => {
                return Err(Error::InvalidAttribute {
                    path: self.path.clone(),
                    name: "PixelData",
                    reason: "holds a sequence".into(),
                });
            }
        };
        if (data.len() as u64) < expected {
            return Err(Error::TruncatedPixelData {
                path: self.path.clone(),
                frame,
                expected,
                actual: data.len() as u64,
            });
        }
        data.truncate(expected as usize);
        Ok(data)
    }

    fn decode_encapsulated(&self, frame: u32, expected: u64) -> Result<Vec<u8>> {
        let ts = TransferSyntaxRegistry
            .get(self.transfer_syntax())
            .ok_or_else(|| self.unsupported_ts())?;
        let Codec::EncapsulatedPixelData(Some(reader), _) = ts.codec() else {
            return Err(self.unsupported_ts());
        };
        if crate::syntax::is_jpegls(self.transfer_syntax()) {
            self.check_end_of_image(frame)?;
        }
        let mut out = Vec::new();
        out.try_reserve_exact(expected as usize)
            .map_err(|_| Error::LimitExceeded {
                path: self.path.clone(),
                what: "decoded frame bytes (allocation failed)",
                value: expected,
                limit: self.options.limits.max_decoded_bytes,
            })?;
        // Codecs are third-party code: a panic inside one on a corrupt stream must become
        // this file's error, not the end of a batch run.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            reader.decode_frame(&self.obj, frame, &mut out)
        }));
        match result {
            Ok(Ok(())) => Ok(out),
            Ok(Err(e)) => Err(Error::Decode {
                path: self.path.clone(),
                frame,
                source: Box::new(e),
            }),
            Err(_) => Err(Error::CodecPanicked {
                path: self.path.clone(),
                frame,
            }),
        }
    }

    /// CharLS reads past the end of a truncated stream bit by bit (seconds per frame), so a
    /// JPEG-LS frame without its end-of-image marker is rejected before decoding.
    fn check_end_of_image(&self, frame: u32) -> Result<()> {
        let data = self.compressed_frame(frame)?;
        let end = data.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        let tail = &data[end.saturating_sub(16)..end];
        if tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Ok(());
        }
        Err(self.corrupt(frame, CodecError::Truncated))
    }

    fn corrupt(&self, frame: u32, source: CodecError) -> Error {
        Error::Corrupt {
            path: self.path.clone(),
            frame,
            source,
        }
    }

    /// The compressed bytes of one frame (its fragments joined), for radscreen's own codecs.
    fn compressed_frame(&self, frame: u32) -> Result<std::borrow::Cow<'_, [u8]>> {
        use dicom_encoding::adapters::PixelDataObject;
        self.obj
            .frame_pixel_data(frame)
            .ok_or_else(|| self.corrupt(frame, CodecError::corrupt("no fragment for this frame")))
    }

    fn decode_rle(&self, info: &PixelInfo, frame: u32) -> Result<Vec<u8>> {
        let corrupt = |reason| self.corrupt(frame, reason);
        let data = self.compressed_frame(frame)?;
        let bps = usize::from(info.bits_allocated.div_ceil(8));
        // 1-bit frames are RLE-coded as packed bytes.
        let units = if info.bits_allocated == 1 {
            info.pixels().div_ceil(8)
        } else {
            info.pixels()
        };
        let samples = usize::from(info.samples_per_pixel);
        let out = crate::rle::decode_frame(&data, units as usize, samples, bps).map_err(corrupt)?;
        if info.bits_allocated == 1 {
            return Ok(crate::pixel::unpack_bits(&out, 0, info.pixels()));
        }
        Ok(out)
    }

    /// JPEG-LS through radscreen's own decoder.
    #[cfg(feature = "jpegls")]
    fn decode_jpegls(&self, info: &PixelInfo, frame: u32) -> Result<Vec<u8>> {
        let data = self.compressed_frame(frame)?;
        let target = crate::jpegls::Target {
            rows: info.rows,
            columns: info.columns,
            samples: info.samples_per_pixel,
            bytes_per_sample: usize::from(info.bits_allocated.div_ceil(8)),
        };
        crate::jpegls::decode(&data, &target).map_err(|e| self.corrupt(frame, e))
    }

    /// Lossless and 12-bit DCT JPEG through radscreen's own decoder; `None` for the frames
    /// it leaves to jpeg-decoder (8-bit DCT).
    #[cfg(feature = "jpeg")]
    fn decode_jpeg(&self, info: &PixelInfo, frame: u32) -> Result<Option<Vec<u8>>> {
        let corrupt = |reason| self.corrupt(frame, reason);
        let data = self.compressed_frame(frame)?;
        let target = crate::jpeg::Target {
            rows: info.rows,
            columns: info.columns,
            samples: info.samples_per_pixel,
            bytes_per_sample: usize::from(info.bits_allocated.div_ceil(8)),
            rgb_without_markers: info.photometric_interpretation == "RGB",
        };
        if !crate::jpeg::wants(&data, &target) {
            return Ok(None);
        }
        crate::jpeg::decode(&data, &target)
            .map(Some)
            .map_err(corrupt)
    }

    fn unsupported_ts(&self) -> Error {
        let uid = self.transfer_syntax();
        let info = crate::syntax::syntax_info(uid);
        Error::UnsupportedTransferSyntax {
            path: self.path.clone(),
            uid: uid.to_string(),
            name: info.map_or("unrecognised transfer syntax", |i| i.name),
            feature: info.and_then(|i| i.feature),
        }
    }

    /// One frame of native (uncompressed) pixel data, without copying the other frames.
    fn native_frame(&self, info: &PixelInfo, p: &PrimitiveValue, frame: u32) -> Result<Vec<u8>> {
        let frame_bits = info.native_frame_bits();
        let start_bit = frame_bits * u64::from(frame);
        let end_bit = start_bit + frame_bits;
        let big_endian = self.transfer_syntax() == crate::syntax::EXPLICIT_VR_BIG_ENDIAN;
        // The parser keeps OW as 16-bit words in native order; rebuild little-endian bytes
        // of the requested range only.
        let available_bits = (p.calculate_byte_len() as u64) * 8;
        let truncated = || Error::TruncatedPixelData {
            path: self.path.clone(),
            frame,
            expected: end_bit.div_ceil(8) - start_bit / 8,
            actual: (available_bits.saturating_sub(start_bit) / 8),
        };
        if end_bit > available_bits {
            return Err(truncated());
        }
        let (b0, b1) = ((start_bit / 8) as usize, end_bit.div_ceil(8) as usize);
        let raw: Cow<[u8]> = match p {
            PrimitiveValue::U8(v) => Cow::Borrowed(&v[b0..b1]),
            PrimitiveValue::U16(v) if info.bits_allocated == 32 && big_endian => {
                // 32-bit samples read as big-endian words: high word first.
                let w = &v[b0 / 2..b1.div_ceil(2)];
                Cow::Owned(
                    w.chunks_exact(2)
                        .flat_map(|c| ((u32::from(c[0]) << 16) | u32::from(c[1])).to_le_bytes())
                        .collect(),
                )
            }
            PrimitiveValue::U16(v) if b0 % 2 == 0 => {
                let mut bytes: Vec<u8> = v[b0 / 2..b1.div_ceil(2)]
                    .iter()
                    .flat_map(|w| w.to_le_bytes())
                    .collect();
                bytes.truncate(b1 - b0);
                Cow::Owned(bytes)
            }
            other => Cow::Owned(other.to_bytes()[b0..b1].to_vec()),
        };
        let pixels = info.pixels() as usize;
        let bps = usize::from(info.bits_allocated.div_ceil(8));
        Ok(match info.bits_allocated {
            1 => unpack_bits(
                &raw,
                start_bit % 8,
                info.pixels() * u64::from(info.samples_per_pixel),
            ),
            _ if info.photometric_interpretation == "YBR_FULL_422" => {
                upsample_422(&raw, info.rows as usize, info.columns as usize, bps)
            }
            _ if info.samples_per_pixel == 3 && info.planar_configuration == 1 => {
                planar_to_interleaved(&raw, pixels, bps)
            }
            _ => raw.into_owned(),
        })
    }

    /// The common case (native 16-bit greyscale, parsed as words) without the byte detour.
    fn native_u16_stored(&self, info: &PixelInfo, frame: u32) -> Result<Option<StoredFrame>> {
        if info.bits_allocated != 16 || info.samples_per_pixel != 1 {
            return Ok(None);
        }
        self.check_frame(info, frame)?;
        let Some(Value::Primitive(PrimitiveValue::U16(words))) =
            self.obj.get(tags::PIXEL_DATA).map(|e| e.value())
        else {
            return Ok(None);
        };
        let n = info.pixels() as usize;
        let start = n * frame as usize;
        // Short data falls through to the general path, which reports it.
        Ok(words
            .get(start..start + n)
            .map(|w| crate::pixel::stored_from_u16(info, w)))
    }

    /// **Stored** stage of one frame (0-based): `[rows, columns, samples]`.
    pub fn stored(&self, frame: u32) -> Result<StoredFrame> {
        let info = self.pixel_info()?;
        if let Some(s) = self.native_u16_stored(&info, frame)? {
            return Ok(s);
        }
        let bytes = self.frame_bytes(&info, frame)?;
        Ok(to_stored(&info, &bytes))
    }
}
