//! SMART goals: count, measure, due date, relevance, achievability.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::format::timeline::sessions_until;
use crate::rules::{Context, non_empty};
use crate::text::plural;
use crate::text::ymd;

/// Words that make a measure countable even without digits.
const COUNT_WORDS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty",
    "fifty", "hundred", "dozen", "once", "twice", "half", "every", "each", "all", "first", "single", "percent", "per",
];

/// Past participles that say a concrete deliverable is done: "application
/// submitted", "talk proposal accepted". Vague verbs of degree ("improved",
/// "better", "developed") are left out on purpose: nothing says when they are met.
const DONE_WORDS: &[&str] = &[
    "accepted",
    "approved",
    "awarded",
    "booked",
    "built",
    "certified",
    "completed",
    "delivered",
    "deployed",
    "documented",
    "drafted",
    "earned",
    "enrolled",
    "filed",
    "finished",
    "given",
    "graduated",
    "held",
    "hired",
    "implemented",
    "launched",
    "led",
    "merged",
    "migrated",
    "obtained",
    "passed",
    "presented",
    "promoted",
    "published",
    "registered",
    "released",
    "sent",
    "shipped",
    "signed",
    "submitted",
    "taught",
    "written",
];

/// A cadence or a state that is met or not on a given day ("weekly in production").
const STATE_WORDS: &[&str] =
    &["daily", "weekly", "fortnightly", "monthly", "quarterly", "yearly", "annually", "production", "live"];

/// True when a measure names a number or something countable, or a completed
/// deliverable (a past participle of finishing something concrete, a cadence, a
/// thing in production): either it happened by the due date or it did not.
fn is_countable(measure: &str) -> bool {
    let words: Vec<String> =
        measure.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    measure.chars().any(|c| c.is_ascii_digit() || c == '%')
        || has(COUNT_WORDS)
        // A deliverable and what became of it: at least two words.
        || (words.len() >= 2 && (has(DONE_WORDS) || has(STATE_WORDS)))
}

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    let rules = &ctx.program.rules.goals;
    let count = a.goals.len() as u32;
    if count < rules.min {
        let span = a.goals.last().map_or(0..0, |g| g.span.clone());
        out.push(
            Diagnostic::new(
                Code::GoalsTooFew,
                span,
                format!("{} given; the program asks for at least {}", plural(count as usize, "goal"), rules.min),
            )
            .with_help("add a [[goals]] entry with goal, measure and due"),
        );
    }
    if count > rules.max {
        let span = a.goals[rules.max as usize].span.clone();
        out.push(
            Diagnostic::new(
                Code::GoalsTooMany,
                span,
                format!("{count} goals given; the program allows at most {}", rules.max),
            )
            .with_code_help(),
        );
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, g) in a.goals.iter().enumerate() {
        let n = i + 1;
        if let Some(text) = &g.goal
            && non_empty(text, &format!("goal {n}"), out)
        {
            let key = crate::text::suggest::loose(&text.value);
            if let Some(first) = seen.get(&key) {
                out.push(
                    Diagnostic::new(Code::GoalDuplicate, text.span.clone(), format!("goal {n} repeats goal {first}"))
                        .with_code_help(),
                );
            } else {
                seen.insert(key, n);
            }
        }
        match &g.measure {
            None if rules.require_measure => out.push(
                Diagnostic::new(Code::GoalNoMeasure, g.span.clone(), format!("goal {n} has no `measure`"))
                    .with_help("say how you will both know it is met, e.g. measure = \"3 talks given\""),
            ),
            Some(m) if non_empty(m, &format!("measure of goal {n}"), out) && !is_countable(&m.value) => out.push(
                Diagnostic::new(
                    Code::GoalVagueMeasure,
                    m.span.clone(),
                    format!("the measure of goal {n} has nothing to count"),
                )
                .with_help("name a number or a countable outcome, e.g. \"2 presentations given\""),
            ),
            _ => {}
        }
        match &g.why {
            None if rules.require_why => out.push(
                Diagnostic::new(Code::GoalNoWhy, g.span.clone(), format!("goal {n} has no `why`"))
                    .with_help("say why the goal matters to the mentee"),
            ),
            Some(w) => {
                non_empty(w, &format!("why of goal {n}"), out);
            }
            None => {}
        }
        let Some(due) = &g.due else {
            if rules.require_due {
                out.push(
                    Diagnostic::new(Code::GoalNoDue, g.span.clone(), format!("goal {n} has no `due` date"))
                        .with_help("add due = YYYY-MM-DD within the term"),
                );
            }
            continue;
        };
        let (Some(start), Some(last)) = (ctx.derived.start, ctx.derived.last_day) else { continue };
        if due.value < start || due.value > last {
            out.push(
                Diagnostic::new(
                    Code::GoalDueOutsideTerm,
                    due.span.clone(),
                    format!(
                        "goal {n} is due on {}, outside the term ({} to {})",
                        ymd(due.value),
                        ymd(start),
                        ymd(last)
                    ),
                )
                .with_code_help(),
            );
            continue;
        }
        if let Some(freq) = ctx.derived.frequency {
            let need = rules.min_sessions_before_due;
            let held = sessions_until(freq, start, due.value, need);
            if held < need {
                out.push(
                    Diagnostic::new(
                        Code::GoalNotAchievable,
                        due.span.clone(),
                        format!("only {held} session(s) are held by {}, when goal {n} is due; the program expects at least {need}", ymd(due.value)),
                    )
                    .with_help("move the due date later, or meet more often"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_countable;

    #[test]
    fn countable_measures() {
        assert!(is_countable("Run 3 retrospectives"));
        assert!(is_countable("Give two talks"));
        assert!(is_countable("Feedback rated 80%"));
        assert!(is_countable("Present at every team meeting"));
        assert!(!is_countable("Feel more confident"));
        assert!(!is_countable("Get better at leadership"));
    }

    #[test]
    fn completed_deliverables_are_countable() {
        // Measures from real SMART goals: a concrete thing, done by the due date or not.
        for measure in [
            "Internal transfer application submitted",
            "Model scoring weekly in production",
            "Conference talk proposal accepted",
            "AWS Solutions Architect certification passed",
            "Blog post published on the team site",
            "Runbook written and reviewed by the on-call team",
            "Onboarding guide for new hires shipped",
            "Promotion case approved by the panel",
            "Dashboard live for the support team",
        ] {
            assert!(is_countable(measure), "{measure}");
        }
        // Degrees of feeling and skill stay vague, as does a lone participle.
        for measure in [
            "improve communication",
            "Improve communication",
            "Communication improved",
            "Feel more confident presenting",
            "Better understanding of the codebase",
            "Developed leadership skills",
            "Submitted",
        ] {
            assert!(!is_countable(measure), "{measure}");
        }
    }
}
