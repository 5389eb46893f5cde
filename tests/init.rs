//! `mentor-agree init`: a program repo that `new` and `check` work in, and CI files that are valid YAML.

mod common;

use std::path::Path;

use common::cmd;
use predicates::prelude::*;
use serde_norway::Value;

const CREATED: [&str; 4] =
    ["program.toml", "agreements/.gitkeep", ".github/workflows/mentor-agree.yml", ".pre-commit-config.yaml"];

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

#[test]
fn init_then_new_then_check() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("mentoring");
    cmd()
        .current_dir(dir.path())
        .args(["init", "mentoring"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Created a mentoring program in mentoring"))
        .stdout(predicate::str::contains("git init"));
    for f in CREATED {
        assert!(repo.join(f).is_file(), "{f} not created");
    }

    // An empty program checks clean, as CI will run it.
    cmd().current_dir(&repo).args(["check", "--format", "github"]).assert().code(0);

    cmd()
        .current_dir(&repo)
        .args(["new", "--yes", "--mentor", "Maya Okafor", "--mentee", "Tomás Rivera", "--lead", "Priya Natarajan"])
        .args(["--topic", "leadership", "--start", "2026-12-07"])
        .args(["--goal", "Run the team's retrospectives | 3 retrospectives run | 2027-03-15"])
        .assert()
        .code(0);
    assert!(repo.join("agreements/2026-12-maya-okafor-tomas-rivera.toml").is_file());

    // The commands the workflow and the pre-commit hook run.
    cmd().current_dir(&repo).args(["check", "--format", "github"]).assert().code(0).stdout("");
    cmd()
        .current_dir(&repo)
        .args(["check", "agreements/2026-12-maya-okafor-tomas-rivera.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked 1 agreement: no problems"));

    // The program file is live: tightening a rule makes the same agreement fail.
    let program = repo.join("program.toml");
    let text =
        std::fs::read_to_string(&program).unwrap().replace("max_session_minutes = 120", "max_session_minutes = 30");
    std::fs::write(&program, text).unwrap();
    cmd()
        .current_dir(&repo)
        .args(["check", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("title=session-too-long"));
}

#[test]
fn the_ci_files_are_valid_yaml_that_run_check() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path()).assert().code(0);

    let workflow = yaml(&dir.path().join(".github/workflows/mentor-agree.yml"));
    let on = &workflow["on"];
    assert!(on.get("push").is_some() && on.get("pull_request").is_some(), "triggers: {on:?}");
    let steps = workflow["jobs"]["check"]["steps"].as_sequence().expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.iter().any(|r| r.starts_with("cargo install --locked mentor-agree")), "{runs:?}");
    assert_eq!(runs.last(), Some(&"mentor-agree check --format github"));
    assert_eq!(
        workflow["jobs"]["check"]["env"]["MENTOR_AGREE_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION")),
        "installs the version that wrote it"
    );

    let pre_commit = yaml(&dir.path().join(".pre-commit-config.yaml"));
    let repo = &pre_commit["repos"][0];
    assert_eq!(repo["repo"].as_str(), Some("local"));
    let hook = &repo["hooks"][0];
    assert_eq!(hook["entry"].as_str(), Some("mentor-agree check"));
    assert_eq!(hook["language"].as_str(), Some("system"));
    assert_eq!(hook["files"].as_str(), Some(r"^agreements/.*\.toml$"));
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("program.toml"), "# ours\n").unwrap();
    std::fs::write(dir.path().join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    cmd()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("program.toml"))
        .stderr(predicate::str::contains(".pre-commit-config.yaml"))
        .stderr(predicate::str::contains("mentor-agree.yml").not());
    assert_eq!(std::fs::read_to_string(dir.path().join("program.toml")).unwrap(), "# ours\n");
    assert!(!dir.path().join(".github").exists(), "nothing written");
    assert!(!dir.path().join("agreements").exists(), "nothing written");

    // A second init over a finished set-up is refused too.
    let fresh = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(fresh.path()).assert().code(0);
    cmd().arg("init").arg(fresh.path()).assert().code(2).stderr(predicate::str::contains("mentor-agree.yml"));
}

#[test]
fn init_works_inside_an_existing_repo() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("agreements")).unwrap();
    std::fs::write(dir.path().join("agreements/old.toml"), "format = 1\n").unwrap();
    std::fs::write(dir.path().join("README.md"), "# Our program\n").unwrap();
    cmd().current_dir(dir.path()).arg("init").assert().code(0).stdout(predicate::str::contains("git init").not());
    assert_eq!(std::fs::read_to_string(dir.path().join("README.md")).unwrap(), "# Our program\n");
    assert_eq!(std::fs::read_to_string(dir.path().join("agreements/old.toml")).unwrap(), "format = 1\n");
    assert!(!dir.path().join("agreements/.gitkeep").exists(), "the folder already has files");
    assert!(dir.path().join("program.toml").is_file());
}
