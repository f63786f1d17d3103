//! `xs:dateTime` and `xs:duration` as metadata uses them.
//!
//! ```
//! use samlcheck::time::{parse_datetime, parse_duration};
//! let t = parse_datetime("2026-12-01T00:00:00Z").unwrap();
//! assert_eq!(t.to_rfc3339(), "2026-12-01T00:00:00+00:00");
//! let d = parse_duration("PT6H").unwrap();
//! assert_eq!((d.hours, d.approx_seconds()), (6, 21600.0));
//! ```

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Parses an `xs:dateTime`. A value without a time zone is taken as UTC (SAML requires
/// UTC; real files sometimes omit the `Z`). Fractional seconds of any length are accepted.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    // Without zone, or with a zone chrono's RFC 3339 parser refuses.
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(n.and_utc());
        }
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%:z") {
        return Some(d.with_timezone(&Utc));
    }
    // 24:00:00 is allowed by xs:dateTime and means the next day's midnight.
    if let Some(date) = s
        .strip_suffix("T24:00:00Z")
        .or_else(|| s.strip_suffix("T24:00:00"))
    {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        return d.succ_opt()?.and_hms_opt(0, 0, 0).map(|n| n.and_utc());
    }
    None
}

/// A parsed `xs:duration`. Years and months have no fixed length; [`XsDuration::approx_seconds`]
/// counts a year as 365.25 days and a month as 30.44 days.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct XsDuration {
    /// Whether the duration is negative.
    pub negative: bool,
    /// Years.
    pub years: u64,
    /// Months.
    pub months: u64,
    /// Days.
    pub days: u64,
    /// Hours.
    pub hours: u64,
    /// Minutes.
    pub minutes: u64,
    /// Seconds, with fraction.
    pub seconds: f64,
}

impl XsDuration {
    /// Approximate length in seconds (negative when the duration is).
    pub fn approx_seconds(&self) -> f64 {
        let s = self.years as f64 * 31_557_600.0
            + self.months as f64 * 2_629_800.0
            + self.days as f64 * 86_400.0
            + self.hours as f64 * 3600.0
            + self.minutes as f64 * 60.0
            + self.seconds;
        if self.negative {
            -s
        } else {
            s
        }
    }
}

/// Parses an `xs:duration` such as `PT6H`, `P1D`, `-P1Y2M3DT4H5M6.5S`.
pub fn parse_duration(s: &str) -> Option<XsDuration> {
    let s = s.trim();
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let rest = rest.strip_prefix('P')?;
    if rest.is_empty() || rest.ends_with('T') {
        return None;
    }
    let mut d = XsDuration {
        negative,
        years: 0,
        months: 0,
        days: 0,
        hours: 0,
        minutes: 0,
        seconds: 0.0,
    };
    let (date, time) = match rest.split_once('T') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let mut any = false;
    let mut num = String::new();
    let mut order = 0;
    for c in date.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let v: u64 = num.parse().ok()?;
        num.clear();
        let (slot, o) = match c {
            'Y' => (&mut d.years, 1),
            'M' => (&mut d.months, 2),
            'D' => (&mut d.days, 3),
            _ => return None,
        };
        if o <= order {
            return None;
        }
        order = o;
        *slot = v;
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    if let Some(time) = time {
        let mut order = 0;
        for c in time.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let o = match c {
                'H' => 1,
                'M' => 2,
                'S' => 3,
                _ => return None,
            };
            if o <= order || num.is_empty() {
                return None;
            }
            order = o;
            match c {
                'H' => d.hours = num.parse().ok()?,
                'M' => d.minutes = num.parse().ok()?,
                _ => {
                    if num.starts_with('.') || num.ends_with('.') {
                        return None;
                    }
                    d.seconds = num.parse().ok()?
                }
            }
            num.clear();
            any = true;
        }
        if !num.is_empty() {
            return None;
        }
    }
    any.then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes() {
        assert!(parse_datetime("2026-02-21T12:00:00Z").is_some());
        assert!(parse_datetime("2026-02-21T12:00:00.1234567Z").is_some());
        assert!(parse_datetime("2026-02-21T12:00:00+02:00").is_some());
        assert!(parse_datetime("2026-02-21T12:00:00").is_some());
        assert_eq!(
            parse_datetime("2026-02-21T24:00:00Z"),
            parse_datetime("2026-02-22T00:00:00Z")
        );
        assert!(parse_datetime("tomorrow").is_none());
        assert!(parse_datetime("2026-13-01T00:00:00Z").is_none());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("PT6H").unwrap().approx_seconds(), 21600.0);
        assert_eq!(parse_duration("P1D").unwrap().approx_seconds(), 86400.0);
        assert!(parse_duration("-P1Y2M3DT4H5M6.5S").unwrap().negative);
        for bad in [
            "", "P", "PT", "6H", "P1H", "PT1D", "P1M1Y", "PT1.S", "P-1D", "PTH",
        ] {
            assert!(parse_duration(bad).is_none(), "{bad}");
        }
    }
}
