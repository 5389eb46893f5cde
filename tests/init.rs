//! `mentor-agree init`: a program repo that `new` and `check` work in, and CI files that are valid YAML.

mod common;

use std::path::Path;

use common::cmd;
use predicates::prelude::*;
use serde_norway::Value;

const CREATED: [&str; 6] = [
    "program.toml",
    "agreement.schema.json",
    ".taplo.toml",
    "agreements/.gitkeep",
    ".github/workflows/mentor-agree.yml",
    ".pre-commit-config.yaml",
];

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
        .stdout("")
        .stderr(predicate::str::contains("Created a mentoring program in mentoring:"))
        .stderr(predicate::str::contains("cd mentoring && git init"));
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
    let agreement = repo.join("agreements/2026-12-maya-okafor-tomas-rivera.toml");
    let text = std::fs::read_to_string(&agreement).unwrap();
    // Editors find the schema init wrote, relative to the agreement's folder.
    assert!(text.starts_with("#:schema ../agreement.schema.json\n\n# Mentoring agreement"), "{text}");

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
fn init_sets_up_editor_support() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path()).assert().code(0).stderr(predicate::str::contains(".taplo.toml"));

    // The schema is exactly what `mentor-agree schema` prints.
    let schema = cmd().arg("schema").assert().code(0).get_output().stdout.clone();
    assert_eq!(std::fs::read(dir.path().join("agreement.schema.json")).unwrap(), schema);

    // .taplo.toml maps the agreements folder to that schema.
    let taplo: toml::Table = std::fs::read_to_string(dir.path().join(".taplo.toml")).unwrap().parse().unwrap();
    let rule = &taplo["rule"].as_array().expect("[[rule]]")[0];
    assert_eq!(rule["include"].as_array().unwrap()[0].as_str(), Some("agreements/**/*.toml"));
    assert_eq!(rule["schema"]["path"].as_str(), Some("./agreement.schema.json"));

    // `check .` in the repo checks agreements only, not Taplo's config.
    cmd().current_dir(dir.path()).args(["check", "."]).assert().code(0);
}

#[cfg(unix)]
#[test]
fn init_writes_ordinary_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    let ordinary = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
    let repo = dir.path().join("repo");
    cmd().arg("init").arg(&repo).assert().code(0);
    for f in CREATED {
        let mode = std::fs::metadata(repo.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, ordinary, "{f}: {mode:o}");
    }
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
    assert!(!dir.path().join("agreement.schema.json").exists(), "nothing written");
    assert!(!dir.path().join("agreements").exists(), "nothing written");

    // A second init over a finished set-up is refused too.
    let fresh = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(fresh.path()).assert().code(0);
    cmd().arg("init").arg(fresh.path()).assert().code(2).stderr(predicate::str::contains("mentor-agree.yml"));

    // An editor configuration of its own is not replaced either.
    let taplo = tempfile::tempdir().unwrap();
    std::fs::write(taplo.path().join(".taplo.toml"), "# ours\n").unwrap();
    cmd().arg("init").arg(taplo.path()).assert().code(2).stderr(predicate::str::contains(".taplo.toml"));
    assert_eq!(std::fs::read_to_string(taplo.path().join(".taplo.toml")).unwrap(), "# ours\n");
    assert!(!taplo.path().join("program.toml").exists(), "nothing written");
}

#[test]
fn init_works_inside_an_existing_repo() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("agreements")).unwrap();
    std::fs::write(dir.path().join("agreements/old.toml"), "format = 1\n").unwrap();
    std::fs::write(dir.path().join("README.md"), "# Our program\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("Created a mentoring program in the current folder:"))
        .stderr(predicate::str::contains("git init").not());
    // In a repo, from another folder: the next steps start by going there.
    let sub = dir.path().join("mentoring");
    cmd()
        .current_dir(dir.path())
        .args(["init", "mentoring"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("cd mentoring ").and(predicate::str::contains("git init").not()));
    assert!(sub.join("program.toml").is_file());
    assert_eq!(std::fs::read_to_string(dir.path().join("README.md")).unwrap(), "# Our program\n");
    assert_eq!(std::fs::read_to_string(dir.path().join("agreements/old.toml")).unwrap(), "format = 1\n");
    assert!(!dir.path().join("agreements/.gitkeep").exists(), "the folder already has files");
    assert!(dir.path().join("program.toml").is_file());
}

#[test]
fn init_routes_agreements_to_the_merge_driver_without_touching_existing_attributes() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path().join("fresh")).assert().code(0).stderr(predicate::str::contains(
        r#"git config merge.mentor-agree.driver "mentor-agree merge-file %O %A %B --path %P""#,
    ));
    let written = std::fs::read_to_string(dir.path().join("fresh/.gitattributes")).unwrap();
    assert!(written.lines().any(|l| l == "agreements/**/*.toml merge=mentor-agree"), "{written}");

    std::fs::write(dir.path().join(".gitattributes"), "*.png binary\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("add `agreements/**/*.toml merge=mentor-agree` to .gitattributes"));
    assert_eq!(std::fs::read_to_string(dir.path().join(".gitattributes")).unwrap(), "*.png binary\n");
}
