//! Privacy views of a verdict: the minimum necessary for who looks at it.
//!
//! | view | exposes | leaves out |
//! |---|---|---|
//! | [`GateView`] (automatic gate, logs) | outcome, policy name, reference moment, issuer, the holder's identity for the document check, each deciding rule's id and status | every health record (infection history and recovery NATs included), reason sentences (they quote records), sex, residence, journey, certificate id |
//! | [`VerdictView`] (officer's screen) | the above, the reason sentences, and the records the deciding rules counted or rejected, with only the fields rules read (NAT and recovery NAT: disease, method, result, sampling time, laboratory; antibody: class, result, sampling time, laboratory; vaccination: disease, product, dose, series total, date; history entry: kind, disease, date) | records no deciding rule looked at (in particular history entries of other kinds: earlier positives, close contacts), the date of recovery, antibody quantities, vaccine manufacturer and centre, sex, residence, journey (only its departure time, when it is the reference moment), certificate id |
//! | [`super::Verdict`] + [`crate::model::Certificate`] | everything | nothing: for audit only |

use serde::Serialize;

use crate::model::{
    AntibodyClass, AntibodyResult, BirthDate, Certificate, CountryCode, Date, Disease,
    DocumentType, Facility, HistoryKind, NatMethod, NatResult, Nationality, RecordKind, Timestamp,
    VaccineProduct,
};

use super::{Outcome, Reason, RecordRef, Reference, RuleStatus, Verdict};

/// What an officer compares with the travel document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// ICAO primary identifier (surname).
    pub primary_name: String,
    /// ICAO secondary identifier (given names).
    pub secondary_name: String,
    /// The name in the native script, when the certificate has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub native_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: BirthDate,
    /// Nationality.
    pub nationality: Nationality,
    /// Document type.
    pub document_type: DocumentType,
    /// Document number.
    pub document_number: String,
}

impl Identity {
    fn of(c: &Certificate) -> Self {
        let h = &c.record.holder;
        Self {
            primary_name: h.primary_name.clone(),
            secondary_name: h.secondary_name.clone(),
            native_name: h.native_name.clone(),
            date_of_birth: h.date_of_birth,
            nationality: h.nationality.clone(),
            document_type: h.document_type,
            document_number: h.document_number.clone(),
        }
    }
}

/// A deciding rule's id and status, without any record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// The rule's id.
    pub rule: String,
    /// Whether it held.
    pub status: RuleStatus,
}

/// For an automatic gate: the decision and the identity check, no health data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateView {
    /// Accepted, refused or needs review.
    pub outcome: Outcome,
    /// The policy's name.
    pub policy: String,
    /// The reference moment.
    pub reference: Reference,
    /// The issuing country.
    pub issuer: CountryCode,
    /// Who the certificate is about.
    pub identity: Identity,
    /// The deciding rules.
    pub rules: Vec<RuleResult>,
}

/// A record a deciding rule counted or rejected, with only the fields rules read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UsedRecord {
    /// A NAT test.
    Nat {
        /// Which one.
        record: RecordRef,
        /// Disease.
        disease: Disease,
        /// Method.
        method: NatMethod,
        /// Result.
        result: NatResult,
        /// Sampling time.
        sampled_at: Timestamp,
        /// Laboratory (distinct-laboratory rules compare it).
        laboratory: Facility,
    },
    /// An antibody test.
    Antibody {
        /// Which one.
        record: RecordRef,
        /// Class.
        class: AntibodyClass,
        /// Result.
        result: AntibodyResult,
        /// Sampling time.
        sampled_at: Timestamp,
        /// Laboratory.
        laboratory: Facility,
    },
    /// A vaccination.
    Vaccination {
        /// Which one.
        record: RecordRef,
        /// Disease.
        disease: Disease,
        /// Product.
        product: VaccineProduct,
        /// Dose number.
        dose: u8,
        /// Series total.
        series_total: u8,
        /// Date given.
        date: Date,
    },
    /// An infection-history entry (a recovered-traveller rule reads the diagnosis).
    History {
        /// Which one.
        record: RecordRef,
        /// What it records.
        history_kind: HistoryKind,
        /// Disease.
        disease: Disease,
        /// The relevant date (of the diagnosis).
        date: Date,
    },
    /// A recovery NAT.
    Recovery {
        /// Which one.
        record: RecordRef,
        /// Disease.
        disease: Disease,
        /// Method.
        method: NatMethod,
        /// Result.
        result: NatResult,
        /// Sampling time.
        sampled_at: Timestamp,
        /// Laboratory (the rule compares laboratories).
        laboratory: Facility,
    },
}

impl UsedRecord {
    fn of(c: &Certificate, record: RecordRef) -> Option<Self> {
        let r = &c.record;
        Some(match record.kind {
            RecordKind::Nat => {
                let t = r.nat_tests.get(record.index)?;
                Self::Nat {
                    record,
                    disease: t.disease,
                    method: t.method,
                    result: t.result,
                    sampled_at: t.sampled_at,
                    laboratory: t.laboratory.clone(),
                }
            }
            RecordKind::Antibody => {
                let t = r.antibody_tests.get(record.index)?;
                Self::Antibody {
                    record,
                    class: t.class,
                    result: t.result,
                    sampled_at: t.sampled_at,
                    laboratory: t.laboratory.clone(),
                }
            }
            RecordKind::Vaccination => {
                let v = r.vaccinations.get(record.index)?;
                Self::Vaccination {
                    record,
                    disease: v.disease,
                    product: v.product,
                    dose: v.dose,
                    series_total: v.series_total,
                    date: v.date,
                }
            }
            RecordKind::History => {
                let h = r.infection_history.get(record.index)?;
                Self::History {
                    record,
                    history_kind: h.kind,
                    disease: h.disease,
                    date: h.date,
                }
            }
            RecordKind::Recovery => {
                let t = r.recovery_tests.get(record.index)?;
                Self::Recovery {
                    record,
                    disease: t.disease,
                    method: t.method,
                    result: t.result,
                    sampled_at: t.sampled_at,
                    laboratory: t.laboratory.clone(),
                }
            }
            RecordKind::Unknown(_) => return None,
        })
    }
}

/// For the officer's screen: the decision, the identity check, the reasons and
/// only the records the deciding rules looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictView {
    /// Accepted, refused or needs review.
    pub outcome: Outcome,
    /// The policy's name.
    pub policy: String,
    /// The reference moment.
    pub reference: Reference,
    /// The issuing country.
    pub issuer: CountryCode,
    /// Who the certificate is about.
    pub identity: Identity,
    /// The deciding reasons.
    pub reasons: Vec<Reason>,
    /// The records those reasons name.
    pub records: Vec<UsedRecord>,
}

impl Verdict {
    /// The officer's view (see the module documentation for what it exposes).
    /// `certificate` must be the one the verdict is about.
    pub fn view(&self, certificate: &Certificate) -> VerdictView {
        VerdictView {
            outcome: self.outcome,
            policy: self.policy.clone(),
            reference: self.reference,
            issuer: certificate.issuer,
            identity: Identity::of(certificate),
            reasons: self.reasons.clone(),
            records: self
                .records()
                .into_iter()
                .filter_map(|r| UsedRecord::of(certificate, r))
                .collect(),
        }
    }

    /// The gate's view: no health data at all.
    pub fn gate_view(&self, certificate: &Certificate) -> GateView {
        GateView {
            outcome: self.outcome,
            policy: self.policy.clone(),
            reference: self.reference,
            issuer: certificate.issuer,
            identity: Identity::of(certificate),
            rules: self
                .reasons
                .iter()
                .map(|r| RuleResult {
                    rule: r.rule.clone(),
                    status: r.status,
                })
                .collect(),
        }
    }
}
