//! Checking a whole run: the settings a command line gives ([`Session`]), and
//! every file of a run checked in parallel under its own program.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::discover::{self, ProgramResolver};
use super::file::{self, Checked, Settings};
use crate::program::{Program, ProgramError};
use crate::rules::{self, signatures::SshVerifier};
use crate::ssh::{SignersCache, SshError};

/// Why a run, or one file of it, could not be checked. Any of these stops the
/// command (exit 2). The causes stay typed: [`CheckError::io_kind`] tells a
/// missing file from a refused one.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The files of the run could not be listed.
    #[error(transparent)]
    Workspace(#[from] discover::WorkspaceError),
    /// A program (its program.toml, or `--program`) could not be used.
    #[error(transparent)]
    Program(#[from] ProgramError),
    /// A program's allowed signers could not be used.
    #[error(transparent)]
    Signers(#[from] SshError),
    /// An agreement file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl CheckError {
    /// The kind of the I/O error behind this one, if there is one.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(error) = cause {
            if let Some(io) = error.downcast_ref::<std::io::Error>() {
                return Some(io.kind());
            }
            cause = error.source();
        }
        None
    }
}

/// What one invocation knows from its command line and environment, made once
/// at the edge (the binary builds it from `--today`, `--color`, `--program`) and handed to every command: "today",
/// colour, the lock timeout, the `--program` override, and the programs and
/// allowed signers loaded so far (each loaded once, shared by every file and thread).
#[derive(Debug)]
pub struct Session {
    /// "Today" for the whole run.
    pub today: NaiveDate,
    /// True when "today" was given (`--today` / `MENTOR_AGREE_TODAY`) rather than read from the clock.
    pub today_given: bool,
    /// Whether to colour what is written to stdout.
    pub color_stdout: bool,
    /// Whether to colour what is written to stderr (reports of refused edits, prompts).
    pub color_stderr: bool,
    /// How long an edit waits for another process's lock.
    pub lock_timeout: Duration,
    /// `--program FILE`: the program every file is checked under, instead of discovery.
    pub program: Option<PathBuf>,
    resolver: OnceLock<ProgramResolver>,
    signers: SignersCache,
}

impl Session {
    /// A session with these settings; nothing is loaded until a file needs it.
    pub fn new(
        today: NaiveDate,
        today_given: bool,
        color: (bool, bool),
        lock_timeout: Duration,
        program: Option<PathBuf>,
    ) -> Session {
        Session {
            today,
            today_given,
            color_stdout: color.0,
            color_stderr: color.1,
            lock_timeout,
            program,
            resolver: OnceLock::new(),
            signers: SignersCache::default(),
        }
    }

    /// The resolver of programs (loading `--program` on first use).
    pub fn programs(&self) -> Result<&ProgramResolver, ProgramError> {
        if let Some(r) = self.resolver.get() {
            return Ok(r);
        }
        let made = ProgramResolver::new(self.program.as_deref())?;
        Ok(self.resolver.get_or_init(|| made))
    }

    /// The program that governs `file`: `--program`, else the program.toml above it, else the built-in one.
    pub fn program_for(&self, file: &Path) -> Result<std::sync::Arc<Program>, ProgramError> {
        self.programs()?.for_path(file)
    }

    /// The allowed signers of every SSH program, loaded once per file.
    pub fn signers(&self) -> &SignersCache {
        &self.signers
    }

    /// The program of the current folder: `--program`, else the program.toml
    /// found from here, else the built-in one.
    pub fn program_here(&self) -> Result<std::sync::Arc<Program>, ProgramError> {
        self.program_for(Path::new("."))
    }

    /// Expands `paths` to agreement files (see [`discover::collect`]); with no
    /// paths, the files of [`Session::agreements_folder`].
    pub fn collect(&self, paths: &[PathBuf]) -> Result<Vec<PathBuf>, discover::WorkspaceError> {
        if paths.is_empty() { discover::collect(&[self.agreements_folder()?]) } else { discover::collect(paths) }
    }

    /// The folder a command works on when given no paths (see [`discover::agreements_folder`]).
    pub fn agreements_folder(&self) -> Result<PathBuf, discover::WorkspaceError> {
        discover::agreements_folder(&*self.program_here()?)
    }
}

/// Checks every file of a run in parallel, in a deterministic order, with duplicate ids marked.
pub fn check_paths(paths: &[PathBuf], session: &Session, options: rules::Options) -> Result<Vec<Checked>, CheckError> {
    Ok(check_paths_with(paths, session, options, true, |_| ())?.into_iter().map(|(c, ())| c).collect())
}

/// Like [`check_paths`], computing `view(&checked)` for each file in the parallel
/// stage. Without `keep_model` each file's model is dropped right after its view
/// is made, so memory stays flat however many files there are; the returned
/// [`Checked`] still carries the file's id and diagnostics (duplicate ids included).
pub fn check_paths_with<T: Send>(
    paths: &[PathBuf],
    session: &Session,
    options: rules::Options,
    keep_model: bool,
    view: impl Fn(&Checked) -> T + Sync,
) -> Result<Vec<(Checked, T)>, CheckError> {
    let files = session.collect(paths)?;
    let checker = FileChecker::new(session, options)?;
    let (mut checked, views): (Vec<Checked>, Vec<T>) = files
        .par_iter()
        .map(|path| -> Result<(Checked, T), CheckError> {
            let checked = checker.check(path)?;
            let made = view(&checked);
            Ok((if keep_model { checked } else { checked.without_model() }, made))
        })
        .collect::<Result<Vec<_>, CheckError>>()?
        .into_iter()
        .unzip();
    file::mark_duplicate_ids(&mut checked);
    Ok(checked.into_iter().zip(views).collect())
}

/// Checks single files as a run does: each under its own program, with the
/// program's allowed signers, as of the run's "today".
pub struct FileChecker<'a> {
    session: &'a Session,
    options: rules::Options,
}

impl<'a> FileChecker<'a> {
    /// A checker for the run `session` describes (loading `--program` now, so a broken one stops the run first).
    pub fn new(session: &'a Session, options: rules::Options) -> Result<FileChecker<'a>, CheckError> {
        session.programs()?;
        Ok(FileChecker { session, options })
    }

    /// Checks one file (duplicate ids, which need every file, are not marked).
    pub fn check(&self, path: &Path) -> Result<Checked, CheckError> {
        let program = self.session.program_for(path)?;
        self.with_settings(&program, |settings| file::check_file(path, program.clone(), &settings))?
            .map_err(|source| CheckError::Read { path: path.to_path_buf(), source })
    }

    /// Runs `f` with the settings a file under `program` is checked with.
    pub fn with_settings<R>(&self, program: &Program, f: impl FnOnce(Settings<'_>) -> R) -> Result<R, CheckError> {
        let allowed = self.session.signers().for_program(program)?;
        let settings = Settings {
            today: self.session.today,
            options: self.options,
            ssh: allowed.as_deref().map(|s| s as &dyn SshVerifier),
        };
        Ok(f(settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_read_keeps_its_io_kind_and_names_the_reason_once() {
        let dir = tempfile::tempdir().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let session = Session::new(today, true, (false, false), Duration::from_secs(1), None);
        let checker = FileChecker::new(&session, rules::Options::default()).unwrap();
        let gone = dir.path().join("gone.toml");
        let err = checker.check(&gone).unwrap_err();
        assert!(matches!(&err, CheckError::Read { path, .. } if *path == gone), "{err:?}");
        assert_eq!(err.io_kind(), Some(std::io::ErrorKind::NotFound));
        // As the binary prints it (`{:#}`): the message, then the OS reason, once.
        let shown = format!("{:#}", anyhow::Error::from(err));
        assert!(shown.starts_with(&format!("cannot read {}: ", gone.display())), "{shown}");
        assert_eq!(shown.matches("os error").count(), 1, "{shown}");
    }
}
