//! `mentor-agree init`: a program repo that `new` and `check` work in, and CI files that are valid YAML.

use crate::common;

use std::path::Path;

use common::cmd;
use predicates::prelude::*;
use serde_norway::Value;

const CREATED: [&str; 8] = [
    "program.toml",
    "agreement.schema.json",
    ".taplo.toml",
    "agreements/.gitkeep",
    ".github/workflows/mentor-agree.yml",
    ".pre-commit-config.yaml",
    ".gitattributes",
    ".gitignore",
];

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

/// docs/scaffold.md's `mentor-agree init mentoring` session is what init prints,
/// and its table names every file init writes.
#[test]
fn the_documented_init_session_is_what_init_prints() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scaffold.md")).unwrap();
    let start = doc.find("$ mentor-agree init mentoring\n").expect("the init session in docs/scaffold.md");
    let session = &doc[start..];
    let documented = &session[session.find('\n').unwrap() + 1..session.find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let out = cmd().current_dir(dir.path()).args(["init", "mentoring"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), documented, "docs/scaffold.md's init session and init differ");
    let table = &doc[..start];
    for f in CREATED.iter().filter(|f| **f != ".gitignore") {
        let name = f.strip_suffix("/.gitkeep").map_or(f.to_string(), |d| format!("{d}/"));
        assert!(table.contains(&format!("| `{name}` |")), "docs/scaffold.md's table lacks {name}");
    }
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
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    // This repository's action, at the version that wrote the workflow (no registry install).
    let action = format!("mentor-agree/mentor-agree@v{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(uses, ["actions/checkout@v4", action.as_str()]);
    let text = std::fs::read_to_string(dir.path().join(".github/workflows/mentor-agree.yml")).unwrap();
    assert!(!text.contains("cargo install --locked mentor-agree"), "{text}");
    // The weekly agenda job is there to uncomment.
    assert!(text.contains("  # schedule:\n  #   - cron: "), "{text}");
    assert!(text.contains("#     - run: mentor-agree agenda --format md"), "{text}");
    // So is the daily reminders job, with the SMTP secrets and the log committed back.
    assert!(text.contains("#     - run: mentor-agree remind --send\n"), "{text}");
    assert!(text.contains("#         MENTOR_AGREE_SMTP_PASSWORD: ${{ secrets.SMTP_PASSWORD }}\n"), "{text}");
    assert!(text.contains("git add reminders.log"), "{text}");

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

/// The repository's root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs actionlint on `files`: no output and exit 0, or the test fails with what it said.
/// Without actionlint (installed by .ci/setup/45-actionlint.sh) the test is skipped,
/// except under MENTOR_AGREE_REQUIRE_TOOLS=1.
fn actionlint(files: &[&Path]) -> bool {
    if !common::have_tool("actionlint", "--version") {
        return false;
    }
    let out = std::process::Command::new("actionlint").args(files).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "actionlint: {said}");
    true
}

#[test]
fn the_workflow_init_writes_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path()).assert().code(0);
    let workflow = dir.path().join(".github/workflows/mentor-agree.yml");
    if !actionlint(&[&workflow]) {
        return;
    }
    // With the commented-out agenda job switched on, it is still valid.
    let on = std::fs::read_to_string(&workflow)
        .unwrap()
        .lines()
        .map(|l| {
            let t = l.trim_start();
            let indent = l.len() - t.len();
            match t.strip_prefix("# ") {
                Some(rest)
                    if [
                        "schedule:",
                        "- cron:",
                        "agenda:",
                        "reminders:",
                        "if:",
                        "runs-on:",
                        "steps:",
                        "- uses:",
                        "- run:",
                        "- if:",
                        "run:",
                        "permissions:",
                        "contents:",
                        "continue-on-error:",
                        "env:",
                        "MENTOR_AGREE_SMTP_",
                    ]
                    .iter()
                    .any(|k| rest.trim_start().starts_with(k)) =>
                {
                    format!("{}{}", " ".repeat(indent), rest)
                }
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(on.contains("\n  schedule:\n") && on.contains("\n  agenda:\n"), "{on}");
    assert!(on.contains("\n  reminders:\n") && on.contains("\n          MENTOR_AGREE_SMTP_USERNAME: "), "{on}");
    let scheduled = dir.path().join("scheduled.yml");
    std::fs::write(&scheduled, on).unwrap();
    actionlint(&[&scheduled]);
}

#[test]
fn the_release_workflow_and_the_docs_workflows_pass_actionlint() {
    let release = root().join(".github/workflows/release.yml");
    let dir = tempfile::tempdir().unwrap();
    let docs = std::fs::read_to_string(root().join("docs/integrations.md")).unwrap();
    let mut files = vec![release.clone()];
    for (i, block) in docs.split("```yaml\n").skip(1).enumerate() {
        let block = &block[..block.find("```").unwrap()];
        if block.contains("\njobs:") {
            let f = dir.path().join(format!("docs-{i}.yml"));
            std::fs::write(&f, block).unwrap();
            files.push(f);
        }
    }
    assert!(files.len() >= 3, "the workflows in docs/integrations.md");
    let refs: Vec<&Path> = files.iter().map(|f| f.as_path()).collect();
    actionlint(&refs);
}

/// action.yml's steps, as the job of a reusable workflow whose inputs are the
/// action's: actionlint then checks every step, expression and input name.
#[test]
fn the_action_is_a_composite_action_whose_steps_pass_actionlint() {
    let action = yaml(&root().join("action.yml"));
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs = action["inputs"].as_mapping().expect("inputs");
    for name in ["paths", "args", "sarif"] {
        assert!(inputs.contains_key(name), "input {name}");
    }
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.iter().any(|r| r.contains("cargo install --locked --path \"$ACTION_PATH\"")), "{runs:?}");
    assert!(runs.last().unwrap().contains("mentor-agree check --format github"), "{runs:?}");
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(uses.contains(&"actions/cache@v4") && uses.contains(&"github/codeql-action/upload-sarif@v3"), "{uses:?}");
    for step in steps.iter().filter(|s| s.get("run").is_some()) {
        assert_eq!(step["shell"].as_str(), Some("bash"), "a composite run step names its shell: {step:?}");
    }
    // The release archives the action downloads are the ones binstall is told about.
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(cargo.contains("/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }"), "{cargo}");
    assert!(runs.iter().any(|r| r.contains("$REPOSITORY/releases/download/v$VERSION/$archive")), "{runs:?}");
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    assert!(release.contains("archive=\"mentor-agree-$TARGET.tar.gz\""), "{release}");

    let mut call_inputs = serde_norway::Mapping::new();
    for (name, input) in inputs {
        let mut i = serde_norway::Mapping::new();
        i.insert("type".into(), "string".into());
        i.insert("default".into(), input["default"].clone());
        call_inputs.insert(name.clone(), Value::Mapping(i));
    }
    let workflow: Value = serde_norway::from_str(&format!(
        "on:\n  workflow_call:\n    inputs: {}\njobs:\n  action:\n    runs-on: ubuntu-latest\n    steps: {}\n",
        serde_json::to_string(&call_inputs).unwrap(),
        serde_json::to_string(steps).unwrap()
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("action-steps.yml");
    std::fs::write(&file, serde_norway::to_string(&workflow).unwrap()).unwrap();
    actionlint(&[&file]);
}

/// The GitHub files against SchemaStore's schemas too (check-jsonschema's vendored copies).
#[test]
fn the_action_and_the_workflows_match_githubs_schemas() {
    if !common::have_tool("check-jsonschema", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path()).assert().code(0);
    let runs = [
        ("vendor.github-actions", root().join("action.yml")),
        ("vendor.github-workflows", root().join(".github/workflows/release.yml")),
        ("vendor.github-workflows", dir.path().join(".github/workflows/mentor-agree.yml")),
    ];
    for (schema, file) in runs {
        let out = std::process::Command::new("check-jsonschema")
            .args(["--builtin-schema", schema])
            .arg(&file)
            .output()
            .unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{}: {said}", file.display());
    }
}

#[test]
fn init_routes_agreements_to_the_merge_driver_without_touching_existing_attributes() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path().join("fresh")).assert().code(0).stderr(predicate::str::contains(
        r#"git config merge.mentor-agree.driver "mentor-agree merge-file %O %A %B --path %P""#,
    ));
    let written = std::fs::read_to_string(dir.path().join("fresh/.gitattributes")).unwrap();
    assert!(written.lines().any(|l| l == "agreements/**/*.toml merge=mentor-agree"), "{written}");
    assert!(written.lines().any(|l| l == "reminders.log merge=union"), "{written}");

    std::fs::write(dir.path().join(".gitattributes"), "*.png binary\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("add `agreements/**/*.toml merge=mentor-agree` to .gitattributes"));
    assert_eq!(std::fs::read_to_string(dir.path().join(".gitattributes")).unwrap(), "*.png binary\n");
}

#[test]
fn the_workflow_summarises_what_a_pull_request_changes() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path()).assert().code(0);
    let workflow = std::fs::read_to_string(dir.path().join(".github/workflows/mentor-agree.yml")).unwrap();
    assert!(workflow.contains("fetch-depth: 0"), "the base must be fetched: {workflow}");
    assert!(workflow.contains("if: always() && github.event_name == 'pull_request'"), "{workflow}");
    assert!(
        workflow.contains(r#"run: mentor-agree diff --base "$BASE" --format md >> "$GITHUB_STEP_SUMMARY""#),
        "{workflow}"
    );
}

#[test]
fn init_keeps_the_rendered_site_out_of_git_without_touching_an_existing_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path().join("fresh")).assert().code(0).stderr(predicate::str::contains(".gitignore"));
    let written = std::fs::read_to_string(dir.path().join("fresh/.gitignore")).unwrap();
    assert!(written.lines().any(|l| l == "public/"), "{written}");

    std::fs::write(dir.path().join(".gitignore"), "target/\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("add `public/` to .gitignore"));
    assert_eq!(std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(), "target/\n");
}

/// The workflow in docs/integrations.md is the one `init` writes, shortened:
/// the same triggers, the same condition on the check job, the same `base`.
#[test]
fn the_workflow_in_the_docs_matches_what_init_writes_and_checks_pull_requests_on_their_changes() {
    let dir = tempfile::tempdir().unwrap();
    cmd().arg("init").arg(dir.path()).assert().code(0);
    let written = yaml(&dir.path().join(".github/workflows/mentor-agree.yml"));
    let docs = std::fs::read_to_string(root().join("docs/integrations.md")).unwrap();
    let block = docs.split("```yaml\n# .github/workflows/mentor-agree.yml\n").nth(1).expect("the workflow in the docs");
    let shown: Value = serde_norway::from_str(&block[..block.find("```").unwrap()]).unwrap();
    assert_eq!(shown["on"], written["on"]);
    assert_eq!(shown["permissions"], written["permissions"]);
    let (job, doc_job) = (&written["jobs"]["check"], &shown["jobs"]["check"]);
    assert_eq!(doc_job["if"], job["if"]);
    let check_step = |job: &Value| {
        job["steps"].as_sequence().unwrap().iter().find(|s| s["name"].as_str() == Some("Check agreements")).cloned()
    };
    let (step, doc_step) = (check_step(job).expect("a check step"), check_step(doc_job).expect("in the docs too"));
    assert_eq!(doc_step["with"]["base"], step["with"]["base"]);
    let base = step["with"]["base"].as_str().unwrap();
    assert!(base.contains("github.event_name == 'pull_request'") && base.contains("github.base_ref"), "{base}");
    let action = yaml(&root().join("action.yml"));
    assert!(action["inputs"]["base"].is_mapping(), "the action takes `base`");
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert_eq!(text.matches("mentor-agree check --format github ${BASE:+--base \"$BASE\"}").count(), 1, "{text}");
}
