//! `mentor-agree new --from PAIRS.csv [--dry-run]`: a cohort of drafts from a
//! spreadsheet. The reading, checking and writing are in [`crate::cohort`];
//! this finds the program, heads each draft as `new` does, and reports.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::check::Session;
use crate::check::discover::{find_program_file, relative};
use crate::cohort::{self, Context};
use crate::diagnostic::Severity;
use crate::diagnostic::report::plural;
use crate::program::Program;
use crate::questionnaire::Answers;

use super::{header, schema_directive};
use crate::commands::{EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_PROBLEMS};

/// Drafts one agreement per row of `file`, or none when any row has an error (exit 1).
pub fn run(file: &Path, dry_run: bool, session: &Session) -> anyhow::Result<u8> {
    let program = match session.program.clone().or_else(|| find_program_file(Path::new("."))) {
        Some(f) => Program::load(&f)?,
        None => Program::builtin(),
    };
    let program = Arc::new(program);
    let today = session.today;
    let bytes = cohort::read_file(file)?;
    let sheet = cohort::parse(&bytes, file)?;
    // As seen from here, as `new` names files in its messages.
    let folder = relative(&program.agreements_dir(), Path::new("."));
    let folder = if folder.as_os_str().is_empty() { PathBuf::from(".") } else { folder };
    let taken = cohort::taken_ids(&folder);
    let preamble = |answers: &Answers, path: &Path| {
        let mut text = schema_directive(&program, path).unwrap_or_default();
        text.push_str(&header(answers, &program, today, &relative(path, &program.root()).display().to_string()));
        text
    };
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
            return Ok(if e.source.kind() == std::io::ErrorKind::AlreadyExists { EXIT_PROBLEMS } else { EXIT_FAILURE });
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
