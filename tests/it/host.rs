//! On the git host (SPEC §12): checks that time cannot turn red, and pull
//! requests judged on what they change (`check --base`), in real git
//! repositories with no merge driver involved.

use crate::common::{self, cmd, cmd_on};
use crate::git::{FILE, ok, repo};

/// Every flag set the workflow `init` writes or the docs recommend.
const FLAG_SETS: &[&[&str]] = &[
    &[],
    &["--require-signed"],
    &["--deny-warnings"],
    &["--require-signed", "--deny-warnings"],
    &["--format", "github"],
    &["--format", "github", "--require-signed", "--deny-warnings"],
];

/// Days in order: before, during and long after the fixtures' terms.
const DAYS: &[&str] = &["2026-10-10", "2026-11-25", "2027-03-01", "2027-09-21", "2029-01-01"];

fn exit_on(day: &str, flags: &[&str], file: &std::path::Path) -> i32 {
    let out = cmd_on(day).arg("check").args(flags).arg(file).output().unwrap();
    out.status.code().unwrap()
}

#[test]
fn time_never_turns_a_check_red() {
    let mut files = vec![
        // A draft, unsigned.
        common::fixture("codes/unsigned/agreement.toml"),
        // Active pairs with an overdue check-in, review or goal.
        common::fixture("codes/checkin-overdue/agreement.toml"),
        common::fixture("codes/review-overdue/agreement.toml"),
        common::fixture("codes/goal-overdue/agreement.toml"),
        // Ended without a closing review.
        common::fixture("codes/closing-review-missing/agreement.toml"),
    ];
    // An amendment awaiting signatures: the terms changed after everyone signed.
    let tmp = tempfile::tempdir().unwrap();
    let amended = tmp.path().join("amended.toml");
    let example = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    std::fs::write(&amended, example.replace("session_minutes = 45", "session_minutes = 60")).unwrap();
    files.push(amended);
    for e in std::fs::read_dir(common::example("")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            files.push(p);
        }
    }
    let mut worse = Vec::new();
    for file in &files {
        for flags in FLAG_SETS {
            let codes: Vec<i32> = DAYS.iter().map(|d| exit_on(d, flags, file)).collect();
            if codes.windows(2).any(|w| w[1] > w[0]) {
                worse.push(format!("{} {flags:?}: {codes:?} on {DAYS:?}", file.display()));
            }
        }
    }
    assert!(worse.is_empty(), "exit codes got worse as days passed:\n{}", worse.join("\n"));
}

#[test]
fn what_falls_due_is_shown_and_fails_only_when_asked() {
    let file = common::fixture("codes/checkin-overdue/agreement.toml");
    let out = cmd().args(["check", "--deny-warnings"]).arg(&file).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("warning[checkin-overdue]"), "{stdout}");
    assert!(stdout.contains("(1 fell due with time: `agenda` follows it, check does not fail on it)"), "{stdout}");
    let out = cmd().args(["check", "--deny-warnings", "--include-due"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("fell due"));
}

fn check(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = cmd().current_dir(dir).arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BROKEN: &str = "agreements/broken.toml";

/// A program on `main` with the draft of [`repo`] and a broken agreement beside it,
/// and a pull request branch `pr` off it.
fn program_with_a_broken_file() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let (tmp, dir) = repo()?;
    std::fs::write(dir.join(BROKEN), "format = 1\nid = \"broken\"\n").unwrap();
    ok(&dir, &["add", "-A"]);
    ok(&dir, &["commit", "-qm", "a broken agreement"]);
    ok(&dir, &["switch", "-q", "-c", "pr"]);
    Some((tmp, dir))
}

#[test]
fn a_pull_request_is_judged_on_the_files_it_changes() {
    let Some((_tmp, dir)) = program_with_a_broken_file() else { return };
    let (code, _, _) = check(&dir, &[]);
    assert_eq!(code, 1, "the whole program has a broken file");

    // A harmless change to one file passes, whatever the rest of the program says.
    let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
    std::fs::write(dir.join(FILE), format!("# a comment\n{text}")).unwrap();
    ok(&dir, &["commit", "-qam", "comment"]);
    let (code, stdout, stderr) = check(&dir, &["--base", "main", "--deny-warnings"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("checked 1 agreement"), "{stdout}");
    assert!(!stdout.contains("broken.toml"), "{stdout}");
    let (code, stdout, _) = check(&dir, &["--base", "main", "--format", "github"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("broken.toml"), "{stdout}");

    // Breaking its own file fails it (uncommitted changes count too).
    std::fs::write(dir.join(FILE), format!("{text}\nnot_a_key = 1\n")).unwrap();
    let (code, stdout, _) = check(&dir, &["--base", "main"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("unknown-key") && stdout.contains("pair.toml"), "{stdout}");
    assert!(!stdout.contains("broken.toml"), "{stdout}");
}

#[test]
fn a_renamed_file_and_a_duplicate_id_are_the_changes_own() {
    let Some((_tmp, dir)) = program_with_a_broken_file() else { return };
    ok(&dir, &["mv", FILE, "agreements/renamed.toml"]);
    ok(&dir, &["commit", "-qm", "rename"]);
    let (code, stdout, stderr) = check(&dir, &["--base", "main"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("checked 1 agreement"), "{stdout}");

    // A new file taking the id of an unchanged one: reported on the new file.
    let text = std::fs::read_to_string(dir.join("agreements/renamed.toml")).unwrap();
    // (The unchanged broken file comes first in the run; the new one takes its id, given by its file stem.)
    std::fs::write(dir.join("agreements/zz-copy.toml"), text.replace("format = 1\n", "format = 1\nid = \"broken\"\n"))
        .unwrap();
    let (code, stdout, _) = check(&dir, &["--base", "main"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("duplicate-id") && stdout.contains("zz-copy.toml"), "{stdout}");
    assert!(
        !stdout.contains("unknown-key") && !stdout.contains("missing-key"),
        "the broken file is not reported: {stdout}"
    );
    // The other way round: the new file comes first in the run, the unchanged one later.
    std::fs::rename(dir.join("agreements/zz-copy.toml"), dir.join("agreements/a-copy.toml")).unwrap();
    let (code, stdout, _) = check(&dir, &["--base", "main"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("duplicate-id") && stdout.contains("a-copy.toml"), "{stdout}");
}

#[test]
fn a_change_to_the_program_checks_every_agreement_and_says_so() {
    let Some((_tmp, dir)) = program_with_a_broken_file() else { return };
    let program = std::fs::read_to_string(dir.join("program.toml")).unwrap();
    std::fs::write(dir.join("program.toml"), format!("{program}\n# tightened\n")).unwrap();
    let (code, stdout, stderr) = check(&dir, &["--base", "main"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("broken.toml") && stdout.contains("checked 2 agreements"), "{stdout}");
    assert!(stderr.contains("note: program.toml changed since main: every agreement under it is checked"), "{stderr}");
}

#[test]
fn a_bad_base_is_refused_and_never_read_as_an_option() {
    let Some((_tmp, dir)) = program_with_a_broken_file() else { return };
    for bad in ["no-such-branch", "--output=x", ""] {
        let (code, _, stderr) = check(&dir, &[&format!("--base={bad}")]);
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("is not a revision of this repository"), "{bad}: {stderr}");
    }
    assert!(!dir.join("x").exists());
}

/// Signs as `role` on `date`, that day being today.
fn sign(dir: &std::path::Path, role: &str, date: &str) {
    let mut c = assert_cmd::Command::cargo_bin("mentor-agree").unwrap();
    c.current_dir(dir).env("MENTOR_AGREE_TODAY", date).env("NO_COLOR", "1");
    c.args(["sign", FILE, "--role", role, "--date", date]).assert().success();
}

#[test]
fn a_stale_signature_names_the_commit_that_added_it_not_a_later_one_that_kept_the_terms() {
    let Some((_tmp, dir)) = repo() else { return };
    sign(&dir, "mentor", "2026-08-24");
    ok(&dir, &["commit", "-qam", "the mentor signs"]);
    let mentor_at = ok(&dir, &["rev-parse", "--short", "HEAD"]).trim().to_string();
    sign(&dir, "mentee", "2026-08-25");
    ok(&dir, &["commit", "-qam", "the mentee signs"]);
    let others_at = ok(&dir, &["rev-parse", "--short", "HEAD"]).trim().to_string();
    // An unrelated later commit that keeps the terms (a comment changes no digest).
    let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
    std::fs::write(dir.join(FILE), format!("{text}# closing review held\n")).unwrap();
    ok(&dir, &["commit", "-qam", "closing review"]);
    let unrelated = ok(&dir, &["rev-parse", "--short", "HEAD"]).trim().to_string();
    let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
    std::fs::write(dir.join(FILE), text.replace("session_minutes = 45", "session_minutes = 60")).unwrap();

    let out = cmd().current_dir(&dir).args(["check", "--format", "json", FILE]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let helps: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "signature-stale")
        .map(|d| d["help"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(helps.len(), 2, "{helps:?}");
    assert!(helps[0].starts_with(&format!("since the mentor signed (commit {mentor_at}, ")), "{helps:?}");
    assert!(helps[1].starts_with(&format!("since the mentee signed (commit {others_at}, ")), "{helps:?}");
    assert!(helps.iter().all(|h| !h.contains(&unrelated)), "{unrelated}: {helps:?}");
}
