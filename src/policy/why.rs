//! Why a record did not count for a rule: the machine-readable reason and
//! its English sentence.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::RecordRef;
use crate::model::{
    AntibodyClass, AntibodyResult, Date, Disease, HistoryKind, NatMethod, NatResult, Timestamp,
    VaccineProduct,
};

/// Why a record did not count for a rule (machine-readable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Why {
    /// Another disease.
    Disease {
        /// The record's disease.
        found: Disease,
    },
    /// A NAT method the rule does not accept.
    NatMethod {
        /// The record's method.
        found: NatMethod,
    },
    /// A NAT result the rule does not accept.
    NatResult {
        /// The record's result.
        found: NatResult,
    },
    /// Another antibody class.
    AntibodyClass {
        /// The record's class.
        found: AntibodyClass,
    },
    /// An antibody result the rule does not accept.
    AntibodyResult {
        /// The record's result.
        found: AntibodyResult,
    },
    /// A vaccine product the rule does not accept.
    Product {
        /// The record's product.
        found: VaccineProduct,
    },
    /// Sampled before the window opened.
    SampledBeforeWindow {
        /// When it was sampled.
        sampled_at: Timestamp,
        /// The earliest accepted sampling time.
        earliest: Timestamp,
    },
    /// Sampled after the reference moment.
    SampledAfterReference {
        /// When it was sampled.
        sampled_at: Timestamp,
    },
    /// Sampled after the moment of checking (an exclusion counts records up
    /// to the moment of checking when that is after the reference moment).
    SampledAfterChecking {
        /// When it was sampled.
        sampled_at: Timestamp,
    },
    /// A second test from a laboratory already counted.
    SameLaboratory {
        /// The record from the same laboratory that was counted.
        as_record: RecordRef,
    },
    /// The dose does not complete its series.
    SeriesIncomplete {
        /// The dose number.
        dose: u8,
        /// The series total.
        series_total: u8,
    },
    /// Too few days since the dose.
    TooSoonAfterDose {
        /// Days since the dose.
        days: i64,
        /// The rule's minimum.
        min_days: u32,
    },
    /// Too many days since the dose.
    TooLongAfterDose {
        /// Days since the dose.
        days: i64,
        /// The rule's maximum.
        max_days: u32,
    },
    /// The dose is dated after the reference moment.
    DoseAfterReference {
        /// The dose date.
        date: Date,
    },
    /// A history entry of another kind than the rule needs.
    HistoryKind {
        /// The entry's kind.
        found: HistoryKind,
    },
    /// Too few days since the diagnosis.
    TooSoonAfterDiagnosis {
        /// Days since the diagnosis.
        days: i64,
        /// The rule's minimum.
        min_days: u32,
    },
    /// Too many days since the diagnosis.
    TooLongAfterDiagnosis {
        /// Days since the diagnosis.
        days: i64,
        /// The rule's maximum.
        max_days: u32,
    },
    /// The diagnosis is dated after the reference moment.
    DiagnosisAfterReference {
        /// The date of diagnosis.
        date: Date,
    },
    /// A recovery NAT sampled before the diagnosis it should follow.
    SampledBeforeDiagnosis {
        /// When it was sampled.
        sampled_at: Timestamp,
        /// The date of the diagnosis counted.
        diagnosed: Date,
    },
    /// A code this verifier does not know, in a field the rule restricts.
    UnknownCode {
        /// The field (`disease`, `method`, `result`, `class`, `product`).
        field: String,
        /// The code.
        code: u32,
    },
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Disease { found } => write!(f, "it is for {}", found.label()),
            Self::NatMethod { found } => write!(f, "its method {} is not accepted", found.label()),
            Self::NatResult { found } => write!(f, "its result is {}", found.label()),
            Self::AntibodyClass { found } => write!(f, "it measures {}", found.label()),
            Self::AntibodyResult { found } => write!(f, "its result is {}", found.label()),
            Self::Product { found } => write!(f, "{} is not an accepted product", found.label()),
            Self::SampledBeforeWindow {
                sampled_at,
                earliest,
            } => write!(
                f,
                "sampled {sampled_at}, before the window opened at {earliest}"
            ),
            Self::SampledAfterReference { sampled_at } => {
                write!(f, "sampled {sampled_at}, after the reference moment")
            }
            Self::SampledAfterChecking { sampled_at } => {
                write!(f, "sampled {sampled_at}, after the moment of checking")
            }
            Self::SameLaboratory { as_record } => {
                write!(f, "same laboratory as {as_record}")
            }
            Self::SeriesIncomplete { dose, series_total } => {
                write!(
                    f,
                    "dose {dose} of {series_total} does not complete the series"
                )
            }
            Self::TooSoonAfterDose { days, min_days } => {
                write!(f, "given {days} days before, fewer than {min_days}")
            }
            Self::TooLongAfterDose { days, max_days } => {
                write!(f, "given {days} days before, more than {max_days}")
            }
            Self::DoseAfterReference { date } => {
                write!(f, "dated {date}, after the reference moment")
            }
            Self::HistoryKind { found } => write!(f, "it records {}", found.label()),
            Self::TooSoonAfterDiagnosis { days, min_days } => {
                write!(f, "diagnosed {days} days before, fewer than {min_days}")
            }
            Self::TooLongAfterDiagnosis { days, max_days } => {
                write!(f, "diagnosed {days} days before, more than {max_days}")
            }
            Self::DiagnosisAfterReference { date } => {
                write!(f, "diagnosed {date}, after the reference moment")
            }
            Self::SampledBeforeDiagnosis {
                sampled_at,
                diagnosed,
            } => write!(
                f,
                "sampled {sampled_at}, before the diagnosis of {diagnosed}"
            ),
            Self::UnknownCode { field, code } => {
                write!(
                    f,
                    "its {field} has code {code}, which this verifier does not know"
                )
            }
        }
    }
}
