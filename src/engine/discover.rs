//! Finding agreement files and the program that governs each: the paths a
//! run works on, and the program.toml above each (loaded once per file).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::program::{PROGRAM_FILE, Program, ProgramError};

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
/// (skipping hidden folders), sorted within each folder. (With no paths a
/// command works on its program's folder: [`crate::engine::Session::collect`].)
///
/// A folder walk does not follow symbolic links (a pull request can commit one to
/// any file): each link it skips that would otherwise have been walked or picked
/// up is named on stderr, so "checked 0 agreements" never hides it.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, WorkspaceError> {
    let (files, links) = collect_skipping_links(paths)?;
    for link in links {
        eprintln!("note: skipped symlink {} (folder walks do not follow links)", link.display());
    }
    Ok(files)
}

/// [`collect`], returning the symbolic links the walk skipped instead of naming them.
pub fn collect_skipping_links(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), WorkspaceError> {
    let mut files = Vec::new();
    let mut links = Vec::new();
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
            } else if entry.path_is_symlink()
                && entry.depth() > 0
                && (is_agreement_file(entry.path()) || std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()))
            {
                links.push(entry.into_path());
            }
        }
    }
    Ok((files, links))
}

/// The folder a command works on when given no paths: the agreements folder of
/// `program` (the one `--program` names, or found from the current folder),
/// shown as the user would type it (relative to the current folder when below it).
pub fn agreements_folder(program: &Program) -> Result<PathBuf, WorkspaceError> {
    let dir = program.agreements_dir();
    if !dir.is_dir() {
        return Err(match program.path {
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

/// The path that leads from the folder `base` to `path` (with `..` where needed),
/// or `None` when there is none (another drive).
pub fn relative_from(path: &Path, base: &Path) -> Option<PathBuf> {
    use std::path::Component;
    fn normal(p: &Path) -> Option<Vec<Component<'_>>> {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => match out.last() {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    _ => return None,
                },
                c => out.push(c),
            }
        }
        Some(out)
    }
    let (path, base) = (std::path::absolute(path).ok()?, std::path::absolute(base).ok()?);
    let (path, base) = (normal(&path)?, normal(&base)?);
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut rel = PathBuf::new();
    for _ in common..base.len() {
        rel.push("..");
    }
    for c in &path[common..] {
        rel.push(c.as_os_str());
    }
    Some(rel)
}

/// The absolute folder the search for `path`'s program starts in: `path` itself
/// when it is a folder, else the folder holding it.
fn search_start(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    if abs.is_dir() { Some(abs) } else { abs.parent().map(Path::to_path_buf) }
}

/// The first program.toml in `dir` or a folder above it.
fn search_upwards(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join(PROGRAM_FILE)).find(|p| p.is_file())
}

/// Resolves the program for each path, loading each program.toml once.
#[derive(Debug, Default)]
pub struct ProgramResolver {
    fixed: Option<Arc<Program>>,
    /// Loaded programs, by program file.
    by_file: Mutex<HashMap<PathBuf, Arc<Program>>>,
    /// The program file found from each folder searched (most agreements share a folder,
    /// so the walk up and its file-system lookups happen once per folder, not per file).
    by_folder: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    builtin: Arc<Program>,
}

impl ProgramResolver {
    /// With `--program FILE` every path gets that program; else discovery.
    pub fn new(program_override: Option<&Path>) -> Result<Self, ProgramError> {
        let fixed = program_override.map(Program::load).transpose()?.map(Arc::new);
        Ok(ProgramResolver {
            fixed,
            by_file: Mutex::default(),
            by_folder: Mutex::default(),
            builtin: Arc::new(Program::builtin()),
        })
    }

    /// The program for `path`.
    pub fn for_path(&self, path: &Path) -> Result<Arc<Program>, ProgramError> {
        if let Some(p) = &self.fixed {
            return Ok(p.clone());
        }
        let found = search_start(path).and_then(|start| {
            let mut folders = self.by_folder.lock().unwrap_or_else(|e| e.into_inner());
            folders.entry(start).or_insert_with_key(|dir| search_upwards(dir)).clone()
        });
        let Some(file) = found else {
            return Ok(self.builtin.clone());
        };
        self.load(&file)
    }

    /// The program of `file` (loaded once), after checking that a program tree
    /// above it, if any, declares it as a subprogram.
    fn load(&self, file: &Path) -> Result<Arc<Program>, ProgramError> {
        if let Some(p) = self.by_file.lock().unwrap_or_else(|e| e.into_inner()).get(file) {
            return Ok(p.clone());
        }
        let folder = file.parent().unwrap_or(Path::new(""));
        if let Some(outer_file) = folder.parent().and_then(search_upwards) {
            let outer = self.load(&outer_file)?;
            let outer_root = outer_file.parent().unwrap_or(Path::new(""));
            let rel = folder.strip_prefix(outer_root).unwrap_or(folder);
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let rel = rel.join("/");
            if !outer.program.declares_subprogram(&rel) {
                return Err(ProgramError::Undeclared { path: file.to_path_buf(), outer: outer_file, folder: rel });
            }
        }
        let program = Arc::new(Program::load(file)?);
        self.by_file.lock().unwrap_or_else(|e| e.into_inner()).insert(file.to_path_buf(), program.clone());
        Ok(program)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_from_climbs_out_of_the_base_folder() {
        let rel = |p: &str, b: &str| relative_from(Path::new(p), Path::new(b)).map(|r| r.display().to_string());
        assert_eq!(rel("/repo/agreement.schema.json", "/repo/agreements").as_deref(), Some("../agreement.schema.json"));
        assert_eq!(rel("/repo/agreement.schema.json", "/repo").as_deref(), Some("agreement.schema.json"));
        assert_eq!(rel("/repo/s.json", "/repo/a/b/../c").as_deref(), Some("../../s.json"));
        assert_eq!(rel("/repo/s.json", "/elsewhere/x").as_deref(), Some("../../repo/s.json"));
    }

    #[test]
    fn resolver_finds_each_folders_program_once() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a");
        let b = root.path().join("b/agreements");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(root.path().join("b/program.toml"), "[program]\nname = \"B\"\n").unwrap();
        let resolver = ProgramResolver::new(None).unwrap();
        let pa = resolver.for_path(&a.join("x.toml")).unwrap();
        let pb1 = resolver.for_path(&b.join("x.toml")).unwrap();
        let pb2 = resolver.for_path(&b.join("y.toml")).unwrap();
        assert_eq!(pb1.program.name, "B");
        assert!(Arc::ptr_eq(&pb1, &pb2), "one load per program file");
        // `a` has no program.toml above it inside the temp folder; unless the machine
        // has one further up, it gets the built-in program.
        if search_upwards(&a).is_none() {
            assert!(pa.path.is_none());
        }
        // A program.toml added later in an already searched folder is not seen in the same run,
        // but a fresh resolver finds it.
        std::fs::write(a.join("program.toml"), "[program]\nname = \"A\"\n").unwrap();
        assert_eq!(ProgramResolver::new(None).unwrap().for_path(&a.join("x.toml")).unwrap().program.name, "A");
    }
}
