//! UTC timestamps in the two shapes the service uses, without a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// A civil UTC date-time broken into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

impl UtcTime {
    pub fn now() -> Self {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Self::from_unix_millis(since_epoch.as_millis() as i64)
    }

    pub fn from_unix_millis(millis: i64) -> Self {
        let secs = millis.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let secs_of_day = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: (secs_of_day / 3600) as u32,
            minute: (secs_of_day % 3600 / 60) as u32,
            second: (secs_of_day % 60) as u32,
            millis: millis.rem_euclid(1000) as u32,
        }
    }

    /// `2026-06-03T22:16:01.393Z`, the shape of the guide's example responses.
    pub fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.millis
        )
    }

    /// Reads the `iso` shape back (`2026-06-03T22:16:01.393Z`).
    pub fn parse_iso(text: &str) -> Option<Self> {
        let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
        if text.len() != 24 || !text.ends_with('Z') {
            return None;
        }
        Some(Self {
            year: i64::from(number(0..4)?),
            month: number(5..7)?,
            day: number(8..10)?,
            hour: number(11..13)?,
            minute: number(14..16)?,
            second: number(17..19)?,
            millis: number(20..23)?,
        })
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs * 1000 + i64::from(self.millis)
    }

    /// `2026-06`, the month part of output filenames (`Acme Corp 2026-06.json`).
    pub fn year_month(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Howard Hinnant's civil-to-days algorithm, the inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        // 2026-06-03T22:16:01.393Z
        let t = UtcTime::from_unix_millis(1_780_524_961_393);
        assert_eq!(t.iso(), "2026-06-03T22:16:01.393Z");
        assert_eq!(t.year_month(), "2026-06");
        assert_eq!(
            UtcTime::from_unix_millis(0).iso(),
            "1970-01-01T00:00:00.000Z"
        );
        // Leap day.
        assert_eq!(
            UtcTime::from_unix_millis(1_709_164_800_000).iso(),
            "2024-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn parses_what_it_prints() {
        for millis in [0, 1_709_164_800_000, 1_780_524_961_393] {
            let text = UtcTime::from_unix_millis(millis).iso();
            let parsed = UtcTime::parse_iso(&text).expect("its own output parses");
            assert_eq!(parsed.unix_millis(), millis, "{text}");
        }
        assert_eq!(UtcTime::parse_iso("2026-06-03"), None);
    }
}
