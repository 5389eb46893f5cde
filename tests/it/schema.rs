//! `mentor-agree schema`: the JSON Schema, checked by a third-party validator
//! (check-jsonschema) against the real example files.

use crate::common;

use std::path::{Path, PathBuf};

use common::{cmd, example, have_tool};

/// TOML → JSON the way editors and validators see it: dates become "YYYY-MM-DD" strings.
fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

fn json_of(toml_text: &str) -> String {
    let value: toml::Value = toml::from_str(toml_text).expect("valid TOML");
    serde_json::to_string_pretty(&toml_to_json(value)).unwrap()
}

fn example_agreements() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(example(""))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.file_name().unwrap() != "program.toml")
        .collect();
    files.sort();
    files
}

fn write_schema(dir: &Path) -> PathBuf {
    let path = dir.join("agreement.schema.json");
    cmd().args(["schema", "-o"]).arg(&path).assert().success();
    path
}

/// Runs check-jsonschema on JSON documents; returns (success, output).
fn validate(schema: &Path, docs: &[PathBuf]) -> (bool, String) {
    let out = std::process::Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .args(docs)
        .output()
        .expect("check-jsonschema runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn schema_is_json_on_stdout_and_matches_the_file_output() {
    let out = cmd().arg("schema").assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("schema is JSON");
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(v["additionalProperties"], false);
    let dir = tempfile::tempdir().unwrap();
    let path = write_schema(dir.path());
    assert_eq!(std::fs::read(path).unwrap(), out, "-o writes exactly what stdout shows");
}

#[test]
fn check_jsonschema_accepts_every_example_and_rejects_typos() {
    if !have_tool("check-jsonschema", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let schema = write_schema(dir.path());

    // The schema itself is a valid draft 2020-12 schema.
    let meta = std::process::Command::new("check-jsonschema").arg("--check-metaschema").arg(&schema).output().unwrap();
    assert!(meta.status.success(), "{}", String::from_utf8_lossy(&meta.stdout));

    let mut docs = Vec::new();
    for file in example_agreements() {
        let json = dir.path().join(file.file_name().unwrap()).with_extension("json");
        std::fs::write(&json, json_of(&std::fs::read_to_string(&file).unwrap())).unwrap();
        docs.push(json);
    }
    assert!(docs.len() >= 5, "examples found: {docs:?}");
    let (ok, out) = validate(&schema, &docs);
    assert!(ok, "examples should pass the schema:\n{out}");

    // One typo per document, each must fail with a message naming the key.
    let valid = std::fs::read_to_string(example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    for (from, to, expect) in [
        ("session_minutes = 45", "sesion_minutes = 45", "sesion_minutes"),
        ("[reviews]", "[review]", "review"),
        ("role = \"lead\"", "role = \"boss\"", "boss"),
        ("frequency = \"fortnightly\"", "frequency = \"biweekly\"", "biweekly"),
        ("start = 2026-09-07", "start = 2026-09-07\nweeks = 39", "months"),
        ("format = 1", "format = 2", "1 was expected"),
    ] {
        assert!(valid.contains(from), "example lacks {from}");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, json_of(&valid.replacen(from, to, 1))).unwrap();
        let (ok, out) = validate(&schema, std::slice::from_ref(&bad));
        assert!(!ok, "`{to}` should fail the schema");
        assert!(out.contains(expect), "`{to}`: output does not mention {expect}:\n{out}");
    }
}

#[test]
fn the_common_mistakes_example_fails_the_schema_too() {
    if !have_tool("check-jsonschema", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let schema = write_schema(dir.path());
    let doc = dir.path().join("mistakes.json");
    std::fs::write(&doc, json_of(&std::fs::read_to_string(example("common-mistakes.toml.example")).unwrap())).unwrap();
    let (ok, out) = validate(&schema, &[doc]);
    assert!(!ok);
    for key in ["sesion_minutes", "Common Mistakes", "ada@example"] {
        assert!(out.contains(key), "expected a complaint about {key}:\n{out}");
    }
}

#[test]
fn taplo_setup_files_are_documented_consistently() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let taplo: toml::Table =
        std::fs::read_to_string(root.join(".taplo.toml")).unwrap().parse().expect(".taplo.toml is TOML");
    let rule = &taplo["rule"].as_array().expect("[[rule]]")[0];
    assert_eq!(rule["schema"]["path"].as_str(), Some("./agreement.schema.json"));
    let docs = std::fs::read_to_string(root.join("docs/integrations.md")).unwrap();
    assert!(docs.contains("#:schema ../agreement.schema.json"), "agreements/ files point one folder up");
    assert!(docs.contains("mentor-agree schema -o agreement.schema.json"));
}

/// Editors (through the schema) and `check` hold emails to one rule: an address
/// the schema accepts, `check` accepts, and one it rejects is `bad-email`.
#[test]
fn the_schema_and_check_agree_on_emails() {
    if !have_tool("check-jsonschema", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let schema = write_schema(dir.path());
    let valid = std::fs::read_to_string(example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    for (email, good) in [
        ("maya@mail.example.co.uk", true),
        ("maya+mentoring@example.org", true),
        ("maya@例子.广告", true),
        ("maya@example.c0m", false),
        ("maya@-example.org", false),
        ("maya@example-.org", false),
        ("maya@example", false),
        ("maya@example.o", false),
        ("maya@@example.org", false),
        ("maya okafor@example.org", false),
    ] {
        let text = valid.replacen("maya.okafor@example.org", email, 1);
        assert_ne!(text, valid);
        let toml_file = dir.path().join("agreement.toml");
        std::fs::write(&toml_file, &text).unwrap();
        let json_file = dir.path().join("agreement.json");
        std::fs::write(&json_file, json_of(&text)).unwrap();
        let (schema_ok, out) = validate(&schema, std::slice::from_ref(&json_file));
        let report = cmd().args(["check", "--format", "json"]).arg(&toml_file).output().unwrap();
        let check_ok = !String::from_utf8_lossy(&report.stdout).contains("\"bad-email\"");
        assert_eq!(schema_ok, good, "{email}: schema says {schema_ok}:\n{out}");
        assert_eq!(check_ok, good, "{email}: check says {check_ok}");
    }
}
