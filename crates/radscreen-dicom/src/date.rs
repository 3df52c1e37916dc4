//! Calendar dates for the attributes radscreen writes (DA, TM, DT), without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// `YYYYMMDD` for days since 1970-01-01.
pub fn da(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}")
}

/// (year, month, day) for days since 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The current UTC date and time as DICOM `YYYYMMDD` and `HHMMSS.ffffff`.
pub fn now_utc() -> (String, String) {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs() as i64;
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    (
        da(day),
        format!(
            "{:02}{:02}{:02}.{:06}",
            s / 3600,
            s / 60 % 60,
            s % 60,
            d.subsec_micros()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for d in [-1000, 0, 16_800, 20_000, 30_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(da(0), "19700101");
        assert_eq!(da(days_from_civil(2024, 2, 29)), "20240229");
    }

    #[test]
    fn now_is_a_dicom_date_and_time() {
        let (d, t) = now_utc();
        assert_eq!(d.len(), 8);
        assert!(d.as_str() >= "20240101", "{d}");
        assert_eq!(t.len(), 13);
        assert!(t[..2].parse::<u32>().unwrap() < 24);
    }
}
