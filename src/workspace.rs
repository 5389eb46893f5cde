//! Finding agreement files and the program that governs each.

use std::path::{Path, PathBuf};

use crate::program::{PROGRAM_FILE, Program, ProgramResolver, find_program_file};

/// Why the set of files to work on could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// A path given on the command line does not exist or cannot be read.
    #[error("cannot read {}", path.display())]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No paths were given and the program has no agreements folder.
    #[error("no agreements folder at {}: pass the files or folders to work on", .0.display())]
    NoAgreementsFolder(PathBuf),
    /// No paths were given, no program.toml was found, and there is no `agreements/` here.
    #[error(
        "no program.toml here or in any folder above, and no agreements folder here: pass the files or folders to work on, or set up a program with `mentor-agree init`"
    )]
    NoProgram,
    /// A program file is broken.
    #[error(transparent)]
    Program(#[from] crate::program::ProgramError),
}

/// True for files a folder walk picks up: `*.toml`, not program.toml, not hidden.
pub fn is_agreement_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && path.file_name().is_some_and(|n| n != PROGRAM_FILE && !n.to_string_lossy().starts_with('.'))
}

/// Expands paths to agreement files: files as given, folders walked recursively
/// (skipping hidden folders), sorted within each folder. With no paths: the
/// agreements folder of the program found from the current folder.
pub fn collect(paths: &[PathBuf], program_override: Option<&Path>) -> Result<Vec<PathBuf>, WorkspaceError> {
    let default;
    let paths = if paths.is_empty() {
        default = vec![agreements_folder(program_override)?];
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|source| WorkspaceError::Unreadable { path: path.clone(), source })?;
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let walk = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let entry = entry.map_err(|e| {
                let path = e.path().map_or_else(|| path.clone(), Path::to_path_buf);
                WorkspaceError::Unreadable { path, source: e.into() }
            })?;
            if entry.file_type().is_file() && is_agreement_file(entry.path()) {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

/// The folder a command works on when given no paths: the agreements folder of
/// the program (`--program`, or found from the current folder), shown as the
/// user would type it (relative to the current folder when below it).
pub fn agreements_folder(program_override: Option<&Path>) -> Result<PathBuf, WorkspaceError> {
    let file = program_override.map(Path::to_path_buf).or_else(|| find_program_file(Path::new(".")));
    let program = match &file {
        Some(file) => Program::load(file)?,
        None => Program::builtin(),
    };
    let dir = program.agreements_dir();
    if !dir.is_dir() {
        return Err(match file {
            Some(_) => WorkspaceError::NoAgreementsFolder(dir),
            None => WorkspaceError::NoProgram,
        });
    }
    Ok(relative(&dir, Path::new(".")))
}

/// `path` relative to the folder `base` when it is below it (without a leading
/// `./`), else `path` as it is: how paths are shown, as cargo and ruff do.
pub fn relative(path: &Path, base: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let rel = abs(path).strip_prefix(abs(base)).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf());
    let rel: PathBuf = rel.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
    if rel.as_os_str().is_empty() { PathBuf::from(".") } else { rel }
}

/// A resolver for `--program` or discovery.
pub fn resolver(program_override: Option<&Path>) -> Result<ProgramResolver, WorkspaceError> {
    Ok(ProgramResolver::new(program_override)?)
}
