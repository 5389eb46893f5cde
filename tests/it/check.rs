//! `mentor-agree check`: one fixture per diagnostic code, exit codes, output formats.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{cmd, example, fixture};
use mentor_agree::diagnostic::Code;
use predicates::prelude::*;
use serde_json::Value;

fn json_check(args: &[&str], path: &Path) -> (i32, Value) {
    let out = cmd().arg("check").arg(path).args(args).args(["--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", path.display(), String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), json)
}

fn codes_of(json: &Value) -> Vec<String> {
    let mut codes: Vec<String> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    codes.sort();
    codes
}

#[test]
fn every_code_has_a_fixture_raising_exactly_that_code() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        let name = code.as_str();
        let dir = fixture(&format!("codes/{name}"));
        assert!(dir.is_dir(), "no fixture folder for `{name}` at {}", dir.display());
        let args: Vec<String> = fs::read_to_string(dir.join("args"))
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (status, json) = json_check(&args, &dir);
        let got = codes_of(&json);
        let expected: Vec<String> = match fs::read_to_string(dir.join("expect")) {
            Ok(list) => list.lines().map(str::to_string).collect(),
            Err(_) => {
                // Without an `expect` file the fixture must raise this code, and only this one (any number of times).
                let mut uniq = got.clone();
                uniq.dedup();
                if uniq == vec![name.to_string()] { got.clone() } else { vec![name.to_string()] }
            }
        };
        if got != expected {
            failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
            continue;
        }
        let want_status = if code.default_severity() == mentor_agree::diagnostic::Severity::Error { 1 } else { 0 };
        if status != want_status {
            failures.push(format!("{name}: exit {status}, expected {want_status}"));
        }
        // Every location points inside the file it names.
        for d in json["diagnostics"].as_array().unwrap() {
            let file = d["file"].as_str().unwrap();
            let lines = fs::read_to_string(file).map(|t| t.lines().count()).unwrap_or(1).max(1);
            let line = d["line"].as_u64().unwrap() as usize;
            if line == 0 || line > lines || d["column"].as_u64().unwrap() == 0 {
                failures.push(format!("{name}: location {line}:{} outside {file}", d["column"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixtures_have_no_stray_folders() {
    for entry in fs::read_dir(fixture("codes")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(Code::from_name(&name).is_some(), "fixture folder `{name}` names no code");
    }
}

#[test]
fn diagnostics_point_at_the_offending_key_or_value() {
    let (_, json) = json_check(&[], &fixture("codes/unknown-key"));
    let d = &json["diagnostics"][0];
    let text = fs::read_to_string(fixture("codes/unknown-key/agreement.toml")).unwrap();
    let line = text.lines().nth(d["line"].as_u64().unwrap() as usize - 1).unwrap();
    assert!(line.starts_with("emial"), "{line}");
    assert_eq!(d["column"], 1);
    assert_eq!(d["help"], "did you mean `email`?");

    let (_, json) = json_check(&[], &fixture("codes/session-too-long"));
    let d = &json["diagnostics"][0];
    let line = fs::read_to_string(fixture("codes/session-too-long/agreement.toml")).unwrap();
    let line = line.lines().nth(d["line"].as_u64().unwrap() as usize - 1).unwrap().to_string();
    assert_eq!(&line[d["column"].as_u64().unwrap() as usize - 1..], "180");
    assert!(d["message"].as_str().unwrap().contains("maximum of 120 minutes"), "{}", d["message"]);
}

#[test]
fn missing_keys_point_at_their_table_header() {
    let (_, json) = json_check(&[], &fixture("codes/missing-key"));
    let d = &json["diagnostics"][0];
    let text = fs::read_to_string(fixture("codes/missing-key/agreement.toml")).unwrap();
    assert_eq!(text.lines().nth(d["line"].as_u64().unwrap() as usize - 1), Some("[lead]"));
}

#[test]
fn biweekly_explains_the_ambiguity() {
    let (_, json) = json_check(&[], &fixture("codes/frequency-unknown"));
    let d = &json["diagnostics"][0];
    assert!(d["message"].as_str().unwrap().contains("ambiguous"));
    assert!(d["help"].as_str().unwrap().contains("fortnightly"));
}

#[test]
fn examples_pass_check() {
    cmd().arg("check").arg(example("")).assert().success().stdout(predicates::str::contains("no problems"));
    // And on the real clock too, as the README runs it.
    let mut c = assert_cmd::Command::cargo_bin("mentor-agree").unwrap();
    c.env_remove("MENTOR_AGREE_TODAY").arg("check").arg(example("")).assert().success();
}

#[test]
fn the_common_mistakes_example_fails_with_many_codes() {
    let (status, json) = json_check(&[], &example("common-mistakes.toml.example"));
    assert_eq!(status, 1);
    let mut codes = codes_of(&json);
    codes.dedup();
    assert!(codes.len() >= 10, "{codes:?}");
}

#[test]
fn exit_codes() {
    // Warnings only: success, unless --deny-warnings.
    let warn = fixture("codes/goal-vague-measure");
    cmd().arg("check").arg(&warn).assert().code(0);
    cmd().arg("check").arg(&warn).arg("--deny-warnings").assert().code(1);
    // Errors.
    cmd().arg("check").arg(fixture("codes/bad-email")).assert().code(1);
    // The run cannot be done.
    cmd().arg("check").arg("no/such/path.toml").assert().code(2).stderr(predicates::str::contains("no/such/path.toml"));
    cmd().arg("check").arg("--today").arg("2026-02-30").arg(&warn).assert().code(2);
    cmd().args(["check", "--format", "yaml"]).arg(&warn).assert().code(2);
}

#[test]
fn a_broken_program_file_stops_the_run_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("program.toml"), "[rules.goals]\nmaxx = 3\n").unwrap();
    fs::copy(example("2027-01-li-wei-sara-haddad.toml"), dir.path().join("a.toml")).unwrap();
    cmd()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("program.toml"))
        .stderr(predicates::str::contains("program.toml:2:1"))
        .stderr(predicates::str::contains("error: unknown key `maxx`"))
        .stderr(predicates::str::contains("did you mean `max`?"));
}

#[test]
fn program_toml_named_on_the_command_line_is_checked_as_the_program_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("program.toml"), "[program]\nname = \"Riverside\"\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["check", "program.toml"])
        .assert()
        .code(0)
        .stdout("program.toml: the program file; its rules are valid\n");
    // A mistake in it is a located report with a did-you-mean, and the run cannot go on.
    fs::write(dir.path().join("program.toml"), "[program]\nnmae = \"Riverside\"\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["check", "program.toml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::starts_with("error: unknown key `nmae`\n --> program.toml:2:1\n"))
        .stderr(predicates::str::contains("did you mean `name`?"))
        .stderr(predicates::str::contains("checked").not());
}

#[test]
fn a_folder_without_agreements_warns_and_fails_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("agreements")).unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["check", "agreements"])
        .assert()
        .code(0)
        .stderr(predicates::str::contains("warning: no agreement files (*.toml) in agreements: is the path right?"));
    cmd().current_dir(dir.path()).args(["check", "agreements", "--deny-warnings"]).assert().code(1);
    // With no path, the folder searched is named as well.
    cmd()
        .current_dir(dir.path())
        .args(["check", "--deny-warnings"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("warning: no agreement files (*.toml) in agreements: is the path right?"));
    // Not for a folder that has one.
    fs::copy(example("2027-01-li-wei-sara-haddad.toml"), dir.path().join("agreements/a.toml")).unwrap();
    cmd().current_dir(dir.path()).args(["check", "agreements"]).assert().stderr("");
}

#[test]
fn with_no_path_files_are_shown_relative_to_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("program.toml"), "").unwrap();
    fs::create_dir(dir.path().join("agreements")).unwrap();
    fs::copy(fixture("codes/bad-email/agreement.toml"), dir.path().join("agreements/a.toml")).unwrap();
    let out = cmd().current_dir(dir.path()).args(["check", "--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["file"].as_str(), Some("agreements/a.toml"), "{json}");
    let out = cmd().current_dir(dir.path()).arg("check").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("--> agreements/a.toml:"));
    let out = cmd().current_dir(dir.path()).args(["status", "--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["file"].as_str(), Some("agreements/a.toml"), "{json}");
}

#[test]
fn levels_change_severity_or_turn_codes_off() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(fixture("codes/goal-vague-measure/agreement.toml"), dir.path().join("a.toml")).unwrap();
    fs::write(dir.path().join("program.toml"), "[levels]\ngoal-vague-measure = \"error\"\n").unwrap();
    let (status, json) = json_check(&[], dir.path());
    assert_eq!((status, json["errors"].as_u64()), (1, Some(1)));
    fs::write(dir.path().join("program.toml"), "[levels]\ngoal-vague-measure = \"off\"\n").unwrap();
    let (status, json) = json_check(&[], dir.path());
    assert_eq!((status, codes_of(&json)), (0, Vec::<String>::new()));
}

#[test]
fn program_override_applies_to_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("strict.toml");
    fs::write(&program, "[rules.schedule]\nmax_session_minutes = 30\n").unwrap();
    // Which examples have sessions over 30 minutes, read from their text here.
    let mut longer: Vec<String> = Vec::new();
    let mut todo = vec![example("")];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") && path.file_name().unwrap() != "program.toml" {
                let text = fs::read_to_string(&path).unwrap();
                let minutes =
                    text.lines().find_map(|l| l.strip_prefix("session_minutes = ")).map(|m| m.parse::<u32>().unwrap());
                if minutes.is_some_and(|m| m > 30) {
                    longer.push(path.file_name().unwrap().to_string_lossy().into_owned());
                }
            }
        }
    }
    longer.sort();
    assert!(longer.len() >= 3 && longer.iter().any(|f| f.contains("kofi")), "{longer:?}");
    let flagged = |with_override: bool| {
        let mut c = cmd();
        if with_override {
            c.arg("--program").arg(&program);
        }
        let out = c.arg("check").arg(example("")).args(["--format", "json"]).output().unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut files: Vec<String> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "session-too-long")
            .map(|d| Path::new(d["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        files.sort();
        (out.status.code(), files)
    };
    // Without the override no example is too long; with it, every long one is,
    // the one under its own program (which allows 90 minutes) included.
    assert_eq!(flagged(false), (Some(0), vec![]));
    assert_eq!(flagged(true), (Some(1), longer));
}

#[test]
fn default_path_is_the_programs_agreements_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("program.toml"), "[program]\nagreements = \"pairs\"\n").unwrap();
    fs::create_dir(dir.path().join("pairs")).unwrap();
    fs::copy(example("2027-01-li-wei-sara-haddad.toml"), dir.path().join("pairs/a.toml")).unwrap();
    fs::copy(fixture("codes/bad-email/agreement.toml"), dir.path().join("pairs/b.toml")).unwrap();
    let out = cmd().current_dir(dir.path()).args(["check", "--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["checked"], 2);
    assert_eq!(codes_of(&json), vec!["bad-email"]);
    // Without such a folder the run cannot be done.
    let empty = tempfile::tempdir().unwrap();
    cmd()
        .current_dir(empty.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no agreements folder"));
}

#[test]
fn json_report_shape_is_stable() {
    let (_, json) = json_check(&[], &fixture("codes/goal-no-due"));
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["checked", "diagnostics", "errors", "warnings"]);
    assert_eq!(
        (json["checked"].as_u64(), json["errors"].as_u64(), json["warnings"].as_u64()),
        (Some(1), Some(1), Some(0))
    );
    let d = json["diagnostics"][0].as_object().unwrap();
    let mut keys: Vec<&str> = d.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["code", "column", "file", "fix", "help", "line", "message", "severity"]);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "goal-no-due");
}

#[test]
fn github_format_emits_one_workflow_command_per_problem() {
    let out =
        cmd().arg("check").arg(fixture("codes/review-outside-term")).args(["--format", "github"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line = lines[0];
    assert!(line.starts_with("::error file="), "{line}");
    assert!(line.contains(",line=26,col=34,"), "{line}");
    assert!(line.contains(",title=review-outside-term::the review on 2027-05-01 is outside the term"), "{line}");
    let warn = cmd().arg("check").arg(fixture("codes/goal-duplicate")).args(["--format", "github"]).output().unwrap();
    assert!(String::from_utf8(warn.stdout).unwrap().starts_with("::warning file="));
}

#[test]
fn duplicate_ids_are_reported_once_per_extra_file() {
    let (_, json) = json_check(&[], &fixture("codes/duplicate-id"));
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert!(diags[0]["file"].as_str().unwrap().ends_with("second.toml"));
    assert!(diags[0]["message"].as_str().unwrap().contains("agreement.toml"));
}

#[test]
fn human_report_snapshot() {
    let out = cmd()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "examples/common-mistakes.toml.example"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let f = fixture("codes/bad-email");
    let plain = cmd().arg("check").arg(&f).output().unwrap();
    assert!(!plain.stdout.contains(&0x1b), "no escape codes when not a terminal");
    let forced = cmd().arg("check").arg(&f).args(["--color", "always"]).output().unwrap();
    assert!(forced.stdout.contains(&0x1b), "--color always colours");
}

#[test]
fn unreadable_text_is_a_located_syntax_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let cases: BTreeMap<&str, Vec<u8>> = BTreeMap::from([
        ("binary.toml", vec![0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]),
        ("latin1.toml", b"format = 1\n[mentor]\nname = \"Ren\xe9\"\n".to_vec()),
        ("empty.toml", Vec::new()),
        ("truncated.toml", b"format = 1\n[mentor]\nname = \"Ada".to_vec()),
        ("nul.toml", b"format = 1\x00\n".to_vec()),
    ]);
    for (name, bytes) in &cases {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (status, json) = json_check(&[], dir.path());
    assert_eq!(status, 1);
    let diags = json["diagnostics"].as_array().unwrap();
    for name in cases.keys() {
        let d = diags.iter().find(|d| d["file"].as_str().unwrap().ends_with(name)).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(d["code"], "toml-syntax", "{name}");
    }
    let latin1 = diags.iter().find(|d| d["file"].as_str().unwrap().ends_with("latin1.toml")).unwrap();
    assert_eq!((latin1["line"].as_u64(), latin1["column"].as_u64()), (Some(3), Some(12)));
}

#[test]
fn impossible_dates_are_wrong_type() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        fs::read_to_string(example("2027-01-li-wei-sara-haddad.toml")).unwrap().replace("2027-01-11", "2027-02-30");
    fs::write(dir.path().join("a.toml"), text).unwrap();
    let (status, json) = json_check(&[], dir.path());
    assert_eq!((status, codes_of(&json)), (1, vec!["wrong-type".to_string()]));
}

#[test]
fn reformatting_keeps_signatures_and_a_change_of_meaning_is_an_amendment() {
    let original = fs::read_to_string(example("2026-05-hana-sato-diego-alvarez.toml")).unwrap();
    // Same meaning: comments gone, tables inline, keys reordered, other quoting.
    let reformatted = original
        .replace("# An agreement the mentee ended early by written notice.\n", "")
        .replace("[mentor]\nname = \"Hana Sato\"\n", "")
        .replace(
            "topics = [\"interview preparation\"]",
            "mentor = { name = 'Hana Sato' }   # inline now\ntopics = [ 'interview preparation', ]",
        )
        .replace("months = 4", "months = 0x4")
        .replace(
            "frequency = \"weekly\"\nsession_minutes = 30",
            "session_minutes = 30\nfrequency = \"\"\"weekly\"\"\"",
        );
    assert_ne!(reformatted, original);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    fs::write(&path, &reformatted).unwrap();
    let (status, json) = json_check(&[], &path);
    assert_eq!((status, codes_of(&json)), (0, Vec::<String>::new()), "{reformatted}");

    // A change of meaning after everyone signed is an amendment: in force are the
    // terms they signed until each signs the new ones.
    fs::write(&path, original.replace("session_minutes = 30", "session_minutes = 31")).unwrap();
    let (status, json) = json_check(&[], &path);
    assert_eq!((status, codes_of(&json)), (0, Vec::<String>::new()));
    let (status, json) = json_check(&["--require-signed"], &path);
    assert_eq!((status, codes_of(&json)), (1, vec!["unsigned".to_string(); 3]));
    assert!(json["diagnostics"][0]["message"].as_str().unwrap().contains("has not signed the amended terms"), "{json}");
}

#[test]
fn terms_prints_the_canonical_bytes_that_signatures_digest() {
    let file = example("2026-09-maya-okafor-tomas-rivera.toml");
    let out = cmd().arg("terms").arg(&file).output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"{\"format\":1,"), "{}", String::from_utf8_lossy(&out.stdout));
    assert_ne!(out.stdout.last(), Some(&b'\n'), "no trailing newline");
    use sha2::Digest as _;
    let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&out.stdout)));
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches(&format!("terms = \"{digest}\"")).count(), 3);
    let printed = cmd().arg("terms").arg("--digest").arg(&file).output().unwrap();
    assert_eq!(String::from_utf8(printed.stdout).unwrap().trim(), digest);
}

#[test]
fn check_handles_thousands_of_files() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(example("2027-01-li-wei-sara-haddad.toml")).unwrap();
    let text = text.replace("id = \"2027-01-li-wei-sara-haddad\"\n", "");
    for i in 0..2000 {
        fs::write(dir.path().join(format!("pair-{i:05}.toml")), &text).unwrap();
    }
    let (status, json) = json_check(&[], dir.path());
    assert_eq!((status, json["checked"].as_u64(), json["errors"].as_u64()), (0, Some(2000), Some(0)));
}

/// Runs `check --fix` (plus `args`) on `file`, returning exit status and stderr.
fn fix_run(file: &Path, args: &[&str]) -> (i32, String) {
    let out = cmd().arg("check").arg("--fix").args(args).arg(file).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_fixable_code_has_a_fix_fixture_that_fix_repairs_byte_for_byte() {
    let fixable: Vec<Code> = Code::ALL.iter().copied().filter(|c| c.autofix().is_some()).collect();
    let mut seen = Vec::new();
    for entry in fs::read_dir(fixture("fixes")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let code = Code::from_name(&name).unwrap_or_else(|| panic!("fixes/{name} names no code"));
        assert!(code.autofix().is_some(), "fixes/{name}: the registry does not say `{name}` is fixable");
        seen.push(code);

        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("agreement.toml");
        fs::copy(dir.join("agreement.toml"), &file).unwrap();
        let (_, json) = json_check(&[], &file);
        let raised: Vec<&Value> =
            json["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == name).collect();
        assert!(!raised.is_empty(), "fixes/{name}: the fixture does not raise `{name}`");
        assert!(raised.iter().all(|d| d["fix"]["safe"] == true), "fixes/{name}: {raised:?}");

        let (status, stderr) = fix_run(&file, &[]);
        assert_eq!(status, 0, "fixes/{name}: {stderr}");
        assert!(stderr.contains(&format!("fixed {name}")), "fixes/{name}: {stderr}");
        let want = fs::read_to_string(dir.join("fixed.toml")).unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), want, "fixes/{name}: other bytes changed");
        let (_, json) = json_check(&[], &file);
        assert_eq!(codes_of(&json), Vec::<String>::new(), "fixes/{name}");

        // Idempotent: a second run finds nothing to do and writes nothing.
        let (status, stderr) = fix_run(&file, &[]);
        assert_eq!(status, 0);
        assert!(stderr.contains("Fixed 0 problems in 0 files."), "fixes/{name}: {stderr}");
        assert_eq!(fs::read_to_string(&file).unwrap(), want);
    }
    seen.sort();
    assert_eq!(seen, fixable, "a fixable code without a fixture in tests/fixtures/fixes");
}

#[test]
fn fix_dry_run_prints_a_diff_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.toml");
    fs::copy(fixture("fixes/unknown-key/agreement.toml"), &file).unwrap();
    let before = fs::read(&file).unwrap();
    let out = cmd().args(["check", "--fix", "--dry-run"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a dry run with something to fix exits 1");
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("-sesion_minutes = 45\n+session_minutes = 45\n"), "{diff}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Would fix 1 problem in 1 file."));
    assert_eq!(fs::read(&file).unwrap(), before);
}

#[test]
fn fixes_that_change_signed_terms_wait_for_unsafe_fixes_and_name_the_stale_signatures() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.toml");
    let text = fs::read_to_string(fixture("codes/bad-email/agreement.toml")).unwrap();
    let old_digest = "sha256:a3ed123495dcc8802ce66d3da2a48d4a0bf26a8d58cdcf03825dd26065340d6c";
    assert!(text.contains(old_digest));
    fs::write(&file, text.replace("grace@example\"", "mailto:grace@example.org\"")).unwrap();
    // Everyone signed the terms with the mailto: address.
    let out = cmd().arg("terms").arg(&file).arg("--digest").output().unwrap();
    let digest = String::from_utf8(out.stdout).unwrap().trim().to_string();
    fs::write(&file, fs::read_to_string(&file).unwrap().replace(old_digest, &digest)).unwrap();
    let (_, json) = json_check(&[], &file);
    assert_eq!(codes_of(&json), ["bad-email"]);
    let d = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "bad-email").unwrap().clone();
    assert_eq!(d["fix"]["safe"], false, "{d}");

    let before = fs::read(&file).unwrap();
    let (status, stderr) = fix_run(&file, &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("1 problem left with an unsafe fix"), "{stderr}");
    assert_eq!(fs::read(&file).unwrap(), before, "safe mode must not touch signed terms");

    let (status, stderr) = fix_run(&file, &["--unsafe-fixes"]);
    assert!(stderr.contains("fixed bad-email (unsafe)"), "{stderr}");
    // The agreement had taken effect: the fix is an amendment the three must sign.
    assert!(
        stderr.contains("an amendment now awaits the signatures of mentor, mentee, lead (the terms they signed stay in force until then)"),
        "{stderr}"
    );
    assert_eq!(status, 0, "an amendment awaiting signatures is not an error: {stderr}");
    assert!(fs::read_to_string(&file).unwrap().contains("email = \"grace@example.org\""));
    let (status, json) = json_check(&["--require-signed"], &file);
    assert_eq!((status, codes_of(&json)), (1, vec!["unsigned".to_string(); 3]));

    // Before it took effect (the lead had not signed), the same fix makes the others' signatures stale.
    let draft: String = text.replace("grace@example\"", "mailto:grace@example.org\"").replace(old_digest, &digest);
    let draft = &draft[..draft.rfind("\n[[signatures]]").unwrap()];
    assert!(!draft.contains("role = \"lead\""), "the lead signed last: {draft}");
    fs::write(&file, draft).unwrap();
    let (status, stderr) = fix_run(&file, &["--unsafe-fixes"]);
    assert!(stderr.contains("these signatures are now stale: mentor, mentee"), "{stderr}");
    assert_eq!(status, 1, "the stale signatures are errors: {stderr}");
}

#[test]
fn json_diagnostics_carry_their_fix_or_null() {
    let (_, json) = json_check(&[], &fixture("fixes/wrong-type/agreement.toml"));
    let d = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "wrong-type").unwrap();
    assert_eq!(d["fix"]["safe"], true);
    assert_eq!(d["fix"]["description"], "write `goals.due` as the date 2027-03-15, unquoted");
    let (_, json) = json_check(&[], &fixture("codes/goal-no-due"));
    assert!(json["diagnostics"][0]["fix"].is_null());
}

#[test]
fn two_spellings_of_one_frequency_are_allowed_alike() {
    let agreement = fs::read_to_string(fixture("codes/frequency-not-allowed/agreement.toml")).unwrap();
    let codes = |allowed: &str, written: &str| {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("program.toml"), format!("[rules.schedule]\nfrequencies = [\"{allowed}\"]\n"))
            .unwrap();
        let text = agreement.replace("frequency = \"fortnightly\"", &format!("frequency = \"{written}\""));
        assert!(text.contains(written));
        fs::write(dir.path().join("a.toml"), text).unwrap();
        let out = cmd().arg("check").arg(dir.path().join("a.toml")).args(["--format", "json"]).output().unwrap();
        codes_of(&serde_json::from_slice(&out.stdout).unwrap())
    };
    let not_allowed = "frequency-not-allowed".to_string();
    // The control: a frequency the program does not list is refused.
    assert!(codes("weekly", "fortnightly").contains(&not_allowed));
    for (allowed, written) in [
        ("fortnightly", "every 2 weeks"),
        ("every 2 weeks", "fortnightly"),
        ("weekly", "every week"),
        ("every 1 week", "weekly"),
    ] {
        assert!(!codes(allowed, written).contains(&not_allowed), "{allowed} allowed, {written} written");
    }
}

/// The example agreement with `edit` applied to its text, in a temporary folder.
fn edited_example(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(example("2027-01-li-wei-sara-haddad.toml")).unwrap();
    let file = dir.path().join("a.toml");
    fs::write(&file, edit(&text)).unwrap();
    (dir, file)
}

#[test]
fn a_misspelt_table_gets_one_diagnostic_with_the_did_you_mean() {
    let (_dir, file) = edited_example(|t| t.replacen("[mentee]", "[mentees]", 1));
    let (status, json) = json_check(&[], &file);
    assert_eq!(status, 1);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(codes_of(&json), ["unknown-key"], "{json}");
    assert_eq!(diags[0]["help"].as_str(), Some("did you mean `mentee`?"), "{json}");
    // A table that is really missing is still reported.
    let (_dir, file) = edited_example(|t| t.replacen("[mentee]", "[something_else]", 1));
    let (_, json) = json_check(&[], &file);
    assert_eq!(codes_of(&json), ["missing-key", "unknown-key"], "{json}");
}

#[test]
fn whole_file_problems_point_at_the_first_key_not_a_leading_comment() {
    let (_dir, file) = edited_example(|t| {
        let start = t.find("[term]").unwrap();
        let end = start + t[start..].find("\n\n").unwrap();
        format!("#:schema ../agreement.schema.json\n\n# A comment.\n{}{}", &t[..start], &t[end..])
    });
    let text = fs::read_to_string(&file).unwrap();
    let first_key_line = text.lines().position(|l| !l.is_empty() && !l.starts_with('#')).unwrap() + 1;
    assert!(first_key_line > 3);
    let (_, json) = json_check(&["--require-signed"], &file);
    let diags = json["diagnostics"].as_array().unwrap();
    let whole: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "unsigned" || d["message"].as_str().unwrap().starts_with("missing required table"))
        .collect();
    assert!(whole.iter().any(|d| d["code"] == "missing-key"), "{json}");
    for d in whole {
        assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(first_key_line as u64), Some(1)), "{d}");
    }
}

/// The human report (message, help, caret, summary) of every code's fixture, as
/// a reviewed snapshot: a changed message shows up in review as a changed
/// `tests/it/snapshots/it__check__code@<code>.snap`. Bless changes with `cargo insta
/// review` (or `INSTA_UPDATE=always cargo test --test it check::`).
#[test]
fn every_codes_human_report_is_snapshotted() {
    for code in Code::ALL {
        let name = code.as_str();
        let dir = fixture(&format!("codes/{name}"));
        let args: Vec<String> = fs::read_to_string(dir.join("args"))
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        // Run inside the fixture's folder, so the report names files as the folder has them.
        let out = cmd().current_dir(&dir).args(["check", "."]).args(&args).output().unwrap();
        // A message may name a program file by its full path: the checkout's folder varies.
        let text = String::from_utf8(out.stdout).unwrap().replace(env!("CARGO_MANIFEST_DIR"), "[checkout]");
        assert!(text.contains(&format!("[{name}]")), "{name}: the report does not show the code:\n{text}");
        insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => true }, {
            insta::assert_snapshot!("code", text);
        });
    }
}

#[test]
fn a_fix_that_brings_back_the_signed_terms_is_safe() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.toml");
    fs::write(&file, fs::read_to_string(fixture("lifecycle/commented.toml")).unwrap()).unwrap();
    crate::support::sign_all(
        &file,
        "2026-10-20",
        &[("mentor", "Ada Lovelace"), ("mentee", "Grace Hopper"), ("lead", "Alan Turing")],
    );
    let signed = fs::read_to_string(&file).unwrap();
    // A typo after everyone signed: the signatures no longer cover the terms.
    fs::write(&file, signed.replace("session_minutes = 45", "sesion_minutes = 45")).unwrap();
    let (_, json) = json_check(&[], &file);
    let d = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "unknown-key").unwrap().clone();
    assert_eq!(d["fix"]["safe"], true, "the fix makes the signatures current again: {d}");
    let (status, stderr) = fix_run(&file, &[]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(fs::read_to_string(&file).unwrap(), signed, "{stderr}");
}

#[test]
fn terms_of_an_empty_file_is_an_error_not_an_empty_object() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in [("empty.toml", ""), ("comments.toml", "# nothing yet\n")] {
        let file = tmp.path().join(name);
        fs::write(&file, text).unwrap();
        let out = cmd().arg("terms").arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name}: {}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not an agreement"), "{name}");
    }
}
