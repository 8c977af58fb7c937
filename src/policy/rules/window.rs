//! What every record rule shares: the per-record checks (codes, the time
//! window), combining them, counting records per laboratory, and the words
//! that describe a window.

use std::collections::HashSet;

use crate::model::{Facility, RecordKind, Timestamp};

use crate::model::codes::Coded;

use super::super::{Mismatch, Reason, RecordRef, RuleKind, RuleStatus, Why};
use super::{Check, Context, Evaluation};

/// A laboratory's identity for counting: country and name, case-folded, with
/// runs of white space collapsed.
pub(super) fn lab_key(f: &Facility) -> (String, String) {
    let name = f
        .name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (f.country.to_string(), name)
}

pub(super) fn code_check<T: Coded>(
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

/// The time window: sampled at most `within_hours` before the reference
/// moment and not after it (for an exclusion: not after the moment of
/// checking either, when that is later).
pub(super) fn window_check(
    sampled_at: Timestamp,
    within_hours: Option<u32>,
    ctx: &Context,
) -> Check {
    let reference = &ctx.reference;
    if sampled_at > ctx.latest() {
        return Check::Fails(if ctx.latest() > reference.at {
            Why::SampledAfterChecking { sampled_at }
        } else {
            Why::SampledAfterReference { sampled_at }
        });
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
pub(super) fn combine(checks: Vec<Check>) -> Check {
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
pub(super) fn count_tests(
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
                    mismatches.push(Mismatch {
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
                mismatches.push(Mismatch { record, why });
            }
            // A test of another disease or class is not what the rule is
            // about: not listed, so views do not carry it.
            Check::Fails(Why::Disease { .. } | Why::AntibodyClass { .. }) => {}
            Check::Fails(why) => mismatches.push(Mismatch { record, why }),
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

pub(super) fn window_text(within_hours: Option<u32>, ctx: &Context) -> String {
    let reference = &ctx.reference;
    let mut text = match within_hours {
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
    };
    if ctx.latest() > reference.at {
        text.push_str(&format!(
            " or after it up to the moment of checking ({})",
            ctx.checked_at
        ));
    }
    text
}

pub(super) fn names<T: Copy>(list: &[T], label: impl Fn(T) -> String) -> String {
    list.iter()
        .map(|v| label(*v))
        .collect::<Vec<_>>()
        .join(" or ")
}
