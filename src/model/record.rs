//! The health record: holder, journey and the entries, and the rules they obey together.

use super::*;

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
    /// Rapid antigen tests: only certificates in a foreign format carry them
    /// (a travelcert certificate cannot; issuing refuses them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub antigen_tests: Vec<AntigenTest>,
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
    /// A record of `holder` with no entries yet: where a foreign format's
    /// mapping starts.
    #[cfg(any(feature = "hcert", feature = "shc"))]
    pub(crate) fn for_holder(holder: Holder) -> Self {
        Self {
            holder,
            journey: None,
            nat_tests: Vec::new(),
            antibody_tests: Vec::new(),
            vaccinations: Vec::new(),
            antigen_tests: Vec::new(),
            infection_history: Vec::new(),
            recovery_tests: Vec::new(),
            unknown_keys: Extensions::default(),
        }
    }

    /// The record kinds present, in code order.
    pub fn kinds(&self) -> Vec<RecordKind> {
        self.kinds_iter().collect()
    }

    /// The kinds [`HealthRecord::kinds`] lists, in the same order, without
    /// collecting them.
    pub(crate) fn kinds_iter(&self) -> impl Iterator<Item = RecordKind> {
        [
            (!self.nat_tests.is_empty(), RecordKind::Nat),
            (!self.antibody_tests.is_empty(), RecordKind::Antibody),
            (!self.vaccinations.is_empty(), RecordKind::Vaccination),
            (!self.infection_history.is_empty(), RecordKind::History),
            (!self.recovery_tests.is_empty(), RecordKind::Recovery),
        ]
        .into_iter()
        .filter_map(|(present, kind)| present.then_some(kind))
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
        if !self.antigen_tests.is_empty() {
            return Err(RecordError::new(
                "antigen_tests",
                "rapid antigen tests come only from a foreign certificate format",
            ));
        }
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
