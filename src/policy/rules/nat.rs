//! The `nat` rule: enough NAT tests with an accepted disease, method and
//! result inside the time window.

use crate::model::{Certificate, NatMethod, NatResult, RecordKind};

use super::super::{RuleKind, Why};
use super::window::{code_check, combine, count_tests, names, window_check, window_text};
use super::{Context, Evaluation, NatRule};

impl NatRule {
    pub(super) fn evaluate(&self, c: &Certificate, ctx: &Context) -> Evaluation {
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
                    window_check(t.sampled_at, self.within_hours, ctx),
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
            window_text(self.within_hours, ctx)
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
