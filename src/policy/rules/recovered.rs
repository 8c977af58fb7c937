//! The `recovered` rule: a confirmed diagnosis long enough ago and negative
//! recovery NATs from different laboratories after it.

use crate::model::{Certificate, Date, HistoryKind, NatResult, RecordKind};

use super::super::{Mismatch, Reason, RecordRef, Reference, RuleKind, RuleStatus, Why};
use super::window::{code_check, combine, count_tests, window_check};
use super::{Check, Evaluation, RecoveredRule};

impl RecoveredRule {
    pub(super) fn evaluate(&self, c: &Certificate, reference: &Reference) -> Evaluation {
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
                    mismatches.push(Mismatch { record, why });
                }
                Check::Fails(Why::HistoryKind { .. } | Why::Disease { .. }) => {}
                Check::Fails(why) => mismatches.push(Mismatch { record, why }),
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
