//! Attacks on the border rules, each replayed against the legitimate case: a
//! newer diagnosis defeating the recovered rule, a positive test sampled after
//! the departure time, a stale reference moment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::policies::*;
use travelcert::model::{
    Date, Disease, HealthRecord, HistoryEntry, HistoryKind, NatResult, RecordKind,
};
use travelcert::policy::{
    Moment, Outcome, Policy, PolicyError, RecordRef, ReferenceKind, RuleKind, RuleStatus, Why,
};

// ---------- the recovered rule: the latest diagnosis decides ----------

fn recovered() -> HealthRecord {
    record("traveller-recovered")
}

/// Checking two hours before the sample's departure (2021-03-11T03:00Z).
fn before_departure() -> Moment {
    Moment::checking(t("2021-03-11T01:00:00Z"))
}

fn diagnosis(on: &str) -> HistoryEntry {
    HistoryEntry {
        kind: HistoryKind::Diagnosis,
        disease: Disease::SarsCov2,
        date: Date::parse(on).unwrap(),
        recovered_on: None,
        valid_from: None,
        valid_until: None,
        unknown_elements: Vec::new(),
    }
}

const fn history(index: usize) -> RecordRef {
    RecordRef {
        kind: RecordKind::History,
        index,
    }
}

#[test]
fn a_newer_diagnosis_too_recent_defeats_an_older_one() {
    let p = policy("recovered-traveller");
    // The legitimate case: the diagnosis of 2021-01-03 and two recovery NATs.
    let v = p.evaluate(&verified(&cert(recovered())), before_departure());
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    assert_eq!(reason(&v, "recovered").matched[0], history(1));
    // The attack: a new infection diagnosed 6 days before departure. The old
    // diagnosis and the recovery NATs taken before the new infection no
    // longer count.
    let mut r = recovered();
    r.infection_history.push(diagnosis("2021-03-05"));
    let v = p.evaluate(&verified(&cert(r)), before_departure());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    let rec = reason(&v, "recovered");
    assert_eq!(rec.status, RuleStatus::NotSatisfied);
    assert!(!rec.matched.contains(&history(1)), "{:?}", rec.matched);
    assert_eq!(rec.mismatches[0].record, history(2));
    assert_eq!(
        rec.mismatches[0].why,
        Why::TooSoonAfterDiagnosis {
            days: 6,
            min_days: 14
        }
    );
    assert!(
        rec.message.contains("no qualifying diagnosis")
            && rec.message.contains("infection_history[2] of 2021-03-05"),
        "{}",
        rec.message
    );
    // The order of the entries does not matter.
    let mut r = recovered();
    r.infection_history.insert(0, diagnosis("2021-03-05"));
    let v = p.evaluate(&verified(&cert(r)), before_departure());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
}

#[test]
fn recovery_nats_count_only_after_the_latest_diagnosis() {
    let p = policy("recovered-traveller");
    // A second diagnosis 20 days before departure qualifies by age, but the
    // recovery NATs were taken before it.
    let mut r = recovered();
    r.infection_history.push(diagnosis("2021-02-19"));
    let v = p.evaluate(&verified(&cert(r.clone())), before_departure());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    let rec = reason(&v, "recovered");
    assert_eq!(rec.matched, [history(2)]);
    assert!(rec.mismatches.iter().all(|m| m.why
        == Why::SampledBeforeDiagnosis {
            sampled_at: r.recovery_tests[m.record.index].sampled_at,
            diagnosed: Date::parse("2021-02-19").unwrap()
        }));
    assert_eq!(rec.mismatches.len(), 2);
    // Recovery NATs from two laboratories after the new diagnosis: accepted.
    r.recovery_tests[0].sampled_at = t("2021-02-25T09:00:00Z");
    r.recovery_tests[1].sampled_at = t("2021-02-26T09:00:00Z");
    let v = p.evaluate(&verified(&cert(r)), before_departure());
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    assert_eq!(reason(&v, "recovered").matched[0], history(2));
}

#[test]
fn a_diagnosis_after_the_reference_moment_defeats_the_recovered_rule() {
    let p = policy("recovered-traveller");
    // Diagnosed the day after departure, checked two days after departure.
    let mut r = recovered();
    r.infection_history.push(diagnosis("2021-03-12"));
    let v = p.evaluate(
        &verified(&cert(r)),
        Moment::checking(t("2021-03-13T03:00:00Z")),
    );
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    assert_eq!(
        reason(&v, "recovered").mismatches[0].why,
        Why::DiagnosisAfterReference {
            date: Date::parse("2021-03-12").unwrap()
        }
    );
}

#[test]
fn an_unknown_history_entry_after_the_diagnosis_needs_review() {
    let p = policy("recovered-traveller");
    // It might be a newer diagnosis.
    let mut r = recovered();
    let mut entry = diagnosis("2021-03-05");
    entry.kind = HistoryKind::Unknown(7);
    r.infection_history.push(entry.clone());
    let v = p.evaluate(&verified(&cert(r)), before_departure());
    assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
    assert_eq!(
        reason(&v, "recovered").mismatches[0],
        travelcert::policy::Mismatch {
            record: history(2),
            why: Why::UnknownCode {
                field: "kind".into(),
                code: 7
            }
        }
    );
    // Dated before the diagnosis it cannot be the latest: accepted.
    let mut r = recovered();
    entry.date = Date::parse("2021-01-01").unwrap();
    r.infection_history.push(entry);
    let v = p.evaluate(&verified(&cert(r)), before_departure());
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
}

// ---------- exclusions count every record up to the moment of checking ----------

/// 17 hours after the recovered sample's departure (2021-03-11T03:00Z).
fn after_departure() -> Moment {
    Moment::checking(t("2021-03-11T20:00:00Z"))
}

#[test]
fn a_positive_nat_sampled_after_the_departure_time_excludes() {
    let p = policy("recent-negative-nat");
    // The legitimate case: a negative NAT 18.5 hours before departure.
    let v = p.evaluate(&verified(&cert(recovered())), after_departure());
    assert_eq!(v.reference.kind, ReferenceKind::Departure);
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    // The attack: a positive NAT sampled after departure, before the check.
    let mut r = recovered();
    let mut positive = r.nat_tests[0].clone();
    positive.result = NatResult::Positive;
    positive.sampled_at = t("2021-03-11T12:00:00Z");
    r.nat_tests.push(positive);
    let v = p.evaluate(&verified(&cert(r.clone())), after_departure());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    assert_eq!(
        rules(&v),
        [
            ("no-recent-positive", RuleStatus::NotSatisfied),
            ("positive-nat-10d", RuleStatus::Satisfied)
        ]
    );
    assert_eq!(reason(&v, "positive-nat-10d").matched, [NAT1]);
    assert!(
        reason(&v, "positive-nat-10d")
            .message
            .contains("up to the moment of checking (2021-03-11T20:00:00Z)"),
        "{}",
        v.explain()
    );
    // Sampled after the moment of checking, it is not counted.
    r.nat_tests[1].sampled_at = t("2021-03-11T20:00:01Z");
    let v = p.evaluate(&verified(&cert(r)), after_departure());
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
}

#[test]
fn a_requirement_still_counts_only_tests_up_to_the_reference_moment() {
    // A negative NAT sampled after departure does not meet the requirement.
    let mut r = recovered();
    r.nat_tests[0].sampled_at = t("2021-03-11T12:00:00Z");
    let v = policy("recent-negative-nat").evaluate(&verified(&cert(r.clone())), after_departure());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    assert_eq!(
        reason(&v, "negative-nat-72h").mismatches[0].why,
        Why::SampledAfterReference {
            sampled_at: t("2021-03-11T12:00:00Z")
        }
    );
    // Nor does it under two exclusions, which make a requirement again.
    let twice = Policy::from_json(
        br#"{"name": "x", "rule": {"kind": "none_of", "id": "outer", "rules": [
            {"kind": "none_of", "id": "inner", "rules": [
                {"kind": "nat", "id": "negative", "results": ["negative"], "within_hours": 72}]}]}}"#,
    )
    .unwrap();
    let v = twice.evaluate(&verified(&cert(r)), after_departure());
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
    let v = twice.evaluate(&verified(&cert(recovered())), after_departure());
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
}

// ---------- a stale reference moment ----------

#[test]
fn a_departure_time_more_than_72_hours_before_the_check_needs_review() {
    let p = policy("recent-negative-nat");
    assert_eq!(p.reference_within_hours, 72);
    let c = cert(recovered()); // departure 2021-03-11T03:00Z
                               // Exactly 72 hours later: accepted.
    let v = p.evaluate(&verified(&c), Moment::checking(t("2021-03-14T03:00:00Z")));
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    // The attack: the same certificate shown long after its departure time.
    for late in ["2021-03-14T03:00:01Z", "2023-06-01T00:00:00Z"] {
        let v = p.evaluate(&verified(&c), Moment::checking(t(late)));
        assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
        assert_eq!(v.reference.kind, ReferenceKind::Departure);
        let stale = reason(&v, "reference_within_hours");
        assert_eq!(
            (stale.kind, stale.status),
            (RuleKind::StaleReference, RuleStatus::Undetermined)
        );
        assert!(
            stale
                .message
                .contains("departure time (2021-03-11T03:00:00Z)")
                && stale.message.contains("before the moment of checking"),
            "{}",
            stale.message
        );
    }
    let v = p.evaluate(&verified(&c), Moment::checking(t("2021-03-14T04:00:00Z")));
    assert!(reason(&v, "reference_within_hours")
        .message
        .contains("73 hours before"));
    // A refusal stays a refusal.
    let mut r = recovered();
    r.nat_tests[0].result = NatResult::Positive;
    let v = p.evaluate(
        &verified(&cert(r)),
        Moment::checking(t("2023-06-01T00:00:00Z")),
    );
    assert_eq!(v.outcome, Outcome::Refused, "{}", v.explain());
}

#[test]
fn a_boarding_time_far_from_the_check_needs_review() {
    let p = policy("vaccination-only");
    let c = cert(record("traveller"));
    let checked = t("2021-03-11T01:00:00Z");
    let v = p.evaluate(
        &verified(&c),
        Moment::checking(checked).with_boarding(t("2021-03-14T01:00:00Z")),
    );
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    let v = p.evaluate(
        &verified(&c),
        Moment::checking(checked).with_boarding(t("2021-03-20T01:00:00Z")),
    );
    assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
    assert!(reason(&v, "reference_within_hours")
        .message
        .contains("boarding time (2021-03-20T01:00:00Z) is 216 hours after"));
    // Without a boarding or departure time, the moment of checking is never stale.
    let v = p.evaluate(&verified(&c), Moment::checking(t("2021-06-01T00:00:00Z")));
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
}

#[test]
fn the_bound_on_the_reference_moment_is_configurable() {
    let json = |hours: &str| {
        format!(
            r#"{{"name": "x", "reference_within_hours": {hours},
                "rule": {{"kind": "nat", "id": "negative", "results": ["negative"], "within_hours": 72}}}}"#
        )
    };
    let p = Policy::from_json(json("24").as_bytes()).unwrap();
    assert_eq!(p.reference_within_hours, 24);
    let c = cert(recovered()); // departure 2021-03-11T03:00Z
    let v = p.evaluate(&verified(&c), Moment::checking(t("2021-03-12T03:00:00Z")));
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    let v = p.evaluate(&verified(&c), Moment::checking(t("2021-03-12T04:00:00Z")));
    assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
    assert!(reason(&v, "reference_within_hours")
        .message
        .contains("more than the 24 hours"));
    // The field is part of the JSON form.
    let back = serde_json::to_value(&p).unwrap();
    assert_eq!(back["reference_within_hours"], 24);
    assert!(matches!(
        Policy::from_json(json("-1").as_bytes()).unwrap_err(),
        PolicyError::Json(m) if m.contains("reference_within_hours") || m.contains("invalid value")
    ));
}
