//! The questionnaire of `mentor-agree evaluate` on a terminal: each open goal's
//! status and a note, the pair's reflection, and whether it is the closing review.

use chrono::{Months, NaiveDate};
use dialoguer::console::Term;
use dialoguer::theme::Theme;
use dialoguer::{Confirm, Input};

use crate::engine::Checked;
use crate::facts::evaluation::NewEvaluation;
use crate::format::agreement::GoalStatus;
use crate::text::plural;
use crate::text::ymd;

/// Whether `date` falls in the term's last month or after it: the closing review is likely then.
fn near_the_end(date: NaiveDate, last_day: Option<NaiveDate>) -> bool {
    last_day.and_then(|l| l.checked_sub_months(Months::new(1))).is_some_and(|from| date > from)
}

/// The questionnaire: each open goal's status and a note, then the reflection and the closing question.
///
/// `current` is the agreement as it is now, checked, for showing each goal and
/// where it stands (`None` when it cannot be read: nothing is asked about goals).
/// Ctrl-C ends it with an `Interrupted` error.
pub fn ask(
    record: &mut NewEvaluation,
    current: Option<&Checked>,
    term: &Term,
    theme: &dyn Theme,
) -> std::io::Result<()> {
    let (goals, status, last_day) = match current {
        Some(c) => (
            c.agreement.as_ref().map(|a| a.goals.clone()).unwrap_or_default(),
            c.derived.as_ref().map(|d| d.goal_status.clone()).unwrap_or_default(),
            c.derived.as_ref().and_then(|d| d.last_day),
        ),
        None => (Vec::new(), Vec::new(), None),
    };
    let names = GoalStatus::ALL.map(GoalStatus::as_str).join(", ");
    term.write_line(&format!("Reviewing {} on {}. Statuses: {names}.", plural(goals.len(), "goal"), ymd(record.date)))?;
    for (i, goal) in goals.iter().enumerate() {
        let n = i + 1;
        let text = goal.goal.as_ref().map_or("(no text)", |g| g.value.as_str());
        term.write_line(&format!("\nGoal {n}: {text}"))?;
        if let Some(m) = &goal.measure {
            term.write_line(&format!("  measure: {}", m.value))?;
        }
        if let Some(d) = &goal.due {
            term.write_line(&format!("  due:     {}", ymd(d.value)))?;
        }
        let now = status.get(i).copied().flatten();
        term.write_line(&format!("  so far:  {}", now.map_or("not reviewed yet", GoalStatus::in_words)))?;
        if now.is_some_and(GoalStatus::is_settled) {
            continue;
        }
        let typed: String = Input::with_theme(theme)
            .with_prompt(format!("Goal {n} now (Enter to leave it out)"))
            .allow_empty(true)
            .validate_with(|s: &String| parse_status(s).map(|_| ()))
            .interact_text_on(term)?;
        let Ok(Some(st)) = parse_status(&typed) else { continue };
        let note: String = Input::with_theme(theme)
            .with_prompt(format!("Note on goal {n} (optional)"))
            .allow_empty(true)
            .interact_text_on(term)?;
        let note = Some(note.trim().to_string()).filter(|s| !s.is_empty());
        record.progress.push((n as u32, st, note));
    }
    term.write_line("")?;
    for (slot, prompt) in [
        (&mut record.working, "What works well? (optional)"),
        (&mut record.improve, "What would you change? (optional)"),
    ] {
        if slot.is_some() {
            continue;
        }
        let typed: String = Input::with_theme(theme).with_prompt(prompt).allow_empty(true).interact_text_on(term)?;
        *slot = Some(typed.trim().to_string()).filter(|s| !s.is_empty());
    }
    if !record.closing {
        record.closing = Confirm::with_theme(theme)
            .with_prompt("Is this the closing review of the relationship?")
            .default(near_the_end(record.date, last_day))
            .wait_for_newline(true)
            .interact_on(term)?;
    }
    Ok(())
}

/// An empty answer (leave the goal out) or a status (see [`GoalStatus::from_typed`]).
fn parse_status(s: &str) -> Result<Option<GoalStatus>, String> {
    if s.trim().is_empty() { Ok(None) } else { GoalStatus::from_typed(s).map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_closing_question_defaults_to_yes_in_the_last_month() {
        let last = Some(d("2027-06-06"));
        assert!(!near_the_end(d("2027-05-06"), last));
        assert!(near_the_end(d("2027-05-07"), last));
        assert!(near_the_end(d("2027-07-01"), last));
        assert!(!near_the_end(d("2027-07-01"), None));
    }

    #[test]
    fn typed_statuses_are_forgiving_about_case_and_spaces() {
        assert_eq!(parse_status(""), Ok(None));
        assert_eq!(parse_status("On track"), Ok(Some(GoalStatus::OnTrack)));
        assert_eq!(parse_status(" achieved "), Ok(Some(GoalStatus::Achieved)));
        assert_eq!(
            parse_status("acheived"),
            Err("`acheived` is not a goal status: did you mean `achieved`? use one of not-started, on-track, behind, achieved, dropped".into())
        );
    }
}
