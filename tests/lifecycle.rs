//! `extend`, `checkin` and `terminate`: what each writes, what each refuses, and
//! how the agreement's state moves from draft to active to terminated.

mod common;
mod support;

use std::path::Path;

use common::cmd;
use support::{copy_fixture, passes_check, sign_all, status_json};

const FIXTURE: &str = "lifecycle/commented.toml";
const PARTIES: &[(&str, &str)] = &[("mentor", "Ada Lovelace"), ("mentee", "Grace Hopper"), ("lead", "Alan Turing")];

fn status_of(file: &Path) -> serde_json::Value {
    let mut rows = status_json(&[file]);
    assert_eq!(rows.len(), 1);
    rows.remove(0)
}

fn read(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn extension_moves_the_end_date() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    assert_eq!(status_of(&file)["end"], "2027-05-02");
    cmd().arg("extend").arg(&file).args(["--months", "3", "--date", "2026-11-20"]).assert().success();
    assert!(
        read(&file).ends_with("\n[[extensions]]\nmonths = 3\nagreed = 2026-11-20\nby = [\"mentor\", \"mentee\"]\n")
    );
    assert_eq!(status_of(&file)["end"], "2027-08-02");
    cmd().arg("extend").arg(&file).args(["--weeks", "2"]).assert().success();
    assert!(read(&file).contains("weeks = 2\nagreed = 2026-11-25\n"));
    assert_eq!(status_of(&file)["end"], "2027-08-16");
    assert!(passes_check(&file));
}

#[test]
fn extension_must_be_mutual() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = read(&file);
    let out = cmd().arg("extend").arg(&file).args(["--months", "1", "--by", "mentor"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[extension-not-mutual]"));
    assert_eq!(read(&file), before);
    cmd().arg("extend").arg(&file).args(["--months", "1", "--by", "mentee,mentor,lead"]).assert().success();
    assert!(read(&file).contains("by = [\"mentee\", \"mentor\", \"lead\"]"));
}

#[test]
fn extension_needs_exactly_one_length() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    cmd().arg("extend").arg(&file).assert().code(2);
    cmd().arg("extend").arg(&file).args(["--months", "1", "--weeks", "2"]).assert().code(2);
    cmd().arg("extend").arg(&file).args(["--months", "0"]).assert().code(2);
}

#[test]
fn extension_after_the_end_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let out = cmd().arg("extend").arg(&file).args(["--months", "1", "--date", "2027-05-02"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[extension-after-end]"));
}

#[test]
fn checkin_records_who_when_and_an_optional_note() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    cmd().arg("checkin").arg(&file).args(["--by", "program", "--date", "2026-11-10"]).assert().success();
    assert!(read(&file).ends_with("\n[[checkins]]\ndate = 2026-11-10\nby = \"program\"\n"));
    cmd().arg("checkin").arg(&file).args(["--by", "mentee", "--note", "Quotes \"and\" ünïcode"]).assert().success();
    assert!(read(&file).ends_with("date = 2026-11-25\nby = \"mentee\"\nnote = 'Quotes \"and\" ünïcode'\n"));
    assert_eq!(status_of(&file)["last_checkin"], "2026-11-25");
    assert!(passes_check(&file));
}

#[test]
fn checkin_in_the_future_or_before_the_start_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = read(&file);
    for date in ["2026-12-01", "2026-10-01"] {
        let out = cmd().arg("checkin").arg(&file).args(["--by", "mentee", "--date", date]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("error[checkin-outside-term]"));
    }
    let out = cmd().arg("checkin").arg(&file).args(["--by", "mentee", "--note", "  "]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&file), before);
}

#[test]
fn dry_runs_say_what_they_would_record() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = read(&file);
    for (args, said) in [
        (&["terminate", "--by", "mentee", "--reason", "Changed roles"][..], "Would record the termination of "),
        (&["checkin", "--by", "mentor", "--note", "Went well"], "Would record check-in #1 in "),
        (&["extend", "--months", "1"], "the last day would be "),
    ] {
        let out = cmd().arg(args[0]).arg(&file).args(&args[1..]).arg("--dry-run").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(stderr.contains(said) && stderr.contains("dry run: nothing written"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Recorded") && !stderr.contains("Extended"), "{args:?}: {stderr}");
        assert_eq!(read(&file), before);
    }
}

#[test]
fn terminate_writes_written_notice_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    cmd().arg("terminate").arg(&file).args(["--by", "mentee", "--reason", "Changed roles"]).assert().success();
    assert!(read(&file).ends_with(
        "\n[termination]\ndate = 2026-11-25\nby = \"mentee\"\nnotice = \"written\"\nreason = \"Changed roles\"\n"
    ));
    let after = read(&file);
    let out = cmd().arg("terminate").arg(&file).args(["--by", "mentor", "--reason", "Again"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already terminated on 2026-11-25 by mentee"));
    assert_eq!(read(&file), after);
    let out = cmd().arg("extend").arg(&file).args(["--months", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&file), after);
}

#[test]
fn program_intervention_needs_report_and_hearing() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = read(&file);
    let out = cmd().arg("terminate").arg(&file).args(["--by", "program", "--reason", "No contact"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[intervention-no-hearing]"));
    assert_eq!(read(&file), before);
    // Out of order: the hearing after the termination date.
    let out = cmd()
        .arg("terminate")
        .arg(&file)
        .args(["--by", "program", "--reason", "No contact", "--reported", "2026-11-05", "--hearing", "2026-11-30"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&file), before);
    // --reported without --hearing, or with another party, is a usage error.
    cmd()
        .arg("terminate")
        .arg(&file)
        .args(["--by", "program", "--reason", "x", "--reported", "2026-11-05"])
        .assert()
        .code(2);
    cmd()
        .arg("terminate")
        .arg(&file)
        .args(["--by", "mentor", "--reason", "x", "--reported", "2026-11-05", "--hearing", "2026-11-10"])
        .assert()
        .code(2);
    assert_eq!(read(&file), before);
    cmd()
        .arg("terminate")
        .arg(&file)
        .args(["--by", "program", "--reason", "No contact", "--reported", "2026-11-05", "--hearing", "2026-11-12"])
        .args(["--date", "2026-11-20"])
        .assert()
        .success();
    assert!(read(&file).ends_with(
        "[termination]\ndate = 2026-11-20\nby = \"program\"\nnotice = \"written\"\nreason = \"No contact\"\nreported = 2026-11-05\nhearing = 2026-11-12\n"
    ));
    assert!(passes_check(&file));
}

#[test]
fn state_moves_from_draft_to_active_to_terminated() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let row = status_of(&file);
    assert_eq!(row["state"], "draft");
    assert_eq!(row["missing"], serde_json::json!(["mentor", "mentee", "lead"]));

    sign_all(&file, "2026-10-20", PARTIES);
    let row = status_of(&file);
    assert_eq!(row["state"], "active");
    assert_eq!(row["effective"], "2026-10-20");
    assert_eq!(row["missing"], serde_json::json!([]));

    // Records after signing leave the signatures current: they are not part of the terms.
    cmd().arg("checkin").arg(&file).args(["--by", "mentee"]).assert().success();
    cmd().arg("extend").arg(&file).args(["--months", "1"]).assert().success();
    assert_eq!(status_of(&file)["state"], "active");

    // Notice given today for a date still ahead: active until then.
    cmd()
        .arg("terminate")
        .arg(&file)
        .args(["--by", "mentor", "--reason", "Moving abroad", "--date", "2026-12-15"])
        .assert()
        .success();
    assert_eq!(status_of(&file)["state"], "active");
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_mentor-agree"))
        .args(["--today", "2026-12-15", "status", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["state"], "terminated");
    assert!(passes_check(&file));
}

#[test]
fn date_defaults_to_today_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    support::raw_cmd()
        .env("MENTOR_AGREE_TODAY", "2026-11-24")
        .args(["--color", "never"])
        .arg("checkin")
        .arg(&file)
        .args(["--by", "mentor"])
        .output()
        .unwrap();
    // --today on the command line wins over the environment.
    assert!(read(&file).ends_with("date = 2026-11-25\nby = \"mentor\"\n"));
    let mut c = assert_cmd::Command::new(env!("CARGO_BIN_EXE_mentor-agree"));
    c.env("MENTOR_AGREE_TODAY", "2026-11-24").arg("checkin").arg(&file).args(["--by", "mentee"]).assert().success();
    assert!(read(&file).ends_with("date = 2026-11-24\nby = \"mentee\"\n"));
}
