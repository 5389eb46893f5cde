//! `check --format sarif`: SARIF 2.1.0 for code scanning, validated against the
//! official OASIS schema (vendored in tests/fixtures/sarif/) with check-jsonschema.

use crate::common;

use common::{cmd, example, fixture, have_tool};
use mentor_agree::diagnostic::Code;
use serde_json::Value;

fn sarif_of(args: &[&str]) -> (Value, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = cmd().current_dir(root).args(["check", "--format", "sarif"]).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "the mistakes file has errors");
    let text = String::from_utf8(out.stdout).unwrap();
    (serde_json::from_str(&text).expect("SARIF is JSON"), text)
}

/// The common-mistakes example as a *.toml file (`check` skips *.toml.example), in a temporary folder.
fn mistakes() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("common-mistakes.toml");
    std::fs::copy(example("common-mistakes.toml.example"), &path).unwrap();
    (dir, path)
}

#[test]
fn one_rule_per_code_and_located_results() {
    let (_dir, m) = mistakes();
    let (log, _) = sarif_of(&["examples/2026-09-maya-okafor-tomas-rivera.toml", m.to_str().unwrap()]);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "mentor-agree");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        assert_eq!(rule["id"], code.as_str());
        assert_eq!(rule["shortDescription"]["text"], code.summary());
        assert!(rule["help"]["text"].as_str().unwrap().starts_with(code.fix()));
        assert_eq!(rule["defaultConfiguration"]["level"], code.default_severity().as_str());
    }

    // Same problems, places and severities as the JSON report.
    let json: Value =
        serde_json::from_slice(&cmd().args(["check", "--format", "json"]).arg(&m).output().unwrap().stdout).unwrap();
    let expected = json["diagnostics"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len());
    assert!(results.len() > 5);
    for (r, d) in results.iter().zip(expected) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(r["level"], d["severity"]);
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], d["code"]);
        assert!(r["message"]["text"].as_str().unwrap().starts_with(d["message"].as_str().unwrap()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], d["line"]);
        assert_eq!(region["startColumn"], d["column"]);
    }
    let typo = results.iter().find(|r| r["ruleId"] == "unknown-key").unwrap();
    assert!(typo["message"]["text"].as_str().unwrap().contains("did you mean `session_minutes`?"));
    assert_eq!(typo["locations"][0]["physicalLocation"]["region"]["snippet"]["text"], "sesion_minutes");
}

#[test]
fn uris_are_relative_to_the_working_directory_with_forward_slashes() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("agreements").join("2026 cohort");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(example("common-mistakes.toml.example"), sub.join("a.toml")).unwrap();
    for arg in [sub.join("a.toml").display().to_string(), "agreements".to_string()] {
        let out = cmd().current_dir(dir.path()).args(["check", "--format", "sarif", &arg]).output().unwrap();
        let log: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        // The file has several mistakes: the loop below checks something.
        assert!(results.len() >= 3, "{arg}: {} results", results.len());
        for r in results {
            assert_eq!(
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                "agreements/2026%20cohort/a.toml"
            );
        }
    }
}

#[test]
fn a_clean_run_is_a_valid_log_with_no_results() {
    let out = cmd()
        .args(["check", "--format", "sarif"])
        .arg(example("2026-09-maya-okafor-tomas-rivera.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"], Value::Array(vec![]));
}

#[test]
fn validates_against_the_official_sarif_schema() {
    if !have_tool("check-jsonschema", "--version") {
        return;
    }
    let schema = fixture("sarif/sarif-schema-2.1.0.json");
    let dir = tempfile::tempdir().unwrap();
    let (_dir, m) = mistakes();
    let (log, text) = sarif_of(&["examples", m.to_str().unwrap(), "tests/fixtures/fixes/unknown-key/agreement.toml"]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["fixes"].is_array()), "the validated log carries fixes too");
    let good = dir.path().join("good.sarif.json");
    std::fs::write(&good, &text).unwrap();

    // A broken copy must fail, so a pass means something.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let bad = dir.path().join("bad.sarif.json");
    std::fs::write(&bad, serde_json::to_string(&broken).unwrap()).unwrap();

    let run = |f: &std::path::Path| {
        std::process::Command::new("check-jsonschema").arg("--schemafile").arg(&schema).arg(f).output().unwrap()
    };
    let ok = run(&good);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let fail = run(&bad);
    assert!(!fail.status.success(), "the validator accepted an invalid level");
    assert!(String::from_utf8_lossy(&fail.stdout).contains("fatal"));
}

/// The replacements of every fix in a SARIF log, for one artifact, applied to `text`.
fn apply_fixes(log: &Value, uri: &str, text: &[u8]) -> Vec<u8> {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for r in log["runs"][0]["results"].as_array().unwrap() {
        for fix in r["fixes"].as_array().into_iter().flatten() {
            assert!(fix["description"]["text"].as_str().is_some_and(|d| !d.is_empty()), "{fix}");
            for change in fix["artifactChanges"].as_array().unwrap() {
                assert_eq!(change["artifactLocation"]["uri"], uri);
                for rep in change["replacements"].as_array().unwrap() {
                    let region = &rep["deletedRegion"];
                    let offset = region["byteOffset"].as_u64().unwrap() as usize;
                    let length = region["byteLength"].as_u64().unwrap() as usize;
                    edits.push((offset, length, rep["insertedContent"]["text"].as_str().unwrap().to_string()));
                }
            }
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_vec();
    for (offset, length, inserted) in edits {
        out.splice(offset..offset + length, inserted.into_bytes());
    }
    out
}

#[test]
fn fixes_are_the_replacements_check_fix_makes() {
    for entry in std::fs::read_dir(common::fixture("fixes")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(dir.join("agreement.toml"), tmp.path().join("agreement.toml")).unwrap();
        let out =
            cmd().current_dir(tmp.path()).args(["check", "--format", "sarif", "agreement.toml"]).output().unwrap();
        let log: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(results.iter().any(|r| r["ruleId"] == name.as_str() && r["fixes"].is_array()), "fixes/{name}: {log}");
        let before = std::fs::read(tmp.path().join("agreement.toml")).unwrap();
        let fixed = apply_fixes(&log, "agreement.toml", &before);
        let want = std::fs::read(dir.join("fixed.toml")).unwrap();
        assert_eq!(String::from_utf8(fixed).unwrap(), String::from_utf8(want).unwrap(), "fixes/{name}");
    }
}

#[test]
fn fixes_that_would_change_signed_terms_are_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.toml");
    let text = std::fs::read_to_string(common::fixture("codes/bad-email/agreement.toml")).unwrap();
    let old_digest = "sha256:a3ed123495dcc8802ce66d3da2a48d4a0bf26a8d58cdcf03825dd26065340d6c";
    assert!(text.contains(old_digest));
    std::fs::write(&file, text.replace("grace@example\"", "mailto:grace@example.org\"")).unwrap();
    // Everyone signed the terms with the mailto: address, so removing it would change them.
    let out = cmd().arg("terms").arg(&file).arg("--digest").output().unwrap();
    let digest = String::from_utf8(out.stdout).unwrap().trim().to_string();
    std::fs::write(&file, std::fs::read_to_string(&file).unwrap().replace(old_digest, &digest)).unwrap();
    let json = cmd().current_dir(tmp.path()).args(["check", "--format", "json", "a.toml"]).output().unwrap();
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["fix"]["safe"], false, "the fix exists, and is unsafe: {json}");
    let out = cmd().current_dir(tmp.path()).args(["check", "--format", "sarif", "a.toml"]).output().unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "bad-email");
    assert!(result.get("fixes").is_none(), "{result}");
}
