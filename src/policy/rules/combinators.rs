//! The combinators `all_of`, `any_of` and `none_of`: three-valued logic over
//! their rules' results, and the reasons that decided them.

use crate::model::Certificate;

use super::super::{Reason, RuleStatus};
use super::{Context, Evaluation, Group, Rule};

impl Rule {
    pub(super) fn all_of(&self, g: &Group, c: &Certificate, ctx: &Context) -> Evaluation {
        let results: Vec<Evaluation> = g.rules.iter().map(|r| r.evaluate(c, ctx)).collect();
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

    pub(super) fn any_of(&self, g: &Group, c: &Certificate, ctx: &Context) -> Evaluation {
        let results: Vec<Evaluation> = g.rules.iter().map(|r| r.evaluate(c, ctx)).collect();
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

    pub(super) fn none_of(&self, g: &Group, c: &Certificate, ctx: &Context) -> Evaluation {
        let results: Vec<Evaluation> = g.rules.iter().map(|r| r.evaluate(c, ctx)).collect();
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
