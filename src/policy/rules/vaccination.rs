//! The `vaccination` rule: a dose of an accepted product, completing its
//! series when asked, given between `min_days` and `max_days` days before.

use crate::model::{Certificate, Facility, RecordKind, VaccineProduct};

use super::super::{RuleKind, Why};
use super::window::{code_check, combine, count_tests, names};
use super::{Check, Context, Evaluation, VaccinationRule};

impl VaccinationRule {
    pub(super) fn evaluate(&self, c: &Certificate, ctx: &Context) -> Evaluation {
        let reference = &ctx.reference;
        let today = reference.at.date().days_since_epoch();
        let latest = ctx.latest().date();
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
                let timing = if v.date > latest {
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
