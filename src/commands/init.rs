//! `mentor-agree init [DIR]`: set up a program repository.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::check::Session;
use crate::cli::InitArgs;
use crate::program::PROGRAM_FILE;
use crate::schema::SCHEMA_FILE;

/// The program.toml `init` writes: every key with its built-in default, commented.
pub const PROGRAM_TEMPLATE: &str = include_str!("../defaults/program.toml");
/// The GitHub Actions workflow `init` writes: `{action}`, `{repository}` and
/// `{version}` are filled in by [`files`] from Cargo.toml.
pub const WORKFLOW_TEMPLATE: &str = include_str!("../defaults/workflow.yml");
/// The pre-commit configuration `init` writes.
pub const PRE_COMMIT_TEMPLATE: &str = include_str!("../defaults/pre-commit-config.yaml");

/// The Taplo configuration `init` writes: agreements/**/*.toml use the schema.
pub const TAPLO_TEMPLATE: &str = include_str!("../defaults/taplo.toml");

/// Where the Taplo configuration goes (Taplo and Even Better TOML look for it at the workspace root).
pub const TAPLO_PATH: &str = ".taplo.toml";
/// Where the workflow goes, relative to the repository root.
pub const WORKFLOW_PATH: &str = ".github/workflows/mentor-agree.yml";
/// Where the pre-commit configuration goes.
pub const PRE_COMMIT_PATH: &str = ".pre-commit-config.yaml";

/// The files `init` creates: path relative to DIR, and contents.
pub fn files() -> Vec<(&'static str, String)> {
    vec![
        (PROGRAM_FILE, PROGRAM_TEMPLATE.to_string()),
        (SCHEMA_FILE, crate::schema::schema_json()),
        (TAPLO_PATH, TAPLO_TEMPLATE.to_string()),
        (WORKFLOW_PATH, workflow()),
        (PRE_COMMIT_PATH, PRE_COMMIT_TEMPLATE.to_string()),
    ]
}

/// The repository mentor-agree comes from: Cargo.toml's `repository`, the one
/// place it is written (a fork changes it there; see docs/scaffold.md).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// `OWNER/NAME` of the GitHub repository in [`REPOSITORY`], as `uses:` names its action.
pub fn action_coordinate() -> &'static str {
    let path = REPOSITORY.strip_prefix("https://github.com/").unwrap_or(REPOSITORY);
    path.trim_end_matches('/').trim_end_matches(".git")
}

/// The workflow `init` writes, using this version of the action.
pub fn workflow() -> String {
    WORKFLOW_TEMPLATE
        .replace("{action}", action_coordinate())
        .replace("{repository}", REPOSITORY)
        .replace("{version}", env!("CARGO_PKG_VERSION"))
}

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
        crate::atomic::write_new(&path, contents.as_bytes())
            .with_context(|| format!("cannot create {}", path.display()))?;
        created.push(path);
    }
    // Agreements merge through `mentor-agree merge-file`; an existing .gitattributes is left alone.
    match crate::merge::write_gitattributes(dir)
        .with_context(|| format!("cannot create {}", dir.join(".gitattributes").display()))?
    {
        crate::merge::Attributes::Written(path) => created.push(path),
        crate::merge::Attributes::LineMissing(path) => eprintln!(
            "note: add `{}` to {} to merge agreements by meaning",
            crate::merge::GITATTRIBUTES_LINE,
            shown(&path).display()
        ),
        crate::merge::Attributes::Present => {}
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
    writeln!(out, "\n(git-setup runs: {})", crate::merge::config_command())?;
    out.flush()?;
    Ok(super::EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::Program;

    #[test]
    fn the_program_template_is_exactly_the_builtin_program() {
        let written = Program::parse(PROGRAM_TEMPLATE, Path::new("program.toml")).unwrap();
        let builtin = Program::builtin();
        assert_eq!(written.program, builtin.program);
        assert_eq!(written.rules, builtin.rules);
        assert_eq!(written.clauses, builtin.clauses);
        assert!(written.levels.is_empty() && written.frequencies.is_empty());
    }

    #[test]
    fn the_program_template_mentions_every_rule() {
        // Every rule key is written out (set or commented) so coordinators see what they can change.
        let rules = toml::Value::try_from(&Program::builtin().rules).unwrap();
        for (family, keys) in rules.as_table().unwrap() {
            assert!(PROGRAM_TEMPLATE.contains(&format!("[rules.{family}]")), "[rules.{family}]");
            for key in keys.as_table().unwrap().keys() {
                assert!(PROGRAM_TEMPLATE.contains(&format!("\n{key} = ")), "rules.{family}.{key}");
            }
        }
    }

    #[test]
    fn the_workflow_uses_this_version_of_the_action() {
        let (_, workflow) = files().into_iter().find(|(p, _)| *p == WORKFLOW_PATH).unwrap();
        let uses = format!("uses: {}@v{}\n", action_coordinate(), env!("CARGO_PKG_VERSION"));
        assert!(workflow.contains(&uses), "{workflow}");
        assert!(!workflow.contains("{version}"), "{workflow}");
        assert!(!workflow.contains("{action}") && !workflow.contains("{repository}"), "{workflow}");
    }

    #[test]
    fn the_repository_is_a_real_github_coordinate() {
        // The action is named `OWNER/NAME`: the repository must be on GitHub and not a placeholder.
        assert!(REPOSITORY.starts_with("https://github.com/"), "{REPOSITORY}");
        let (owner, name) = action_coordinate().split_once('/').expect("OWNER/NAME");
        assert!(!owner.is_empty() && !name.is_empty() && !name.contains('/'), "{REPOSITORY}");
        assert_ne!(owner, "example", "Cargo.toml's repository is still the example placeholder");
    }
}
