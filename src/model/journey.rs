//! The journey a certificate was issued for.

use super::*;

/// The most transit points one journey may list.
pub const MAX_TRANSIT_POINTS: usize = 8;

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
    pub(super) fn validate(&self) -> Result<(), RecordError> {
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
