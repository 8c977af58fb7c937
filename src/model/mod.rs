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

pub(crate) mod codes;
mod country;
mod time;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use self::codes::{
    AntibodyClass, AntibodyResult, Disease, DocumentType, HistoryKind, Manufacturer, NatMethod,
    NatResult, RecordKind, Sex, VaccineProduct,
};
pub use self::country::{CountryCode, CountryError, Nationality};
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

/// The most transit points one journey may list.
pub const MAX_TRANSIT_POINTS: usize = 8;

/// A signed statement about one traveller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// The issuing country (CWT claim `iss`).
    pub issuer: CountryCode,
    /// When the certificate was issued (CWT claim `iat`).
    pub issued_at: Timestamp,
    /// When the certificate stops being valid (CWT claim `exp`).
    pub expires_at: Timestamp,
    /// The certificate id (CWT claim `cti`), 8 to 16 bytes, hex in JSON.
    pub certificate_id: CertificateId,
    /// What the certificate says about its holder.
    pub record: HealthRecord,
    /// CWT claims this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    pub unknown_claims: Extensions,
}

/// A certificate id: 8 to 16 bytes, unique per issuer. Use it (with the issuer)
/// to identify a certificate, never the text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertificateId(Vec<u8>);

impl CertificateId {
    /// The shortest id, in bytes.
    pub const MIN_LEN: usize = 8;
    /// The longest id, in bytes.
    pub const MAX_LEN: usize = 16;

    /// Wraps 8 to 16 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, RecordError> {
        if (Self::MIN_LEN..=Self::MAX_LEN).contains(&bytes.len()) {
            Ok(Self(bytes.to_vec()))
        } else {
            Err(RecordError::new(
                "certificate_id",
                format!("must be 8 to 16 bytes, not {}", bytes.len()),
            ))
        }
    }

    /// The id's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateId({})", hex::encode(&self.0))
    }
}

impl fmt::Display for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl TryFrom<String> for CertificateId {
    type Error = RecordError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bytes = hex::decode(&s)
            .map_err(|_| RecordError::new("certificate_id", "must be hexadecimal"))?;
        Self::new(&bytes)
    }
}

impl From<CertificateId> for String {
    fn from(id: CertificateId) -> Self {
        hex::encode(id.0)
    }
}

/// The health data of one traveller: who they are and their test and
/// vaccination records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthRecord {
    /// Who the certificate is about.
    pub holder: Holder,
    /// The journey, when the issuer records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journey: Option<Journey>,
    /// Nucleic-acid tests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nat_tests: Vec<NatTest>,
    /// Serum antibody tests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub antibody_tests: Vec<AntibodyTest>,
    /// Vaccinations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vaccinations: Vec<Vaccination>,
    /// Infection history: earlier positive results, a confirmed diagnosis,
    /// close contact. Issued only on request (`IssueParams::include_history`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub infection_history: Vec<HistoryEntry>,
    /// Negative NAT reports given as evidence of recovery (normally two, from
    /// different laboratories). Issued only on request, like the history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_tests: Vec<NatTest>,
    /// Record-level keys this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    pub unknown_keys: Extensions,
}

impl HealthRecord {
    /// The record kinds present, in code order.
    pub fn kinds(&self) -> Vec<RecordKind> {
        let mut kinds = Vec::new();
        if !self.nat_tests.is_empty() {
            kinds.push(RecordKind::Nat);
        }
        if !self.antibody_tests.is_empty() {
            kinds.push(RecordKind::Antibody);
        }
        if !self.vaccinations.is_empty() {
            kinds.push(RecordKind::Vaccination);
        }
        if !self.infection_history.is_empty() {
            kinds.push(RecordKind::History);
        }
        if !self.recovery_tests.is_empty() {
            kinds.push(RecordKind::Recovery);
        }
        kinds
    }

    /// Whether the record carries infection history or recovery NATs, which an
    /// issuer includes only when asked (minimum necessary data).
    pub fn has_history(&self) -> bool {
        !self.infection_history.is_empty() || !self.recovery_tests.is_empty()
    }

    /// Checks every rule FORMAT.md states for a record: at least one NAT,
    /// antibody test or vaccination (history and recovery NATs do not count), at most
    /// [`MAX_ENTRIES_PER_KIND`] of each, text lengths and character sets, dose
    /// numbers, history dates. Issuing and decoding both apply it.
    pub fn validate(&self) -> Result<(), RecordError> {
        self.holder.validate()?;
        if let Some(journey) = &self.journey {
            journey.validate().map_err(|e| e.within("journey"))?;
            check_unknown("journey", journey.unknown_keys.len())?;
            check_unknown_keys("journey", &journey.unknown_keys, DEFINED_JOURNEY_KEYS)?;
            for t in &journey.transit {
                check_unknown("journey.transit", t.unknown_elements.len())?;
            }
        }
        check_unknown("record", self.unknown_keys.len())?;
        check_unknown_keys("record", &self.unknown_keys, DEFINED_RECORD_KEYS)?;
        check_unknown("holder", self.holder.unknown_elements.len())?;
        let entries = self
            .nat_tests
            .iter()
            .map(|t| ("nat_tests", t.unknown_elements.len()));
        let entries = entries.chain(
            self.antibody_tests
                .iter()
                .map(|t| ("antibody_tests", t.unknown_elements.len())),
        );
        let entries = entries.chain(
            self.vaccinations
                .iter()
                .map(|v| ("vaccinations", v.unknown_elements.len())),
        );
        let entries = entries.chain(
            self.infection_history
                .iter()
                .map(|h| ("infection_history", h.unknown_elements.len())),
        );
        let entries = entries.chain(
            self.recovery_tests
                .iter()
                .map(|t| ("recovery_tests", t.unknown_elements.len())),
        );
        for (path, count) in entries {
            check_unknown(path, count)?;
        }
        if self.nat_tests.is_empty()
            && self.antibody_tests.is_empty()
            && self.vaccinations.is_empty()
        {
            return Err(RecordError::new(
                "record",
                "must carry at least one NAT, antibody test or vaccination (infection history and recovery NATs alone are not a record)",
            ));
        }
        for (name, len) in [
            ("nat_tests", self.nat_tests.len()),
            ("antibody_tests", self.antibody_tests.len()),
            ("vaccinations", self.vaccinations.len()),
            ("infection_history", self.infection_history.len()),
            ("recovery_tests", self.recovery_tests.len()),
        ] {
            if len > MAX_ENTRIES_PER_KIND {
                return Err(RecordError::new(
                    name,
                    format!("has {len} entries; at most {MAX_ENTRIES_PER_KIND} are allowed"),
                ));
            }
        }
        for (i, t) in self.nat_tests.iter().enumerate() {
            t.validate()
                .map_err(|e| e.within(&format!("nat_tests[{i}]")))?;
        }
        for (i, t) in self.antibody_tests.iter().enumerate() {
            t.validate()
                .map_err(|e| e.within(&format!("antibody_tests[{i}]")))?;
        }
        for (i, v) in self.vaccinations.iter().enumerate() {
            v.validate()
                .map_err(|e| e.within(&format!("vaccinations[{i}]")))?;
        }
        for (i, h) in self.infection_history.iter().enumerate() {
            h.validate()
                .map_err(|e| e.within(&format!("infection_history[{i}]")))?;
        }
        for (i, t) in self.recovery_tests.iter().enumerate() {
            t.validate()
                .map_err(|e| e.within(&format!("recovery_tests[{i}]")))?;
        }
        Ok(())
    }
}

/// The traveller, as identified in their travel document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    /// The name in the native script (e.g. Chinese characters), when it differs
    /// from the Latin form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_name: Option<String>,
    /// ICAO 9303 primary identifier (surname), upper-case Latin.
    pub primary_name: String,
    /// ICAO 9303 secondary identifier (given names), upper-case Latin; may be empty.
    #[serde(default)]
    pub secondary_name: String,
    /// Date of birth, possibly partial.
    pub date_of_birth: BirthDate,
    /// Sex as printed in the document.
    pub sex: Sex,
    /// Nationality, ICAO 9303 code.
    pub nationality: Nationality,
    /// The travel document presented.
    pub document_type: DocumentType,
    /// The document number, upper-case letters and digits.
    pub document_number: String,
    /// Country of residence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence_country: Option<CountryCode>,
    /// City of residence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence_city: Option<String>,
    /// Trailing elements this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_elements: Vec<RawCbor>,
}

impl Holder {
    fn validate(&self) -> Result<(), RecordError> {
        if let Some(native) = &self.native_name {
            check_text("holder.native_name", native, 1, 128)?;
        }
        check_latin_name("holder.primary_name", &self.primary_name, 1)?;
        check_latin_name("holder.secondary_name", &self.secondary_name, 0)?;
        let doc = &self.document_number;
        if doc.is_empty()
            || doc.len() > 32
            || !doc
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(RecordError::new(
                "holder.document_number",
                "must be 1 to 32 upper-case Latin letters and digits",
            ));
        }
        if let Some(city) = &self.residence_city {
            check_text("holder.residence_city", city, 1, 64)?;
        }
        Ok(())
    }
}

/// The journey the certificate was issued for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journey {
    /// Flight or voyage number, e.g. `CA946`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flight: Option<String>,
    /// The country the journey departs from (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_country: Option<CountryCode>,
    /// The scheduled departure time (UTC). Border rules count test windows
    /// from it when no boarding time is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_at: Option<Timestamp>,
    /// Transit points, in travel order (at most [`MAX_TRANSIT_POINTS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit: Vec<TransitPoint>,
    /// The city or port of entry, e.g. `Shanghai Pudong`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_port: Option<String>,
    /// Journey keys this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Extensions::is_empty")]
    pub unknown_keys: Extensions,
}

impl Journey {
    fn validate(&self) -> Result<(), RecordError> {
        if let Some(flight) = &self.flight {
            if flight.is_empty()
                || flight.len() > 16
                || !flight
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
            {
                return Err(RecordError::new(
                    "flight",
                    "must be 1 to 16 upper-case Latin letters, digits and spaces",
                ));
            }
        }
        if self.transit.len() > MAX_TRANSIT_POINTS {
            return Err(RecordError::new(
                "transit",
                format!(
                    "has {} entries; at most {MAX_TRANSIT_POINTS} are allowed",
                    self.transit.len()
                ),
            ));
        }
        for (i, t) in self.transit.iter().enumerate() {
            if let Some(place) = &t.place {
                check_text(&format!("transit[{i}].place"), place, 1, 64)?;
            }
        }
        if let Some(port) = &self.entry_port {
            check_text("entry_port", port, 1, 64)?;
        }
        Ok(())
    }
}

/// A transit point of a journey: a country and, when known, the city, airport
/// or port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitPoint {
    /// The transit country (ISO 3166-1 alpha-2).
    pub country: CountryCode,
    /// The city, airport or port, e.g. `Doha`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Trailing elements this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_elements: Vec<RawCbor>,
}

/// One entry of the traveller's infection history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// What the entry records.
    pub kind: HistoryKind,
    /// The disease or agent.
    pub disease: Disease,
    /// The relevant date: the sampling date of an earlier positive NAT or IgM
    /// result, the date of a diagnosis, the last day of close contact.
    pub date: Date,
    /// For a diagnosis: the date of recovery and discharge, when known. Only a
    /// diagnosis (or a kind this version does not know) may carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_on: Option<Date>,
    /// Trailing elements this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_elements: Vec<RawCbor>,
}

impl HistoryEntry {
    fn validate(&self) -> Result<(), RecordError> {
        if let Some(recovered) = self.recovered_on {
            if !matches!(self.kind, HistoryKind::Diagnosis | HistoryKind::Unknown(_)) {
                return Err(RecordError::new(
                    "recovered_on",
                    "only a diagnosis has a date of recovery",
                ));
            }
            if recovered < self.date {
                return Err(RecordError::new(
                    "recovered_on",
                    "must not be before the date of diagnosis",
                ));
            }
        }
        Ok(())
    }
}

/// A laboratory or vaccination centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Its name.
    pub name: String,
    /// Its country.
    pub country: CountryCode,
}

impl Facility {
    fn validate(&self) -> Result<(), RecordError> {
        check_text("name", &self.name, 1, 128)
    }
}

/// A nucleic-acid test (NAT) result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatTest {
    /// The disease or agent targeted.
    pub disease: Disease,
    /// The amplification method.
    pub method: NatMethod,
    /// When the sample was collected (UTC).
    pub sampled_at: Timestamp,
    /// The result.
    pub result: NatResult,
    /// The laboratory.
    pub laboratory: Facility,
    /// Trailing elements this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_elements: Vec<RawCbor>,
}

impl NatTest {
    fn validate(&self) -> Result<(), RecordError> {
        self.laboratory
            .validate()
            .map_err(|e| e.within("laboratory"))
    }
}

/// A quantitative result: `mantissa × 10^exponent unit`. Never a float, so the
/// encoding stays deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// The integer mantissa.
    pub mantissa: i64,
    /// The decimal exponent, -18..=18.
    pub exponent: i8,
    /// The unit, e.g. `BAU/mL`.
    pub unit: String,
}

impl Quantity {
    fn validate(&self) -> Result<(), RecordError> {
        if !(-18..=18).contains(&self.exponent) {
            return Err(RecordError::new("exponent", "must be within -18..=18"));
        }
        check_text("unit", &self.unit, 1, 16)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exponent >= 0 {
            write!(f, "{}", self.mantissa)?;
            for _ in 0..self.exponent {
                f.write_str("0")?;
            }
        } else {
            let digits = self.mantissa.unsigned_abs().to_string();
            let places = usize::from(self.exponent.unsigned_abs());
            let sign = if self.mantissa < 0 { "-" } else { "" };
            let padded = format!("{digits:0>width$}", width = places + 1);
            let (int, frac) = padded.split_at(padded.len() - places);
            write!(f, "{sign}{int}.{frac}")?;
        }
        write!(f, " {}", self.unit)
    }
}

/// A serum antibody test result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AntibodyTest {
    /// The antibody class measured.
    pub class: AntibodyClass,
    /// When the sample was collected (UTC).
    pub sampled_at: Timestamp,
    /// The qualitative result.
    pub result: AntibodyResult,
    /// The laboratory.
    pub laboratory: Facility,
    /// The quantitative value, when the laboratory reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// Trailing elements this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_elements: Vec<RawCbor>,
}

impl AntibodyTest {
    fn validate(&self) -> Result<(), RecordError> {
        self.laboratory
            .validate()
            .map_err(|e| e.within("laboratory"))?;
        if let Some(q) = &self.quantity {
            q.validate().map_err(|e| e.within("quantity"))?;
        }
        Ok(())
    }
}

/// One vaccine dose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vaccination {
    /// The disease or agent targeted.
    pub disease: Disease,
    /// The vaccine product.
    pub product: VaccineProduct,
    /// The manufacturer or marketing-authorisation holder.
    pub manufacturer: Manufacturer,
    /// This dose's number in the series, 1..=99.
    pub dose: u8,
    /// The total doses in the series, 1..=99.
    pub series_total: u8,
    /// The date the dose was given.
    pub date: Date,
    /// The centre that gave it.
    pub centre: Facility,
    /// Trailing elements this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_elements: Vec<RawCbor>,
}

impl Vaccination {
    fn validate(&self) -> Result<(), RecordError> {
        for (name, n) in [("dose", self.dose), ("series_total", self.series_total)] {
            if !(1..=99).contains(&n) {
                return Err(RecordError::new(name, "must be 1..=99"));
            }
        }
        self.centre.validate().map_err(|e| e.within("centre"))
    }
}

/// One CBOR data item, kept byte for byte; hex in JSON.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RawCbor(Vec<u8>);

impl RawCbor {
    /// Wraps the encoding of exactly one well-formed CBOR item. The codec checks
    /// well-formedness when it decodes or encodes it.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The encoded item.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for RawCbor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawCbor({})", hex::encode(&self.0))
    }
}

impl TryFrom<String> for RawCbor {
    type Error = RecordError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        hex::decode(&s)
            .map(Self)
            .map_err(|_| RecordError::new("unknown item", "must be hexadecimal CBOR"))
    }
}

impl From<RawCbor> for String {
    fn from(raw: RawCbor) -> Self {
        hex::encode(raw.0)
    }
}

/// Map entries under integer keys this version does not know, kept verbatim.
/// In JSON an object from the decimal key to the hex of the CBOR value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extensions(BTreeMap<i64, RawCbor>);

impl Extensions {
    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries, by key.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &RawCbor)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// Adds an entry, replacing any under the same key.
    pub fn insert(&mut self, key: i64, value: RawCbor) {
        self.0.insert(key, value);
    }

    /// The value under `key`.
    pub fn get(&self, key: i64) -> Option<&RawCbor> {
        self.0.get(&key)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }
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
    if text.chars().any(char::is_control) {
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
