//! Small typed accessors over a data set; absent or unreadable values read as `None`.

use dicom_core::Tag;
use dicom_object::InMemDicomObject;

pub(crate) type Obj = InMemDicomObject;

/// A trimmed, non-empty string value (all values joined with `\`).
pub(crate) fn str_of(obj: &Obj, tag: Tag) -> Option<String> {
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
    let e = obj.get(tag)?;
    if let Ok(v) = e.to_multi_int::<i64>() {
        return v.first().and_then(|&x| T::from_i64(x));
    }
    None
}

/// All values as floats.
pub(crate) fn floats_of(obj: &Obj, tag: Tag) -> Option<Vec<f64>> {
    let e = obj.get(tag)?;
    let v = e.to_multi_float64().ok()?;
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
