//! `mentor-agree git-setup`: register the merge driver with git.

use std::ffi::OsStr;

use crate::cli::GitSetupArgs;
use mentor_agree::git::{self, Repo};
use mentor_agree::versions::merge::{DRIVER_COMMAND, DRIVER_NAME};

/// Runs `git config` for the driver and checks `.gitattributes`.
pub fn run(args: &GitSetupArgs) -> anyhow::Result<u8> {
    let repo = match Repo::discover(&args.dir) {
        Ok(repo) => repo,
        Err(err) if !args.global => {
            eprintln!("error: {err}; run git-setup inside a clone, or with --global");
            return Ok(super::EXIT_FAILURE);
        }
        Err(_) => Repo { root: args.dir.clone() },
    };
    let scope: &[&OsStr] = if args.global { &["--global".as_ref()] } else { &[] };
    let settings = [("name", "mentor-agree: merge agreements by meaning"), ("driver", DRIVER_COMMAND)];
    for (key, value) in settings {
        let key = format!("merge.{DRIVER_NAME}.{key}");
        let mut words: Vec<&OsStr> = vec!["config".as_ref()];
        words.extend_from_slice(scope);
        words.extend([OsStr::new(&key), OsStr::new(value)]);
        git::run_in(&repo.root, &words)?;
    }
    let where_ = if args.global { "your git configuration".to_string() } else { repo.root.display().to_string() };
    eprintln!("Registered the mentor-agree merge driver in {where_}.");
    let attributes = std::fs::read_to_string(repo.root.join(".gitattributes")).unwrap_or_default();
    if !args.global && !attributes.contains(&format!("merge={DRIVER_NAME}")) {
        eprintln!(
            "note: .gitattributes does not name the driver yet; add this line and commit it:\n  {}",
            mentor_agree::versions::merge::GITATTRIBUTES_LINE
        );
    }
    Ok(super::EXIT_OK)
}
