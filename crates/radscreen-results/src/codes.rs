//! The coded concepts the outputs use (docs/dicom-output.md lists them): DICOM (DCM), SNOMED CT
//! (SCT) and UCUM codes as highdicom and the IHE AI Results profile use them.

/// A coded concept: code value, coding scheme designator, code meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// Code Value.
    pub value: String,
    /// Coding Scheme Designator.
    pub scheme: String,
    /// Code Meaning.
    pub meaning: String,
}

impl Code {
    /// A code from its three parts.
    pub fn new(value: &str, scheme: &str, meaning: &str) -> Self {
        Code {
            value: value.into(),
            scheme: scheme.into(),
            meaning: meaning.into(),
        }
    }
}

/// The code a finding name is reported with: `tumor` is SNOMED CT 108369006 "Neoplasm",
/// `fracture` 72704001 "Fracture" (both morphologic abnormalities, the category SEG segments
/// use); any other name a private code in the `99RADSCREEN` scheme, so a model with new
/// findings still writes valid objects.
pub fn finding(name: &str) -> Code {
    match name {
        "tumor" | "tumour" => Code::new("108369006", "SCT", "Neoplasm"),
        "fracture" => Code::new("72704001", "SCT", "Fracture"),
        other => Code::new(&other.to_ascii_uppercase(), "99RADSCREEN", other),
    }
}

pub(crate) fn dcm(value: &str, meaning: &str) -> Code {
    Code::new(value, "DCM", meaning)
}

pub(crate) fn sct(value: &str, meaning: &str) -> Code {
    Code::new(value, "SCT", meaning)
}

/// Finding present (SCT 52101004) or absent (SCT 272519000), at the model's threshold.
pub fn presence(present: bool) -> Code {
    if present {
        sct("52101004", "Present")
    } else {
        sct("272519000", "Absent")
    }
}

/// The probability concept (DCM 122157 "Probability") and its unit (UCUM "1").
pub fn probability() -> (Code, Code) {
    (
        dcm("122157", "Probability"),
        Code::new("1", "UCUM", "no units"),
    )
}
