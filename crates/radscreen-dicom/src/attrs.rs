//! Small typed accessors over a data set; absent or unreadable values read as `None`.

use dicom_core::value::{PrimitiveValue, Value};
use dicom_core::{Tag, VR};
use dicom_object::InMemDicomObject;

pub(crate) type Obj = InMemDicomObject;

/// The text of an element whose VR is UN but whose dictionary VR is textual (explicit VR
/// files written by tools that did not know the attribute); pydicom reads these the same way.
fn un_text(obj: &Obj, tag: Tag) -> Option<String> {
    let e = obj.get(tag)?;
    if e.vr() != VR::UN {
        return None;
    }
    let Value::Primitive(PrimitiveValue::U8(bytes)) = e.value() else {
        return None;
    };
    let text = std::str::from_utf8(bytes).ok()?;
    text.bytes()
        .all(|b| b.is_ascii_graphic() || b == b' ' || b == 0)
        .then(|| {
            text.trim_matches(|c: char| c == '\0' || c.is_whitespace())
                .to_string()
        })
}

fn parse_multi<T: std::str::FromStr>(s: &str) -> Option<Vec<T>> {
    s.split('\\').map(|p| p.trim().parse().ok()).collect()
}

/// A trimmed, non-empty string value (all values joined with `\`).
pub(crate) fn str_of(obj: &Obj, tag: Tag) -> Option<String> {
    if let Some(t) = un_text(obj, tag) {
        return (!t.is_empty()).then_some(t);
    }
    let e = obj.get(tag)?;
    let s = e.to_str().ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!s.is_empty()).then(|| s.to_string())
}

/// The first value as an integer.
pub(crate) fn int_of<T>(obj: &Obj, tag: Tag) -> Option<T>
where
    T: std::str::FromStr + num_traits_lite::FromI64,
{
    if let Some(t) = un_text(obj, tag) {
        return parse_multi::<i64>(&t)?
            .first()
            .and_then(|&x| T::from_i64(x));
    }
    let e = obj.get(tag)?;
    if let Ok(v) = e.to_multi_int::<i64>() {
        return v.first().and_then(|&x| T::from_i64(x));
    }
    None
}

/// All values as floats.
pub(crate) fn floats_of(obj: &Obj, tag: Tag) -> Option<Vec<f64>> {
    let v = match un_text(obj, tag) {
        Some(t) => parse_multi::<f64>(&t)?,
        None => obj.get(tag)?.to_multi_float64().ok()?,
    };
    (!v.is_empty() && v.iter().all(|x| x.is_finite())).then_some(v)
}

/// The first value as a float.
pub(crate) fn float_of(obj: &Obj, tag: Tag) -> Option<f64> {
    floats_of(obj, tag).and_then(|v| v.first().copied())
}

/// The items of a sequence (empty if absent or not a sequence).
pub(crate) fn items_of(obj: &Obj, tag: Tag) -> &[Obj] {
    obj.get(tag).and_then(|e| e.items()).unwrap_or(&[])
}

/// Minimal integer conversion without pulling in num-traits.
pub(crate) mod num_traits_lite {
    pub trait FromI64: Sized {
        fn from_i64(v: i64) -> Option<Self>;
    }
    macro_rules! imp {
        ($($t:ty),*) => {$(
            impl FromI64 for $t {
                fn from_i64(v: i64) -> Option<Self> { <$t>::try_from(v).ok() }
            }
        )*};
    }
    imp!(u8, u16, u32, u64, i16, i32, i64, usize);
}
