//! `mentor-agree evaluate`: record a review the pair held.

use std::io::IsTerminal;

use dialoguer::console::Term;

use crate::cli::{EvaluateArgs, GoalUpdate};
use mentor_agree::edit::EditError;
use mentor_agree::engine::Session;
use mentor_agree::facts::evaluation::NewEvaluation;
use mentor_agree::format::role::Role;
use mentor_agree::text::plural;
use mentor_agree::text::ymd;

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
        let theme = mentor_agree::scaffold::questionnaire::interview::theme(session.color_stderr);
        let current = read_current(args, session);
        match mentor_agree::scaffold::questionnaire::review::ask(&mut record, current.as_ref(), &term, theme.as_ref()) {
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
    let done = |o: &mentor_agree::edit::EditOutcome| {
        let n = o.checked.agreement.as_ref().map_or(0, |a| a.evaluations.len());
        let verb = if o.written { "Recorded" } else { "Would record" };
        format!("{verb} {kind} #{n} in {} ({}, by {who}{goals})", file.display(), ymd(date))
    };
    super::set_writing(true);
    super::run_edit(session, file, args.edit.dry_run, None, done, |doc, _now| {
        mentor_agree::edit::lifecycle::evaluate(doc, &record)
    })
}

/// A reflection text from a flag: trimmed; empty is a mistake worth saying so.
fn given(flag: &str, text: &Option<String>) -> anyhow::Result<Option<String>> {
    match text.as_deref().map(str::trim) {
        Some("") => Err(EditError::Invalid(format!("{flag} is empty; leave it out, or write something")).into()),
        other => Ok(other.map(str::to_string)),
    }
}

/// The file as it is now, checked, for showing goals and where they stand. `None`
/// when it cannot be read; the edit that follows then reports why.
fn read_current(args: &EvaluateArgs, session: &Session) -> Option<mentor_agree::engine::Checked> {
    let file = &args.edit.file;
    let text = mentor_agree::input::read_to_string(file).ok()?;
    let program = session.program_for(file).ok()?;
    let settings = mentor_agree::engine::Settings {
        today: session.today,
        options: mentor_agree::rules::Options::default(),
        ssh: None,
    };
    Some(mentor_agree::engine::check_text(file, &text, program, &settings))
}
