//! Border rules and verdicts: turn a verified certificate into a decision an
//! officer can act on.
//!
//! A receiving country writes its entry rules as JSON ([`Policy::from_json`];
//! `examples/policies/` has four). [`Policy::evaluate`] applies them to one
//! certificate at one [`Moment`] and returns a [`Verdict`]: an [`Outcome`]
//! (accepted, refused, needs review), the [`Reference`] moment the time windows
//! were measured from, and the [`Reason`]s that decided it, each as data (rule,
//! status, the records that counted and why others did not) and as an English
//! sentence naming the rule and the records.
//!
//! ```json
//! {
//!   "name": "Any recent negative NAT",
//!   "rule": {"kind": "nat", "id": "recent-nat", "results": ["negative"], "within_hours": 72}
//! }
//! ```
//!
//! Rules: `all_of`, `any_of`, `none_of` combine rules (`{"kind": "any_of",
//! "id": "...", "rules": [...]}`); `nat`, `antibody` and `vaccination` test
//! records ([`NatRule`], [`AntibodyRule`], [`VaccinationRule`]); `recovered`
//! admits a recovered traveller ([`RecoveredRule`]: a confirmed diagnosis long
//! enough ago and negative recovery NATs from different laboratories). A rule is
//! *satisfied*, *not satisfied*, or *undetermined* when it is not satisfied by
//! records this verifier understands but might be by a record carrying a code it
//! does not know (a newer method or product, say); combinations follow
//! three-valued logic, and an undetermined result makes the outcome
//! "needs review", never a silent acceptance or refusal.
//!
//! Time: windows in hours compare UTC instants (an RFC 3339 boarding time with
//! any offset is converted first); days since a dose are whole UTC calendar days
//! between the dose date and the reference moment's UTC date, so month ends and
//! leap days count as the calendar has them. A requirement counts records up to
//! the reference moment; an exclusion (a rule inside `none_of`) counts every
//! record up to the moment of checking as well, so a positive test sampled
//! after the departure time still excludes. A boarding or departure time more
//! than [`Policy::reference_within_hours`] (default 72) from the moment of
//! checking makes an acceptance "needs review".
//!
//! Privacy: a [`Verdict`] names records by index; [`VerdictView`] (for the
//! officer) and [`GateView`] (for an automatic gate) carry only what the rules
//! needed, see their documentation.
//!
//! The policy only reads a certificate, and only a verified one: verify it first
//! ([`crate::verify::Verifier`]).

mod rules;
mod stale;
mod view;
mod why;

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Certificate, Journey, RecordKind, Timestamp};
use crate::verify::Verified;

pub use rules::{AntibodyRule, Group, NatRule, RecoveredRule, Rule, VaccinationRule};
pub use view::{GateView, Identity, UsedRecord, VerdictView};
pub use why::Why;

/// Why a rules file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file is not valid rules JSON (syntax, unknown field, unknown code name).
    #[error("rules JSON: {0}")]
    Json(String),
    /// A rule is inconsistent (empty group, count 0, duplicate id, ...).
    #[error("rule `{rule}`: {reason}")]
    Invalid {
        /// The rule's id.
        rule: String,
        /// What is wrong.
        reason: String,
    },
}

impl PolicyError {
    /// The stable name (FORMAT.md): `PolicyInvalid` for every rules file that
    /// cannot be loaded.
    pub fn name(&self) -> &'static str {
        "PolicyInvalid"
    }
}

/// A receiving country's entry rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// A short name shown with every verdict.
    pub name: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// When true and neither a boarding time nor a departure time is known, the
    /// verdict is at best "needs review" (the windows were measured from the
    /// moment of checking instead).
    #[serde(default)]
    pub require_boarding_time: bool,
    /// How far (in hours, either way) a boarding or departure time may lie
    /// from the moment of checking before the windows measured from it are not
    /// trusted: further away, an acceptance becomes "needs review" (default 72).
    #[serde(default = "stale::default_hours")]
    pub reference_within_hours: u32,
    /// The rule that must hold.
    pub rule: Rule,
}

impl Policy {
    /// Loads and checks a rules file.
    pub fn from_json(json: &[u8]) -> Result<Self, PolicyError> {
        let policy: Self =
            serde_json::from_slice(json).map_err(|e| PolicyError::Json(e.to_string()))?;
        policy
            .rule
            .validate(&mut HashSet::new())
            .map_err(|(rule, reason)| PolicyError::Invalid { rule, reason })?;
        Ok(policy)
    }

    /// Applies the rules to a verified certificate at `moment`. It takes a
    /// [`Verified`], which only a verifier makes, so a certificate decoded
    /// without checks ([`crate::verify::inspect`]) can never be accepted.
    pub fn evaluate(&self, verified: &Verified, moment: Moment) -> Verdict {
        let certificate = verified.certificate();
        let reference = moment.reference(certificate);
        let context = rules::Context::new(reference, moment.checked_at);
        let evaluation = self.rule.evaluate(certificate, &context);
        let mut status = evaluation.status;
        let mut reasons = evaluation.reasons;
        if let Some(stale) =
            stale::check(&reference, moment.checked_at, self.reference_within_hours)
        {
            if status == RuleStatus::Satisfied {
                status = RuleStatus::Undetermined;
            }
            reasons.push(stale);
        }
        if self.require_boarding_time && reference.kind == ReferenceKind::Checking {
            if status == RuleStatus::Satisfied {
                status = RuleStatus::Undetermined;
            }
            reasons.push(Reason {
                rule: "require_boarding_time".to_owned(),
                kind: RuleKind::BoardingTime,
                status: RuleStatus::Undetermined,
                required: None,
                found: None,
                matched: Vec::new(),
                mismatches: Vec::new(),
                message: format!(
                    "The rules need the boarding time; none was given, so the time windows were measured from the moment of checking ({}).",
                    reference.at
                ),
            });
        }
        let outcome = match status {
            RuleStatus::Satisfied => Outcome::Accepted,
            RuleStatus::NotSatisfied => Outcome::Refused,
            RuleStatus::Undetermined => Outcome::NeedsReview,
        };
        Verdict {
            outcome,
            policy: self.name.clone(),
            reference,
            reasons,
        }
    }
}

/// When the check happens and, if known, when the traveller boards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// The moment of checking.
    pub checked_at: Timestamp,
    /// The boarding time, when the officer or the departure system knows it.
    pub boarding: Option<Timestamp>,
}

impl Moment {
    /// Checking at `now` with no boarding time.
    pub fn checking(now: Timestamp) -> Self {
        Self {
            checked_at: now,
            boarding: None,
        }
    }

    /// With a boarding time.
    pub fn with_boarding(mut self, boarding: Timestamp) -> Self {
        self.boarding = Some(boarding);
        self
    }

    /// The reference moment for time windows: the boarding time when given,
    /// else the journey's departure time when the certificate has one, else the
    /// moment of checking.
    pub fn reference(&self, certificate: &Certificate) -> Reference {
        if let Some(at) = self.boarding {
            return Reference {
                kind: ReferenceKind::Boarding,
                at,
            };
        }
        if let Some(at) = certificate
            .record
            .journey
            .as_ref()
            .and_then(journey_departure)
        {
            return Reference {
                kind: ReferenceKind::Departure,
                at,
            };
        }
        Reference {
            kind: ReferenceKind::Checking,
            at: self.checked_at,
        }
    }
}

/// The journey's departure time (FORMAT.md §6.2, journey key 4), which every
/// policy uses as the reference moment when no boarding time is given.
pub fn journey_departure(journey: &Journey) -> Option<Timestamp> {
    journey.departure_at
}

/// Which moment the time windows were measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// The boarding time given with the check.
    Boarding,
    /// The journey's departure time in the certificate.
    Departure,
    /// The moment of checking (no boarding or departure time known).
    Checking,
}

impl ReferenceKind {
    /// English words for sentences.
    pub fn label(self) -> &'static str {
        match self {
            Self::Boarding => "boarding time",
            Self::Departure => "departure time",
            Self::Checking => "moment of checking",
        }
    }
}

/// The reference moment and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// Its source.
    pub kind: ReferenceKind,
    /// The instant (UTC).
    pub at: Timestamp,
}

/// The decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rules are met.
    Accepted,
    /// The rules are not met.
    Refused,
    /// An officer must decide (a record with an unknown code, or no boarding
    /// time where the rules need one).
    NeedsReview,
}

impl Outcome {
    /// `accepted`, `refused` or `needs_review`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Refused => "refused",
            Self::NeedsReview => "needs_review",
        }
    }
}

/// A rule's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// It holds.
    Satisfied,
    /// It does not hold.
    NotSatisfied,
    /// It might hold: a record with a code this verifier does not know.
    Undetermined,
}

/// The kind of rule a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// `all_of`.
    AllOf,
    /// `any_of`.
    AnyOf,
    /// `none_of`.
    NoneOf,
    /// `nat`.
    Nat,
    /// `antibody`.
    Antibody,
    /// `vaccination`.
    Vaccination,
    /// `recovered`.
    Recovered,
    /// The policy's `require_boarding_time`.
    BoardingTime,
    /// The policy's `reference_within_hours`: the boarding or departure time
    /// is too far from the moment of checking.
    StaleReference,
}

impl RuleKind {
    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Self::AllOf => "all_of",
            Self::AnyOf => "any_of",
            Self::NoneOf => "none_of",
            Self::Nat => "nat",
            Self::Antibody => "antibody",
            Self::Vaccination => "vaccination",
            Self::Recovered => "recovered",
            Self::BoardingTime => "boarding_time",
            Self::StaleReference => "stale_reference",
        }
    }
}

/// A record of the certificate, by list and position: `nat_tests[1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    /// Which list.
    pub kind: RecordKind,
    /// The position in it, from 0.
    pub index: usize,
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = match self.kind {
            RecordKind::Nat => "nat_tests",
            RecordKind::Antibody => "antibody_tests",
            RecordKind::Vaccination => "vaccinations",
            RecordKind::History => "infection_history",
            RecordKind::Recovery => "recovery_tests",
            RecordKind::Unknown(_) => "records",
        };
        write!(f, "{list}[{}]", self.index)
    }
}

/// A record that a rule looked at and did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The record.
    pub record: RecordRef,
    /// Why it did not count.
    pub why: Why,
}

/// One reason of a verdict: a rule, its status, the records that counted and
/// why others did not, and an English sentence naming the rule and the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The rule's id.
    pub rule: String,
    /// The rule's kind.
    pub kind: RuleKind,
    /// Whether it held.
    pub status: RuleStatus,
    /// How many records the rule needs (record rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<usize>,
    /// How many counted (record rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<usize>,
    /// The records that counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched: Vec<RecordRef>,
    /// The records of the kind that did not count, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<Mismatch>,
    /// The English sentence.
    pub message: String,
}

impl Reason {
    fn group(rule: &Rule, status: RuleStatus, message: String) -> Self {
        Self {
            rule: rule.id().to_owned(),
            kind: rule.kind(),
            status,
            required: None,
            found: None,
            matched: Vec::new(),
            mismatches: Vec::new(),
            message,
        }
    }
}

/// The decision on one certificate under one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Accepted, refused or needs review.
    pub outcome: Outcome,
    /// The policy's name.
    pub policy: String,
    /// The moment the time windows were measured from, and its source.
    pub reference: Reference,
    /// The reasons that decided the outcome: for an acceptance the rules that
    /// held, for a refusal the rules that failed (and for `any_of` each
    /// alternative), for "needs review" the undetermined rules.
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// The reasons' sentences, one per line, after a headline.
    pub fn explain(&self) -> String {
        let mut text = format!(
            "{} under \"{}\" (times measured from the {}: {})",
            self.outcome.name(),
            self.policy,
            self.reference.kind.label(),
            self.reference.at
        );
        for r in &self.reasons {
            text.push_str("\n- ");
            text.push_str(&r.message);
        }
        text
    }

    /// The records any reason names, in order of first mention.
    pub fn records(&self) -> Vec<RecordRef> {
        let mut seen = HashSet::new();
        self.reasons
            .iter()
            .flat_map(|r| {
                r.matched
                    .iter()
                    .copied()
                    .chain(r.mismatches.iter().map(|m| m.record))
            })
            .filter(|r| seen.insert(*r))
            .collect()
    }
}
