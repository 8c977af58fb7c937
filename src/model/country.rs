//! Country codes, one convention throughout.
//!
//! - [`CountryCode`]: ISO 3166-1 alpha-2 (`CN`, `PK`) for the issuing, laboratory,
//!   vaccination and residence countries, as the EU certificate does.
//! - [`Nationality`]: the ICAO 9303 code printed in passports: three letters
//!   (`CHN`), or the shorter and special codes ICAO admits (`D`, `XXA`, `XXB`, `UNO`).
//!
//! Both check form only (upper-case Latin letters of the right length), not
//! membership of a list, so newly assigned codes keep working.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a country code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CountryError {
    /// Not two upper-case Latin letters.
    #[error("`{0}` is not an ISO 3166-1 alpha-2 code (two upper-case letters, e.g. CN)")]
    NotAlpha2(String),
    /// Not one to three upper-case Latin letters.
    #[error("`{0}` is not an ICAO 9303 nationality code (one to three upper-case letters, e.g. CHN or D)")]
    NotIcao(String),
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// `ZZ` (user-assigned): the country of a SMART Health Card's issuer,
    /// which the card does not name.
    #[cfg(feature = "shc")]
    pub(crate) const UNKNOWN: Self = Self(*b"ZZ");

    /// Checks and wraps a code such as `CN`.
    pub fn new(code: &str) -> Result<Self, CountryError> {
        match code.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(Self([*a, *b])),
            _ => Err(CountryError::NotAlpha2(code.to_owned())),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Two ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = CountryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> Self {
        c.as_str().to_owned()
    }
}

/// An ICAO 9303 nationality code (`CHN`, `D`, `XXA`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nationality(String);

impl Nationality {
    /// Checks and wraps a code such as `CHN`.
    pub fn new(code: &str) -> Result<Self, CountryError> {
        if (1..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(CountryError::NotIcao(code.to_owned()))
        }
    }

    /// The code as text (empty when not known).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// No nationality: certificates in a foreign format (EU DCC, SMART
    /// Health Card) do not say.
    #[cfg(any(feature = "hcert", feature = "shc"))]
    pub(crate) fn unknown() -> Self {
        Self(String::new())
    }
}

impl fmt::Display for Nationality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Nationality {
    type Error = CountryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<Nationality> for String {
    fn from(c: Nationality) -> Self {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_checked() {
        assert!(CountryCode::new("CN").is_ok());
        assert!(CountryCode::new("cn").is_err());
        assert!(CountryCode::new("CHN").is_err());
        assert!(CountryCode::new("C").is_err());
        assert!(Nationality::new("D").is_ok());
        assert!(Nationality::new("XXA").is_ok());
        assert!(Nationality::new("CHNA").is_err());
        assert!(Nationality::new("").is_err());
        assert!(Nationality::new("D<<").is_err());
    }
}
