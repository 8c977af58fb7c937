//! The rules a receiving country writes (JSON) and their evaluation against one
//! certificate at one reference moment.
//!
//! One file per job: `schema` (the JSON types and their load-time checks),
//! `combinators`, `window` (the per-record checks, time windows and counting
//! shared by the record rules), and one file per record rule.

mod antibody;
mod combinators;
mod nat;
mod recovered;
mod schema;
mod vaccination;
mod window;

use crate::model::Certificate;

use super::{Reason, Reference, RuleStatus, Why};

pub use schema::{AntibodyRule, Group, NatRule, RecoveredRule, Rule, VaccinationRule};

/// What a rule's evaluation gives: its status and the reasons that decided it.
pub(crate) struct Evaluation {
    pub status: RuleStatus,
    pub reasons: Vec<Reason>,
}

/// One criterion's verdict on one record.
enum Check {
    Ok,
    /// The record carries a code this version does not know in a field the
    /// rule restricts: it might qualify.
    Unknown(Why),
    Fails(Why),
}

impl Rule {
    pub(crate) fn evaluate(&self, c: &Certificate, reference: &Reference) -> Evaluation {
        match self {
            Self::AllOf(g) => self.all_of(g, c, reference),
            Self::AnyOf(g) => self.any_of(g, c, reference),
            Self::NoneOf(g) => self.none_of(g, c, reference),
            Self::Nat(r) => r.evaluate(c, reference),
            Self::Antibody(r) => r.evaluate(c, reference),
            Self::Vaccination(r) => r.evaluate(c, reference),
            Self::Recovered(r) => r.evaluate(c, reference),
        }
    }
}
