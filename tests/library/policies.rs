//! The example border rules (examples/policies/) against the sample records,
//! the time arithmetic (offsets, month ends, leap days), three-valued results
//! for unknown codes and the privacy views (the attacks on the rules are in
//! `rules_attacks`, which shares these fixtures).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use travelcert::model::{
    Certificate, CertificateId, CountryCode, Date, Extensions, HealthRecord, NatMethod, NatResult,
    Timestamp, VaccineProduct,
};
use travelcert::policy::{
    Moment, Outcome, Policy, PolicyError, RecordRef, ReferenceKind, RuleStatus, Verdict, Why,
};

pub(crate) fn policy(name: &str) -> Policy {
    let path = format!(
        "{}/examples/policies/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Policy::from_json(&std::fs::read(path).unwrap()).unwrap()
}

pub(crate) fn record(name: &str) -> HealthRecord {
    let path = format!("{}/examples/data/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

pub(crate) fn cert(record: HealthRecord) -> Certificate {
    Certificate {
        issuer: CountryCode::new("CN").unwrap(),
        issued_at: t("2021-03-10T12:00:00Z"),
        expires_at: t("2021-03-12T12:00:00Z"),
        certificate_id: CertificateId::new(&[1; 8]).unwrap(),
        record,
        unknown_claims: Extensions::default(),
    }
}

/// Signs `c` with a test key and verifies it through a real verifier: a
/// policy takes only verified certificates.
pub(crate) fn verified(c: &Certificate) -> travelcert::verify::Verified {
    use travelcert::cose::{sign1, Algorithm, ProtectedHeader};
    use travelcert::keys::{Ed25519Signer, Signer};
    use travelcert::trust::{TrustStore, TrustedKey};
    let signer = Ed25519Signer::from_seed(&[9; 32]);
    let header = ProtectedHeader {
        alg: Algorithm::Ed25519,
        kid: signer.public_key().kid(),
    };
    let payload = travelcert::codec::claims::encode_claims(c);
    let cose = sign1::sign(&header, &payload, |m| signer.sign(m)).unwrap();
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(signer.public_key(), c.issuer));
    travelcert::verify::Verifier::new(store)
        .verify(&travelcert::codec::cose_to_text(&cose, None), c.issued_at)
        .unwrap()
}

pub(crate) fn t(rfc3339: &str) -> Timestamp {
    Timestamp::parse_rfc3339(rfc3339).unwrap()
}

/// Checking an hour before boarding.
pub(crate) fn boarding(at: &str) -> Moment {
    Moment::checking(t(at).saturating_add(-3600)).with_boarding(t(at))
}

pub(crate) fn rules(v: &Verdict) -> Vec<(&str, RuleStatus)> {
    v.reasons
        .iter()
        .map(|r| (r.rule.as_str(), r.status))
        .collect()
}

pub(crate) fn reason<'a>(v: &'a Verdict, rule: &str) -> &'a travelcert::policy::Reason {
    v.reasons
        .iter()
        .find(|r| r.rule == rule)
        .unwrap_or_else(|| panic!("no reason for {rule}: {}", v.explain()))
}

pub(crate) const NAT0: RecordRef = RecordRef {
    kind: travelcert::model::RecordKind::Nat,
    index: 0,
};
pub(crate) const NAT1: RecordRef = RecordRef {
    kind: travelcert::model::RecordKind::Nat,
    index: 1,
};

// ---------- the entry rule (double NAT + IgM/IgG) ----------

#[test]
fn entry_rule_accepts_the_double_nat_sample_through_the_vaccinated_igg_exception() {
    let c = cert(record("traveller-double-nat"));
    // 14:00 in Beijing is 06:00 UTC: 45.5 and 43 hours after the two samples.
    let v =
        policy("entry-double-nat").evaluate(&verified(&c), boarding("2021-03-12T14:00:00+08:00"));
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    assert_eq!(v.reference.kind, ReferenceKind::Boarding);
    assert_eq!(v.reference.at, t("2021-03-12T06:00:00Z"));
    assert_eq!(
        rules(&v),
        [
            ("double-nat", RuleStatus::Satisfied),
            ("igm-negative", RuleStatus::Satisfied),
            ("igg-positive", RuleStatus::Satisfied),
            ("vaccination-complete", RuleStatus::Satisfied),
        ]
    );
    let nat = reason(&v, "double-nat");
    assert_eq!(nat.matched, [NAT0, NAT1]);
    assert_eq!((nat.required, nat.found), (Some(2), Some(2)));
    assert!(nat.message.contains("Chughtai Lab"), "{}", nat.message);
}

#[test]
fn entry_rule_refuses_the_core_sample_naming_the_rules_and_the_record() {
    let c = cert(record("traveller"));
    let v = policy("entry-double-nat").evaluate(&verified(&c), boarding("2021-03-11T10:00:00Z"));
    assert_eq!(v.outcome, Outcome::Refused);
    assert_eq!(
        rules(&v),
        [
            ("double-nat", RuleStatus::NotSatisfied),
            ("igm-negative", RuleStatus::NotSatisfied)
        ]
    );
    let nat = reason(&v, "double-nat");
    assert_eq!((nat.required, nat.found), (Some(2), Some(1)));
    assert_eq!(nat.matched, [NAT0]);
    assert!(
        nat.message.starts_with("Rule `double-nat` is not met")
            && nat.message.contains("nat_tests[0]")
            && nat.message.contains("from different laboratories"),
        "{}",
        nat.message
    );
    assert!(reason(&v, "igm-negative").message.contains("none found"));
    // Machine-readable JSON.
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["outcome"], "refused");
    assert_eq!(json["reference"]["kind"], "boarding");
    assert_eq!(json["reasons"][0]["status"], "not_satisfied");
    assert_eq!(json["reasons"][0]["matched"][0]["kind"], "nat");
}

#[test]
fn two_tests_from_one_laboratory_count_once() {
    let mut r = record("traveller-double-nat");
    // Same laboratory, written differently.
    r.nat_tests[1].laboratory.name = "dr.  essa LABORATORY".into();
    let v =
        policy("entry-double-nat").evaluate(&verified(&cert(r)), boarding("2021-03-11T10:00:00Z"));
    assert_eq!(v.outcome, Outcome::Refused);
    let nat = reason(&v, "double-nat");
    assert_eq!(nat.found, Some(1));
    assert_eq!(nat.mismatches[0].record, NAT1);
    assert_eq!(
        nat.mismatches[0].why,
        Why::SameLaboratory { as_record: NAT0 }
    );
    assert!(nat.message.contains("same laboratory as nat_tests[0]"));
}

#[test]
fn the_48_hour_window_is_inclusive_and_measured_from_boarding() {
    let p = policy("entry-double-nat");
    let c = cert(record("traveller-double-nat"));
    // First NAT sampled 2021-03-10T08:30Z: exactly 48 h later still counts.
    assert_eq!(
        p.evaluate(&verified(&c), boarding("2021-03-12T08:30:00Z"))
            .outcome,
        Outcome::Accepted
    );
    let v = p.evaluate(&verified(&c), boarding("2021-03-12T08:30:01Z"));
    assert_eq!(v.outcome, Outcome::Refused);
    let nat = reason(&v, "double-nat");
    assert!(matches!(
        nat.mismatches[0].why,
        Why::SampledBeforeWindow { .. }
    ));
    // A boarding time before the sample: sampled after the reference moment.
    let v = p.evaluate(&verified(&c), boarding("2021-03-10T09:00:00Z"));
    assert!(reason(&v, "double-nat")
        .mismatches
        .iter()
        .any(|m| m.record == NAT1 && matches!(m.why, Why::SampledAfterReference { .. })));
}

#[test]
fn positive_igg_is_refused_without_a_complete_vaccination_series() {
    let mut r = record("traveller-double-nat");
    r.vaccinations.truncate(1); // dose 1 of 2 only
    let v =
        policy("entry-double-nat").evaluate(&verified(&cert(r)), boarding("2021-03-11T10:00:00Z"));
    assert_eq!(v.outcome, Outcome::Refused);
    let ids: Vec<_> = rules(&v).into_iter().map(|(r, _)| r).collect();
    assert_eq!(
        ids,
        ["igg", "igg-negative", "vaccination-complete"],
        "{}",
        v.explain()
    );
    // The satisfied half of the failed alternative does not decide anything.
    assert!(!v.reasons.iter().any(|r| r.rule == "igg-positive"));
    let vac = reason(&v, "vaccination-complete");
    assert_eq!(
        vac.mismatches[0].why,
        Why::SeriesIncomplete {
            dose: 1,
            series_total: 2
        }
    );
}

#[test]
fn without_a_boarding_time_the_entry_rule_needs_review_and_says_so() {
    let c = cert(record("traveller-double-nat"));
    let v = policy("entry-double-nat")
        .evaluate(&verified(&c), Moment::checking(t("2021-03-11T10:00:00Z")));
    assert_eq!(v.reference.kind, ReferenceKind::Checking);
    assert_eq!(v.outcome, Outcome::NeedsReview);
    let last = v.reasons.last().unwrap();
    assert_eq!(last.rule, "require_boarding_time");
    assert!(last.message.contains("moment of checking"));
    // A refusal stays a refusal.
    let v = policy("entry-double-nat").evaluate(
        &verified(&cert(record("traveller"))),
        Moment::checking(t("2021-03-11T10:00:00Z")),
    );
    assert_eq!(v.outcome, Outcome::Refused);
}

// ---------- vaccination only ----------

#[test]
fn vaccination_only_rule_counts_days_since_the_completing_dose() {
    let p = policy("vaccination-only");
    let c = cert(record("traveller")); // dose 2/2 on 2021-01-26
    let v = p.evaluate(&verified(&c), boarding("2021-03-11T10:00:00Z"));
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    assert_eq!(
        reason(&v, "vaccinated").matched[0].to_string(),
        "vaccinations[1]"
    );
    // 13 days after the second dose: too soon; dose 1 does not complete the series.
    let v = p.evaluate(&verified(&c), boarding("2021-02-08T23:59:59Z"));
    assert_eq!(v.outcome, Outcome::Refused);
    let whys: Vec<_> = reason(&v, "vaccinated")
        .mismatches
        .iter()
        .map(|m| m.why.clone())
        .collect();
    assert_eq!(
        whys,
        [
            Why::SeriesIncomplete {
                dose: 1,
                series_total: 2
            },
            Why::TooSoonAfterDose {
                days: 13,
                min_days: 14
            }
        ]
    );
    assert_eq!(
        p.evaluate(&verified(&c), boarding("2021-02-09T00:00:00Z"))
            .outcome,
        Outcome::Accepted
    );
    // 2022-01-26 is 365 days later: accepted; the next day refused.
    assert_eq!(
        p.evaluate(&verified(&c), boarding("2022-01-26T23:00:00Z"))
            .outcome,
        Outcome::Accepted
    );
    let v = p.evaluate(&verified(&c), boarding("2022-01-27T00:00:00Z"));
    assert!(reason(&v, "vaccinated").mismatches.iter().any(|m| m.why
        == Why::TooLongAfterDose {
            days: 366,
            max_days: 365
        }));
}

#[test]
fn day_counts_follow_the_utc_calendar_across_month_ends_and_leap_days() {
    let p = policy("vaccination-only");
    let mut r = record("traveller");
    r.vaccinations.truncate(1);
    r.vaccinations[0].dose = 2;
    let mut at = |dose: &str, boarding_at: &str| {
        r.vaccinations[0].date = Date::parse(dose).unwrap();
        let v = p.evaluate(&verified(&cert(r.clone())), boarding(boarding_at));
        (v.outcome, reason(&v, "vaccinated").clone())
    };
    // Leap year: 2024-02-15 + 14 days = 2024-02-29.
    assert_eq!(
        at("2024-02-15", "2024-02-29T00:00:00Z").0,
        Outcome::Accepted
    );
    let (o, r13) = at("2024-02-15", "2024-02-28T23:59:59Z");
    assert_eq!(o, Outcome::Refused);
    assert!(r13.mismatches.iter().any(|m| m.why
        == Why::TooSoonAfterDose {
            days: 13,
            min_days: 14
        }));
    // Non-leap year: 2023-02-15 + 14 days = 2023-03-01.
    assert_eq!(at("2023-02-15", "2023-02-28T12:00:00Z").0, Outcome::Refused);
    assert_eq!(
        at("2023-02-15", "2023-03-01T00:00:00Z").0,
        Outcome::Accepted
    );
    // An offset is converted to UTC first: 01:00+02:00 on 1 March is 23:00Z on 29 February.
    assert_eq!(
        at("2024-02-15", "2024-03-01T01:00:00+02:00").0,
        Outcome::Accepted
    );
    assert_eq!(
        at("2024-02-16", "2024-03-01T01:00:00+02:00").0,
        Outcome::Refused
    );
    // 365 days across a leap day: 2023-03-01 → 2024-02-29.
    assert_eq!(
        at("2023-03-01", "2024-02-29T12:00:00Z").0,
        Outcome::Accepted
    );
    assert_eq!(at("2023-03-01", "2024-03-01T00:00:00Z").0, Outcome::Refused);
    // Month end: 2021-01-31 + 14 = 2021-02-14.
    assert_eq!(
        at("2021-01-31", "2021-02-14T00:00:00Z").0,
        Outcome::Accepted
    );
    assert_eq!(at("2021-01-31", "2021-02-13T23:59:59Z").0, Outcome::Refused);
}

#[test]
fn an_unknown_product_code_needs_review_an_unlisted_known_one_is_refused() {
    let p = policy("vaccination-only");
    let mut r = record("traveller");
    for v in &mut r.vaccinations {
        v.product = VaccineProduct::Unknown(42);
    }
    let v = p.evaluate(
        &verified(&cert(r.clone())),
        boarding("2021-03-11T10:00:00Z"),
    );
    assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
    assert!(reason(&v, "vaccinated").mismatches.iter().any(|m| m.why
        == Why::UnknownCode {
            field: "product".into(),
            code: 42
        }));
    // A known product that the rule does not list is refused.
    let mut only = p.clone();
    if let travelcert::policy::Rule::Vaccination(rule) = &mut only.rule {
        rule.products = Some(vec![VaccineProduct::Bnt162b2]);
    }
    let v = only.evaluate(
        &verified(&cert(record("traveller"))),
        boarding("2021-03-11T10:00:00Z"),
    );
    assert_eq!(v.outcome, Outcome::Refused);
    assert!(reason(&v, "vaccinated")
        .message
        .contains("Covilo (BBIBP-CorV) is not an accepted product"));
}

// ---------- any recent negative NAT ----------

#[test]
fn recent_nat_rule_accepts_within_72_hours_and_refuses_after() {
    let p = policy("recent-negative-nat");
    let c = cert(record("traveller")); // NAT sampled 2021-03-10T08:30Z
    let v = p.evaluate(&verified(&c), boarding("2021-03-13T08:30:00Z"));
    assert_eq!(v.outcome, Outcome::Accepted, "{}", v.explain());
    assert_eq!(
        rules(&v),
        [
            ("negative-nat-72h", RuleStatus::Satisfied),
            ("no-recent-positive", RuleStatus::Satisfied)
        ]
    );
    let v = p.evaluate(&verified(&c), boarding("2021-03-13T08:30:01Z"));
    assert_eq!(v.outcome, Outcome::Refused);
    assert_eq!(rules(&v), [("negative-nat-72h", RuleStatus::NotSatisfied)]);
}

#[test]
fn recent_nat_rule_refuses_a_recent_positive_and_reviews_an_unknown_method() {
    let p = policy("recent-negative-nat");
    let mut r = record("traveller");
    let mut positive = r.nat_tests[0].clone();
    positive.result = NatResult::Positive;
    positive.sampled_at = t("2021-03-05T08:00:00Z");
    r.nat_tests.push(positive);
    let v = p.evaluate(&verified(&cert(r)), boarding("2021-03-11T10:00:00Z"));
    assert_eq!(v.outcome, Outcome::Refused);
    assert_eq!(
        rules(&v),
        [
            ("no-recent-positive", RuleStatus::NotSatisfied),
            ("positive-nat-10d", RuleStatus::Satisfied)
        ]
    );
    assert_eq!(
        reason(&v, "positive-nat-10d").matched[0].to_string(),
        "nat_tests[1]"
    );

    let mut r = record("traveller");
    r.nat_tests[0].method = NatMethod::Unknown(9);
    let v = p.evaluate(
        &verified(&cert(r.clone())),
        boarding("2021-03-11T10:00:00Z"),
    );
    assert_eq!(v.outcome, Outcome::NeedsReview, "{}", v.explain());
    // Other-NAAT is known and not accepted: refused.
    r.nat_tests[0].method = NatMethod::OtherNaat;
    let v = p.evaluate(&verified(&cert(r)), boarding("2021-03-11T10:00:00Z"));
    assert_eq!(v.outcome, Outcome::Refused);
}

// ---------- reference moment and privacy views ----------

#[test]
fn the_reference_is_boarding_else_checking_time() {
    let c = cert(record("traveller"));
    let now = t("2021-03-11T01:00:00Z");
    assert_eq!(
        Moment::checking(now).reference(&c).kind,
        ReferenceKind::Checking
    );
    assert_eq!(Moment::checking(now).reference(&c).at, now);
    // The sample has a journey (a flight) but no departure time: none is given.
    assert!(travelcert::policy::journey_departure(c.record.journey.as_ref().unwrap()).is_none());
    let b = t("2021-03-11T09:00:00Z");
    assert_eq!(Moment::checking(now).with_boarding(b).reference(&c).at, b);
}

#[test]
fn views_carry_only_what_the_rules_needed() {
    let c = cert(record("traveller"));
    let v = policy("entry-double-nat").evaluate(&verified(&c), boarding("2021-03-11T10:00:00Z"));
    let view = serde_json::to_string(&v.view(&c)).unwrap();
    // Identity for the document check.
    for needed in [
        "WANG",
        "XIAOMING",
        "1985-03-12",
        "E12345678",
        "CHN",
        "nat_tests",
    ] {
        assert!(view.contains(needed), "{needed} missing from {view}");
    }
    // Not needed by the deciding rules: vaccinations, residence, sex, journey.
    for private in [
        "BBIBP",
        "Karachi",
        "\"PK\",\"residence",
        "CA946",
        "\"sex\"",
        "Beijing",
    ] {
        assert!(!view.contains(private), "{private} leaked into {view}");
    }
    let gate = serde_json::to_string(&v.gate_view(&c)).unwrap();
    assert!(gate.contains("E12345678") && gate.contains("\"refused\""));
    for private in [
        "nat_tests",
        "Essa",
        "sampled",
        "\"negative\"",
        "message",
        "Karachi",
    ] {
        assert!(!gate.contains(private), "{private} leaked into {gate}");
    }
    // Antibody quantities never appear in a view.
    let c2 = cert(record("traveller-double-nat"));
    let v2 = policy("entry-double-nat").evaluate(&verified(&c2), boarding("2021-03-11T10:00:00Z"));
    let view2 = serde_json::to_string(&v2.view(&c2)).unwrap();
    assert!(view2.contains("\"igg\"") && !view2.contains("BAU"));
}

#[test]
fn inconsistent_rules_files_are_refused_with_specific_errors() {
    let bad = |json: &str| Policy::from_json(json.as_bytes()).unwrap_err();
    assert!(matches!(
        bad(r#"{"name": "x", "rule": {"kind": "nat", "id": "a", "count": 0}}"#),
        PolicyError::Invalid { rule, .. } if rule == "a"
    ));
    assert!(matches!(
        bad(r#"{"name": "x", "rule": {"kind": "all_of", "rules": [
            {"kind": "nat", "id": "a"}, {"kind": "nat", "id": "a"}]}}"#),
        PolicyError::Invalid { reason, .. } if reason.contains("another rule")
    ));
    assert!(matches!(
        bad(r#"{"name": "x", "rule": {"kind": "any_of", "rules": []}}"#),
        PolicyError::Invalid { .. }
    ));
    assert!(matches!(
        bad(
            r#"{"name": "x", "rule": {"kind": "vaccination", "id": "v", "min_days": 30, "max_days": 10}}"#
        ),
        PolicyError::Invalid { .. }
    ));
    assert!(matches!(
        bad(r#"{"name": "x", "rule": {"kind": "nat", "id": "a", "within_hour": 48}}"#),
        PolicyError::Json(m) if m.contains("within_hour")
    ));
    assert!(matches!(
        bad(r#"{"name": "x", "rule": {"kind": "nat", "id": "a", "methods": ["pcr"]}}"#),
        PolicyError::Json(m) if m.contains("rt-pcr")
    ));
    assert!(matches!(bad("{"), PolicyError::Json(_)));
}
