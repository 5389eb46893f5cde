//! `check --explain CODE` and `check --list-codes`.

use crate::common;

use common::cmd;
use mentor_agree::diagnostic::Code;

#[test]
fn explain_prints_what_why_fix_and_example() {
    let out = cmd().args(["check", "--explain", "goal-no-due"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("goal-no-due (error by default)\n"), "{text}");
    for part in ["What it checks:", "Why:", "How to fix:", "Example that raises it:", "[levels]"] {
        assert!(text.contains(part), "missing {part}:\n{text}");
    }
    assert!(text.contains(Code::GoalNoDue.summary()));
    assert!(text.contains(Code::GoalNoDue.why()));
    assert!(text.contains(Code::GoalNoDue.fix()));
    assert!(text.contains("    measure = \"Run 3 retrospectives\""));
}

#[test]
fn every_code_can_be_explained() {
    for code in Code::ALL {
        let out = cmd().args(["check", "--explain", code.as_str()]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{code}");
        let text = String::from_utf8(out.stdout).unwrap();
        // The registry's own words for this code, its severity, and an example.
        let severity = code.default_severity().as_str();
        assert!(text.starts_with(&format!("{code} ({severity} by default)\n")), "{code}: {text}");
        for part in [code.summary(), code.fix(), code.why()] {
            assert!(text.contains(part), "{code}: the explanation lacks {part:?}:\n{text}");
        }
        let first = code.example().lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string();
        assert!(text.contains("Example that raises it:") && text.contains(&first), "{code}: {text}");
    }
}

#[test]
fn unknown_code_suggests_the_closest_and_exits_2() {
    let out = cmd().args(["check", "--explain", "goal-no-dew"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown diagnostic code `goal-no-dew`; did you mean `goal-no-due`?"), "{err}");

    let out = cmd().args(["check", "--explain", "zzz"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--list-codes"));
}

#[test]
fn list_codes_has_one_line_per_code_in_registry_order() {
    let out = cmd().args(["check", "--list-codes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), Code::ALL.len());
    for (line, code) in lines.iter().zip(Code::ALL) {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some(code.as_str()));
        assert_eq!(words.next(), Some(code.default_severity().as_str()));
        assert!(line.ends_with(code.summary()));
    }
}
