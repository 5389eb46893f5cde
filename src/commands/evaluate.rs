//! `mentor-agree evaluate`: record a review the pair held.

use std::io::IsTerminal;

use chrono::{Months, NaiveDate};
use dialoguer::console::Term;
use dialoguer::theme::Theme;
use dialoguer::{Confirm, Input};

use crate::agreement::GoalStatus;
use crate::check::Session;
use crate::cli::{EvaluateArgs, GoalUpdate};
use crate::diagnostic::report::plural;
use crate::edit::{EditError, append_table_entry};
use crate::evaluation::NewEvaluation;
use crate::role::Role;
use crate::rules::ymd;

/// Appends an `[[evaluations]]` entry, asking on a terminal when no `--goal` is given.
pub fn run(args: &EvaluateArgs, session: &Session) -> anyhow::Result<u8> {
    let file = &args.edit.file;
    super::agreement_file(file, "evaluate")?;
    let date = args.edit.date.unwrap_or(session.today);
    let mut by: Vec<&'static str> = Vec::new();
    for who in &args.by {
        if !by.contains(&who.as_str()) {
            by.push(who.as_str());
        }
    }
    if by.is_empty() {
        by = Role::names_of(Role::PARTIES).to_vec();
    }
    let mut record = NewEvaluation {
        date,
        by,
        closing: args.closing,
        working: given("--working", &args.working)?,
        improve: given("--improve", &args.improve)?,
        progress: args.goal.iter().map(|GoalUpdate { goal, status, note }| (*goal, *status, note.clone())).collect(),
    };
    let term = Term::stderr();
    if args.goal.is_empty() && std::io::stdin().is_terminal() && term.is_term() {
        super::install_interrupt_handler();
        let theme = crate::questionnaire::interview::theme(session.color_stderr);
        match ask(&mut record, args, session, &term, theme.as_ref()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(super::report_cancel()),
            Err(e) => return Err(e.into()),
        }
    }
    let kind = if record.closing { "closing evaluation" } else { "evaluation" };
    let goals = match record.progress.len() {
        0 => String::new(),
        n => format!(", {}", plural(n, "goal")),
    };
    let who = record.by.join(", ");
    let done = |o: &crate::edit::EditOutcome| {
        let n = o.checked.agreement.as_ref().map_or(0, |a| a.evaluations.len());
        let verb = if o.written { "Recorded" } else { "Would record" };
        format!("{verb} {kind} #{n} in {} ({}, by {who}{goals})", file.display(), ymd(date))
    };
    super::set_writing(true);
    super::run_edit(session, file, args.edit.dry_run, None, done, |doc, _before| {
        append_table_entry(doc, "evaluations", record.to_table())
    })
}

/// A reflection text from a flag: trimmed; empty is a mistake worth saying so.
fn given(flag: &str, text: &Option<String>) -> anyhow::Result<Option<String>> {
    match text.as_deref().map(str::trim) {
        Some("") => Err(EditError::Invalid(format!("{flag} is empty; leave it out, or write something")).into()),
        other => Ok(other.map(str::to_string)),
    }
}

/// Whether `date` falls in the term's last month or after it: the closing review is likely then.
fn near_the_end(date: NaiveDate, last_day: Option<NaiveDate>) -> bool {
    last_day.and_then(|l| l.checked_sub_months(Months::new(1))).is_some_and(|from| date > from)
}

/// The questionnaire: each open goal's status and a note, then the reflection and the closing question.
fn ask(
    record: &mut NewEvaluation,
    args: &EvaluateArgs,
    session: &Session,
    term: &Term,
    theme: &dyn Theme,
) -> std::io::Result<()> {
    let checked = read_current(args, session);
    let (goals, status, last_day) = match &checked {
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

/// The file as it is now, checked, for showing goals and where they stand. `None`
/// when it cannot be read; the edit that follows then reports why.
fn read_current(args: &EvaluateArgs, session: &Session) -> Option<crate::check::Checked> {
    let file = &args.edit.file;
    let text = std::fs::read_to_string(file).ok()?;
    let program = session.program_for(file).ok()?;
    let settings =
        crate::check::Settings { today: session.today, options: crate::rules::Options::default(), ssh: None };
    Some(crate::check::check_text(file, &text, program, &settings))
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
