//! `mentor-agree init [DIR]`: set up a program repository.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::InitArgs;
use mentor_agree::engine::Session;
use mentor_agree::scaffold::init::files;

/// True when `dir` or a folder above it is a git work tree.
fn in_git_repo(dir: &Path) -> bool {
    std::path::absolute(dir).is_ok_and(|abs| abs.ancestors().any(|d| d.join(".git").exists()))
}

/// `p` without a leading `./` (init in the current folder).
fn shown(p: &Path) -> &Path {
    p.strip_prefix(".").unwrap_or(p)
}

/// Runs `init`.
pub fn run(args: &InitArgs, _global: &Session) -> anyhow::Result<u8> {
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        eprintln!("error: {} exists and is not a folder", dir.display());
        return Ok(super::EXIT_FAILURE);
    }
    let files = files();
    let in_the_way: Vec<PathBuf> =
        files.iter().map(|(rel, _)| dir.join(rel)).filter(|p| p.symlink_metadata().is_ok()).collect();
    if !in_the_way.is_empty() {
        let here = if dir == Path::new(".") { "the current folder".to_string() } else { dir.display().to_string() };
        eprintln!("error: {here} already has files that init writes; nothing was written. These are in the way:");
        for p in &in_the_way {
            eprintln!("  {}", shown(p).display());
        }
        eprintln!("Move or delete them to start over, or edit them as they are.");
        return Ok(super::EXIT_FAILURE);
    }
    let agreements = dir.join("agreements");
    if agreements.exists() && !agreements.is_dir() {
        eprintln!("error: {} exists and is not a folder; nothing was written", agreements.display());
        return Ok(super::EXIT_FAILURE);
    }

    let mut created = Vec::new();
    for (rel, contents) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        // Never replace a file, even one that appeared since the check above.
        mentor_agree::edit::atomic::write_new(&path, contents.as_bytes())
            .with_context(|| format!("cannot create {}", path.display()))?;
        created.push(path);
    }
    // Agreements merge through `mentor-agree merge-file`; an existing .gitattributes is left alone.
    match mentor_agree::versions::merge::write_gitattributes(dir)
        .with_context(|| format!("cannot create {}", dir.join(".gitattributes").display()))?
    {
        mentor_agree::versions::merge::Attributes::Written(path) => created.push(path),
        mentor_agree::versions::merge::Attributes::LineMissing(path) => eprintln!(
            "note: add `{}` to {} to merge agreements by meaning",
            mentor_agree::versions::merge::GITATTRIBUTES_LINE,
            shown(&path).display()
        ),
        mentor_agree::versions::merge::Attributes::Present => {}
    }
    // The rendered site stays out of git; an existing .gitignore is left alone.
    let gitignore = dir.join(mentor_agree::scaffold::init::GITIGNORE_PATH);
    match std::fs::read_to_string(&gitignore) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            mentor_agree::edit::atomic::write_new(&gitignore, mentor_agree::scaffold::init::GITIGNORE.as_bytes())
                .with_context(|| format!("cannot create {}", gitignore.display()))?;
            created.push(gitignore);
        }
        Ok(text) if !mentor_agree::scaffold::init::ignores_site(&text) => eprintln!(
            "note: add `{}` to {} so the site `render --site public/` writes stays out of git",
            mentor_agree::scaffold::init::GITIGNORE_LINE,
            shown(&gitignore).display()
        ),
        _ => {}
    }
    if !agreements.is_dir() {
        std::fs::create_dir_all(&agreements).with_context(|| format!("cannot create {}", agreements.display()))?;
        // git keeps no empty folders.
        let keep = agreements.join(".gitkeep");
        std::fs::write(&keep, "").with_context(|| format!("cannot create {}", keep.display()))?;
        created.push(keep);
    }

    // A report of what was done, not data: stderr, like every command that writes files.
    let mut out = std::io::stderr().lock();
    let here = if dir == Path::new(".") { "the current folder".to_string() } else { dir.display().to_string() };
    writeln!(out, "Created a mentoring program in {here}:")?;
    for p in &created {
        writeln!(out, "  {}", shown(p).display())?;
    }
    writeln!(out)?;
    writeln!(out, "Next:")?;
    let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
    let mut steps = Vec::new();
    if !in_git_repo(dir) {
        steps.push((format!("{cd}git init"), "agreements live in git"));
    } else if !cd.is_empty() {
        steps.push((format!("cd {}", dir.display()), "the commands below run there"));
    }
    steps.push(("edit program.toml".into(), "your program's name, lead and rules"));
    steps.push(("mentor-agree new".into(), "draft the first agreement with a pair"));
    steps.push(("pre-commit install".into(), "optional: check agreements before each commit"));
    steps.push(("mentor-agree git-setup".into(), "in each clone: merge agreements by meaning"));
    let width = steps.iter().map(|(c, _)| c.chars().count()).max().unwrap_or(0);
    for (command, why) in steps {
        writeln!(out, "  {command:<width$}   # {why}")?;
    }
    writeln!(out, "\n(git-setup runs: {})", mentor_agree::versions::merge::config_command())?;
    out.flush()?;
    Ok(super::EXIT_OK)
}
