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

use crate::model::{Certificate, Timestamp};

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

/// Where a rule is evaluated: the reference moment the windows are measured
/// from, the moment of checking, and whether the rule is an exclusion (under
/// an odd number of `none_of`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context {
    /// The reference moment.
    pub reference: Reference,
    /// The moment of checking.
    pub checked_at: Timestamp,
    exclusion: bool,
}

impl Context {
    /// A rule evaluated for itself (not excluded).
    pub(crate) fn new(reference: Reference, checked_at: Timestamp) -> Self {
        Self {
            reference,
            checked_at,
            exclusion: false,
        }
    }

    /// The context of the rules inside a `none_of`.
    fn negated(self) -> Self {
        Self {
            exclusion: !self.exclusion,
            ..self
        }
    }

    /// The latest instant at which a record still counts. A requirement
    /// counts only records up to the reference moment; an exclusion counts
    /// every record up to the moment of checking as well, so a positive test
    /// sampled after the departure time still excludes.
    fn latest(&self) -> Timestamp {
        if self.exclusion {
            self.reference.at.max(self.checked_at)
        } else {
            self.reference.at
        }
    }
}

impl Rule {
    pub(crate) fn evaluate(&self, c: &Certificate, ctx: &Context) -> Evaluation {
        match self {
            Self::AllOf(g) => self.all_of(g, c, ctx),
            Self::AnyOf(g) => self.any_of(g, c, ctx),
            Self::NoneOf(g) => self.none_of(g, c, &ctx.negated()),
            Self::Nat(r) => r.evaluate(c, ctx),
            Self::Antibody(r) => r.evaluate(c, ctx),
            Self::Vaccination(r) => r.evaluate(c, ctx),
            Self::Recovered(r) => r.evaluate(c, ctx),
        }
    }
}
