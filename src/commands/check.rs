//! `mentor-agree check`: validate agreement files.

use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::cli::CheckArgs;
use mentor_agree::diagnostic::Code;
use mentor_agree::engine::Session;
use mentor_agree::engine::base::Changes;
use mentor_agree::engine::{Checked, FileChecker, check_paths_with};
use mentor_agree::output::diagnostics::{self, Format, Totals};
use mentor_agree::output::{explain, sarif};
use mentor_agree::program::{PROGRAM_FILE, Program};
use mentor_agree::rules;

/// `check --explain CODE`: prints the code's documentation; exit 2 for an unknown code.
fn explain(name: &str) -> anyhow::Result<u8> {
    let Some(code) = Code::from_name(name.trim()) else {
        let hint = match explain::suggest(name) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "`mentor-agree check --list-codes` lists them all".to_string(),
        };
        eprintln!("error: unknown diagnostic code `{name}`; {hint}");
        return Ok(super::EXIT_FAILURE);
    };
    super::print(explain::explain(code))?;
    Ok(super::EXIT_OK)
}

/// `check --fix`: fixes each file through the edit engine, one file at a time, and
/// says on stderr what was fixed; with `--dry-run` prints the diffs on stdout.
/// Returns the number of fixes applied (or that would be).
fn fix(args: &CheckArgs, session: &Session, options: rules::Options) -> anyhow::Result<usize> {
    use mentor_agree::edit::fix::{self, Which};
    use mentor_agree::edit::{EditError, EditRequest};
    use mentor_agree::text::plural;

    let which = if args.unsafe_fixes { Which::All } else { Which::Safe };
    let files = session.collect(&args.paths)?;
    let checker = FileChecker::new(session, options)?;
    let (mut applied, mut changed, mut unsafe_left) = (0, 0, 0);
    let mut out = std::io::stdout().lock();
    for path in &files {
        let checked = checker.check(path)?;
        let unsafe_here = checked.diagnostics.iter().filter(|l| l.diagnostic.fix.as_ref().is_some_and(|f| !f.safe));
        if fix::applicable(&checked, which).is_empty() {
            if which == Which::Safe {
                unsafe_left += unsafe_here.count();
            }
            continue;
        }
        let old_text =
            if args.dry_run { mentor_agree::input::read_to_string(path).unwrap_or_default() } else { String::new() };
        let program = checked.program.clone();
        let result = checker.with_settings(&program, |settings| {
            let req = EditRequest {
                path,
                program: program.clone(),
                settings,
                dry_run: args.dry_run,
                lock_timeout: session.lock_timeout,
            };
            fix::fix_file(&req, which)
        })?;
        match result {
            Ok(done) => {
                if args.dry_run {
                    out.write_all(fix::diff(path, &old_text, &done.outcome.new_text).as_bytes())?;
                }
                for a in &done.fixed.applied {
                    let kind = if a.safe { "" } else { " (unsafe)" };
                    eprintln!("{}: fixed {}{kind}: {}", path.display(), a.code, a.description);
                }
                if !done.stale.is_empty() {
                    let roles: Vec<&str> = done.stale.iter().map(|r| r.as_str()).collect();
                    let amendment = done.outcome.checked.derived.as_ref().is_some_and(|d| d.amendment.is_some());
                    if amendment {
                        eprintln!(
                            "note: {}: the terms changed after the agreement took effect: an amendment now awaits the signatures of {} (the terms they signed stay in force until then); sign with `mentor-agree sign`",
                            path.display(),
                            roles.join(", ")
                        );
                    } else {
                        eprintln!(
                            "note: {}: the terms changed, so these signatures are now stale: {}; sign again with `mentor-agree sign`",
                            path.display(),
                            roles.join(", ")
                        );
                    }
                }
                unsafe_left += done.fixed.unsafe_left;
                applied += done.fixed.applied.len();
                changed += usize::from(!done.fixed.applied.is_empty());
            }
            Err(
                err @ (EditError::Refused(_)
                | EditError::NotToml(_)
                | EditError::Invalid(_)
                | EditError::NotAnAgreement { .. }),
            ) => {
                if let EditError::Refused(c) | EditError::NotToml(c) = &err {
                    eprint!("{}", diagnostics::human_file(c, session.color_stderr));
                }
                eprintln!("error: not fixed: {err}");
            }
            Err(err) => return Err(err.into()),
        }
    }
    out.flush()?;
    let verb = if args.dry_run { "Would fix" } else { "Fixed" };
    eprintln!("{verb} {} in {}.", plural(applied, "problem"), plural(changed, "file"));
    if unsafe_left > 0 {
        eprintln!(
            "{} left with an unsafe fix (it would change the terms of a signed agreement): --unsafe-fixes applies it",
            plural(unsafe_left, "problem")
        );
    }
    Ok(applied)
}

/// Runs `check`.
pub fn run(args: &CheckArgs, session: &Session) -> anyhow::Result<u8> {
    if let Some(name) = &args.explain {
        return explain(name);
    }
    if args.list_codes {
        super::print(explain::list())?;
        return Ok(super::EXIT_OK);
    }
    let options = rules::Options { require_signed: args.require_signed };
    if args.fix {
        let changes = fix(args, session, options)?;
        if args.dry_run {
            return Ok(if changes > 0 { super::EXIT_PROBLEMS } else { super::EXIT_OK });
        }
    }
    // A program.toml named on the command line is checked as the program file it is.
    let (programs, paths): (Vec<PathBuf>, Vec<PathBuf>) =
        args.paths.iter().cloned().partition(|p| p.file_name().is_some_and(|n| n == PROGRAM_FILE) && p.is_file());
    for program in &programs {
        Program::load(program)?;
        if Format::from(args.format) == Format::Human {
            println!("{}: the program file; its rules are valid", program.display());
        }
    }
    if !programs.is_empty() && paths.is_empty() {
        return Ok(super::EXIT_OK);
    }
    // With --base, what changed is known before anything is checked: a bad revision stops the run (exit 2).
    let changes = match &args.base {
        Some(rev) => {
            let dir = paths.first().map_or(std::path::Path::new("."), |p| {
                if p.is_dir() { p.as_path() } else { mentor_agree::edit::atomic::parent_dir(p) }
            });
            Some((rev, Changes::since(dir, rev)?))
        }
        None => None,
    };
    let mut files: Vec<Checked> =
        check_paths_with(&paths, session, options, false, |_| ())?.into_iter().map(|(c, ())| c).collect();
    if files.is_empty() {
        let searched = if paths.is_empty() {
            session.agreements_folder()?.display().to_string()
        } else {
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        };
        eprintln!(
            "warning: no agreement files (*.toml) in {searched}: is the path right?{}",
            if args.deny_warnings { "" } else { " (--deny-warnings makes this fail)" }
        );
        if args.deny_warnings {
            return Ok(super::EXIT_PROBLEMS);
        }
    }
    if let Some((rev, changes)) = &changes {
        let scope = changes.scope(std::mem::take(&mut files));
        for program in &scope.programs_changed {
            eprintln!("note: {program} changed since {rev}: every agreement under it is checked");
        }
        if scope.files.is_empty() {
            eprintln!("note: no agreement changed since {rev}");
        }
        files = scope.files;
    }
    // Only files with a stale signature read git history.
    mentor_agree::versions::history::explain_stale(&mut files, args.history_depth);
    let mut totals = Totals::of(&files);
    if args.include_due {
        totals.due = 0;
    }
    let text = match Format::from(args.format) {
        Format::Human => {
            let color = session.color_stdout;
            let mut s: String = files.par_iter().map(|f| diagnostics::human_file(f, color)).collect();
            s.push_str(&diagnostics::summary(&totals));
            s.push('\n');
            s
        }
        Format::Json => diagnostics::json(&files),
        Format::Github => diagnostics::github(&files),
        Format::Sarif => sarif::sarif(&files),
    };
    super::print(&text)?;
    let failed = Totals::fails(&files, args.deny_warnings, args.include_due);
    Ok(if failed { super::EXIT_PROBLEMS } else { super::EXIT_OK })
}
