//! The rules a receiving country writes (JSON) and their evaluation against one
//! certificate at one reference moment.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::{
    AntibodyClass, AntibodyResult, Certificate, Date, Disease, Facility, HistoryKind, NatMethod,
    NatResult, RecordKind, Timestamp, VaccineProduct,
};

use crate::model::codes::Coded;

use super::{Reason, RecordRef, Reference, RuleKind, RuleStatus, Why};

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
/// sampled at most `within_hours` before the reference moment (and not after it).
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

/// A recovered traveller: a confirmed diagnosis (infection-history entry of kind
/// `diagnosis`) at least `min_days_since_diagnosis` whole UTC calendar days
/// before the reference moment, and at least `count` negative recovery NATs
/// (the record's `recovery_tests`) from different laboratories, sampled on or
/// after the day of that diagnosis, not after the reference moment and, when
/// `within_days` is given, at most that many days (× 24 hours) before it.
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

    fn all_of(&self, g: &Group, c: &Certificate, reference: &Reference) -> Evaluation {
        let results: Vec<Evaluation> = g.rules.iter().map(|r| r.evaluate(c, reference)).collect();
        let status = if results.iter().any(|o| o.status == RuleStatus::NotSatisfied) {
            RuleStatus::NotSatisfied
        } else if results.iter().any(|o| o.status == RuleStatus::Undetermined) {
            RuleStatus::Undetermined
        } else {
            RuleStatus::Satisfied
        };
        // The children that decided: all when satisfied, else those with the status.
        let reasons = results
            .into_iter()
            .filter(|o| status == RuleStatus::Satisfied || o.status == status)
            .flat_map(|o| o.reasons)
            .collect();
        Evaluation { status, reasons }
    }

    fn any_of(&self, g: &Group, c: &Certificate, reference: &Reference) -> Evaluation {
        let results: Vec<Evaluation> = g.rules.iter().map(|r| r.evaluate(c, reference)).collect();
        if let Some(pos) = results
            .iter()
            .position(|o| o.status == RuleStatus::Satisfied)
        {
            let reasons = results
                .into_iter()
                .nth(pos)
                .map(|o| o.reasons)
                .unwrap_or_default();
            return Evaluation {
                status: RuleStatus::Satisfied,
                reasons,
            };
        }
        let status = if results.iter().any(|o| o.status == RuleStatus::Undetermined) {
            RuleStatus::Undetermined
        } else {
            RuleStatus::NotSatisfied
        };
        let names = g
            .rules
            .iter()
            .map(|r| format!("`{}`", r.id()))
            .collect::<Vec<_>>()
            .join(", ");
        let message = match status {
            RuleStatus::Undetermined => format!(
                "Rule `{}` needs review: none of its alternatives ({names}) is met, and one may be met by a record with a code this verifier does not know.",
                self.id()
            ),
            _ => format!(
                "Rule `{}` is not met: none of its alternatives ({names}) is met.",
                self.id()
            ),
        };
        let mut reasons = vec![Reason::group(self, status, message)];
        reasons.extend(
            results
                .into_iter()
                .filter(|o| o.status == status || status == RuleStatus::NotSatisfied)
                .flat_map(|o| o.reasons),
        );
        Evaluation { status, reasons }
    }

    fn none_of(&self, g: &Group, c: &Certificate, reference: &Reference) -> Evaluation {
        let results: Vec<Evaluation> = g.rules.iter().map(|r| r.evaluate(c, reference)).collect();
        let held: Vec<&str> = g
            .rules
            .iter()
            .zip(&results)
            .filter(|(_, o)| o.status == RuleStatus::Satisfied)
            .map(|(r, _)| r.id())
            .collect();
        let status = if !held.is_empty() {
            RuleStatus::NotSatisfied
        } else if results.iter().any(|o| o.status == RuleStatus::Undetermined) {
            RuleStatus::Undetermined
        } else {
            RuleStatus::Satisfied
        };
        let message = match status {
            RuleStatus::Satisfied => format!(
                "Rule `{}` is met: none of the excluded conditions holds.",
                self.id()
            ),
            RuleStatus::NotSatisfied => format!(
                "Rule `{}` is not met: the excluded condition `{}` holds.",
                self.id(),
                held.join("`, `")
            ),
            RuleStatus::Undetermined => format!(
                "Rule `{}` needs review: an excluded condition may hold for a record with a code this verifier does not know.",
                self.id()
            ),
        };
        let mut reasons = vec![Reason::group(self, status, message)];
        let wanted = match status {
            RuleStatus::NotSatisfied => Some(RuleStatus::Satisfied),
            RuleStatus::Undetermined => Some(RuleStatus::Undetermined),
            RuleStatus::Satisfied => None,
        };
        reasons.extend(
            results
                .into_iter()
                .filter(|o| Some(o.status) == wanted)
                .flat_map(|o| o.reasons),
        );
        Evaluation { status, reasons }
    }
}

/// A laboratory's identity for counting: country and name, case-folded, with
/// runs of white space collapsed.
fn lab_key(f: &Facility) -> (String, String) {
    let name = f
        .name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (f.country.to_string(), name)
}

fn code_check<T: Coded>(
    accepted: Option<&[T]>,
    found: T,
    field: &'static str,
    why: impl FnOnce(T) -> Why,
) -> Check {
    match accepted {
        None => Check::Ok,
        Some(list) if list.contains(&found) => Check::Ok,
        Some(_) if found.is_unknown() => Check::Unknown(Why::UnknownCode {
            field: field.to_owned(),
            code: found.wire_code(),
        }),
        Some(_) => Check::Fails(why(found)),
    }
}

fn window_check(sampled_at: Timestamp, within_hours: Option<u32>, reference: &Reference) -> Check {
    if sampled_at > reference.at {
        return Check::Fails(Why::SampledAfterReference { sampled_at });
    }
    if let Some(h) = within_hours {
        let earliest = reference.at.saturating_add(-i64::from(h) * 3600);
        if sampled_at < earliest {
            return Check::Fails(Why::SampledBeforeWindow {
                sampled_at,
                earliest,
            });
        }
    }
    Check::Ok
}

/// Combines the checks on one record: the first failure, else the first
/// unknown, else ok.
fn combine(checks: Vec<Check>) -> Check {
    let mut unknown = None;
    for c in checks {
        match c {
            Check::Fails(w) => return Check::Fails(w),
            Check::Unknown(w) => {
                unknown.get_or_insert(w);
            }
            Check::Ok => {}
        }
    }
    unknown.map_or(Check::Ok, Check::Unknown)
}

/// Counts matching tests (one per laboratory when asked) and builds the reason.
#[allow(clippy::too_many_arguments)]
fn count_tests(
    id: &str,
    kind: RuleKind,
    record_kind: RecordKind,
    checks: Vec<(Check, &Facility)>,
    count: u8,
    distinct: bool,
    describe_need: String,
    describe: &dyn Fn(usize) -> String,
) -> Evaluation {
    let mut matched = Vec::new();
    let mut mismatches = Vec::new();
    let mut labs: Vec<((String, String), usize)> = Vec::new();
    let mut unknown_labs: Vec<(String, String)> = Vec::new();
    for (index, (check, lab)) in checks.into_iter().enumerate() {
        let record = RecordRef {
            kind: record_kind,
            index,
        };
        match check {
            Check::Ok => {
                let key = lab_key(lab);
                if let Some((_, first)) = labs.iter().find(|(k, _)| distinct && *k == key) {
                    mismatches.push(super::Mismatch {
                        record,
                        why: Why::SameLaboratory {
                            as_record: RecordRef {
                                kind: record_kind,
                                index: *first,
                            },
                        },
                    });
                } else {
                    labs.push((key, index));
                    matched.push(record);
                }
            }
            Check::Unknown(why) => {
                unknown_labs.push(lab_key(lab));
                mismatches.push(super::Mismatch { record, why });
            }
            // A test of another disease or class is not what the rule is
            // about: not listed, so views do not carry it.
            Check::Fails(Why::Disease { .. } | Why::AntibodyClass { .. }) => {}
            Check::Fails(why) => mismatches.push(super::Mismatch { record, why }),
        }
    }
    // Records with unknown codes that might count: one per new laboratory when
    // laboratories must differ.
    let unknown = if distinct {
        let mut seen: HashSet<&(String, String)> = labs.iter().map(|(k, _)| k).collect();
        unknown_labs.iter().filter(|k| seen.insert(k)).count()
    } else {
        unknown_labs.len()
    };
    let need = usize::from(count);
    let status = if matched.len() >= need {
        RuleStatus::Satisfied
    } else if matched.len() + unknown >= need {
        RuleStatus::Undetermined
    } else {
        RuleStatus::NotSatisfied
    };
    let found: Vec<String> = matched.iter().map(|r| describe(r.index)).collect();
    let found_text = if found.is_empty() {
        "none found".to_owned()
    } else {
        format!("found {}: {}", found.len(), found.join("; "))
    };
    let why_text: Vec<String> = mismatches
        .iter()
        .map(|m| format!("{} does not count: {}", m.record, m.why))
        .collect();
    let tail = if why_text.is_empty() || status == RuleStatus::Satisfied {
        String::new()
    } else {
        format!(" ({})", why_text.join("; "))
    };
    let message = match status {
        RuleStatus::Satisfied => format!("Rule `{id}` is met: it needs {describe_need}; {found_text}."),
        RuleStatus::NotSatisfied => {
            format!("Rule `{id}` is not met: it needs {describe_need}; {found_text}{tail}.")
        }
        RuleStatus::Undetermined => format!(
            "Rule `{id}` needs review: it needs {describe_need}; {found_text}, and a record with a code this verifier does not know might count{tail}."
        ),
    };
    Evaluation {
        status,
        reasons: vec![Reason {
            rule: id.to_owned(),
            kind,
            status,
            required: Some(need),
            found: Some(matched.len()),
            matched,
            mismatches,
            message,
        }],
    }
}

fn window_text(within_hours: Option<u32>, reference: &Reference) -> String {
    match within_hours {
        Some(h) => format!(
            "sampled at most {h} hours before the {} ({})",
            reference.kind.label(),
            reference.at
        ),
        None => format!(
            "sampled before the {} ({})",
            reference.kind.label(),
            reference.at
        ),
    }
}

fn names<T: Copy>(list: &[T], label: impl Fn(T) -> String) -> String {
    list.iter()
        .map(|v| label(*v))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl NatRule {
    fn evaluate(&self, c: &Certificate, reference: &Reference) -> Evaluation {
        let tests = &c.record.nat_tests;
        let checks = tests
            .iter()
            .map(|t| {
                let check = combine(vec![
                    code_check(
                        self.disease.as_ref().map(std::slice::from_ref),
                        t.disease,
                        "disease",
                        |found| Why::Disease { found },
                    ),
                    code_check(self.methods.as_deref(), t.method, "method", |found| {
                        Why::NatMethod { found }
                    }),
                    code_check(Some(&self.results), t.result, "result", |found| {
                        Why::NatResult { found }
                    }),
                    window_check(t.sampled_at, self.within_hours, reference),
                ]);
                (check, &t.laboratory)
            })
            .collect();
        let need = format!(
            "{} {} {}NAT test{}{}{}, {}",
            self.count,
            names(&self.results, NatResult::label),
            self.disease
                .map(|d| format!("{} ", d.label()))
                .unwrap_or_default(),
            if self.count == 1 { "" } else { "s" },
            self.methods
                .as_ref()
                .map(|m| format!(" by {}", names(m, NatMethod::label)))
                .unwrap_or_default(),
            if self.distinct_laboratories && self.count > 1 {
                " from different laboratories"
            } else {
                ""
            },
            window_text(self.within_hours, reference)
        );
        let describe = |i: usize| {
            tests.get(i).map_or_else(String::new, |t| {
                format!(
                    "nat_tests[{i}] ({} {}, {}, sampled {})",
                    t.method.label(),
                    t.result.label(),
                    t.laboratory.name,
                    t.sampled_at
                )
            })
        };
        count_tests(
            &self.id,
            RuleKind::Nat,
            RecordKind::Nat,
            checks,
            self.count,
            self.distinct_laboratories,
            need,
            &describe,
        )
    }
}

impl AntibodyRule {
    fn evaluate(&self, c: &Certificate, reference: &Reference) -> Evaluation {
        let tests = &c.record.antibody_tests;
        let checks = tests
            .iter()
            .map(|t| {
                let check = combine(vec![
                    code_check(
                        Some(std::slice::from_ref(&self.class)),
                        t.class,
                        "class",
                        |found| Why::AntibodyClass { found },
                    ),
                    code_check(Some(&self.results), t.result, "result", |found| {
                        Why::AntibodyResult { found }
                    }),
                    window_check(t.sampled_at, self.within_hours, reference),
                ]);
                (check, &t.laboratory)
            })
            .collect();
        let need = format!(
            "{} {} {} antibody test{}{}, {}",
            self.count,
            names(&self.results, AntibodyResult::label),
            self.class.label(),
            if self.count == 1 { "" } else { "s" },
            if self.distinct_laboratories && self.count > 1 {
                " from different laboratories"
            } else {
                ""
            },
            window_text(self.within_hours, reference)
        );
        let describe = |i: usize| {
            tests.get(i).map_or_else(String::new, |t| {
                format!(
                    "antibody_tests[{i}] ({} {}, {}, sampled {})",
                    t.class.label(),
                    t.result.label(),
                    t.laboratory.name,
                    t.sampled_at
                )
            })
        };
        count_tests(
            &self.id,
            RuleKind::Antibody,
            RecordKind::Antibody,
            checks,
            self.count,
            self.distinct_laboratories,
            need,
            &describe,
        )
    }
}

impl VaccinationRule {
    fn evaluate(&self, c: &Certificate, reference: &Reference) -> Evaluation {
        let today = reference.at.date().days_since_epoch();
        let vaccinations = &c.record.vaccinations;
        let checks: Vec<(Check, &Facility)> = vaccinations
            .iter()
            .map(|v| {
                let days = today - v.date.days_since_epoch();
                let complete = if self.complete && v.dose < v.series_total {
                    Check::Fails(Why::SeriesIncomplete {
                        dose: v.dose,
                        series_total: v.series_total,
                    })
                } else {
                    Check::Ok
                };
                let timing = if days < 0 {
                    Check::Fails(Why::DoseAfterReference { date: v.date })
                } else if self.min_days.is_some_and(|m| days < i64::from(m)) {
                    Check::Fails(Why::TooSoonAfterDose {
                        days,
                        min_days: self.min_days.unwrap_or(0),
                    })
                } else if self.max_days.is_some_and(|m| days > i64::from(m)) {
                    Check::Fails(Why::TooLongAfterDose {
                        days,
                        max_days: self.max_days.unwrap_or(0),
                    })
                } else {
                    Check::Ok
                };
                let check = combine(vec![
                    code_check(
                        self.disease.as_ref().map(std::slice::from_ref),
                        v.disease,
                        "disease",
                        |found| Why::Disease { found },
                    ),
                    code_check(self.products.as_deref(), v.product, "product", |found| {
                        Why::Product { found }
                    }),
                    complete,
                    timing,
                ]);
                (check, &v.centre)
            })
            .collect();
        let mut need = String::from("a vaccine dose");
        if let Some(d) = self.disease {
            need = format!("a {} vaccine dose", d.label());
        }
        if let Some(p) = &self.products {
            need.push_str(&format!(" of {}", names(p, VaccineProduct::label)));
        }
        if self.complete {
            need.push_str(" that completes the series");
        }
        match (self.min_days, self.max_days) {
            (Some(min), Some(max)) => need.push_str(&format!(
                ", given {min} to {max} days before the {} ({})",
                reference.kind.label(),
                reference.at.date()
            )),
            (Some(min), None) => need.push_str(&format!(
                ", given at least {min} days before the {} ({})",
                reference.kind.label(),
                reference.at.date()
            )),
            (None, Some(max)) => need.push_str(&format!(
                ", given at most {max} days before the {} ({})",
                reference.kind.label(),
                reference.at.date()
            )),
            (None, None) => {}
        }
        let describe = |i: usize| {
            vaccinations.get(i).map_or_else(String::new, |v| {
                format!(
                    "vaccinations[{i}] (dose {}/{} of {}, {})",
                    v.dose,
                    v.series_total,
                    v.product.label(),
                    v.date
                )
            })
        };
        // One qualifying dose suffices; doses are not counted per centre.
        count_tests(
            &self.id,
            RuleKind::Vaccination,
            RecordKind::Vaccination,
            checks,
            1,
            false,
            need,
            &describe,
        )
    }
}

impl RecoveredRule {
    fn evaluate(&self, c: &Certificate, reference: &Reference) -> Evaluation {
        let today = reference.at.date().days_since_epoch();
        let history = &c.record.infection_history;
        let tests = &c.record.recovery_tests;

        // The diagnosis: every history entry is checked; the most recent one
        // that qualifies counts. Entries of other kinds or diseases are not
        // what the rule is about and are not listed (views do not carry them).
        let mut diagnosis: Option<(usize, Date)> = None;
        let mut dx_unknown = false;
        let mut mismatches = Vec::new();
        for (index, h) in history.iter().enumerate() {
            let days = today - h.date.days_since_epoch();
            let timing = if days < 0 {
                Check::Fails(Why::DiagnosisAfterReference { date: h.date })
            } else if days < i64::from(self.min_days_since_diagnosis) {
                Check::Fails(Why::TooSoonAfterDiagnosis {
                    days,
                    min_days: self.min_days_since_diagnosis,
                })
            } else if let Some(max) = self
                .max_days_since_diagnosis
                .filter(|m| days > i64::from(*m))
            {
                Check::Fails(Why::TooLongAfterDiagnosis {
                    days,
                    max_days: max,
                })
            } else {
                Check::Ok
            };
            let check = combine(vec![
                code_check(
                    Some(&[HistoryKind::Diagnosis][..]),
                    h.kind,
                    "kind",
                    |found| Why::HistoryKind { found },
                ),
                code_check(
                    self.disease.as_ref().map(std::slice::from_ref),
                    h.disease,
                    "disease",
                    |found| Why::Disease { found },
                ),
                timing,
            ]);
            let record = RecordRef {
                kind: RecordKind::History,
                index,
            };
            match check {
                Check::Ok => {
                    if diagnosis.is_none_or(|(_, d)| h.date > d) {
                        diagnosis = Some((index, h.date));
                    }
                }
                Check::Unknown(why) => {
                    dx_unknown = true;
                    mismatches.push(super::Mismatch { record, why });
                }
                Check::Fails(Why::HistoryKind { .. } | Why::Disease { .. }) => {}
                Check::Fails(why) => mismatches.push(super::Mismatch { record, why }),
            }
        }
        let dx_status = if diagnosis.is_some() {
            RuleStatus::Satisfied
        } else if dx_unknown {
            RuleStatus::Undetermined
        } else {
            RuleStatus::NotSatisfied
        };

        // The recovery NATs, counted per laboratory.
        let within_hours = self.within_days.map(|d| d.saturating_mul(24));
        let checks = tests
            .iter()
            .map(|t| {
                let after_diagnosis = match diagnosis {
                    Some((_, d)) if t.sampled_at.date() < d => {
                        Check::Fails(Why::SampledBeforeDiagnosis {
                            sampled_at: t.sampled_at,
                            diagnosed: d,
                        })
                    }
                    _ => Check::Ok,
                };
                let check = combine(vec![
                    code_check(
                        self.disease.as_ref().map(std::slice::from_ref),
                        t.disease,
                        "disease",
                        |found| Why::Disease { found },
                    ),
                    code_check(
                        Some(&[NatResult::Negative][..]),
                        t.result,
                        "result",
                        |found| Why::NatResult { found },
                    ),
                    window_check(t.sampled_at, within_hours, reference),
                    after_diagnosis,
                ]);
                (check, &t.laboratory)
            })
            .collect();
        let describe_nat = |i: usize| {
            tests.get(i).map_or_else(String::new, |t| {
                format!(
                    "recovery_tests[{i}] ({} {}, {}, sampled {})",
                    t.method.label(),
                    t.result.label(),
                    t.laboratory.name,
                    t.sampled_at
                )
            })
        };
        let nats = count_tests(
            &self.id,
            RuleKind::Recovered,
            RecordKind::Recovery,
            checks,
            self.count,
            self.distinct_laboratories,
            String::new(),
            &describe_nat,
        );
        let nat_reason = nats.reasons.into_iter().next();
        let (nat_matched, nat_mismatches) = nat_reason
            .map(|r| (r.matched, r.mismatches))
            .unwrap_or_default();

        let status = match (dx_status, nats.status) {
            (RuleStatus::NotSatisfied, _) | (_, RuleStatus::NotSatisfied) => {
                RuleStatus::NotSatisfied
            }
            (RuleStatus::Undetermined, _) | (_, RuleStatus::Undetermined) => {
                RuleStatus::Undetermined
            }
            _ => RuleStatus::Satisfied,
        };

        let disease = self
            .disease
            .map(|d| format!("{} ", d.label()))
            .unwrap_or_default();
        let mut need = format!(
            "a confirmed {disease}diagnosis at least {} days",
            self.min_days_since_diagnosis
        );
        if let Some(max) = self.max_days_since_diagnosis {
            need.push_str(&format!(" and at most {max} days"));
        }
        need.push_str(&format!(
            " before the {} ({}) and {} negative recovery NAT{}{} sampled after it",
            reference.kind.label(),
            reference.at.date(),
            self.count,
            if self.count == 1 { "" } else { "s" },
            if self.distinct_laboratories && self.count > 1 {
                " from different laboratories"
            } else {
                ""
            },
        ));
        if let Some(d) = self.within_days {
            need.push_str(&format!(
                " and at most {d} days before the reference moment"
            ));
        }
        let dx_text = match diagnosis.and_then(|(i, _)| history.get(i).map(|h| (i, h))) {
            Some((i, h)) => format!(
                "diagnosis infection_history[{i}] of {} ({} days before)",
                h.date,
                today - h.date.days_since_epoch()
            ),
            None => "no qualifying diagnosis".to_owned(),
        };
        let nat_text = if nat_matched.is_empty() {
            "no recovery NAT counted".to_owned()
        } else {
            format!(
                "{} recovery NAT{} counted: {}",
                nat_matched.len(),
                if nat_matched.len() == 1 { "" } else { "s" },
                nat_matched
                    .iter()
                    .map(|r| describe_nat(r.index))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        mismatches.extend(nat_mismatches);
        let tail = if mismatches.is_empty() || status == RuleStatus::Satisfied {
            String::new()
        } else {
            format!(
                " ({})",
                mismatches
                    .iter()
                    .map(|m| format!("{} does not count: {}", m.record, m.why))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        let id = &self.id;
        let message = match status {
            RuleStatus::Satisfied => {
                format!("Rule `{id}` is met: it needs {need}; found {dx_text}; {nat_text}.")
            }
            RuleStatus::NotSatisfied => format!(
                "Rule `{id}` is not met: it needs {need}; found {dx_text}; {nat_text}{tail}."
            ),
            RuleStatus::Undetermined => format!(
                "Rule `{id}` needs review: it needs {need}; found {dx_text}; {nat_text}, and a record with a code this verifier does not know might count{tail}."
            ),
        };
        let mut matched: Vec<RecordRef> = diagnosis
            .map(|(index, _)| RecordRef {
                kind: RecordKind::History,
                index,
            })
            .into_iter()
            .collect();
        let found = matched.len() + nat_matched.len();
        matched.extend(nat_matched);
        Evaluation {
            status,
            reasons: vec![Reason {
                rule: id.clone(),
                kind: RuleKind::Recovered,
                status,
                required: Some(1 + usize::from(self.count)),
                found: Some(found),
                matched,
                mismatches,
                message,
            }],
        }
    }
}
