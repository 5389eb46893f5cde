//! Inputs the coverage-guided fuzzer (`fuzz/`, see docs/fragments/safety.md)
//! found to break an invariant, kept as regression fixtures in
//! `tests/fixtures/fuzz/`. Each must check to a complete report (exit 0/1, valid
//! JSON), with every located problem inside its shown line, render or fail
//! cleanly (exit 0 or 2), never panic, and keep its bytes under an appended entry.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use common::cmd;
use mentor_agree::engine::{self, Settings};
use mentor_agree::program::Program;
use mentor_agree::{edit, rules};

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::fixture("fuzz"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fuzz fixtures");
    files
}

#[test]
fn located_problems_stay_inside_their_line() {
    let settings = Settings {
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        options: rules::Options { require_signed: true },
        ssh: None,
    };
    for file in fixtures() {
        let Ok(text) = engine::decode(std::fs::read(&file).unwrap()) else { continue };
        let checked = engine::check_text(Path::new("x.toml"), &text, Arc::new(Program::builtin()), &settings);
        assert!(!checked.diagnostics.is_empty(), "{}: expected problems", file.display());
        for d in &checked.diagnostics {
            let p = &d.position;
            assert!(p.line >= 1 && p.column >= 1, "{}: {p:?}", file.display());
            assert!(p.line_span.start <= p.line_span.end, "{}: {p:?}", file.display());
            assert!(p.line_span.end <= p.source_line.len(), "{}: {p:?}", file.display());
        }
    }
}

#[test]
fn check_and_render_finish_cleanly() {
    for file in fixtures() {
        let out = cmd().args(["check", "--format", "json"]).arg(&file).output().unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1)), "{}: check exited {code:?}", file.display());
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: invalid JSON ({e})", file.display()));
        assert_eq!(json["checked"], 1);
        let human = cmd().arg("check").arg(&file).output().unwrap();
        assert_eq!(human.status.code(), code, "{}", file.display());
        for format in ["md", "html"] {
            let out = cmd().args(["render", "--format", format]).arg(&file).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(matches!(out.status.code(), Some(0 | 2)), "{}: render {format}: {stderr}", file.display());
            assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
        }
    }
}

#[test]
fn an_appended_entry_keeps_the_original_bytes() {
    let date = edit::date_value(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    let mut edited = 0;
    for file in fixtures() {
        let Ok(text) = String::from_utf8(std::fs::read(&file).unwrap()) else { continue };
        let Ok(mut doc) = text.parse::<toml_edit::DocumentMut>() else { continue };
        let baseline = doc.to_string();
        let mut entry = toml_edit::Table::new();
        entry.insert("date", toml_edit::Item::Value(date.clone()));
        entry.insert("by", toml_edit::value("mentee"));
        edit::append_table_entry(&mut doc, "checkins", entry).unwrap();
        let out = edit::carry_over(&text, &baseline, &doc.to_string());
        assert!(out.starts_with(&text), "{}:\n{out}", file.display());
        edited += 1;
    }
    assert!(edited > 0);
}

/// Hostile files beyond the fuzzer's finds, for the commands that read one agreement.
fn hostile_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = fixtures();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("nul.toml", b"format = 1\n[mentor]\nname = \"a\0b\"\n".to_vec()),
        ("invalid-utf8.toml", b"format = 1\n[mentor]\nname = \"\xc3\x28\"\n".to_vec()),
        ("deep.toml", format!("format = 1\nx = {}{}", "[".repeat(20_000), "]".repeat(20_000)).into_bytes()),
        ("huge-name.toml", format!("format = 1\n[mentor]\nname = \"{}\"\n", "=x".repeat(500_000)).into_bytes()),
        (
            "odd-signatures.toml",
            b"format = 1\n[[signatures]]\nrole = 7\nname = [\"x\"]\ndate = \"2026-11-20\"\n[[signatures]]\nrole = \"mentor\"\n"
                .to_vec(),
        ),
        ("empty.toml", Vec::new()),
    ];
    for (name, bytes) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        files.push(path);
    }
    files.push(common::example("common-mistakes.toml.example"));
    files
}

#[test]
fn every_reading_command_finishes_cleanly_on_hostile_files() {
    let dir = tempfile::tempdir().unwrap();
    for file in hostile_files(dir.path()) {
        let name = file.display().to_string();
        let site = dir.path().join("site");
        let runs: [&[&str]; 7] = [
            &["status", "--format", "json"],
            &["status", "--format", "csv"],
            &["terms"],
            &["terms", "--digest"],
            &["terms", "--statement", "mentor"],
            &["calendar"],
            &["render", "--site", site.to_str().unwrap()],
        ];
        for args in runs {
            let out = cmd().args(args).arg(&file).timeout(std::time::Duration::from_secs(60)).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            assert!(matches!(code, Some(0..=2)), "{name}: {args:?} exited {code:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{name}: {args:?}: {stderr}");
            if args == ["status", "--format", "json"] {
                let rows: serde_json::Value = serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("{name}: status JSON ({e}): {stderr}"));
                assert_eq!(rows.as_array().map(Vec::len), Some(1), "{name}: one row per file");
            }
            if args == ["status", "--format", "csv"] {
                let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
                let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
                assert_eq!(records.len(), 1, "{name}: one CSV row per file");
                assert!(
                    records[0].iter().all(|c| !c.starts_with(['=', '+', '-', '@', '\t', '\r'])),
                    "{name}: {:?}",
                    records[0]
                );
            }
        }
        // A site run leaves no staging folder, whatever happened.
        let hidden: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".site."))
            .collect();
        assert!(hidden.is_empty(), "{name}: {hidden:?}");
        let _ = std::fs::remove_dir_all(&site);
    }
}

/// Every fix, safe or not, applied together to a fixture that is TOML leaves it
/// TOML (adding `format` and renaming a misspelt `nformat` to it used to make a
/// duplicate key).
#[test]
fn every_fix_together_keeps_a_toml_file_toml() {
    let settings = Settings {
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        options: rules::Options::default(),
        ssh: None,
    };
    for file in fixtures() {
        let Ok(text) = engine::decode(std::fs::read(&file).unwrap()) else { continue };
        if text.parse::<toml::Table>().is_err() {
            continue;
        }
        let program = Arc::new(Program::builtin());
        let fixed = mentor_agree::edit::fix::fix_text(
            Path::new("x.toml"),
            &text,
            program,
            &settings,
            mentor_agree::edit::fix::Which::All,
        );
        assert!(fixed.text.parse::<toml::Table>().is_ok(), "{}: {:?}", file.display(), fixed.applied);
    }
}
