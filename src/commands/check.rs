//! `mentor-agree check`: validate agreement files.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use rayon::prelude::*;

use crate::checker::{self, Checked, Settings};
use crate::cli::{CheckArgs, Global};
use crate::diagnostic::report::{self, Format, Totals};
use crate::diagnostic::{Code, explain, sarif};
use crate::program::{PROGRAM_FILE, Program, ProgramResolver};
use crate::rules;
use crate::rules::signatures::SshVerifier;
use crate::ssh::SignersCache;
use crate::workspace;

/// Checks every file of a run in parallel, in a deterministic order, with duplicate ids marked.
pub fn check_paths(paths: &[PathBuf], global: &Global, options: rules::Options) -> anyhow::Result<Vec<Checked>> {
    Ok(check_paths_with(paths, global, options, true, |_| ())?.into_iter().map(|(c, ())| c).collect())
}

/// Like [`check_paths`], computing `view(&checked)` for each file in the parallel
/// stage. Without `keep_model` each file's model is dropped right after its view
/// is made, so memory stays flat however many files there are; the returned
/// [`Checked`] still carries the file's id and diagnostics (duplicate ids included).
pub fn check_paths_with<T: Send>(
    paths: &[PathBuf],
    global: &Global,
    options: rules::Options,
    keep_model: bool,
    view: impl Fn(&Checked) -> T + Sync,
) -> anyhow::Result<Vec<(Checked, T)>> {
    let files = workspace::collect(paths, global.program.as_deref())?;
    let checker = FileChecker::new(global, options)?;
    let (mut checked, views): (Vec<Checked>, Vec<T>) = files
        .par_iter()
        .map(|path| -> anyhow::Result<(Checked, T)> {
            let checked = checker.check(path)?;
            let made = view(&checked);
            Ok((if keep_model { checked } else { checked.without_model() }, made))
        })
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    checker::mark_duplicate_ids(&mut checked);
    Ok(checked.into_iter().zip(views).collect())
}

/// Checks single files as a run does: each under its own program, with the
/// program's allowed signers, as of the run's "today". Programs and signers are
/// loaded once and shared by every file (and thread).
pub struct FileChecker {
    resolver: ProgramResolver,
    signers: SignersCache,
    today: NaiveDate,
    options: rules::Options,
}

impl FileChecker {
    /// A checker for the run `global` describes.
    pub fn new(global: &Global, options: rules::Options) -> anyhow::Result<FileChecker> {
        Ok(FileChecker {
            resolver: workspace::resolver(global.program.as_deref())?,
            signers: SignersCache::default(),
            today: super::today(global),
            options,
        })
    }

    /// Checks one file (duplicate ids, which need every file, are not marked).
    pub fn check(&self, path: &Path) -> anyhow::Result<Checked> {
        let program = self.resolver.for_path(path)?;
        self.with_settings(&program, |settings| checker::check_file(path, program.clone(), &settings))?
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
    }

    /// Runs `f` with the settings a file under `program` is checked with.
    pub fn with_settings<R>(
        &self,
        program: &crate::program::Program,
        f: impl FnOnce(Settings<'_>) -> R,
    ) -> anyhow::Result<R> {
        let allowed = self.signers.for_program(program)?;
        let settings = Settings {
            today: self.today,
            options: self.options,
            ssh: allowed.as_deref().map(|s| s as &dyn SshVerifier),
        };
        Ok(f(settings))
    }
}

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
    let mut out = std::io::stdout().lock();
    out.write_all(explain::explain(code).as_bytes())?;
    out.flush()?;
    Ok(super::EXIT_OK)
}

/// `check --fix`: fixes each file through the edit engine, one file at a time, and
/// says on stderr what was fixed; with `--dry-run` prints the diffs on stdout.
/// Returns the number of fixes applied (or that would be).
fn fix(args: &CheckArgs, global: &Global, options: rules::Options) -> anyhow::Result<usize> {
    use crate::diagnostic::report::plural;
    use crate::edit::{EditError, EditRequest};
    use crate::fix::{self, Which};

    let which = if args.unsafe_fixes { Which::All } else { Which::Safe };
    let files = workspace::collect(&args.paths, global.program.as_deref())?;
    let checker = FileChecker::new(global, options)?;
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
        let old_text = if args.dry_run { std::fs::read_to_string(path).unwrap_or_default() } else { String::new() };
        let program = checked.program.clone();
        let result = checker.with_settings(&program, |settings| {
            let req = EditRequest {
                path,
                program: program.clone(),
                settings,
                dry_run: args.dry_run,
                lock_timeout: super::lock_timeout(),
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
                    eprintln!(
                        "note: {}: the terms changed, so these signatures are now stale: {}; sign again with `mentor-agree sign`",
                        path.display(),
                        roles.join(", ")
                    );
                }
                unsafe_left += done.fixed.unsafe_left;
                applied += done.fixed.applied.len();
                changed += usize::from(!done.fixed.applied.is_empty());
            }
            Err(err @ (EditError::Refused(_) | EditError::NotToml(_) | EditError::Invalid(_))) => {
                if let EditError::Refused(c) | EditError::NotToml(c) = &err {
                    eprint!("{}", report::human_file(c, super::use_color_stderr(global)));
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
pub fn run(args: &CheckArgs, global: &Global) -> anyhow::Result<u8> {
    if let Some(name) = &args.explain {
        return explain(name);
    }
    if args.list_codes {
        let mut out = std::io::stdout().lock();
        out.write_all(explain::list().as_bytes())?;
        out.flush()?;
        return Ok(super::EXIT_OK);
    }
    let options = rules::Options { require_signed: args.require_signed };
    if args.fix {
        let changes = fix(args, global, options)?;
        if args.dry_run {
            return Ok(if changes > 0 { super::EXIT_PROBLEMS } else { super::EXIT_OK });
        }
    }
    // A program.toml named on the command line is checked as the program file it is.
    let (programs, paths): (Vec<PathBuf>, Vec<PathBuf>) =
        args.paths.iter().cloned().partition(|p| p.file_name().is_some_and(|n| n == PROGRAM_FILE) && p.is_file());
    for program in &programs {
        Program::load(program)?;
        if args.format == Format::Human {
            println!("{}: the program file; its rules are valid", program.display());
        }
    }
    if !programs.is_empty() && paths.is_empty() {
        return Ok(super::EXIT_OK);
    }
    let mut files: Vec<Checked> =
        check_paths_with(&paths, global, options, false, |_| ())?.into_iter().map(|(c, ())| c).collect();
    if files.is_empty() {
        let searched = if paths.is_empty() {
            workspace::agreements_folder(global.program.as_deref())?.display().to_string()
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
    // Only files with a stale signature read git history.
    crate::history::explain_stale(&mut files, args.history_depth);
    let totals = Totals::of(&files);
    let text = match args.format {
        Format::Human => {
            let color = super::use_color(global);
            let mut s: String = files.par_iter().map(|f| report::human_file(f, color)).collect();
            s.push_str(&report::summary(&totals));
            s.push('\n');
            s
        }
        Format::Json => report::json(&files),
        Format::Github => report::github(&files),
        Format::Sarif => sarif::sarif(&files),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    let failed = totals.errors > 0 || (args.deny_warnings && totals.warnings > 0);
    Ok(if failed { super::EXIT_PROBLEMS } else { super::EXIT_OK })
}
