//! `mentor-agree feedback`: answer a program form, or (the team) read the answers.

use std::io::IsTerminal;

use anyhow::{Context as _, bail};
use dialoguer::console::Term;

use crate::cli::FeedbackArgs;
use mentor_agree::engine::Session;
use mentor_agree::feedback::{NewFeedback, load_identities, load_recipients, parse_answer, seal};
use mentor_agree::program::Visibility;
use mentor_agree::text::plural;
use mentor_agree::text::ymd;

/// Records a `[[feedback]]` entry, or with `--read` prints every answer.
pub fn run(args: &FeedbackArgs, session: &Session) -> anyhow::Result<u8> {
    if args.read {
        read(args, session)
    } else if args.reseal {
        reseal(args, session)
    } else {
        answer(args, session)
    }
}

fn answer(args: &FeedbackArgs, session: &Session) -> anyhow::Result<u8> {
    let [file] = args.paths.as_slice() else {
        bail!("`feedback --form` takes one agreement file (give {} paths)", args.paths.len());
    };
    let (Some(form_id), Some(by)) = (&args.form, args.by) else { bail!("--form and --by go together") };
    super::agreement_file(file, "feedback")?;
    let program = session.program_for(file)?;
    let Some(form) = program.form(form_id) else {
        let ids: Vec<&str> = program.forms.iter().map(|f| f.id.as_str()).collect();
        let hint = match mentor_agree::text::suggest::closest(form_id, ids.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if ids.is_empty() => "program.toml defines no [[forms]]".to_string(),
            None => format!("its forms: {}", ids.join(", ")),
        };
        bail!("the program has no form `{form_id}` ({hint})");
    };
    if !form.asks(by.as_str()) {
        let asked: Vec<&str> = form.respondents.iter().map(|r| r.as_str()).collect();
        bail!("form `{}` does not ask the {} (it asks: {})", form.id, by.as_str(), asked.join(", "));
    }
    let refuse = |msg: String| -> anyhow::Result<u8> {
        eprintln!("error: refused to edit {}: {msg} (file unchanged)", file.display());
        Ok(super::EXIT_PROBLEMS)
    };
    let mut given: Vec<(String, mentor_agree::format::agreement::AnswerValue)> = Vec::new();
    for spec in &args.answer {
        let Some((q, value)) = spec.split_once('=') else {
            return refuse(format!("--answer `{spec}` is not Q=VALUE"));
        };
        let q = q.trim();
        let Some(question) = form.question(q) else {
            let ids: Vec<&str> = form.questions.iter().map(|q| q.id.as_str()).collect();
            return refuse(format!("form `{}` has no question `{q}` (its questions: {})", form.id, ids.join(", ")));
        };
        if given.iter().any(|(g, _)| g == q) {
            return refuse(format!("--answer {q}=… is given twice"));
        }
        match parse_answer(question, value) {
            Ok(v) => given.push((q.to_string(), v)),
            Err(e) => return refuse(e),
        }
    }
    let term = Term::stderr();
    let missing: Vec<&str> =
        form.questions.iter().filter(|q| !given.iter().any(|(g, _)| *g == q.id)).map(|q| q.id.as_str()).collect();
    if !missing.is_empty() {
        if std::io::stdin().is_terminal() && term.is_term() {
            super::install_interrupt_handler();
            let theme = mentor_agree::scaffold::questionnaire::interview::theme(session.color_stderr);
            let ids: Vec<String> = given.iter().map(|(g, _)| g.clone()).collect();
            match mentor_agree::scaffold::questionnaire::feedback::ask(form, &ids, &term, theme.as_ref()) {
                Ok(more) => given.extend(more),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(super::report_cancel()),
                Err(e) => return Err(e.into()),
            }
        } else {
            let flags: Vec<String> = missing.iter().map(|q| format!("--answer {q}=…")).collect();
            bail!("not on a terminal, so every answer comes from a flag; missing: {}", flags.join(" "));
        }
    }
    if given.is_empty() {
        return refuse("no question was answered".to_string());
    }
    // In the form's order.
    let answers: Vec<_> = form
        .questions
        .iter()
        .filter_map(|q| given.iter().find(|(g, _)| *g == q.id).map(|(_, v)| (q.id.clone(), q.visibility, v.clone())))
        .collect();
    let date = args.date.unwrap_or(session.today);
    let record = NewFeedback { date, form: form.id.clone(), by: by.as_str(), answers };
    let sealed = match record.team_plaintext() {
        None => None,
        Some(plain) => {
            let path = program.team_recipients_path().ok_or(mentor_agree::feedback::FeedbackError::NoTeamRecipients)?;
            let recipients = load_recipients(&path)?;
            Some(seal(&plain, &recipients)?)
        }
    };
    let team = record.answers.iter().filter(|(_, v, _)| *v == Visibility::Team).count();
    let pair = record.answers.len() - team;
    let done = |o: &mentor_agree::edit::EditOutcome| {
        let verb = if o.written { "Recorded" } else { "Would record" };
        let sealed = if team > 0 {
            format!(", {} sealed for the team", plural(team, "confidential answer"))
        } else {
            String::new()
        };
        format!(
            "{verb} feedback on form \"{}\" in {} ({}, by {}: {}{sealed})",
            record.form,
            file.display(),
            ymd(date),
            record.by,
            plural(pair, "answer")
        )
    };
    super::set_writing(true);
    super::run_edit(session, file, args.dry_run, None, done, |doc, _now| {
        mentor_agree::edit::lifecycle::feedback(doc, &record, sealed.as_deref())
    })
}

/// Reads a team key, asking for its passphrase on a terminal (off one, a
/// passphrase-protected key is refused with a clear error).
pub fn identities(key: &std::path::Path) -> anyhow::Result<Vec<mentor_agree::feedback::Identity>> {
    let interactive = std::io::stdin().is_terminal() && Term::stderr().is_term();
    let mut ask = |prompt: &str| -> Option<String> {
        if !interactive {
            return None;
        }
        dialoguer::Password::new().with_prompt(prompt).allow_empty_password(true).interact().ok()
    };
    Ok(load_identities(key, &mut ask)?)
}

fn read(args: &FeedbackArgs, session: &Session) -> anyhow::Result<u8> {
    let key = args.identity.as_deref().context("--read needs --identity KEY")?;
    let identities = identities(key)?;
    let checked = mentor_agree::engine::check_paths(&args.paths, session, mentor_agree::rules::Options::default())?;
    let mut out = String::new();
    let mut n = 0;
    for c in &checked {
        let Some(a) = &c.agreement else { continue };
        for r in mentor_agree::feedback::read(&c.id, a, &identities) {
            n += 1;
            out.push_str(&mentor_agree::feedback::read_text(&r));
        }
    }
    super::print(&out)?;
    eprintln!("{} in {}", plural(n, "feedback record"), plural(checked.len(), "agreement"));
    Ok(super::EXIT_OK)
}

/// Seals every block the team key opens again, to the recipients each file's program names now.
fn reseal(args: &FeedbackArgs, session: &Session) -> anyhow::Result<u8> {
    use std::cell::Cell;
    let key = args.identity.as_deref().context("--reseal needs --identity KEY")?;
    let identities = identities(key)?;
    let files = session.collect(&args.paths)?;
    let (mut resealed, mut left, mut code) = (0, 0, super::EXIT_OK);
    for file in &files {
        // Only files with sealed blocks are edited at all.
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        if !text.contains(mentor_agree::feedback::ARMOR_BEGIN) {
            continue;
        }
        let program = session.program_for(file)?;
        let path = program.team_recipients_path().ok_or(mentor_agree::feedback::FeedbackError::NoTeamRecipients)?;
        let recipients = load_recipients(&path)?;
        let counts = Cell::new(mentor_agree::feedback::Resealed::default());
        let done = |o: &mentor_agree::edit::EditOutcome| {
            let c = counts.get();
            let verb = if o.written { "Resealed" } else { "Would reseal" };
            format!("{verb} {} in {}", plural(c.resealed, "confidential block"), file.display())
        };
        let step = super::run_edit(session, file, args.dry_run, None, done, |doc, _now| {
            let c = mentor_agree::feedback::reseal(doc, &identities, &recipients)
                .map_err(|e| mentor_agree::edit::EditError::Invalid(e.to_string()))?;
            counts.set(c);
            Ok(())
        })?;
        let c = counts.get();
        resealed += c.resealed;
        left += c.not_for_key + c.damaged;
        code = code.max(step);
    }
    eprintln!(
        "{} resealed to the keys in team_recipients{}",
        plural(resealed, "confidential block"),
        if left > 0 {
            format!("; {} this key does not open left as they were", plural(left, "block"))
        } else {
            String::new()
        }
    );
    Ok(if left > 0 { code.max(super::EXIT_PROBLEMS) } else { code })
}
