//! The `recovered` rule: a confirmed diagnosis long enough ago and negative
//! recovery NATs from different laboratories after it.

use crate::model::{Certificate, Date, HistoryKind, NatResult, RecordKind};

use super::super::{Mismatch, Reason, RecordRef, RuleKind, RuleStatus, Why};
use super::window::{code_check, combine, count_tests, window_check};
use super::{Check, Context, Evaluation, RecoveredRule};

impl RecoveredRule {
    pub(super) fn evaluate(&self, c: &Certificate, ctx: &Context) -> Evaluation {
        let reference = &ctx.reference;
        let today = reference.at.date().days_since_epoch();
        let history = &c.record.infection_history;
        let tests = &c.record.recovery_tests;
        let record = |index| RecordRef {
            kind: RecordKind::History,
            index,
        };

        // The diagnosis: the latest diagnosis of the rule's disease decides,
        // whatever its date, so an earlier one never stands in for a newer
        // one that is too recent. Entries of other kinds or diseases are not
        // what the rule is about and are not listed (views do not carry them).
        let mut latest: Option<(usize, Date)> = None;
        let mut unknown = Vec::new();
        for (index, h) in history.iter().enumerate() {
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
            ]);
            match check {
                Check::Ok => {
                    if latest.is_none_or(|(_, d)| h.date > d) {
                        latest = Some((index, h.date));
                    }
                }
                Check::Unknown(why) => unknown.push((index, h.date, why)),
                Check::Fails(_) => {}
            }
        }
        let mut mismatches = Vec::new();
        let known_ok = match latest {
            Some((index, date)) => match self.timing(date, today, ctx) {
                None => true,
                Some(why) => {
                    mismatches.push(Mismatch {
                        record: record(index),
                        why,
                    });
                    false
                }
            },
            None => false,
        };
        // An entry with a code this verifier does not know, dated after the
        // latest known diagnosis, might be a newer diagnosis: it might defeat
        // a qualifying one, or qualify where the known one does not.
        let mut newer_unknown = false;
        let mut might_qualify = false;
        for (index, date, why) in unknown {
            if latest.is_some_and(|(_, d)| date <= d) {
                continue;
            }
            newer_unknown = true;
            let why = match self.timing(date, today, ctx) {
                Some(timing) if !known_ok => timing,
                timing => {
                    might_qualify |= timing.is_none();
                    why
                }
            };
            mismatches.push(Mismatch {
                record: record(index),
                why,
            });
        }
        let dx_status = match (known_ok, newer_unknown, might_qualify) {
            (true, false, _) => RuleStatus::Satisfied,
            (true, true, _) | (false, _, true) => RuleStatus::Undetermined,
            (false, _, false) => RuleStatus::NotSatisfied,
        };
        let diagnosis = latest.filter(|_| known_ok);

        // The recovery NATs, counted per laboratory.
        let within_hours = self.within_days.map(|d| d.saturating_mul(24));
        let checks = tests
            .iter()
            .map(|t| {
                let after_diagnosis = match latest {
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
                    window_check(t.sampled_at, within_hours, ctx),
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
            "a latest confirmed {disease}diagnosis at least {} days",
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
            None => match latest {
                Some((i, d)) => {
                    format!("no qualifying diagnosis (the latest is infection_history[{i}] of {d})")
                }
                None => "no qualifying diagnosis".to_owned(),
            },
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

    /// Why a diagnosis of `date` does not qualify (too recent, too old, or
    /// after the reference moment), if it does not.
    fn timing(&self, date: Date, today: i64, ctx: &Context) -> Option<Why> {
        let days = today - date.days_since_epoch();
        if date > ctx.latest().date() {
            Some(Why::DiagnosisAfterReference { date })
        } else if days < i64::from(self.min_days_since_diagnosis) {
            Some(Why::TooSoonAfterDiagnosis {
                days,
                min_days: self.min_days_since_diagnosis,
            })
        } else {
            self.max_days_since_diagnosis
                .filter(|m| days > i64::from(*m))
                .map(|max_days| Why::TooLongAfterDiagnosis { days, max_days })
        }
    }
}
