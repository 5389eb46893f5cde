//! `mentor-agree calendar FILE`: the agreement as an iCalendar file.

use std::io::Write;

use anyhow::{Context, bail};

use crate::calendar::{self, Options};
use crate::check::Session;
use crate::cli::CalendarArgs;
use crate::diagnostic::Severity;
use crate::diagnostic::report;
use crate::rules;

/// Exports one agreement. A file with errors is refused (exit 1) with its report on stderr.
pub fn run(args: &CalendarArgs, session: &Session) -> anyhow::Result<u8> {
    super::agreement_file(&args.file, "calendar")?;
    let mut files = crate::check::check_paths(std::slice::from_ref(&args.file), session, rules::Options::default())?;
    let Some(checked) = files.pop() else { bail!("{} is not an agreement file", args.file.display()) };
    let errors = checked.count(Severity::Error);
    if errors > 0 {
        eprint!("{}", report::human_file(&checked, session.color_stderr));
        eprintln!(
            "error: {} has {}; fix {} before exporting a calendar",
            args.file.display(),
            report::plural(errors, "error"),
            if errors == 1 { "it" } else { "them" }
        );
        return Ok(super::EXIT_PROBLEMS);
    }
    let (Some(agreement), Some(derived)) = (&checked.agreement, &checked.derived) else {
        bail!("{} could not be read as an agreement", args.file.display());
    };
    let options = Options { time: args.time, stamp: session.today };
    let ics = calendar::calendar(agreement, derived, &checked.id, &options)
        .with_context(|| format!("cannot make a calendar of {}", args.file.display()))?;
    match &args.out {
        Some(path) => {
            crate::atomic::write(path, ics.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Wrote {}: sessions, review checkpoints and goal due dates of {}", path.display(), checked.id);
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(ics.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(super::EXIT_OK)
}
