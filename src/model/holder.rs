//! The holder, as identified in their travel document.

use super::*;

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
    /// A holder known only by name and birth date, as the foreign formats
    /// carry one: no sex, nationality, travel document or residence.
    #[cfg(any(feature = "hcert", feature = "shc"))]
    pub(crate) fn named(
        native_name: Option<String>,
        primary_name: String,
        secondary_name: String,
        date_of_birth: BirthDate,
    ) -> Self {
        Self {
            native_name,
            primary_name,
            secondary_name,
            date_of_birth,
            sex: Sex::Unknown(0),
            nationality: Nationality::unknown(),
            document_type: DocumentType::Unknown(0),
            document_number: String::new(),
            residence_country: None,
            residence_city: None,
            unknown_elements: Vec::new(),
        }
    }

    pub(super) fn validate(&self) -> Result<(), RecordError> {
        if let Some(native) = &self.native_name {
            check_text("holder.native_name", native, 1, 128)?;
        }
        if self.date_of_birth == BirthDate::Unknown {
            return Err(RecordError::new(
                "holder.date_of_birth",
                "must be known (at least the year) in a travelcert certificate",
            ));
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
