//! `extend`, `checkin` and `terminate`: what each writes, what each refuses, and
//! how the agreement's state moves from draft to active to terminated.

use crate::common;
use crate::support;

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
    let before = read(&file);
    for (args, why) in [
        (&[][..], "the following required arguments were not provided:\n  <--months <N>|--weeks <N>>"),
        (&["--months", "1", "--weeks", "2"], "the argument '--months <N>' cannot be used with '--weeks <N>'"),
        (&["--months", "0"], "invalid value '0' for '--months <N>': 0 is not in 1..=120"),
    ] {
        let out = cmd().arg("extend").arg(&file).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with(&format!("error: {why}")), "{args:?}: {stderr}");
        assert_eq!(read(&file), before, "{args:?} changed the file");
    }
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

// ---- evaluate ----------------------------------------------------------------

/// The commented fixture, signed by all three on 2026-10-20 (active from 2026-11-02).
fn signed_pair(dir: &Path) -> std::path::PathBuf {
    let file = copy_fixture(FIXTURE, dir);
    sign_all(&file, "2026-10-20", PARTIES);
    file
}

#[test]
fn evaluate_appends_a_review_and_keeps_every_byte_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    let before = read(&file);
    cmd()
        .arg("evaluate")
        .arg(&file)
        .args(["--date", "2026-11-20", "--goal", "1=on-track:2 retros held", "--working", "Short agendas"])
        .args(["--improve", "Start on time"])
        .assert()
        .success()
        .stderr(predicates::str::contains("Recorded evaluation #1 in"));
    let after = read(&file);
    assert!(after.starts_with(&before), "the edit only appends");
    assert_eq!(
        &after[before.len()..],
        "\n[[evaluations]]\ndate = 2026-11-20\nby = [\"mentor\", \"mentee\"]\nworking = \"Short agendas\"\n\
         improve = \"Start on time\"\nprogress = [\n  { goal = 1, status = \"on-track\", note = \"2 retros held\" },\n]\n"
    );
    assert!(passes_check(&file));
}

#[test]
fn an_evaluation_never_makes_a_signature_stale() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    let digest = support::digest(&file);
    assert_eq!(status_of(&file)["state"], "active");
    cmd()
        .arg("evaluate")
        .arg(&file)
        .args(["--date", "2026-11-24", "--goal", "1=behind", "--closing"])
        .assert()
        .success();
    assert_eq!(support::digest(&file), digest, "evaluations are outside the terms");
    let row = status_of(&file);
    assert_eq!(row["state"], "active");
    assert_eq!(row["missing"], serde_json::json!([]));
    assert_eq!(row["last_evaluation"], "2026-11-24");
    assert!(read(&file).contains("closing = true\n"));
}

#[test]
fn status_counts_goals_achieved_by_their_latest_review() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    let row = status_of(&file);
    assert_eq!((row["goals_total"].as_u64(), row["goals_achieved"].as_u64()), (Some(1), Some(0)));
    assert_eq!(row["last_evaluation"], serde_json::Value::Null);
    cmd().arg("evaluate").arg(&file).args(["--date", "2026-11-10", "--goal", "1=achieved"]).assert().success();
    assert_eq!(status_of(&file)["goals_achieved"], 1);
    // A later review that drops it wins over the earlier one.
    cmd().arg("evaluate").arg(&file).args(["--date", "2026-11-20", "--goal", "1=dropped"]).assert().success();
    assert_eq!(status_of(&file)["goals_achieved"], 0);
}

#[test]
fn evaluate_refuses_an_unknown_goal_and_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    let before = read(&file);
    let out = cmd().arg("evaluate").arg(&file).args(["--date", "2026-11-20", "--goal", "2=achieved"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[evaluation-unknown-goal]: progress on goal 2, but the agreement has goal 1 only"),
        "{stderr}"
    );
    assert_eq!(read(&file), before);
    // The same goal twice in one review.
    let out = cmd().arg("evaluate").arg(&file).args(["--goal", "1=achieved", "--goal", "1=behind"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("goal 1 is reviewed twice in one evaluation"));
    assert_eq!(read(&file), before);
}

#[test]
fn evaluate_refuses_dates_outside_the_term_and_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    let before = read(&file);
    for (date, why) in [("2026-10-01", "before the start (2026-11-02)"), ("2026-11-26", "after today (2026-11-25)")] {
        let out = cmd().arg("evaluate").arg(&file).args(["--date", date]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{date}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("error[evaluation-outside-term]: evaluation dated {date}, {why}")),
            "{stderr}"
        );
        assert_eq!(read(&file), before);
    }
}

#[test]
fn evaluate_rejects_bad_flags_before_touching_anything() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    let before = read(&file);
    let out = cmd().arg("evaluate").arg(&file).args(["--goal", "1=acheived"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `achieved`?"));
    for bad in [["--goal", "0=achieved"], ["--goal", "one=achieved"], ["--working", "  "]] {
        assert_eq!(cmd().arg("evaluate").arg(&file).args(bad).output().unwrap().status.code(), Some(2), "{bad:?}");
    }
    assert_eq!(read(&file), before);
    // --dry-run prints the result and writes nothing.
    let out = cmd().arg("evaluate").arg(&file).args(["--dry-run", "--by", "mentor"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("[[evaluations]]\ndate = 2026-11-25\nby = [\"mentor\"]\n"));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.starts_with("Would record evaluation #") && said.contains("dry run: nothing written"), "{said}");
    assert_eq!(read(&file), before);
}

#[test]
fn reviews_held_clear_review_overdue_and_goal_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    // Checkpoint 2027-01-02 passes; the goal is due 2027-03-15.
    let codes = |today: &str| -> Vec<String> {
        let out = common::cmd_on(today).args(["check", "--format", "json"]).arg(&file).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
    };
    cmd().arg("checkin").arg(&file).args(["--by", "mentee", "--date", "2026-11-25"]).assert().success();
    assert!(codes("2027-01-08").is_empty(), "within the grace days: {:?}", codes("2027-01-08"));
    common::cmd_on("2027-01-10").arg("checkin").arg(&file).args(["--by", "mentor"]).assert().success();
    assert_eq!(codes("2027-01-17"), vec!["review-overdue"]);
    common::cmd_on("2027-01-17")
        .arg("evaluate")
        .arg(&file)
        .args(["--date", "2027-01-05", "--goal", "1=on-track"])
        .assert()
        .success();
    assert!(codes("2027-01-17").is_empty());
    let late = codes("2027-04-01");
    assert!(late.contains(&"goal-overdue".to_string()), "{late:?}");
    common::cmd_on("2027-04-01").arg("evaluate").arg(&file).args(["--goal", "1=achieved"]).assert().success();
    assert!(!codes("2027-04-01").contains(&"goal-overdue".to_string()));
}

/// The `evaluate` questionnaire on a pseudo-terminal.
#[cfg(unix)]
mod evaluate_questionnaire {
    use super::*;
    use rexpect::session::PtySession;

    use common::pty::{answer, exit_code};

    fn spawn(file: &Path) -> PtySession {
        common::pty::spawn(Path::new("."), &["evaluate".as_ref(), file.as_os_str()])
    }

    #[test]
    fn answers_are_recorded_and_a_mistyped_status_is_asked_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = signed_pair(dir.path());
        let before = read(&file);
        let mut p = spawn(&file);
        p.exp_string("Goal 1: Facilitate my team's sprint retrospectives").unwrap();
        p.exp_string("measure: Run 3 retrospectives rated 4/5 or better").unwrap();
        p.exp_string("so far:  not reviewed yet").unwrap();
        answer(&mut p, "Goal 1 now (Enter to leave it out)", "acheived");
        p.exp_string("`acheived` is not a goal status: did you mean `achieved`?").unwrap();
        answer(&mut p, "Goal 1 now (Enter to leave it out)", "achieved");
        answer(&mut p, "Note on goal 1 (optional)", "3 retros, 4.3/5");
        answer(&mut p, "What works well? (optional)", "Short agendas");
        answer(&mut p, "What would you change? (optional)", "");
        answer(&mut p, "Is this the closing review of the relationship?", "n");
        p.exp_string("Recorded evaluation #1 in").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        let after = read(&file);
        assert_eq!(
            &after[before.len()..],
            "\n[[evaluations]]\ndate = 2026-11-25\nby = [\"mentor\", \"mentee\"]\nworking = \"Short agendas\"\n\
             progress = [\n  { goal = 1, status = \"achieved\", note = \"3 retros, 4.3/5\" },\n]\n"
        );
        // The goal is settled now: a second review shows it and does not ask again.
        let mut p = spawn(&file);
        p.exp_string("so far:  achieved").unwrap();
        answer(&mut p, "What works well? (optional)", "");
        answer(&mut p, "What would you change? (optional)", "");
        answer(&mut p, "Is this the closing review of the relationship?", "y");
        p.exp_string("Recorded closing evaluation #2").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        assert!(
            read(&file)
                .ends_with("\n[[evaluations]]\ndate = 2026-11-25\nby = [\"mentor\", \"mentee\"]\nclosing = true\n")
        );
    }

    #[test]
    fn ctrl_c_leaves_the_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let file = signed_pair(dir.path());
        let before = read(&file);
        let mut p = spawn(&file);
        p.exp_string("Goal 1 now").unwrap();
        p.send("on-tr").unwrap();
        p.send_control('c').unwrap();
        p.exp_string("cancelled: nothing was written").unwrap();
        assert_eq!(exit_code(&mut p), 130);
        assert_eq!(read(&file), before);
        assert!(!file.with_extension("toml.lock").exists());
    }
}

#[test]
fn a_closing_review_can_be_recorded_after_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    // The term's last day is 2027-05-01; 14 days' grace ends on 2027-05-15.
    let late = |args: &[&str]| common::cmd_on("2027-07-01").arg("evaluate").arg(&file).args(args).output().unwrap();
    let out = late(&["--date", "2027-06-20"]);
    assert_eq!(out.status.code(), Some(1), "a mid-term review cannot be dated that late");
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than 14 days after the last day (2027-05-01)"));
    let out = late(&["--date", "2027-06-20", "--closing"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn records_after_the_termination_are_refused_but_the_closing_review() {
    let dir = tempfile::tempdir().unwrap();
    let file = signed_pair(dir.path());
    cmd()
        .arg("terminate")
        .arg(&file)
        .args(["--by", "mentee", "--reason", "New job", "--date", "2026-11-20"])
        .assert()
        .success();
    let before = read(&file);
    let out = cmd().arg("checkin").arg(&file).args(["--by", "mentee", "--date", "2026-11-22"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("after the termination (2026-11-20)"));
    let out = cmd().arg("evaluate").arg(&file).args(["--date", "2026-11-22"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("after the termination (2026-11-20)"));
    assert_eq!(read(&file), before, "nothing recorded");
    // On the day itself, and the closing review after it, are fine.
    cmd().arg("checkin").arg(&file).args(["--by", "mentee", "--date", "2026-11-20"]).assert().success();
    let out = cmd().arg("evaluate").arg(&file).args(["--date", "2026-11-22", "--closing"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_warning_the_edit_brought_is_new_not_still_there() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    for role in ["mentor", "mentee"] {
        cmd().arg("sign").arg(&file).args(["--role", role]).assert().success();
    }
    // The last signature comes after the start (2026-11-02): a warning the edit itself brings.
    let out = cmd().arg("sign").arg(&file).args(["--role", "lead"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(" now has 0 errors and 1 warning"), "{stderr}");
    assert!(!stderr.contains("still has"), "{stderr}");
}
