//! The rules file's schema: the rule kinds as JSON (serde) and the checks a
//! rules file must pass when it loads.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::{AntibodyClass, AntibodyResult, Disease, NatMethod, NatResult, VaccineProduct};

use super::super::RuleKind;

/// One rule: a combination of rules or a requirement on one record kind.
///
/// In JSON an object with `"kind"`: `all_of`, `any_of`, `none_of`, `nat`,
/// `antibody`, `vaccination` or `recovered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Every rule in the group holds.
    AllOf(Group),
    /// At least one rule in the group holds.
    AnyOf(Group),
    /// No rule in the group holds (e.g. "no positive NAT in the last 14 days").
    /// Its rules count every record up to the moment of checking, not only
    /// up to the reference moment.
    NoneOf(Group),
    /// Enough NAT tests meet the criteria.
    Nat(NatRule),
    /// Enough antibody tests meet the criteria.
    Antibody(AntibodyRule),
    /// A vaccination meets the criteria.
    Vaccination(VaccinationRule),
    /// The traveller has recovered: a diagnosis long enough ago and negative
    /// recovery NATs from different laboratories.
    Recovered(RecoveredRule),
}

/// A group of rules for `all_of`, `any_of` and `none_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The group's name in reasons (default: its kind).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The rules, at least one.
    pub rules: Vec<Rule>,
}

fn negative_nat() -> Vec<NatResult> {
    vec![NatResult::Negative]
}
fn negative_antibody() -> Vec<AntibodyResult> {
    vec![AntibodyResult::Negative]
}
fn one() -> u8 {
    1
}
fn yes() -> bool {
    true
}
fn two() -> u8 {
    2
}

/// At least `count` NAT tests with an accepted disease, method and result,
/// sampled at most `within_hours` before the reference moment (and not after
/// it; inside `none_of`, not after the moment of checking when that is later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatRule {
    /// The rule's name in reasons, e.g. `double-nat`.
    pub id: String,
    /// The disease tested for; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disease: Option<Disease>,
    /// Accepted results (default: `negative`).
    #[serde(default = "negative_nat")]
    pub results: Vec<NatResult>,
    /// Accepted methods; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<NatMethod>>,
    /// How many such tests (default 1).
    #[serde(default = "one")]
    pub count: u8,
    /// Count only tests from different laboratories (same country and name,
    /// ignoring case and repeated white space, is the same laboratory).
    #[serde(default)]
    pub distinct_laboratories: bool,
    /// Sampled at most this many hours before the reference moment; any time
    /// before it when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_hours: Option<u32>,
}

/// At least `count` antibody tests of one class with an accepted result,
/// sampled at most `within_hours` before the reference moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AntibodyRule {
    /// The rule's name in reasons, e.g. `igm-negative`.
    pub id: String,
    /// The antibody class.
    pub class: AntibodyClass,
    /// Accepted results (default: `negative`).
    #[serde(default = "negative_antibody")]
    pub results: Vec<AntibodyResult>,
    /// How many such tests (default 1).
    #[serde(default = "one")]
    pub count: u8,
    /// Count only tests from different laboratories.
    #[serde(default)]
    pub distinct_laboratories: bool,
    /// Sampled at most this many hours before the reference moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_hours: Option<u32>,
}

/// Some dose of an accepted product that (when `complete`) completes its series
/// (dose ≥ series total; boosters count) was given between `min_days` and
/// `max_days` days before the reference moment (UTC calendar days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaccinationRule {
    /// The rule's name in reasons, e.g. `vaccinated`.
    pub id: String,
    /// The disease vaccinated against; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disease: Option<Disease>,
    /// Accepted products; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<VaccineProduct>>,
    /// The dose must complete the series (default true).
    #[serde(default = "yes")]
    pub complete: bool,
    /// At least this many days since the dose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_days: Option<u32>,
    /// At most this many days since the dose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days: Option<u32>,
}

/// A recovered traveller: the latest confirmed diagnosis (infection-history
/// entry of kind `diagnosis`, of the rule's disease) at least
/// `min_days_since_diagnosis` whole UTC calendar days before the reference
/// moment, and at least `count` negative recovery NATs (the record's
/// `recovery_tests`) from different laboratories, sampled on or after the day
/// of that diagnosis, not after the reference moment and, when `within_days`
/// is given, at most that many days (× 24 hours) before it.
///
/// Only the latest diagnosis counts: a newer one that is too recent (or dated
/// after the reference moment) is not met, and an older one does not stand in
/// for it. A history entry with a code this verifier does not know, dated
/// after the latest diagnosis, might be a newer diagnosis: "needs review".
///
/// ```json
/// {"kind": "recovered", "id": "recovered", "disease": "sars-cov-2",
///  "min_days_since_diagnosis": 14, "within_days": 30}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveredRule {
    /// The rule's name in reasons, e.g. `recovered`.
    pub id: String,
    /// The disease of the diagnosis and the recovery NATs; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disease: Option<Disease>,
    /// At least this many days between the diagnosis and the reference moment.
    pub min_days_since_diagnosis: u32,
    /// At most this many days between the diagnosis and the reference moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days_since_diagnosis: Option<u32>,
    /// How many negative recovery NATs (default 2).
    #[serde(default = "two")]
    pub count: u8,
    /// Count only recovery NATs from different laboratories (default true).
    #[serde(default = "yes")]
    pub distinct_laboratories: bool,
    /// Recovery NATs sampled at most this many days (24-hour periods) before
    /// the reference moment; any time after the diagnosis when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
}

impl Rule {
    /// The rule's name.
    pub fn id(&self) -> &str {
        match self {
            Self::AllOf(g) | Self::AnyOf(g) | Self::NoneOf(g) => {
                if g.id.is_empty() {
                    self.kind().name()
                } else {
                    &g.id
                }
            }
            Self::Nat(r) => &r.id,
            Self::Antibody(r) => &r.id,
            Self::Vaccination(r) => &r.id,
            Self::Recovered(r) => &r.id,
        }
    }

    pub(crate) fn kind(&self) -> RuleKind {
        match self {
            Self::AllOf(_) => RuleKind::AllOf,
            Self::AnyOf(_) => RuleKind::AnyOf,
            Self::NoneOf(_) => RuleKind::NoneOf,
            Self::Nat(_) => RuleKind::Nat,
            Self::Antibody(_) => RuleKind::Antibody,
            Self::Vaccination(_) => RuleKind::Vaccination,
            Self::Recovered(_) => RuleKind::Recovered,
        }
    }

    /// Checks the rule's own consistency (called when a policy loads).
    pub(crate) fn validate(&self, ids: &mut HashSet<String>) -> Result<(), (String, String)> {
        let bad = |reason: &str| Err((self.id().to_owned(), reason.to_owned()));
        let id = self.id().to_owned();
        if id.is_empty() {
            return bad("every rule needs a non-empty id");
        }
        if !matches!(self, Self::AllOf(_) | Self::AnyOf(_) | Self::NoneOf(_))
            && !ids.insert(id.clone())
        {
            return bad("the id is used by another rule");
        }
        match self {
            Self::AllOf(g) | Self::AnyOf(g) | Self::NoneOf(g) => {
                if g.rules.is_empty() {
                    return bad("a group needs at least one rule");
                }
                for r in &g.rules {
                    r.validate(ids)?;
                }
            }
            Self::Nat(r) => {
                if r.count == 0 {
                    return bad("count must be at least 1");
                }
                if r.results.is_empty() || r.methods.as_ref().is_some_and(Vec::is_empty) {
                    return bad("results and methods must not be empty lists");
                }
            }
            Self::Antibody(r) => {
                if r.count == 0 {
                    return bad("count must be at least 1");
                }
                if r.results.is_empty() {
                    return bad("results must not be an empty list");
                }
            }
            Self::Vaccination(r) => {
                if r.products.as_ref().is_some_and(Vec::is_empty) {
                    return bad("products must not be an empty list");
                }
                if let (Some(min), Some(max)) = (r.min_days, r.max_days) {
                    if max < min {
                        return bad("max_days is below min_days");
                    }
                }
            }
            Self::Recovered(r) => {
                if r.count == 0 {
                    return bad("count must be at least 1");
                }
                if r.max_days_since_diagnosis
                    .is_some_and(|max| max < r.min_days_since_diagnosis)
                {
                    return bad("max_days_since_diagnosis is below min_days_since_diagnosis");
                }
            }
        }
        Ok(())
    }
}
