//! `mentor-agree calendar [PATH…]`: one agreement, or a whole program, as an iCalendar file.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::cli::CalendarArgs;
use mentor_agree::diagnostic::Severity;
use mentor_agree::engine::{Checked, Session};
use mentor_agree::output::calendar::{self, Entry, Options};
use mentor_agree::output::diagnostics;
use mentor_agree::rules;
use mentor_agree::text::plural;

/// Exports one agreement (a single file given), or every agreement under the
/// paths as one feed. A single file with errors is refused (exit 1) with its
/// report on stderr, and nothing is written; in a feed, the files with errors
/// are reported on stderr and left out, everyone else's events are written,
/// and the exit status is 1.
pub fn run(args: &CalendarArgs, session: &Session) -> anyhow::Result<u8> {
    let single = match args.paths.as_slice() {
        [one] => std::fs::metadata(one).with_context(|| format!("cannot read {}", one.display()))?.is_file(),
        _ => false,
    };
    let files = mentor_agree::engine::check_paths(&args.paths, session, rules::Options::default())?;
    if files.is_empty() {
        bail!("no agreement files (*.toml) under {}", shown(&args.paths));
    }
    let broken: Vec<&Checked> = files.iter().filter(|c| c.count(Severity::Error) > 0).collect();
    if !broken.is_empty() {
        let color = session.color_stderr;
        for checked in &broken {
            eprint!("{}", diagnostics::human_file(checked, color));
        }
        let errors: usize = broken.iter().map(|c| c.count(Severity::Error)).sum();
        let what = if single {
            args.paths[0].display().to_string()
        } else {
            format!("{} of {}", broken.len(), plural(files.len(), "agreement"))
        };
        let verb = if broken.len() == 1 { "has" } else { "have" };
        if single || broken.len() == files.len() {
            eprintln!(
                "error: {what} {verb} {}; fix {} before exporting a calendar",
                plural(errors, "error"),
                if errors == 1 { "it" } else { "them" }
            );
            return Ok(super::EXIT_PROBLEMS);
        }
        let names: Vec<String> = broken.iter().map(|c| c.path.display().to_string()).collect();
        eprintln!("error: {what} {verb} {}, left out of the calendar: {}", plural(errors, "error"), names.join(", "));
    }
    let files: Vec<&Checked> = files.iter().filter(|c| c.count(Severity::Error) == 0).collect();
    let mut entries = Vec::with_capacity(files.len());
    for c in &files {
        let (Some(agreement), Some(derived)) = (&c.agreement, &c.derived) else {
            bail!("{} could not be read as an agreement", c.path.display());
        };
        let checkin_gap_days = Some(c.program.rules.checkins.max_gap_days);
        entries.push(Entry { agreement, derived, id: &c.id, checkin_gap_days });
    }
    let options = Options { time: args.time, stamp: session.today, checkin_gap_days: entries[0].checkin_gap_days };
    let ics = if single {
        let e = &entries[0];
        calendar::calendar(e.agreement, e.derived, e.id, &options)
            .with_context(|| format!("cannot make a calendar of {}", files[0].path.display()))?
    } else {
        calendar::program_calendar(&entries, &feed_name(&files), &options)
            .map_err(|(id, e)| anyhow::anyhow!(e).context(format!("cannot make a calendar of {id}")))?
    };
    let of = if single { files[0].id.clone() } else { plural(files.len(), "agreement") };
    super::emit(args.out.as_deref(), ics.as_bytes(), |path| {
        format!("Wrote {}: sessions, review checkpoints and goal due dates of {of}", path.display())
    })?;
    Ok(if broken.is_empty() { super::EXIT_OK } else { super::EXIT_PROBLEMS })
}

/// "Mentoring: <program>" when every file is under the same program, else "Mentoring".
fn feed_name(files: &[&Checked]) -> String {
    let first = &files[0].program.program.name;
    if files.iter().all(|c| &c.program.program.name == first) {
        format!("Mentoring: {first}")
    } else {
        "Mentoring".to_string()
    }
}

fn shown(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "the agreements folder".to_string();
    }
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}
