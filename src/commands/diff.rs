//! `mentor-agree diff`: changes in meaning between versions of agreements.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::cli::{DiffArgs, DiffFormat};
use mentor_agree::diagnostic::Severity;
use mentor_agree::engine::Session;
use mentor_agree::git::Repo;
use mentor_agree::versions::diff::{self, FileReport};

/// One file to compare: how it is shown, its two versions, and where the new one is on disk.
struct Pair {
    shown: String,
    /// How the old version is named in errors, when it is a file of its own (`diff OLD NEW`).
    old_shown: Option<String>,
    old: Option<Vec<u8>>,
    new: Option<Vec<u8>>,
    on_disk: PathBuf,
}

fn read_if_there(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match mentor_agree::input::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn repo_for(path: &Path) -> anyhow::Result<Repo> {
    let dir = if path.is_dir() { path } else { mentor_agree::edit::atomic::parent_dir(path) };
    Ok(Repo::discover(dir)?)
}

fn pairs(args: &DiffArgs, session: &Session) -> anyhow::Result<Vec<Pair>> {
    if let Some(base) = &args.base {
        let repo = repo_for(args.paths.first().map_or(Path::new("."), PathBuf::as_path))?;
        // What a pull request changes: since the fork point, not since the base branch's tip.
        let commit = repo.commit(base)?;
        let commit = repo.commit("HEAD").ok().and_then(|head| repo.merge_base(&commit, &head)).unwrap_or(commit);
        let roots = if args.paths.is_empty() {
            let program = session.program_here()?;
            vec![program.agreements_dir()]
        } else {
            args.paths.clone()
        };
        let mut specs = Vec::new();
        for p in &roots {
            let rel = repo
                .relative(p)
                .with_context(|| format!("{} is not inside the repository {}", p.display(), repo.root.display()))?;
            specs.push(if rel.is_empty() { ".".to_string() } else { rel });
        }
        let mut out = Vec::new();
        for rel in repo.changed_since(&commit, &specs)? {
            if !mentor_agree::engine::is_agreement_file(Path::new(&rel)) {
                continue;
            }
            let on_disk = repo.root.join(&rel);
            out.push(Pair {
                old: repo.show(&commit, &rel)?,
                new: read_if_there(&on_disk)?,
                shown: rel,
                old_shown: None,
                on_disk,
            });
        }
        return Ok(out);
    }
    match args.paths.as_slice() {
        [file] => {
            let rev = args.rev.as_deref().unwrap_or("HEAD");
            let repo = repo_for(file)?;
            let commit = repo.commit(rev)?;
            let rel =
                repo.relative(file).with_context(|| format!("{} is not inside the repository", file.display()))?;
            let (old, new) = (repo.show(&commit, &rel)?, read_if_there(file)?);
            if old.is_none() && new.is_none() {
                bail!("{} is neither in {rev} nor in the working tree", file.display());
            }
            Ok(vec![Pair { shown: file.display().to_string(), old_shown: None, old, new, on_disk: file.clone() }])
        }
        [old, new] => {
            if args.rev.is_some() {
                bail!("--rev compares one FILE with the working tree; give one path, or drop --rev");
            }
            let read =
                |p: &PathBuf| mentor_agree::input::read(p).with_context(|| format!("cannot read {}", p.display()));
            Ok(vec![Pair {
                shown: new.display().to_string(),
                old_shown: Some(old.display().to_string()),
                old: Some(read(old)?),
                new: Some(read(new)?),
                on_disk: new.clone(),
            }])
        }
        _ => bail!("diff takes OLD NEW, or one FILE (with --rev REV), or --base REV [PATH…]"),
    }
}

/// Runs `diff`.
pub fn run(args: &DiffArgs, session: &Session) -> anyhow::Result<u8> {
    let checker = mentor_agree::engine::FileChecker::new(session, mentor_agree::rules::Options::default())?;
    let mut reports = Vec::new();
    for pair in pairs(args, session)? {
        // A problem with the old version names the old file when it is one of its own.
        let name_of = |which: &str| match (&pair.old_shown, which) {
            (Some(old), "old" | "the old") => old.clone(),
            _ => pair.shown.clone(),
        };
        let text = |b: &Option<Vec<u8>>, which: &str| -> anyhow::Result<Option<String>> {
            b.as_ref()
                .map(|b| {
                    String::from_utf8(b.clone())
                        .map_err(|_| anyhow::anyhow!("{}: the {which} version is not UTF-8 text", name_of(which)))
                })
                .transpose()
        };
        let (old, new) = (text(&pair.old, "old")?, text(&pair.new, "new")?);
        let changes = match diff::compare(old.as_deref(), new.as_deref()) {
            Ok(changes) => changes,
            Err(e) => {
                let who = name_of(e.which);
                return Err(anyhow::Error::new(e).context(who));
            }
        };
        let status = match (&old, &new) {
            (None, _) => "added",
            (_, None) => "removed",
            _ if changes.is_empty() => "unchanged",
            _ => "changed",
        };
        let checked = if new.is_some() { Some(checker.check(&pair.on_disk)?) } else { None };
        reports.push(FileReport {
            file: pair.shown,
            status,
            changes,
            errors: checked.as_ref().map(|c| c.count(Severity::Error)),
            warnings: checked.as_ref().map(|c| c.count(Severity::Warning)),
            amendment: checked.as_ref().and_then(|c| c.derived.as_ref()).is_some_and(|d| d.amendment.is_some()),
        });
    }
    let text = match args.format {
        DiffFormat::Human => diff::human(&reports),
        DiffFormat::Json => diff::json(&reports),
        DiffFormat::Md => diff::markdown(&reports),
    };
    super::print(&text)?;
    Ok(super::EXIT_OK)
}
