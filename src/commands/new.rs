//! `mentor-agree new`: draft an agreement, question by question, or a cohort of
//! drafts from a spreadsheet (`--from PAIRS.csv`).
//!
//! The questions, their checks and the terminal flow are in
//! [`mentor_agree::scaffold::questionnaire`]; this finds the program, writes the confirmed draft
//! atomically (never replacing an existing file) or prints it, and reports.

use std::path::Path;

use anyhow::Context;

use crate::cli::NewArgs;
use mentor_agree::engine::Session;
use mentor_agree::scaffold::questionnaire::interview::{self, Step, Stop};

/// Writes `text` to a new file at `path`, atomically, never replacing a file.
fn write_new(path: &Path, text: &str) -> Step<()> {
    let dir = mentor_agree::edit::atomic::parent_dir(path);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display())).map_err(Stop::Failed)?;
    super::set_writing(true);
    let result = mentor_agree::edit::atomic::write_new(path, text.as_bytes());
    super::set_writing(false);
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(Stop::Refused(format!("{} already exists; nothing was written", path.display())))
        }
        Err(e) => Err(Stop::Failed(anyhow::Error::new(e).context(format!("cannot write {}", path.display())))),
    }
}

fn flow(args: &NewArgs, session: &Session) -> Step<u8> {
    // With the reason the file cannot be read (`{:#}` shows the I/O error's cause).
    let program = session.program_here().map_err(|e| Stop::Refused(format!("{:#}", anyhow::Error::from(e))))?;
    let draft = interview::draft(&args.given(), program.clone(), session.today, session.color_stderr)?;
    match draft.path {
        None => {
            super::print(&draft.text).map_err(Stop::Failed)?;
        }
        Some(path) => {
            write_new(&path, &draft.text)?;
            let roles: Vec<&str> = program.rules.signatures.roles.iter().map(|r| r.as_str()).collect();
            eprintln!("Created {}, a draft until signed by: {}.", draft.file, roles.join(", "));
        }
    }
    Ok(super::EXIT_OK)
}

/// Runs `new`.
pub fn run(args: &NewArgs, session: &Session) -> anyhow::Result<u8> {
    if let Some(file) = &args.from {
        return from::run(file, args.dry_run, session);
    }
    super::install_interrupt_handler();
    match flow(args, session) {
        Ok(code) => Ok(code),
        Err(Stop::Cancelled) => {
            super::report_cancel();
            Ok(super::EXIT_CANCELLED)
        }
        Err(Stop::Refused(msg)) => {
            eprintln!("error: {msg}");
            Ok(super::EXIT_FAILURE)
        }
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// `mentor-agree new --from PAIRS.csv [--dry-run]`: a cohort of drafts from a
/// spreadsheet. The reading, checking and writing are in [`mentor_agree::scaffold::cohort`];
/// this finds the program, heads each draft as `new` does, and reports.
mod from {
    use std::collections::BTreeSet;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};

    use mentor_agree::diagnostic::Severity;
    use mentor_agree::engine::Session;
    use mentor_agree::engine::discover::relative;
    use mentor_agree::scaffold::cohort::{self, Context};
    use mentor_agree::scaffold::questionnaire::{Answers, draft};
    use mentor_agree::text::plural;

    use crate::commands::{EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_PROBLEMS};

    /// Drafts one agreement per row of `file`, or none when any row has an error (exit 1).
    pub fn run(file: &Path, dry_run: bool, session: &Session) -> anyhow::Result<u8> {
        let program = session.program_here()?;
        let today = session.today;
        let bytes = cohort::read_file(file)?;
        let sheet = cohort::parse(&bytes, file)?;
        // As seen from here, as `new` names files in its messages.
        let folder = relative(&program.agreements_dir(), Path::new("."));
        let folder = if folder.as_os_str().is_empty() { PathBuf::from(".") } else { folder };
        let taken = cohort::taken_ids(&folder);
        let preamble = |answers: &Answers, path: &Path| draft::preamble(answers, &program, today, Some(path));
        let ctx = Context { program: &program, today, folder: &folder, taken: &taken, preamble: &preamble };
        let plan = cohort::plan(sheet, &ctx);

        let shown = file.display().to_string();
        let mut err = std::io::stderr().lock();
        for p in &plan.problems {
            writeln!(err, "{}", p.display(&shown))?;
        }
        if plan.has_errors() {
            let errors: Vec<_> = plan.problems.iter().filter(|p| p.severity == Severity::Error).collect();
            let rows: BTreeSet<usize> = errors.iter().map(|p| p.row).collect();
            writeln!(
                err,
                "error: {} in {} of {shown}; nothing was written",
                plural(errors.len(), "problem"),
                plural(rows.len(), "row"),
            )?;
            return Ok(EXIT_PROBLEMS);
        }
        if !dry_run {
            // Ctrl-C while writing: the run stops before its next file and removes the ones it wrote.
            static STOP: AtomicBool = AtomicBool::new(false);
            let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
            if let Err(e) = cohort::write_all(&plan.drafts, &STOP) {
                if e.source.kind() == std::io::ErrorKind::Interrupted {
                    writeln!(err, "\ncancelled: nothing was written")?;
                    return Ok(EXIT_CANCELLED);
                }
                writeln!(err, "error: {e}; nothing was written (the drafts already written by this run were removed)")?;
                return Ok(if e.source.kind() == std::io::ErrorKind::AlreadyExists {
                    EXIT_PROBLEMS
                } else {
                    EXIT_FAILURE
                });
            }
        }
        let mut out = std::io::stdout().lock();
        for d in &plan.drafts {
            writeln!(out, "{}", relative(&d.path, Path::new(".")).display())?;
        }
        out.flush()?;
        let roles: Vec<&str> = program.rules.signatures.roles.iter().map(|r| r.as_str()).collect();
        let drafts = plural(plan.drafts.len(), "draft");
        let dir = folder.display();
        if dry_run {
            writeln!(err, "{shown}: every row passes; would create {drafts} in {}/ (--dry-run: nothing written)", dir)?;
        } else {
            writeln!(err, "Created {drafts} in {}/, each awaiting signatures by: {}.", dir, roles.join(", "))?;
        }
        Ok(EXIT_OK)
    }
}
