//! Small helpers for building data sets with dicom-object: typed element setters, code
//! sequence items and DS formatting.

use dicom_core::value::DataSetSequence;
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use crate::codes::Code;

/// A data set being built.
#[derive(Debug)]
pub(crate) struct Ds(pub InMemDicomObject);

impl Ds {
    pub fn new() -> Self {
        Ds(InMemDicomObject::new_empty())
    }
    /// A string value (several values joined by `\`).
    pub fn s(&mut self, tag: Tag, vr: VR, v: impl Into<String>) -> &mut Self {
        let v: String = v.into();
        if v.is_empty() {
            return self.empty(tag, vr);
        }
        self.0
            .put(DataElement::new(tag, vr, PrimitiveValue::from(v)));
        self
    }
    /// A type-2 attribute: the value when there is one, else present and empty.
    pub fn opt(&mut self, tag: Tag, vr: VR, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.s(tag, vr, v),
            None => self.empty(tag, vr),
        }
    }
    pub fn empty(&mut self, tag: Tag, vr: VR) -> &mut Self {
        self.0.put(DataElement::new(tag, vr, PrimitiveValue::Empty));
        self
    }
    pub fn us(&mut self, tag: Tag, v: u16) -> &mut Self {
        self.0
            .put(DataElement::new(tag, VR::US, PrimitiveValue::from(v)));
        self
    }
    pub fn ul(&mut self, tag: Tag, v: &[u32]) -> &mut Self {
        self.0.put(DataElement::new(
            tag,
            VR::UL,
            PrimitiveValue::U32(v.iter().copied().collect()),
        ));
        self
    }
    pub fn fd(&mut self, tag: Tag, v: f64) -> &mut Self {
        self.0
            .put(DataElement::new(tag, VR::FD, PrimitiveValue::from(v)));
        self
    }
    pub fn fl(&mut self, tag: Tag, v: &[f32]) -> &mut Self {
        self.0.put(DataElement::new(
            tag,
            VR::FL,
            PrimitiveValue::F32(v.iter().copied().collect()),
        ));
        self
    }
    pub fn at(&mut self, tag: Tag, v: Tag) -> &mut Self {
        self.0
            .put(DataElement::new(tag, VR::AT, PrimitiveValue::from(v)));
        self
    }
    pub fn ds(&mut self, tag: Tag, v: &[f64]) -> &mut Self {
        let s: Vec<String> = v.iter().map(|&x| ds(x)).collect();
        self.s(tag, VR::DS, s.join("\\"))
    }
    pub fn seq(&mut self, tag: Tag, items: Vec<Ds>) -> &mut Self {
        let items: Vec<InMemDicomObject> = items.into_iter().map(|d| d.0).collect();
        self.0
            .put(DataElement::new(tag, VR::SQ, DataSetSequence::from(items)));
        self
    }
    /// A code sequence of one item.
    pub fn code(&mut self, tag: Tag, code: &Code) -> &mut Self {
        self.seq(tag, vec![code_item(code)])
    }
}

/// The item of a code sequence.
pub(crate) fn code_item(code: &Code) -> Ds {
    let mut d = Ds::new();
    d.s(tags::CODE_VALUE, VR::SH, code.value.as_str())
        .s(tags::CODING_SCHEME_DESIGNATOR, VR::SH, code.scheme.as_str())
        .s(tags::CODE_MEANING, VR::LO, code.meaning.as_str());
    d
}

/// A decimal string of at most 16 characters (the DS limit) that reads back as `v` to the
/// precision those characters allow.
pub(crate) fn ds(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    for p in (0..=10).rev() {
        let s = format!("{v:.p$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        let s = if s == "-0" { "0".to_string() } else { s };
        if s.len() <= 16 {
            return s;
        }
    }
    format!("{v:.6e}")
}

#[cfg(test)]
mod tests {
    use super::ds;

    #[test]
    fn decimal_strings_fit_sixteen_characters() {
        assert_eq!(ds(0.73), "0.73");
        assert_eq!(ds(-0.0), "0");
        assert_eq!(ds(-199.1071), "-199.1071");
        assert_eq!(ds(1.0 / 3.0), "0.3333333333");
        for v in [1e10, -123456789.123456, 0.000001234, 5.0] {
            let s = ds(v);
            assert!(s.len() <= 16, "{s}");
            assert!(
                (s.parse::<f64>().unwrap() - v).abs() <= v.abs() * 1e-6,
                "{s} vs {v}"
            );
        }
    }
}
