//! The files `mentor-agree init` writes into a new program repository: the
//! program.toml with every default, the agreement schema, the editors' Taplo
//! configuration, the CI workflow and the pre-commit configuration.

use crate::output::schema::SCHEMA_FILE;
use crate::program::PROGRAM_FILE;

/// The program.toml `init` writes: every key with its built-in default, commented.
const PROGRAM_TEMPLATE: &str = include_str!("../defaults/program.toml");
/// The GitHub Actions workflow `init` writes: `{action}`, `{repository}` and
/// `{version}` are filled in by [`files`] from Cargo.toml.
const WORKFLOW_TEMPLATE: &str = include_str!("../defaults/workflow.yml");
/// The pre-commit configuration `init` writes.
const PRE_COMMIT_TEMPLATE: &str = include_str!("../defaults/pre-commit-config.yaml");

/// The Taplo configuration `init` writes: agreements/**/*.toml use the schema.
const TAPLO_TEMPLATE: &str = include_str!("../defaults/taplo.toml");

/// Where the Taplo configuration goes (Taplo and Even Better TOML look for it at the workspace root).
const TAPLO_PATH: &str = ".taplo.toml";
/// Where the workflow goes, relative to the repository root.
const WORKFLOW_PATH: &str = ".github/workflows/mentor-agree.yml";
/// Where the pre-commit configuration goes.
const PRE_COMMIT_PATH: &str = ".pre-commit-config.yaml";

/// Where `init` puts the ignore file, beside program.toml.
pub const GITIGNORE_PATH: &str = ".gitignore";
/// The line of [`GITIGNORE`] that keeps the rendered site out of git.
pub const GITIGNORE_LINE: &str = "public/";
/// The `.gitignore` `init` writes when there is none: the site the README
/// renders (`mentor-agree render --site public/`) is rebuilt, never committed.
pub const GITIGNORE: &str =
    "# The site `mentor-agree render --site public/` writes: built from the agreements, not kept in git.\npublic/\n";

/// Whether an existing `.gitignore` already ignores the site folder.
pub fn ignores_site(gitignore: &str) -> bool {
    gitignore.lines().map(str::trim).any(|l| matches!(l, "public/" | "public" | "/public/" | "/public"))
}

/// The files `init` creates: path relative to DIR, and contents.
pub fn files() -> Vec<(&'static str, String)> {
    vec![
        (PROGRAM_FILE, PROGRAM_TEMPLATE.to_string()),
        (SCHEMA_FILE, crate::output::schema::schema_json()),
        (TAPLO_PATH, TAPLO_TEMPLATE.to_string()),
        (WORKFLOW_PATH, workflow()),
        (PRE_COMMIT_PATH, PRE_COMMIT_TEMPLATE.to_string()),
    ]
}

/// The repository mentor-agree comes from: Cargo.toml's `repository`, the one
/// place it is written (a fork changes it there; see docs/scaffold.md).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// `OWNER/NAME` of the GitHub repository in [`REPOSITORY`], as `uses:` names its action.
fn action_coordinate() -> &'static str {
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::program::Program;

    #[test]
    fn the_program_template_is_exactly_the_builtin_program() {
        let written = Program::parse(PROGRAM_TEMPLATE, Path::new("program.toml")).unwrap();
        let builtin = Program::builtin();
        assert_eq!(written.program, builtin.program);
        assert_eq!(written.rules, builtin.rules);
        assert_eq!(written.clauses, builtin.clauses);
        assert_eq!(written.reminders, builtin.reminders);
        assert!(written.levels.is_empty() && written.frequencies.is_empty());
    }

    #[test]
    fn the_commented_reminders_block_is_valid_once_uncommented() {
        let start = PROGRAM_TEMPLATE.find("# [reminders]").unwrap();
        let end = PROGRAM_TEMPLATE[start..].find("\n\n").unwrap() + start;
        let block: String = PROGRAM_TEMPLATE[start..end]
            .lines()
            .filter(|l| !l.starts_with("# user name"))
            .map(|l| l.strip_prefix("# ").or_else(|| l.strip_prefix('#')).unwrap_or(l))
            .map(|l| format!("{l}\n"))
            .collect();
        let p = Program::parse(&block, Path::new("program.toml")).unwrap_or_else(|e| panic!("{e}\n{block}"));
        assert_eq!(p.reminders.smtp.host.as_deref(), Some("smtp.example.org"));
        assert_eq!(p.reminders.before_days, [7, 0]);
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
