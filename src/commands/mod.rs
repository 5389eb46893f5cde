//! One module per subcommand. Each `run` returns the process exit code.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

use crate::cli::{ColorChoice, Global};
use mentor_agree::engine::Session;

pub mod agenda;
pub mod calendar;
pub mod check;
pub mod checkin;
pub mod completions;
pub mod diff;
pub mod evaluate;
pub mod extend;
pub mod feedback;
pub mod git_setup;
pub mod init;
pub mod lsp;
pub mod man;
pub mod merge_file;
pub mod new;
pub mod remind;
pub mod render;
pub mod report;
pub mod schema;
pub mod sections;
pub mod sign;
pub mod status;
pub mod terminate;
pub mod terms;
pub mod unlock;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: problems found (or an edit refused).
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: the command could not run.
pub const EXIT_FAILURE: u8 = 2;
/// Exit code: cancelled by the user (Ctrl-C, Esc, or declining to confirm).
pub const EXIT_CANCELLED: u8 = 130;

/// Writes a command's output to stdout, in one piece, and flushes: the one
/// place commands print their result (a closed pipe surfaces as the error
/// [`is_closed_pipe`] recognises; any other failure says it was stdout).
pub fn print(bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes.as_ref()).and_then(|()| out.flush()).context("cannot write to stdout")
}

/// A command's output to `--out FILE` (written atomically, then `wrote`, told
/// the path, says on stderr what went there) or, without it, to stdout.
pub fn emit(
    out: Option<&std::path::Path>,
    bytes: &[u8],
    wrote: impl FnOnce(&std::path::Path) -> String,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    match out {
        Some(path) => {
            mentor_agree::edit::atomic::write(path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("{}", wrote(path));
            Ok(())
        }
        None => print(bytes),
    }
}

/// Whether `err` comes from writing to a pipe whose reader has gone
/// (`mentor-agree status | head -1`), at any depth of its chain of causes.
pub fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

/// The settings of this invocation, made once from the command line and the
/// environment: the one place that reads the clock, the terminal, `NO_COLOR` and
/// `MENTOR_AGREE_LOCK_TIMEOUT`.
pub fn session(global: &Global) -> Session {
    let color = (color_on(global, std::io::stdout().is_terminal()), color_on(global, std::io::stderr().is_terminal()));
    Session::new(
        global.today.unwrap_or_else(clock_today),
        global.today.is_some(),
        color,
        lock_timeout(),
        global.program.clone(),
    )
}

/// Today by the local clock.
pub fn clock_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// `--color`, or with `auto`: on a terminal, unless NO_COLOR is set (to anything but "").
fn color_on(global: &Global, terminal: bool) -> bool {
    match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Set while an interactive command (`new`, `evaluate`) writes its result: Ctrl-C then waits for the write.
static WRITING: AtomicBool = AtomicBool::new(false);
/// True once "cancelled" has been said (by the signal handler or by a prompt).
/// A lock, not a flag: the signal handler exits the process right after it, so
/// it must wait until a prompt that is saying it has finished.
static CANCEL_REPORTED: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

/// Marks the start (`true`) and end (`false`) of writing an interactive command's result.
pub fn set_writing(on: bool) {
    WRITING.store(on, Ordering::SeqCst);
}

/// Says once on stderr that the run was cancelled before writing anything, and
/// gives the exit code of a cancelled run.
pub fn report_cancel() -> u8 {
    let mut said = CANCEL_REPORTED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !*said {
        *said = true;
        let term = dialoguer::console::Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("\ncancelled: nothing was written");
    }
    EXIT_CANCELLED
}

/// Ctrl-C outside a prompt (or where the prompt does not catch it): nothing is
/// written before the questions are done, so stop at once with the conventional
/// 130 (unless the result is being written: then the write finishes first).
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        if WRITING.load(Ordering::SeqCst) {
            return;
        }
        report_cancel();
        std::process::exit(i32::from(EXIT_CANCELLED));
    });
}

/// An empty table in the house style (rounded, condensed, fitted to the
/// terminal), coloured only when `color`.
pub fn table(color: bool) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

/// Fits a filled `table` (style of [`table`]) to `width` columns without ever
/// breaking a word: each column keeps at least the width of its longest word
/// (an id, a date) and wraps only between words; while even that is too wide,
/// the columns of `drop_first` (indexes, least useful first) are hidden in turn.
/// Returns the headers of the hidden columns, for the caller to say so.
pub fn fit(table: &mut comfy_table::Table, width: u16, drop_first: &[usize]) -> Vec<String> {
    use comfy_table::{ColumnConstraint, Width};
    use dialoguer::console::measure_text_width;

    let header: Vec<String> = table.header().map(|h| h.cell_iter().map(|c| c.content()).collect()).unwrap_or_default();
    let count = header.len().max(table.row_iter().map(|r| r.cell_iter().count()).max().unwrap_or(0));
    // The longest word of each column, header included.
    let mut longest = vec![0usize; count];
    for row in table.header().into_iter().chain(table.row_iter()) {
        for (i, cell) in row.cell_iter().enumerate() {
            let word = cell.content().split_whitespace().map(measure_text_width).max().unwrap_or(0);
            longest[i] = longest[i].max(word);
        }
    }
    let mut shown: Vec<bool> = vec![true; count];
    // One border each side and between columns, one space of padding each side of a cell.
    let needed = |shown: &[bool]| {
        let n = shown.iter().filter(|s| **s).count();
        longest.iter().zip(shown).filter(|(_, s)| **s).map(|(w, _)| w).sum::<usize>() + 3 * n + 1
    };
    let mut hidden = Vec::new();
    for &i in drop_first {
        if needed(&shown) <= usize::from(width) {
            break;
        }
        if i < count && shown[i] {
            shown[i] = false;
            hidden.push(header.get(i).cloned().unwrap_or_default());
        }
    }
    table.set_width(width);
    for (i, column) in table.column_iter_mut().enumerate() {
        if !shown.get(i).copied().unwrap_or(true) {
            column.set_constraint(ColumnConstraint::Hidden);
        } else if let Some(&w) = longest.get(i) {
            // The width counts the padding, one space each side.
            let w = u16::try_from(w + 2).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w)));
        }
    }
    hidden
}

/// Checks that `path` is a file a single-agreement `command` can read: a missing
/// path says why it cannot be read, a folder says that `command` takes one file.
pub fn agreement_file(path: &std::path::Path, command: &str) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        anyhow::bail!("{} is a folder: `{command}` takes one agreement file", path.display());
    }
    Ok(())
}

/// How long an edit waits for another process's lock: `MENTOR_AGREE_LOCK_TIMEOUT`
/// (seconds, fractions allowed) or [`mentor_agree::edit::DEFAULT_LOCK_TIMEOUT`].
fn lock_timeout() -> std::time::Duration {
    std::env::var("MENTOR_AGREE_LOCK_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(mentor_agree::edit::DEFAULT_LOCK_TIMEOUT, std::time::Duration::from_secs_f64)
}

/// Runs one editing command end to end, for `extend`, `checkin`, `terminate` and `sign`:
/// finds the program, edits `file` with `change` through [`mentor_agree::edit::edit_file`], and reports.
///
/// - success: prints `done(outcome)` on stderr (with `dry_run`, the new file on
///   stdout), plus a note when the file still has problems; exit 0.
/// - refused (the edit would add errors, or does not apply): the diagnostics
///   rustc-style and the reason on stderr; exit 1, file untouched.
/// - the file is not an agreement (the program file, other TOML): the reason on stderr; exit 1.
/// - the file cannot be read or locked, or is a symbolic link: `Err` (exit 2).
pub fn run_edit<F>(
    session: &Session,
    file: &std::path::Path,
    dry_run: bool,
    ssh: Option<&dyn mentor_agree::rules::signatures::SshVerifier>,
    done: impl FnOnce(&mentor_agree::edit::EditOutcome) -> String,
    change: F,
) -> anyhow::Result<u8>
where
    F: FnOnce(
        &mut toml_edit::DocumentMut,
        &mentor_agree::edit::Current<'_>,
    ) -> Result<(), mentor_agree::edit::EditError>,
{
    use mentor_agree::diagnostic::Severity;
    use mentor_agree::edit::{EditError, EditRequest, edit_file};

    let program = session.program_for(file)?;
    let settings =
        mentor_agree::engine::Settings { today: session.today, options: mentor_agree::rules::Options::default(), ssh };
    let req = EditRequest { path: file, program, settings, dry_run, lock_timeout: session.lock_timeout };
    match edit_file(&req, change) {
        Ok(outcome) => {
            if dry_run {
                print(&outcome.new_text)?;
            }
            let written = outcome.written;
            let message = done(&outcome);
            if written {
                eprintln!("{message}");
            } else {
                eprintln!("{message}; dry run: nothing written");
            }
            let (errors, warnings) = (outcome.checked.count(Severity::Error), outcome.checked.count(Severity::Warning));
            if errors + warnings > 0 {
                // "still" only for problems the file had already; one the edit brought is new.
                let (errors_before, warnings_before) = outcome.before;
                let has = if errors > errors_before || warnings > warnings_before { "now has" } else { "still has" };
                eprintln!(
                    "note: {} {has} {} and {}; see `mentor-agree check {}`",
                    file.display(),
                    mentor_agree::text::plural(errors, "error"),
                    mentor_agree::text::plural(warnings, "warning"),
                    file.display()
                );
            }
            Ok(EXIT_OK)
        }
        Err(err @ (EditError::Refused(_) | EditError::NotToml(_))) => {
            let (EditError::Refused(checked) | EditError::NotToml(checked)) = &err else { unreachable!() };
            eprint!("{}", mentor_agree::output::diagnostics::human_file(checked, session.color_stderr));
            eprintln!("error: {err}");
            Ok(EXIT_PROBLEMS)
        }
        Err(EditError::Invalid(msg)) => {
            eprintln!("error: refused to edit {}: {msg} (file unchanged)", file.display());
            Ok(EXIT_PROBLEMS)
        }
        Err(err @ EditError::NotAnAgreement { .. }) => {
            eprintln!("error: {err}");
            Ok(EXIT_PROBLEMS)
        }
        Err(err) => Err(err.into()),
    }
}
