//! The edit engine's guarantees, seen through `checkin` and `extend`: bytes
//! outside the edit unchanged, refused edits leave the file alone, nothing left
//! behind, line endings kept, and concurrent edits all land.

use crate::common;
use crate::support;

use std::path::Path;
use std::process::Stdio;

use common::cmd;
use support::{copy_fixture, listing, passes_check};

const FIXTURE: &str = "lifecycle/commented.toml";

fn checkin(file: &Path) -> assert_cmd::Command {
    let mut c = cmd();
    c.arg("checkin").arg(file).args(["--by", "mentee", "--note", "Goal 1 on track"]);
    c
}

#[test]
fn bytes_outside_the_edit_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = std::fs::read_to_string(&file).unwrap();
    checkin(&file).assert().success();
    let after = std::fs::read_to_string(&file).unwrap();
    let added = after.strip_prefix(&before).expect("the original text is kept, byte for byte, as a prefix");
    assert_eq!(added, "\n[[checkins]]\ndate = 2026-11-25\nby = \"mentee\"\nnote = \"Goal 1 on track\"\n");
    assert!(passes_check(&file));
    assert_eq!(listing(dir.path()), ["commented.toml"]);
}

#[test]
fn second_edit_keeps_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    checkin(&file).assert().success();
    let once = std::fs::read_to_string(&file).unwrap();
    cmd().arg("checkin").arg(&file).args(["--by", "mentor", "--date", "2026-11-20"]).assert().success();
    let twice = std::fs::read_to_string(&file).unwrap();
    assert_eq!(twice.strip_prefix(&once), Some("\n[[checkins]]\ndate = 2026-11-20\nby = \"mentor\"\n"));
}

#[test]
fn refused_edit_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = std::fs::read(&file).unwrap();
    // 6 + 24 months is beyond the default 18-month limit.
    let out = cmd().arg("extend").arg(&file).args(["--months", "24"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[extension-too-long]"), "{stderr}");
    assert!(stderr.contains("file unchanged"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(listing(dir.path()), ["commented.toml"]);
}

#[test]
fn existing_errors_do_not_block_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let text = std::fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 300");
    std::fs::write(&file, &text).unwrap();
    let out = checkin(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("still has 1 error"), "{stderr}");
    assert!(std::fs::read_to_string(&file).unwrap().starts_with(&text));
}

#[test]
fn a_file_that_is_not_toml_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "format = 1\n[mentor\nname = \"A\"\n").unwrap();
    let out = checkin(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[toml-syntax]"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "format = 1\n[mentor\nname = \"A\"\n");
    assert_eq!(listing(dir.path()), ["broken.toml"]);
}

#[test]
fn a_missing_file_is_a_failure_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = checkin(&dir.path().join("nope.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn dry_run_prints_what_a_real_run_writes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = std::fs::read(&file).unwrap();
    let out = cmd().arg("extend").arg(&file).args(["--months", "3", "--dry-run"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("dry run: nothing written"));
    assert_eq!(std::fs::read(&file).unwrap(), before, "--dry-run must not write");
    assert_eq!(listing(dir.path()), ["commented.toml"]);
    cmd().arg("extend").arg(&file).args(["--months", "3"]).assert().success();
    assert_eq!(std::fs::read(&file).unwrap(), out.stdout);
}

#[test]
fn crlf_files_stay_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crlf.toml");
    let original = std::fs::read_to_string(common::fixture(FIXTURE)).unwrap().replace('\n', "\r\n");
    std::fs::write(&file, &original).unwrap();
    cmd().arg("extend").arg(&file).args(["--months", "2"]).assert().success();
    let after = std::fs::read_to_string(&file).unwrap();
    let added = after.strip_prefix(&original).expect("original bytes kept");
    assert_eq!(added, "\r\n[[extensions]]\r\nmonths = 2\r\nagreed = 2026-11-25\r\nby = [\"mentor\", \"mentee\"]\r\n");
    assert!(passes_check(&file));
}

#[test]
fn mixed_line_endings_are_kept_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.toml");
    let lf = std::fs::read_to_string(common::fixture(FIXTURE)).unwrap();
    // Every fourth line, the first among them, ends in CRLF, the rest in LF: no single ending for the file.
    let original: String = lf
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| if i % 4 == 0 { line.replace('\n', "\r\n") } else { line.to_string() })
        .collect();
    let first_two: Vec<&str> = original.split_inclusive('\n').take(2).collect();
    assert!(first_two[0].ends_with("\r\n") && !first_two[1].ends_with("\r\n"), "{first_two:?}");
    std::fs::write(&file, &original).unwrap();
    let (crlf_before, lf_before) = (original.matches("\r\n").count(), original.matches('\n').count());
    checkin(&file).assert().success();
    let after = std::fs::read_to_string(&file).unwrap();
    let added = after.strip_prefix(&original).expect("every line of the original keeps its bytes");
    // The fixture's last line ends in LF, so every added line takes LF.
    assert!(original.ends_with("\n") && !original.ends_with("\r\n"));
    assert_eq!(added, "\n[[checkins]]\ndate = 2026-11-25\nby = \"mentee\"\nnote = \"Goal 1 on track\"\n");
    assert_eq!(after.matches("\r\n").count(), crlf_before);
    assert_eq!(after.matches('\n').count(), lf_before + 5);
    assert!(passes_check(&file));

    // After a CRLF last line, added lines are CRLF, and the LF lines above stay LF.
    let crlf_last = format!("{}\r\n", original.trim_end_matches('\n'));
    std::fs::write(&file, &crlf_last).unwrap();
    cmd().arg("extend").arg(&file).args(["--months", "2"]).assert().success();
    let after = std::fs::read_to_string(&file).unwrap();
    let added = after.strip_prefix(&crlf_last).expect("original bytes kept");
    assert_eq!(added, "\r\n[[extensions]]\r\nmonths = 2\r\nagreed = 2026-11-25\r\nby = [\"mentor\", \"mentee\"]\r\n");
}

#[test]
fn a_file_without_final_newline_gets_one_before_the_new_entry() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nonl.toml");
    let original = std::fs::read_to_string(common::fixture(FIXTURE)).unwrap();
    let original = original.trim_end().to_string();
    std::fs::write(&file, &original).unwrap();
    checkin(&file).assert().success();
    let after = std::fs::read_to_string(&file).unwrap();
    let added = after.strip_prefix(&original).expect("original bytes kept");
    assert_eq!(added, "\n\n[[checkins]]\ndate = 2026-11-25\nby = \"mentee\"\nnote = \"Goal 1 on track\"\n");
    assert!(passes_check(&file));
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    checkin(&file).assert().success();
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn a_lock_held_by_another_process_is_waited_for_then_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let before = std::fs::read(&file).unwrap();
    let lock = dir.path().join("commented.toml.lock");
    std::fs::write(&lock, "someone else's edit").unwrap();
    let out = checkin(&file).env("MENTOR_AGREE_LOCK_TIMEOUT", "0.3").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is locked"), "{stderr}");
    assert!(stderr.contains("commented.toml.lock"), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // Someone else's lock is theirs to remove.
    assert_eq!(std::fs::read_to_string(&lock).unwrap(), "someone else's edit");
}

#[test]
fn an_edit_goes_through_once_the_other_lock_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let lock = dir.path().join("commented.toml.lock");
    std::fs::write(&lock, "").unwrap();
    let child = support::raw_cmd()
        .env("MENTOR_AGREE_LOCK_TIMEOUT", "60")
        .arg("checkin")
        .arg(&file)
        .args(["--by", "mentor"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let before = std::fs::read(&file).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // While the lock is held the waiting edit writes nothing, neither to the file nor to the lock.
    assert_eq!(std::fs::read(&file).unwrap(), before, "an edit went ahead while the lock was held");
    assert_eq!(std::fs::read(&lock).unwrap(), b"", "the waiting edit wrote into someone else's lock");
    std::fs::remove_file(&lock).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&file).unwrap().contains("by = \"mentor\""));
    assert_eq!(listing(dir.path()), ["commented.toml"]);
}

#[test]
fn sixteen_concurrent_checkins_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let children: Vec<_> = (0..16)
        .map(|i| {
            support::raw_cmd()
                .env("MENTOR_AGREE_LOCK_TIMEOUT", "120")
                .arg("checkin")
                .arg(&file)
                .args(["--by", if i % 2 == 0 { "mentor" } else { "mentee" }, "--note"])
                .arg(format!("report {i}"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let checkins = doc["checkins"].as_array().unwrap();
    assert_eq!(checkins.len(), 16);
    let mut notes: Vec<&str> = checkins.iter().map(|c| c["note"].as_str().unwrap()).collect();
    notes.sort_by_key(|n| n[7..].parse::<u32>().unwrap());
    let expected: Vec<String> = (0..16).map(|i| format!("report {i}")).collect();
    assert_eq!(notes, expected);
    assert!(text.starts_with(&std::fs::read_to_string(common::fixture(FIXTURE)).unwrap()));
    assert!(passes_check(&file));
    assert_eq!(listing(dir.path()), ["commented.toml"]);
}

#[test]
fn an_existing_error_whose_message_changes_does_not_block_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    // A check-in before the start: its message names the term's last day, which an extension moves.
    let text =
        format!("{}\n[[checkins]]\ndate = 2026-10-01\nby = \"mentee\"\n", std::fs::read_to_string(&file).unwrap());
    std::fs::write(&file, &text).unwrap();
    let check = cmd().arg("check").arg(&file).output().unwrap();
    assert!(String::from_utf8_lossy(&check.stdout).contains("2027-05-01"));
    cmd().arg("extend").arg(&file).args(["--months", "1"]).assert().success();
    let check = cmd().arg("check").arg(&file).output().unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(report.contains("checkin-outside-term") && report.contains("2027-06-01"), "{report}");
}
