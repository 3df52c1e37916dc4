//! New UIDs in the UUID-derived form (`2.25.` and the UUID as a decimal integer, PS3.5 B.2):
//! unique without a registered root.

/// A new random UID (UUID version 4).
pub fn new_uid() -> String {
    format!("2.25.{}", uuid::Uuid::new_v4().as_u128())
}

/// A UID that is the same for the same name (a UUID version 8 from the name's bytes): the
/// device observer UID of one model is stable across runs and machines.
pub fn name_uid(name: &str) -> String {
    // FNV-1a, 128-bit: a stable spread of the name; not a security boundary.
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in name.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    let mut bytes = h.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    format!("2.25.{}", u128::from_be_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_valid_and_distinct() {
        let a = new_uid();
        let b = new_uid();
        assert_ne!(a, b);
        for u in [a, b, name_uid("radscreen v3"), name_uid("")] {
            assert!(u.len() <= 64, "{u}");
            assert!(u.starts_with("2.25.") && !u[5..].starts_with('0'), "{u}");
            assert!(u[5..].bytes().all(|c| c.is_ascii_digit()), "{u}");
        }
        assert_eq!(name_uid("m"), name_uid("m"));
        assert_ne!(name_uid("m"), name_uid("n"));
    }
}
