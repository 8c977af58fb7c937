//! The `antibody` rule: enough antibody tests of one class with an accepted
//! result inside the time window.

use crate::model::{AntibodyResult, Certificate, RecordKind};

use super::super::{RuleKind, Why};
use super::window::{code_check, combine, count_tests, names, window_check, window_text};
use super::{AntibodyRule, Context, Evaluation};

impl AntibodyRule {
    pub(super) fn evaluate(&self, c: &Certificate, ctx: &Context) -> Evaluation {
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
                    window_check(t.sampled_at, self.within_hours, ctx),
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
            window_text(self.within_hours, ctx)
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
