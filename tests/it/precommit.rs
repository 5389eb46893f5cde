//! The pre-commit hook manifest and the CI snippets in the docs, checked by
//! their real consumers: `pre-commit validate-manifest` / `validate-config`
//! and check-jsonschema's GitHub workflow schema.

use crate::common;

use std::path::{Path, PathBuf};

use common::have_tool;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fenced ```yaml block of the docs fragment whose first line is `# <name>`.
fn docs_block(name: &str) -> String {
    let docs = std::fs::read_to_string(root().join("docs/integrations.md")).unwrap();
    let start = docs.find(&format!("```yaml\n# {name}\n")).unwrap_or_else(|| panic!("no yaml block for {name}"));
    let body = &docs[start + "```yaml\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run(program: &str, args: &[&str], file: &Path) -> (bool, String) {
    let out = std::process::Command::new(program).args(args).arg(file).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn hook_manifest_runs_check_on_toml_files() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<serde_json::Value> = serde_norway::from_str(&text).unwrap();
    let hook = hooks.iter().find(|h| h["id"] == "mentor-agree-check").expect("the mentor-agree-check hook");
    assert_eq!(hook["language"], "rust");
    // The entry is this binary's `check`, which takes the staged files as paths.
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry, ["mentor-agree", "check"]);
    // pre-commit matches `files` and `exclude` (Python regexes) against repository paths:
    // agreements anywhere are checked; program.toml, taplo's and cargo's files are not.
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    let exclude = regex::Regex::new(hook["exclude"].as_str().unwrap()).unwrap();
    let checked = |path: &str| files.is_match(path) && !exclude.is_match(path);
    for path in ["agreements/ada-grace.toml", "a.toml", "agreements/fellows/x.toml", "cargo-notes.toml"] {
        assert!(checked(path), "{path} should be checked");
    }
    for path in ["program.toml", "agreements/fellows/program.toml", "Cargo.toml", ".taplo.toml", "taplo.toml", "a.json"]
    {
        assert!(!checked(path), "{path} should not be checked");
    }
}

#[test]
fn pre_commit_accepts_the_manifest_and_the_documented_config() {
    if !have_tool("pre-commit", "--version") {
        return;
    }
    let (ok, out) = run("pre-commit", &["validate-manifest"], &root().join(".pre-commit-hooks.yaml"));
    assert!(ok, "{out}");

    let dir = tempfile::tempdir().unwrap();
    let manifest = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let broken = write(dir.path(), "broken.yaml", &manifest.replace("  entry: mentor-agree check\n", ""));
    let (ok, out) = run("pre-commit", &["validate-manifest"], &broken);
    assert!(!ok && out.contains("entry"), "a manifest without entry must fail:\n{out}");

    let config = write(dir.path(), ".pre-commit-config.yaml", &docs_block(".pre-commit-config.yaml"));
    let (ok, out) = run("pre-commit", &["validate-config"], &config);
    assert!(ok, "{out}");
    assert!(docs_block(".pre-commit-config.yaml").contains("id: mentor-agree-check"));
}

#[test]
fn documented_workflows_are_valid_github_workflows() {
    if !have_tool("check-jsonschema", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in [
        ".github/workflows/mentor-agree.yml",
        ".github/workflows/agreements.yml",
        ".github/workflows/agreements-sarif.yml",
    ] {
        let block = docs_block(name);
        let file = write(dir.path(), &name.replace('/', "_"), &block);
        let (ok, out) = run("check-jsonschema", &["--builtin-schema", "vendor.github-workflows"], &file);
        assert!(ok, "{name}:\n{out}");
        assert!(block.contains("uses: mentor-agree/mentor-agree@v") || block.contains("mentor-agree check"), "{block}");
    }
    // Code scanning through the action's input, or by hand.
    let with_action = docs_block(".github/workflows/agreements.yml");
    assert!(with_action.contains("sarif: \"true\"") && with_action.contains("security-events: write"));
    let by_hand = docs_block(".github/workflows/agreements-sarif.yml");
    assert!(by_hand.contains("--format sarif") && by_hand.contains("github/codeql-action/upload-sarif"));
    assert!(by_hand.contains("security-events: write"));
}
