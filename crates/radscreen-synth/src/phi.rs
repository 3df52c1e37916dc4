//! Fake identifying data (names, IDs, dates, accession numbers, institutions) and UIDs, all
//! derived from the seed so that the same seed gives the same files. None of it is real.

pub use radscreen_dicom::date::da;
use radscreen_dicom::date::days_from_civil;

use crate::rng::{Rng, mix};

const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Garcia",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Müller",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Larsen",
    "O'Brien",
    "Fernandes",
    "Petrov",
    "Kim",
    "Dubois",
    "Novak",
    "Hughes",
    "Mensah",
    "Silva",
    "Andersson",
    "Chen",
    "Patel",
    "Schmidt",
    "Moreau",
    "Ivanova",
    "Walsh",
];
const GIVEN_F: &[&str] = &[
    "Mary", "Amina", "Sofia", "Yuki", "Olga", "Grace", "Ingrid", "Lucia", "Priya", "Chloe",
    "Fatima", "Hannah", "Mei", "Zoe", "Aoife",
];
const GIVEN_M: &[&str] = &[
    "James", "Kwame", "Luca", "Hiroshi", "Ivan", "Omar", "Lars", "Mateo", "Arjun", "Pierre",
    "Daniel", "Tomasz", "Wei", "Samuel", "Cian",
];
const INSTITUTIONS: &[&str] = &[
    "Northfield General Hospital",
    "St. Brigid's University Hospital",
    "Lakeside Regional Medical Centre",
    "Riverside Imaging Clinic",
];
const PHYSICIANS: &[&str] = &[
    "Hart^Eleanor^^Dr",
    "Baptiste^Marc^^Dr",
    "Sato^Ken^^Dr",
    "Adeyemi^Tola^^Dr",
];

/// One fake patient.
#[derive(Clone, Debug)]
pub struct Patient {
    /// DICOM PN, `Family^Given`.
    pub name: String,
    pub id: String,
    pub sex: &'static str,
    pub age: u32,
    /// Days since 1970-01-01 of the study and of the birth.
    pub study_day: i64,
    pub birth_day: i64,
    pub institution: &'static str,
    pub physician: &'static str,
    pub accession: String,
    pub split: &'static str,
}

impl Patient {
    pub fn draw(rng: &mut Rng, index: usize, female: bool, age: u32, split: &'static str) -> Self {
        let family = *rng.pick(FAMILY);
        let given = *rng.pick(if female { GIVEN_F } else { GIVEN_M });
        let study_day = days_from_civil(2016, 1, 1) + i64::from(rng.int(0, 9 * 365));
        let birth_day =
            study_day - i64::from(age) * 365 - i64::from(age / 4) - i64::from(rng.int(0, 364));
        Patient {
            name: format!("{family}^{given}"),
            id: format!(
                "RS{:07}",
                (mix(rng.next_u64(), &[index as u64]) % 9_000_000) + 1_000_000
            ),
            sex: if female { "F" } else { "M" },
            age,
            study_day,
            birth_day,
            institution: rng.pick::<&str>(INSTITUTIONS),
            physician: rng.pick::<&str>(PHYSICIANS),
            accession: format!("A{:09}", rng.next_u64() % 1_000_000_000),
            split,
        }
    }
}

/// UID kinds, part of every UID's derivation.
#[derive(Clone, Copy, Debug)]
pub enum UidKind {
    Study = 1,
    Series = 2,
    Instance = 3,
    FrameOfReference = 4,
}

/// A deterministic UID: `2.25.<128-bit decimal>` derived from the seed (the default), or
/// `<root>.<kind>.<seed>.<a>.<b>` under a configured root.
pub fn uid(root: Option<&str>, seed: u64, kind: UidKind, a: u64, b: u64) -> String {
    match root {
        Some(r) => format!("{r}.{}.{seed}.{a}.{b}", kind as u8),
        None => {
            let hi = mix(seed, &[kind as u64, a, b, 1]);
            let lo = mix(seed, &[kind as u64, a, b, 2]);
            let v = ((u128::from(hi) << 64) | u128::from(lo)) >> 1;
            format!("2.25.{v}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_valid() {
        let u = uid(None, u64::MAX, UidKind::Instance, u64::MAX, u64::MAX);
        assert!(u.len() <= 64 && u.starts_with("2.25.") && !u[5..].starts_with('0'));
        let u = uid(
            Some("1.2.3.444444444444444444444"),
            u64::MAX,
            UidKind::Instance,
            9_999_999,
            99_999,
        );
        assert!(u.len() <= 64, "{u}");
    }
}
