//! A stale reference moment: a boarding or departure time too far from the
//! moment of checking (the policy's `reference_within_hours`).

use crate::model::Timestamp;

use super::{Reason, Reference, ReferenceKind, RuleKind, RuleStatus};

/// The default bound: 72 hours either way.
pub(super) fn default_hours() -> u32 {
    72
}

/// A reason (undetermined) when `reference` is a boarding or departure time
/// more than `bound_hours` before or after `checked_at`.
pub(super) fn check(
    reference: &Reference,
    checked_at: Timestamp,
    bound_hours: u32,
) -> Option<Reason> {
    if reference.kind == ReferenceKind::Checking {
        return None;
    }
    let seconds = reference.at.unix().abs_diff(checked_at.unix());
    if seconds <= u64::from(bound_hours) * 3600 {
        return None;
    }
    let hours = seconds.div_ceil(3600);
    let side = if reference.at < checked_at {
        "before"
    } else {
        "after"
    };
    Some(Reason {
        rule: "reference_within_hours".to_owned(),
        kind: RuleKind::StaleReference,
        status: RuleStatus::Undetermined,
        required: None,
        found: None,
        matched: Vec::new(),
        mismatches: Vec::new(),
        message: format!(
            "The {} ({}) is {hours} hours {side} the moment of checking ({checked_at}), more than the {bound_hours} hours the rules allow: the time windows measured from it may not describe the traveller now.",
            reference.kind.label(),
            reference.at,
        ),
    })
}
