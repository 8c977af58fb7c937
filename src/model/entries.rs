//! The record entries: NATs, antibody tests, vaccinations, infection history.

use super::*;

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
    /// The validity of a certificate of recovery (EU DCC `df`/`du`): from
    /// and until these dates. Only certificates in a foreign format carry
    /// them; a travelcert certificate cannot (issuing refuses them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<Date>,
    /// See `valid_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
    /// Trailing elements this version does not know, kept verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_elements: Vec<RawCbor>,
}

impl HistoryEntry {
    pub(super) fn validate(&self) -> Result<(), RecordError> {
        if self.valid_from.is_some() || self.valid_until.is_some() {
            return Err(RecordError::new(
                "valid_from",
                "a recovery validity period comes only from a foreign certificate format",
            ));
        }
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
    pub(super) fn validate(&self) -> Result<(), RecordError> {
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
    pub(super) fn validate(&self) -> Result<(), RecordError> {
        self.laboratory
            .validate()
            .map_err(|e| e.within("laboratory"))
    }
}

/// A rapid antigen test result: a test method of its own, never a NAT. Only
/// certificates in a foreign format (EU DCC test type `LP217198-3`) carry
/// it; a travelcert certificate cannot (issuing refuses it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AntigenTest {
    /// The disease or agent targeted.
    pub disease: Disease,
    /// The test device: its code in the EU value set (`ma`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The test's name (`nm`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When the sample was collected (UTC).
    pub sampled_at: Timestamp,
    /// The result (the same codes as a NAT's).
    pub result: NatResult,
    /// The testing centre or facility.
    pub facility: Facility,
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
    pub(super) fn validate(&self) -> Result<(), RecordError> {
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
    pub(super) fn validate(&self) -> Result<(), RecordError> {
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
    pub(super) fn validate(&self) -> Result<(), RecordError> {
        for (name, n) in [("dose", self.dose), ("series_total", self.series_total)] {
            if !(1..=99).contains(&n) {
                return Err(RecordError::new(name, "must be 1..=99"));
            }
        }
        self.centre.validate().map_err(|e| e.within("centre"))
    }
}
