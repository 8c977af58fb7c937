//! Instants and calendar dates, as the record model and the wire format use them.
//!
//! Instants are whole UTC seconds since the Unix epoch ([`Timestamp`]); on the wire
//! they are CBOR unsigned integers and in JSON RFC 3339 strings (`2021-03-10T08:30:00Z`).
//! Calendar dates ([`Date`]) are days since 1970-01-01 on the wire and `YYYY-MM-DD`
//! in JSON. A date of birth may be partial ([`BirthDate`]).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Month, OffsetDateTime, UtcOffset};

/// The latest instant the format accepts: 9999-12-31T23:59:59Z.
pub const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// Why a time or date value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The instant lies before 1970-01-01T00:00:00Z or after 9999-12-31T23:59:59Z.
    #[error("instant {0} is outside 1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z")]
    InstantOutOfRange(i64),
    /// The calendar date does not exist or lies outside years 1..=9999.
    #[error("date {0} does not exist or is outside years 0001..=9999")]
    DateOutOfRange(String),
    /// The text is not in the expected form.
    #[error("`{text}` is not {expected}")]
    Syntax {
        /// The text that was read.
        text: String,
        /// What was expected.
        expected: &'static str,
    },
}

/// A UTC instant in whole seconds since 1970-01-01T00:00:00Z, within
/// `0..=MAX_UNIX_SECONDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// An instant from Unix seconds, refused outside `0..=MAX_UNIX_SECONDS`.
    pub fn from_unix(seconds: i64) -> Result<Self, TimeError> {
        if (0..=MAX_UNIX_SECONDS).contains(&seconds) {
            Ok(Self(seconds))
        } else {
            Err(TimeError::InstantOutOfRange(seconds))
        }
    }

    /// The current time from the system clock.
    pub fn now() -> Self {
        let secs = OffsetDateTime::now_utc().unix_timestamp();
        Self(secs.clamp(0, MAX_UNIX_SECONDS))
    }

    /// Seconds since the Unix epoch.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 date-time with any offset (`2021-03-10T16:30:00+08:00`);
    /// fractions of a second are truncated.
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimeError> {
        let parsed = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| TimeError::Syntax {
            text: text.to_owned(),
            expected: "an RFC 3339 date-time such as 2021-03-10T08:30:00Z",
        })?;
        Self::from_unix(parsed.unix_timestamp())
    }

    /// This instant plus `seconds` (which may be negative), saturating at the range ends.
    pub fn saturating_add(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds).clamp(0, MAX_UNIX_SECONDS))
    }

    /// The UTC calendar date of this instant.
    pub fn date(self) -> Date {
        let dt = self.to_datetime();
        Date {
            year: u16::try_from(dt.year()).unwrap_or(1970),
            month: u8::from(dt.month()),
            day: dt.day(),
        }
    }

    fn to_datetime(self) -> OffsetDateTime {
        // In range by construction; the fallback is never taken.
        OffsetDateTime::from_unix_timestamp(self.0).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dt = self.to_datetime().to_offset(UtcOffset::UTC);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

/// A proleptic Gregorian calendar date in years 1..=9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date from its parts, refused when it does not exist.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, TimeError> {
        let bad = || TimeError::DateOutOfRange(format!("{year:04}-{month:02}-{day:02}"));
        if !(1..=9999).contains(&year) {
            return Err(bad());
        }
        let m = Month::try_from(month).map_err(|_| bad())?;
        time::Date::from_calendar_date(i32::from(year), m, day).map_err(|_| bad())?;
        Ok(Self { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1..=12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1..=31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it): the wire form.
    pub fn days_since_epoch(self) -> i64 {
        i64::from(self.to_time().to_julian_day()) - i64::from(UNIX_EPOCH_JULIAN_DAY)
    }

    /// The date `days` after 1970-01-01, refused outside years 1..=9999.
    pub fn from_days_since_epoch(days: i64) -> Result<Self, TimeError> {
        let bad = || TimeError::DateOutOfRange(format!("day {days} since 1970-01-01"));
        let julian = i32::try_from(days)
            .ok()
            .and_then(|d| d.checked_add(UNIX_EPOCH_JULIAN_DAY))
            .ok_or_else(bad)?;
        let d = time::Date::from_julian_day(julian).map_err(|_| bad())?;
        let year = u16::try_from(d.year()).map_err(|_| bad())?;
        Self::new(year, u8::from(d.month()), d.day()).map_err(|_| bad())
    }

    /// Midnight UTC at the start of this date, or `None` before 1970.
    pub fn start_of_day(self) -> Option<Timestamp> {
        Timestamp::from_unix(self.days_since_epoch().checked_mul(86_400)?).ok()
    }

    fn to_time(self) -> time::Date {
        let month = Month::try_from(self.month).unwrap_or(Month::January);
        time::Date::from_calendar_date(i32::from(self.year), month, self.day)
            .unwrap_or(time::Date::MIN)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let syntax = || TimeError::Syntax {
            text: text.to_owned(),
            expected: "a date YYYY-MM-DD",
        };
        let parts = split_date(text).ok_or_else(syntax)?;
        match parts {
            (y, Some(m), Some(d)) => Self::new(y, m, d),
            _ => Err(syntax()),
        }
    }
}

/// Splits `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into numbers (digits only, fixed widths).
fn split_date(text: &str) -> Option<(u16, Option<u8>, Option<u8>)> {
    let mut parts = text.split('-');
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let y = parts.next().filter(|s| digits(s, 4))?.parse().ok()?;
    let m = match parts.next() {
        Some(s) if digits(s, 2) => Some(s.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    let d = match parts.next() {
        Some(s) if digits(s, 2) => Some(s.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((y, m, d))
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A date of birth: full, year and month, or year only (as passports print them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BirthDate {
    /// Year, month and day are known.
    Full(Date),
    /// Only the year and month are known.
    YearMonth {
        /// The year, 1..=9999.
        year: u16,
        /// The month, 1..=12.
        month: u8,
    },
    /// Only the year is known.
    Year(u16),
    /// Not known: an empty date of birth, as EU DCC certificates may carry.
    /// A travelcert certificate always has at least the year.
    Unknown,
}

impl BirthDate {
    /// A year-and-month date of birth, refused when out of range.
    pub fn year_month(year: u16, month: u8) -> Result<Self, TimeError> {
        Date::new(year, month, 1)?;
        Ok(Self::YearMonth { year, month })
    }

    /// A year-only date of birth, refused when out of range.
    pub fn year(year: u16) -> Result<Self, TimeError> {
        Date::new(year, 1, 1)?;
        Ok(Self::Year(year))
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or the empty text (unknown).
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let syntax = || TimeError::Syntax {
            text: text.to_owned(),
            expected: "a date of birth YYYY-MM-DD, YYYY-MM or YYYY",
        };
        if text.is_empty() {
            return Ok(Self::Unknown);
        }
        match split_date(text).ok_or_else(syntax)? {
            (y, Some(m), Some(d)) => Date::new(y, m, d).map(Self::Full),
            (y, Some(m), None) => Self::year_month(y, m),
            (y, None, None) => Self::year(y),
            (_, None, Some(_)) => Err(syntax()),
        }
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(d) => d.fmt(f),
            Self::YearMonth { year, month } => write!(f, "{year:04}-{month:02}"),
            Self::Year(year) => write!(f, "{year:04}"),
            Self::Unknown => Ok(()),
        }
    }
}

impl Serialize for BirthDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BirthDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch_round_trips_across_leap_days_and_before_1970() {
        for (y, m, d, days) in [
            (1970, 1, 1, 0),
            (2021, 1, 5, 18_632),
            (2000, 2, 29, 11_016),
            (1969, 12, 31, -1),
            (1, 1, 1, -719_162),
            (9999, 12, 31, 2_932_896),
        ] {
            let date = Date::new(y, m, d).unwrap();
            assert_eq!(date.days_since_epoch(), days, "{date}");
            assert_eq!(Date::from_days_since_epoch(days).unwrap(), date);
        }
        assert!(Date::from_days_since_epoch(2_932_897).is_err());
        assert!(Date::from_days_since_epoch(-719_163).is_err());
        assert!(Date::from_days_since_epoch(i64::MIN).is_err());
    }

    #[test]
    fn invalid_dates_are_refused() {
        assert!(Date::new(2021, 2, 29).is_err());
        assert!(Date::new(2020, 2, 29).is_ok());
        assert!(Date::new(2021, 13, 1).is_err());
        assert!(Date::new(0, 1, 1).is_err());
        assert!(Date::parse("2021-1-05").is_err());
        assert!(BirthDate::parse("1985-00").is_err());
    }

    #[test]
    fn birth_dates_parse_in_three_precisions() {
        assert_eq!(BirthDate::parse("1985").unwrap(), BirthDate::Year(1985));
        assert_eq!(
            BirthDate::parse("1985-03").unwrap(),
            BirthDate::YearMonth {
                year: 1985,
                month: 3
            }
        );
        assert_eq!(
            BirthDate::parse("1985-03-12").unwrap().to_string(),
            "1985-03-12"
        );
    }

    #[test]
    fn rfc3339_offsets_are_normalised_to_utc() {
        let t = Timestamp::parse_rfc3339("2021-03-10T16:30:00+08:00").unwrap();
        assert_eq!(t.to_string(), "2021-03-10T08:30:00Z");
        assert_eq!(t.unix(), 1_615_365_000);
        assert!(Timestamp::parse_rfc3339("1969-12-31T23:59:59Z").is_err());
        assert!(Timestamp::from_unix(MAX_UNIX_SECONDS + 1).is_err());
    }
}
