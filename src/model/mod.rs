//! The record model: what a certificate says about its holder.
//!
//! A [`Certificate`] is the signed statement: issuer country, issue and expiry
//! time, certificate id and one [`HealthRecord`]. The health record holds the
//! [`Holder`], an optional [`Journey`] and any number of [`NatTest`]s,
//! [`AntibodyTest`]s and [`Vaccination`]s, and — only when the issuer asks for
//! them (minimum necessary data) — [`HistoryEntry`]s of infection history and
//! recovery NATs. At least one NAT, antibody test or vaccination is required;
//! history and recovery NATs alone are not a record, so that verifiers deployed
//! before they existed (which keep them as unknown keys) still accept every
//! certificate that carries them.
//!
//! Every type serialises to the JSON that FORMAT.md defines normatively; the same
//! JSON is what the CLI reads when issuing. Items that a later format version adds
//! and this version does not know are kept in [`Extensions`] and shown in the JSON.

mod certificate;
pub(crate) mod codes;
mod country;
mod entries;
mod holder;
mod journey;
mod record;
mod time;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use self::certificate::{Certificate, CertificateId, Extensions, RawCbor};
pub use self::codes::{
    AntibodyClass, AntibodyResult, Disease, DocumentType, HistoryKind, Manufacturer, NatMethod,
    NatResult, RecordKind, Sex, VaccineProduct,
};
pub use self::country::{CountryCode, CountryError, Nationality};
pub use self::entries::{
    AntibodyTest, AntigenTest, Facility, HistoryEntry, NatTest, Quantity, Vaccination,
};
pub use self::holder::Holder;
pub use self::journey::{Journey, TransitPoint, MAX_TRANSIT_POINTS};
pub use self::record::HealthRecord;
pub use self::time::{BirthDate, Date, TimeError, Timestamp, MAX_UNIX_SECONDS};

/// The most entries of each record kind one certificate may carry.
pub const MAX_ENTRIES_PER_KIND: usize = 16;

/// The most unknown items a map or positional array of the record may carry,
/// and the claims too (FORMAT.md §5.4). Bounds what decoding keeps.
pub const MAX_UNKNOWN_ITEMS: usize = 32;

/// The record map keys this version defines (FORMAT.md §6.2).
const DEFINED_RECORD_KEYS: &[i64] = &[1, 2, 3, 4, 5, 6, 7];
/// The journey map keys this version defines (FORMAT.md §6.2).
const DEFINED_JOURNEY_KEYS: &[i64] = &[1, 3, 4, 5, 6];

/// An "unknown" entry under a key this version defines would be written on
/// the wire with that key's meaning (or fail to decode): refuse it.
fn check_unknown_keys(path: &str, ext: &Extensions, defined: &[i64]) -> Result<(), RecordError> {
    match ext.iter().find(|(k, _)| defined.contains(k)) {
        Some((k, _)) => Err(RecordError::new(
            format!("{path}.unknown_keys"),
            format!("key {k} is defined by this format version; use its field instead"),
        )),
        None => Ok(()),
    }
}

fn check_unknown(path: &str, count: usize) -> Result<(), RecordError> {
    if count > MAX_UNKNOWN_ITEMS {
        return Err(RecordError::new(
            path,
            format!("has more than {MAX_UNKNOWN_ITEMS} unknown items"),
        ));
    }
    Ok(())
}

/// A record that breaks a rule of the model, with the path of the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct RecordError {
    /// Where, e.g. `vaccinations[1].dose`.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

impl RecordError {
    /// A new error at `path`.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// The same error, its path placed under `parent`.
    pub fn within(mut self, parent: &str) -> Self {
        self.path = format!("{parent}.{}", self.path);
        self
    }
}

/// Free text: `min..=max` bytes of UTF-8 with no control characters.
fn check_text(path: &str, text: &str, min: usize, max: usize) -> Result<(), RecordError> {
    if text.len() < min || text.len() > max {
        return Err(RecordError::new(
            path,
            format!("must be {min} to {max} bytes of UTF-8, not {}", text.len()),
        ));
    }
    // Printable ASCII is the common case and needs no decoding; anything
    // else is checked character by character.
    let printable_ascii = text.bytes().all(|b| (0x20..0x7f).contains(&b));
    if !printable_ascii && text.chars().any(char::is_control) {
        return Err(RecordError::new(
            path,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// ICAO 9303 Latin name: upper-case A–Z, space, hyphen, apostrophe; at most 64.
fn check_latin_name(path: &str, text: &str, min: usize) -> Result<(), RecordError> {
    let ok_char = |b: u8| b.is_ascii_uppercase() || matches!(b, b' ' | b'-' | b'\'');
    if text.len() < min || text.len() > 64 || !text.bytes().all(ok_char) {
        return Err(RecordError::new(
            path,
            format!(
                "must be {min} to 64 upper-case Latin letters, spaces, hyphens or apostrophes (ICAO 9303)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_errors_name_the_full_path() {
        let mut r: HealthRecord =
            serde_json::from_str(include_str!("../../examples/data/traveller.json")).unwrap();
        r.vaccinations[1].dose = 0;
        assert_eq!(r.validate().unwrap_err().path, "vaccinations[1].dose");
        r.vaccinations[1].dose = 2;
        r.antibody_tests[0].laboratory.name = "bad\u{7}".into();
        assert_eq!(
            r.validate().unwrap_err().path,
            "antibody_tests[0].laboratory.name"
        );
        r.antibody_tests[0].laboratory.name = "ok".into();
        r.antibody_tests[0].quantity = Some(Quantity {
            mantissa: 1,
            exponent: 19,
            unit: "U".into(),
        });
        assert_eq!(
            r.validate().unwrap_err().path,
            "antibody_tests[0].quantity.exponent"
        );
    }

    #[test]
    fn unknown_entries_under_defined_keys_are_refused() {
        let mut r: HealthRecord =
            serde_json::from_str(include_str!("../../examples/data/traveller.json")).unwrap();
        r.unknown_keys.insert(6, RawCbor::new(vec![0x20]));
        assert_eq!(r.validate().unwrap_err().path, "record.unknown_keys");
        r.unknown_keys = Extensions::default();
        r.unknown_keys.insert(10, RawCbor::new(vec![0x20]));
        assert!(r.validate().is_ok());
        r.journey
            .as_mut()
            .unwrap()
            .unknown_keys
            .insert(3, RawCbor::new(vec![0x20]));
        assert_eq!(r.validate().unwrap_err().path, "journey.unknown_keys");
    }

    #[test]
    fn quantities_print_exactly() {
        let q = |mantissa, exponent| Quantity {
            mantissa,
            exponent,
            unit: "BAU/mL".into(),
        };
        assert_eq!(q(1234, -2).to_string(), "12.34 BAU/mL");
        assert_eq!(q(5, -3).to_string(), "0.005 BAU/mL");
        assert_eq!(q(-5, -1).to_string(), "-0.5 BAU/mL");
        assert_eq!(q(12, 2).to_string(), "1200 BAU/mL");
        assert_eq!(q(i64::MIN, -18).to_string(), "-9.223372036854775808 BAU/mL");
    }
}
