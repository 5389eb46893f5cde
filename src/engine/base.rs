//! `check --base REV`: the part of a run a change since REV touches, so a pull
//! request is judged on what it changes.
//!
//! A file is in scope when git lists it as changed between the fork point of
//! REV and the working tree (a renamed file under its new name, an untracked
//! one too), or when its program changed: the program's `program.toml`, its
//! allowed signers file or its `templates` folder. A duplicate id one changed
//! file shares with any other file is reported on the changed file.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::file::{Checked, duplicate_id};
use crate::diagnostic::Code;
use crate::git::{GitError, Repo};
use crate::program::{OVERRIDE_DIR, Program};

/// What changed in a repository since a revision.
#[derive(Debug)]
pub struct Changes {
    repo: Repo,
    /// The commit compared with (the fork point of the revision and HEAD), as a full id.
    pub commit: String,
    /// Root-relative paths of the changed files.
    changed: HashSet<String>,
}

/// Why a run was narrowed to what a change touches.
#[derive(Debug, Default)]
pub struct Scope {
    /// The files kept, with their problems (duplicate ids with unchanged files added).
    pub files: Vec<Checked>,
    /// Program files (root-relative) whose change brought every agreement under them into the run.
    pub programs_changed: BTreeSet<String>,
}

impl Changes {
    /// The files changed between `rev` and the working tree of the repository
    /// `dir` is in. As for a pull request, the comparison starts at the fork
    /// point of `rev` and HEAD, not at `rev`'s tip. The revision is validated
    /// (never read as an option): a bad one is [`GitError::BadRevision`].
    pub fn since(dir: &Path, rev: &str) -> Result<Changes, GitError> {
        let repo = Repo::discover(dir)?;
        let commit = repo.commit(rev)?;
        let commit = repo.commit("HEAD").ok().and_then(|head| repo.merge_base(&commit, &head)).unwrap_or(commit);
        let changed = repo.changed_since(&commit, &[])?.into_iter().collect();
        Ok(Changes { repo, commit, changed })
    }

    fn is_changed(&self, path: &Path) -> bool {
        self.repo.relative(path).is_some_and(|rel| self.changed.contains(&rel))
    }

    /// The first changed file of those that govern every agreement under `program`
    /// (its program.toml, allowed signers, templates folder), root-relative.
    fn program_change(&self, program: &Program) -> Option<String> {
        let file = program.path.as_deref()?;
        let mut exact = Vec::new();
        exact.extend(self.repo.relative(file));
        exact.extend(self.repo.relative(&program.allowed_signers_path()));
        if let Some(hit) = exact.into_iter().find(|rel| self.changed.contains(rel)) {
            return Some(hit);
        }
        let templates = self.repo.relative(&program.root().join(OVERRIDE_DIR))?;
        let prefix = if templates.is_empty() { String::new() } else { format!("{templates}/") };
        self.changed.iter().any(|c| c.starts_with(&prefix)).then_some(templates)
    }

    /// Keeps the files this change touches (see the module documentation).
    pub fn scope(&self, files: Vec<Checked>) -> Scope {
        let mut ids: HashMap<&str, Vec<&Path>> = HashMap::new();
        for f in files.iter().filter(|f| f.readable) {
            ids.entry(f.id.as_str()).or_default().push(&f.path);
        }
        let mut extra: Vec<Option<crate::engine::Located>> = Vec::with_capacity(files.len());
        for f in &files {
            let marked = f.diagnostics.iter().any(|l| l.diagnostic.code == Code::DuplicateId);
            let other = ids
                .get(f.id.as_str())
                .and_then(|ps| ps.iter().find(|p| **p != f.path.as_path()))
                .filter(|_| f.readable);
            extra.push(match other {
                Some(other) if !marked && self.is_changed(&f.path) => duplicate_id(f, other),
                _ => None,
            });
        }
        let mut scope = Scope::default();
        for (mut f, extra) in files.into_iter().zip(extra) {
            let program = self.program_change(&f.program);
            if !self.is_changed(&f.path) && program.is_none() {
                continue;
            }
            if let Some(located) = extra {
                f.diagnostics.push(located);
                f.diagnostics.sort_by_key(|l| (l.position.line, l.position.column));
            }
            scope.programs_changed.extend(program);
            scope.files.push(f);
        }
        scope
    }
}
