//! Many people, one git repo: real git repositories in temporary folders, the
//! merge driver registered exactly as the docs say (`init`, then `git-setup`).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::cmd;

pub(crate) const FILE: &str = "agreements/pair.toml";

/// `git ARGS` in `dir`, isolated from the user's and system's git configuration,
/// with the freshly built mentor-agree first on PATH (as an installed one would be).
pub(crate) fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("mentor-agree");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.join("../gitconfig"))
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env_remove("MENTOR_AGREE_TODAY")
        .output()
        .expect("git runs")
}

pub(crate) fn ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A program repo made by `init` + `git-setup`, holding one unsigned agreement on `main`.
pub(crate) fn repo() -> Option<(tempfile::TempDir, PathBuf)> {
    if !common::have_tool("git", "--version") {
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("program");
    std::fs::write(tmp.path().join("gitconfig"), "").unwrap();
    cmd().arg("init").arg(&dir).assert().success();
    ok(&dir, &["init", "-q", "-b", "main"]);
    let out = cmd()
        .arg("git-setup")
        .current_dir(&dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", tmp.path().join("gitconfig"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let example = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    let unsigned = &example[..example.find("\n[[signatures]]").unwrap()];
    std::fs::write(dir.join(FILE), format!("{unsigned}\n")).unwrap();
    ok(&dir, &["add", "-A"]);
    ok(&dir, &["commit", "-qm", "draft"]);
    Some((tmp, dir))
}

/// Signs as `role` on `date`, that day being today (a signature alone is only late a month on).
fn sign(dir: &Path, role: &str, date: &str) {
    let mut c = assert_cmd::Command::cargo_bin("mentor-agree").unwrap();
    c.current_dir(dir).env("MENTOR_AGREE_TODAY", date).env("NO_COLOR", "1");
    c.args(["sign", FILE, "--role", role, "--date", date]).assert().success();
}

fn sign_all(dir: &Path) {
    sign_pair(dir);
    sign(dir, "lead", "2026-08-27");
}

/// The mentor and mentee sign; the lead has not yet (a draft, whose signatures a
/// change of terms makes stale rather than an amendment).
fn sign_pair(dir: &Path) {
    sign(dir, "mentor", "2026-08-24");
    sign(dir, "mentee", "2026-08-25");
}

fn commit(dir: &Path, message: &str) {
    ok(dir, &["commit", "-qam", message]);
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(FILE)).unwrap()
}

fn merge(dir: &Path, branch: &str) -> std::process::Output {
    git(dir, &["merge", "--no-edit", "-q", branch])
}

#[test]
fn parallel_signing_merges_cleanly_and_the_result_is_signed() {
    let Some((_tmp, dir)) = repo() else { return };
    ok(&dir, &["switch", "-q", "-c", "mentee"]);
    sign(&dir, "mentee", "2026-08-25");
    sign(&dir, "lead", "2026-08-27");
    commit(&dir, "mentee and lead sign");
    ok(&dir, &["switch", "-q", "main"]);
    sign(&dir, "mentor", "2026-08-24");
    commit(&dir, "mentor signs");

    let out = merge(&dir, "mentee");
    assert!(
        out.status.success(),
        "merge failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = read(&dir);
    assert!(!text.contains("<<<<<<<"), "{text}");
    // In date order: mentor (24th), mentee (25th), lead (27th).
    let at = |role: &str| text.find(&format!("role = \"{role}\"")).unwrap_or_else(|| panic!("no {role} in\n{text}"));
    assert!(at("mentor") < at("mentee") && at("mentee") < at("lead"), "{text}");
    cmd().current_dir(&dir).args(["check", "--require-signed", FILE]).assert().success();
    assert!(ok(&dir, &["status", "--porcelain"]).is_empty(), "the merge is committed");
}

#[test]
fn without_the_driver_the_same_merge_conflicts() {
    let Some((_tmp, dir)) = repo() else { return };
    // No driver registered at all (a clone where nobody ran git-setup): git then uses
    // its own line merge for the `merge=mentor-agree` attribute.
    ok(&dir, &["config", "--remove-section", "merge.mentor-agree"]);
    ok(&dir, &["switch", "-q", "-c", "mentee"]);
    sign(&dir, "mentee", "2026-08-25");
    commit(&dir, "mentee signs");
    ok(&dir, &["switch", "-q", "main"]);
    sign(&dir, "mentor", "2026-08-24");
    commit(&dir, "mentor signs");
    let out = merge(&dir, "mentee");
    // The control fails the way the driver's test would without the driver: git's
    // line merge conflicts on the agreement itself (not a missing branch or a git error).
    assert!(!out.status.success());
    assert_eq!(ok(&dir, &["diff", "--name-only", "--diff-filter=U"]).trim(), FILE);
    let text = read(&dir);
    assert!(text.contains("<<<<<<<") && text.contains(">>>>>>> mentee"), "{text}");
}

#[test]
fn checkins_and_evaluations_on_both_sides_are_all_kept_and_our_comments_survive() {
    let Some((_tmp, dir)) = repo() else { return };
    sign(&dir, "mentor", "2026-08-24");
    sign(&dir, "mentee", "2026-08-25");
    sign(&dir, "lead", "2026-08-27");
    commit(&dir, "signed");
    ok(&dir, &["switch", "-q", "-c", "mentee"]);
    cmd()
        .current_dir(&dir)
        .args(["checkin", FILE, "--by", "mentee", "--date", "2026-10-05", "--note", "retro 1"])
        .assert()
        .success();
    let evaluation = "\n[[evaluations]]\ndate = 2026-11-20\nby = [\"mentor\", \"mentee\"]\nclosing = false\nworking = \"rhythm\"\nprogress = [{ goal = 1, status = \"on-track\" }]\n";
    std::fs::write(dir.join(FILE), read(&dir) + evaluation).unwrap();
    commit(&dir, "mentee reports");
    ok(&dir, &["switch", "-q", "main"]);
    let commented = read(&dir).replace("[schedule]", "# agreed at the first meeting\n[schedule]");
    std::fs::write(dir.join(FILE), commented).unwrap();
    cmd().current_dir(&dir).args(["checkin", FILE, "--by", "mentor", "--date", "2026-11-16"]).assert().success();
    commit(&dir, "mentor reports");

    let out = merge(&dir, "mentee");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = read(&dir);
    assert!(text.contains("# agreed at the first meeting\n[schedule]"), "{text}");
    let table: toml::Table = text.parse().unwrap();
    let dates =
        |key: &str| -> Vec<String> { table[key].as_array().unwrap().iter().map(|e| e["date"].to_string()).collect() };
    assert_eq!(dates("checkins"), ["2026-10-05", "2026-11-16"]);
    assert_eq!(dates("evaluations"), ["2026-11-20"]);
    assert_eq!(table["signatures"].as_array().unwrap().len(), 3);
}

#[test]
fn a_real_term_conflict_stops_with_markers() {
    let Some((_tmp, dir)) = repo() else { return };
    ok(&dir, &["switch", "-q", "-c", "longer"]);
    std::fs::write(dir.join(FILE), read(&dir).replace("session_minutes = 45", "session_minutes = 60")).unwrap();
    commit(&dir, "60 minutes");
    ok(&dir, &["switch", "-q", "main"]);
    std::fs::write(dir.join(FILE), read(&dir).replace("session_minutes = 45", "session_minutes = 30")).unwrap();
    commit(&dir, "30 minutes");

    let out = merge(&dir, "longer");
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("`schedule.session_minutes` changed on both sides: 45 → 30 here, 60 there"), "{said}");
    let text = read(&dir);
    assert!(text.contains("<<<<<<< ours:agreements/pair.toml\nsession_minutes = 30\n=======\nsession_minutes = 60\n>>>>>>> theirs:agreements/pair.toml"), "{text}");
    assert!(ok(&dir, &["status", "--porcelain"]).contains("UU agreements/pair.toml"));
}

#[test]
fn a_term_changed_on_one_branch_is_taken_while_the_other_signs() {
    let Some((_tmp, dir)) = repo() else { return };
    ok(&dir, &["switch", "-q", "-c", "longer"]);
    std::fs::write(dir.join(FILE), read(&dir).replace("session_minutes = 45", "session_minutes = 60")).unwrap();
    commit(&dir, "60 minutes");
    ok(&dir, &["switch", "-q", "main"]);
    sign(&dir, "mentor", "2026-08-24");
    commit(&dir, "mentor signs");
    assert!(merge(&dir, "longer").status.success());
    let text = read(&dir);
    assert!(text.contains("session_minutes = 60") && text.contains("role = \"mentor\""), "{text}");
    // The mentor signed the 45-minute terms: check says the signature is stale.
    let out = cmd().current_dir(&dir).args(["check", FILE]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("signature-stale"));
}

#[test]
fn merge_file_by_hand_reports_and_exits_as_documented() {
    let tmp = tempfile::tempdir().unwrap();
    let p = |n: &str| tmp.path().join(n);
    let base = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    std::fs::write(p("base"), &base).unwrap();
    std::fs::write(p("ours"), format!("{base}\n[[checkins]]\ndate = 2026-11-20\nby = \"mentor\"\n")).unwrap();
    std::fs::write(p("theirs"), format!("{base}\n[[checkins]]\ndate = 2026-11-18\nby = \"mentee\"\n")).unwrap();
    cmd().arg("merge-file").args([p("base"), p("ours"), p("theirs")]).assert().success();
    let merged = std::fs::read_to_string(p("ours")).unwrap();
    assert_eq!(
        merged,
        format!(
            "{base}\n[[checkins]]\ndate = 2026-11-18\nby = \"mentee\"\n\n[[checkins]]\ndate = 2026-11-20\nby = \"mentor\"\n"
        )
    );
    // A missing side: exit 2, ours untouched.
    cmd().arg("merge-file").args([p("base"), p("ours"), p("missing")]).assert().code(2);
    assert_eq!(std::fs::read_to_string(p("ours")).unwrap(), merged);
}

fn diff(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cmd().current_dir(dir).arg("diff").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn diff_against_head_names_term_and_goal_changes_and_ignores_reformatting() {
    let Some((_tmp, dir)) = repo() else { return };
    sign_all(&dir);
    commit(&dir, "signed");
    // Reformatted only: [mentor] as an inline table, another quoting style.
    let text = read(&dir);
    let reformatted = text.replace(
        "[mentor]\nname = \"Maya Okafor\"\nemail = \"maya.okafor@example.org\"\n",
        "mentor = { email = 'maya.okafor@example.org', name = 'Maya Okafor' }\n",
    );
    let reformatted = format!(
        "topics = [\"career development\", \"leadership\", \"public speaking\"]\n{}",
        reformatted.replacen("topics = [\"career development\", \"leadership\", \"public speaking\"]\n", "", 1)
    );
    assert_ne!(reformatted, text);
    std::fs::write(dir.join(FILE), &reformatted).unwrap();
    let (code, out, _) = diff(&dir, &[FILE]);
    assert_eq!(code, 0);
    assert!(out.starts_with(&format!("{FILE} (unchanged)\n  no change in meaning\n  passes check (")), "{out}");

    let changed = reformatted
        .replace("session_minutes = 45", "session_minutes = 60")
        .replace("due = 2027-05-28", "due = 2027-05-21");
    std::fs::write(dir.join(FILE), changed).unwrap();
    let (code, out, _) = diff(&dir, &[FILE, "--rev", "HEAD"]);
    assert_eq!(code, 0);
    assert!(out.contains("  schedule.session_minutes: 45 → 60\n"), "{out}");
    assert!(
        out.contains("  goal 3 changed: Build a network outside my team\n    due: 2027-05-28 → 2027-05-21\n"),
        "{out}"
    );
    // Everyone had signed: the change is an amendment, not a draft again.
    assert!(
        out.contains("an amendment: the mentor, the mentee, the lead must sign the new terms; the terms signed before stay in force until they all have"),
        "{out}"
    );
    // The version before the signatures: the signatures are what was added.
    let (_, out, _) = diff(&dir, &[FILE, "--rev", "HEAD~1"]);
    assert!(out.contains("signature added: mentor (Maya Okafor) on 2026-08-24"), "{out}");
}

#[test]
fn diff_base_lists_every_changed_agreement() {
    let Some((_tmp, dir)) = repo() else { return };
    ok(&dir, &["switch", "-q", "-c", "pr"]);
    sign_all(&dir);
    let second = read(&dir).replace("Tomás Rivera", "Ana Lima");
    std::fs::write(dir.join("agreements/second.toml"), second).unwrap();
    std::fs::write(dir.join("notes.toml"), "a = 1\n").unwrap();
    ok(&dir, &["add", "-A"]);
    commit(&dir, "a pull request");
    // Meanwhile on main: not part of the pull request.
    ok(&dir, &["switch", "-q", "main"]);
    std::fs::write(dir.join("agreements/on-main.toml"), "format = 1\n").unwrap();
    ok(&dir, &["add", "-A"]);
    commit(&dir, "elsewhere");
    ok(&dir, &["switch", "-q", "pr"]);
    std::fs::write(dir.join("agreements/untracked.toml"), "format = 1\n").unwrap();
    let (code, out, err) = diff(&dir, &["--base", "main", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let reports: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files: Vec<(&str, &str)> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["file"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        files,
        [
            ("agreements/pair.toml", "changed"),
            ("agreements/second.toml", "added"),
            ("agreements/untracked.toml", "added")
        ]
    );
    assert_eq!(reports[0]["records"][0]["kind"], "signature");
    assert_eq!(reports[0]["errors"], 0);
    let (_, md, _) = diff(&dir, &["--base", "main", "--format", "md", "agreements/second.toml"]);
    assert!(md.starts_with("## Agreement changes\n\n### `agreements/second.toml` (added)\n"), "{md}");
}

#[test]
fn diff_refuses_bad_revisions_and_never_reads_them_as_options() {
    let Some((_tmp, dir)) = repo() else { return };
    for rev in ["no-such-branch", "--output=leak", "HEAD~99"] {
        let (code, _, err) = diff(&dir, &[FILE, &format!("--rev={rev}")]);
        assert_eq!(code, 2, "{rev}: {err}");
        assert!(err.contains("is not a revision of this repository"), "{err}");
        let (code, _, _) = diff(&dir, &[&format!("--base={rev}")]);
        assert_eq!(code, 2);
    }
    assert!(!dir.join("leak").exists());
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("a.toml"), "format = 1\n").unwrap();
    let (code, _, err) = diff(outside.path(), &["a.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("not inside a git repository"), "{err}");
}

#[test]
fn a_stale_signature_says_what_changed_since_that_person_signed() {
    let Some((_tmp, dir)) = repo() else { return };
    sign_pair(&dir);
    commit(&dir, "signed");
    let signed_at = ok(&dir, &["rev-parse", "--short", "HEAD"]).trim().to_string();
    let date = ok(&dir, &["log", "-1", "--format=%cs"]).trim().to_string();
    std::fs::write(dir.join(FILE), read(&dir).replace("session_minutes = 45", "session_minutes = 60")).unwrap();
    commit(&dir, "longer sessions");
    std::fs::write(dir.join(FILE), read(&dir).replace("months = 9", "months = 8")).unwrap();

    let check = |extra: &[&str]| {
        let out = cmd().current_dir(&dir).args(["check", "--format", "json", FILE]).args(extra).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "signature-stale")
            .map(|d| d["help"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let helps = check(&[]);
    assert_eq!(helps.len(), 2);
    assert!(
        helps[0].starts_with(&format!(
            "since the mentor signed (commit {signed_at}, {date}): schedule.session_minutes 45 → 60, term.months 9 → 8; review the new terms"
        )),
        "{helps:?}"
    );
    assert!(helps[1].starts_with("since the mentee signed"), "{helps:?}");
    // Looking back one commit does not reach the signed version; 0 does not look at all.
    for depth in ["1", "0"] {
        assert!(check(&["--history-depth", depth]).iter().all(|h| h.starts_with("review the new terms")), "{depth}");
    }
}

#[test]
fn diff_and_the_stale_explanation_work_in_a_linked_worktree() {
    let Some((_tmp, dir)) = repo() else { return };
    sign_pair(&dir);
    commit(&dir, "signed");
    ok(&dir, &["worktree", "add", "-q", "../linked", "-b", "linked"]);
    let linked = dir.join("../linked");
    std::fs::write(linked.join(FILE), read(&linked).replace("months = 9", "months = 8")).unwrap();
    let (code, out, err) = diff(&linked, &[FILE]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  term.months: 9 → 8\n"), "{out}");
    let out = cmd().current_dir(&linked).args(["check", FILE]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("since the mentor signed (commit "));
}

#[test]
fn a_shallow_clone_explains_what_it_has_and_no_more() {
    let Some((tmp, dir)) = repo() else { return };
    sign_pair(&dir);
    commit(&dir, "signed");
    std::fs::write(dir.join(FILE), read(&dir).replace("months = 9", "months = 8")).unwrap();
    commit(&dir, "shorter");
    let url = format!("file://{}", dir.display());
    ok(tmp.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]);
    let shallow = tmp.path().join("shallow");
    // The signed version is beyond the shallow boundary: the plain help.
    let out = cmd().current_dir(&shallow).args(["check", FILE]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("signature-stale") && !report.contains("since the mentor signed"), "{report}");
    // The revisions it has still compare.
    std::fs::write(shallow.join(FILE), read(&shallow).replace("months = 8", "months = 7")).unwrap();
    let (code, out, _) = diff(&shallow, &[FILE]);
    assert_eq!(code, 0);
    assert!(out.contains("term.months: 8 → 7"), "{out}");
}

#[test]
fn two_signatures_for_one_role_conflict_even_in_an_awkwardly_named_file() {
    let Some((_tmp, dir)) = repo() else { return };
    let odd = "agreements/o'neil & co $(x).toml";
    ok(&dir, &["mv", FILE, odd]);
    commit(&dir, "renamed");
    let sign_odd = |date: &str| {
        let mut c = assert_cmd::Command::cargo_bin("mentor-agree").unwrap();
        c.current_dir(&dir)
            .env("MENTOR_AGREE_TODAY", date)
            .args(["sign", odd, "--role", "mentor", "--date", date])
            .assert()
            .success();
    };
    ok(&dir, &["switch", "-q", "-c", "other"]);
    sign_odd("2026-08-25");
    commit(&dir, "mentor signs here");
    ok(&dir, &["switch", "-q", "main"]);
    sign_odd("2026-08-24");
    commit(&dir, "mentor signs there");
    let out = merge(&dir, "other");
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("two different signatures for the mentor: one here (2026-08-24), one there (2026-08-25)"),
        "{said}"
    );
    assert!(said.contains(&format!("mentor-agree: {odd}:")), "the driver was given the path: {said}");
    let text = std::fs::read_to_string(dir.join(odd)).unwrap();
    assert!(text.contains("<<<<<<< ours:") && text.contains(">>>>>>> theirs:"), "{text}");
    assert!(!dir.join("x").exists());
}

/// Runs `merge-file BASE OURS THEIRS` in `dir` under a kill-on-timeout bound:
/// (exit code, stderr). A run killed by the bound (a hang) or by a signal fails.
fn merge_file_in(dir: &Path) -> (i32, String) {
    let p = |n: &str| dir.join(n);
    let out = cmd()
        .arg("merge-file")
        .args([p("base"), p("ours"), p("theirs")])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("merge-file runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or_else(|| panic!("killed (a hang or a signal): {stderr}")), stderr)
}

/// Each side in turn broken (not TOML), empty, binary (NUL), invalid UTF-8, huge,
/// or another agreement: the driver falls back to git's line-wise merge, exits 0
/// only with a file that parses and holds no conflict markers, never loses the
/// record our side added (nor theirs, unless a side is binary: then OURS is kept
/// byte for byte), and never panics or exits 2.
#[test]
fn merge_file_with_a_hostile_side_falls_back_and_never_loses_a_record() {
    if !common::have_tool("git", "--version") {
        return;
    }
    let example = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    let record = |who: &str| format!("\n[[checkins]]\ndate = 2026-11-20\nby = \"mentor\"\nnote = \"{who}-record\"\n");
    let ours = format!("{example}{}", record("ours"));
    let theirs = format!("{example}{}", record("theirs"));
    let other = std::fs::read_to_string(common::example("2027-01-li-wei-sara-haddad.toml")).unwrap();
    let huge = format!("{example}# {}\n", "x".repeat(2_000_000));
    let kinds: [(&str, Vec<u8>); 6] = [
        ("broken", b"format = [\n".to_vec()),
        ("empty", Vec::new()),
        ("binary", b"format = 1\n\0\x01\x02\xff".to_vec()),
        ("invalid-utf8", [example.as_bytes(), b"# \xc3\x28\n"].concat()),
        ("huge", huge.into_bytes()),
        ("another-agreement", other.into_bytes()),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let mut conflicts = 0;
    for side in ["base", "ours", "theirs"] {
        for (kind, bytes) in &kinds {
            let what = format!("{side} {kind}");
            let dir = tmp.path().join(format!("{side}-{kind}"));
            std::fs::create_dir(&dir).unwrap();
            let mut sides = [
                ("base", example.clone().into_bytes()),
                ("ours", ours.clone().into_bytes()),
                ("theirs", theirs.clone().into_bytes()),
            ];
            for (name, content) in &mut sides {
                if *name == side {
                    // A hostile side carries its own record, so that keeping it can be checked too.
                    *content = if *name == "base" {
                        bytes.clone()
                    } else {
                        [bytes.as_slice(), record(name).as_bytes()].concat()
                    };
                }
                std::fs::write(dir.join(name), &content).unwrap();
            }
            let before = std::fs::read(dir.join("ours")).unwrap();
            let (code, stderr) = merge_file_in(&dir);
            let after = std::fs::read(dir.join("ours")).unwrap();
            assert!(matches!(code, 0 | 1), "{what}: exit {code}: {stderr}");
            let text = String::from_utf8_lossy(&after);
            if code == 0 {
                let parsed = std::str::from_utf8(&after).ok().and_then(|t| t.parse::<toml::Table>().ok());
                assert!(parsed.is_some() && !text.contains("<<<<<<<"), "{what}: exit 0 with a file that is not TOML");
            } else {
                conflicts += 1;
                assert!(stderr.contains("mentor-agree: "), "{what}: a conflict is explained: {stderr}");
            }
            if *kind == "binary" {
                assert_eq!(after, before, "{what}: a binary side leaves OURS byte for byte");
                assert!(stderr.contains("binary"), "{what}: {stderr}");
                assert_eq!(code, 1, "{what}");
                continue;
            }
            for who in ["ours", "theirs"] {
                assert!(
                    text.contains(&format!("note = \"{who}-record\"")),
                    "{what}: the record {who} added is lost:\n{}",
                    &text[..text.len().min(3000)]
                );
            }
            // Nothing is left beside OURS (the write goes through a renamed temporary file).
            assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3, "{what}");
        }
    }
    assert!(conflicts >= 9, "the broken, empty and binary sides are conflicts ({conflicts})");
}

/// OURS is replaced whole, by a rename: a second link to the old file still holds
/// the old bytes (a reader never sees a half-written merge).
#[test]
fn merge_file_replaces_ours_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let p = |n: &str| tmp.path().join(n);
    let base = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    let ours = format!("{base}\n[[checkins]]\ndate = 2026-11-20\nby = \"mentor\"\n");
    std::fs::write(p("base"), &base).unwrap();
    std::fs::write(p("ours"), &ours).unwrap();
    std::fs::write(p("theirs"), format!("{base}\n[[checkins]]\ndate = 2026-11-18\nby = \"mentee\"\n")).unwrap();
    std::fs::hard_link(p("ours"), p("old-link")).unwrap();
    let (code, stderr) = merge_file_in(tmp.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(p("old-link")).unwrap(), ours, "the old file was not written in place");
    let merged = std::fs::read_to_string(p("ours")).unwrap();
    assert!(merged.contains("by = \"mentee\"") && merged.contains("by = \"mentor\""));
    assert_eq!(support_listing(tmp.path()), ["base", "old-link", "ours", "theirs"]);
}

fn support_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A signed agreement on `main` with `records` appended, then `ours` and `theirs`
/// each rewriting the file on its own branch; returns the merge of theirs into ours.
fn merge_edits(
    records: &str,
    ours: impl Fn(&str) -> String,
    theirs: impl Fn(&str) -> String,
) -> Option<(tempfile::TempDir, PathBuf, std::process::Output)> {
    let (tmp, dir) = repo()?;
    sign_all(&dir);
    std::fs::write(dir.join(FILE), format!("{}{records}", read(&dir))).unwrap();
    commit(&dir, "signed");
    ok(&dir, &["switch", "-q", "-c", "theirs"]);
    std::fs::write(dir.join(FILE), theirs(&read(&dir))).unwrap();
    commit(&dir, "their change");
    ok(&dir, &["switch", "-q", "main"]);
    std::fs::write(dir.join(FILE), ours(&read(&dir))).unwrap();
    commit(&dir, "our change");
    let out = merge(&dir, "theirs");
    Some((tmp, dir, out))
}

fn assert_conflict(out: &std::process::Output, dir: &Path, why: &str) {
    assert!(!out.status.success(), "the merge must not succeed: {}", read(dir));
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains(why) || read(dir).contains(why), "{said}\n{}", read(dir));
    assert!(read(dir).contains("<<<<<<<"), "{}", read(dir));
}

const EXTENSION: &str = "\n[[extensions]]\nmonths = 3\nagreed = 2026-11-20\nby = [\"mentor\", \"mentee\"]\n";
const CHECKIN: &str = "\n[[checkins]]\ndate = 2026-10-10\nby = \"mentee\"\nnote = \"On track\"\n";

#[test]
fn both_sides_editing_one_record_is_a_conflict() {
    let Some((_tmp, dir, out)) = merge_edits(
        EXTENSION,
        |t| t.replace("months = 3\nagreed", "months = 2\nagreed"),
        |t| t.replace("months = 3\nagreed", "months = 4\nagreed"),
    ) else {
        return;
    };
    assert_conflict(&out, &dir, "changed or removed on both sides");
}

#[test]
fn editing_a_record_the_other_side_deleted_is_a_conflict() {
    let Some((_tmp, dir, out)) = merge_edits(
        CHECKIN,
        |t| t.replace("note = \"On track\"", "note = \"On track, goal 1 done\""),
        |t| t.replace(CHECKIN, "\n"),
    ) else {
        return;
    };
    assert_conflict(&out, &dir, "changed or removed on both sides");
}

#[test]
fn a_termination_and_a_later_extension_are_a_conflict() {
    let termination = "\n[termination]\ndate = 2026-11-15\nby = \"mentee\"\nnotice = \"written\"\nreason = \"Moved\"\n";
    let Some((_tmp, dir, out)) = merge_edits("", |t| format!("{t}{termination}"), |t| format!("{t}{EXTENSION}")) else {
        return;
    };
    assert_conflict(&out, &dir, "an ended agreement cannot be extended");
}

#[test]
fn a_clean_merge_keeps_their_comments_and_identical_records() {
    let theirs_added = "\n# the mentee reports\n[[checkins]] # first of two\ndate = 2026-10-12\nby = \"mentee\"\nnote = \"Same\" # kept\n\n[[checkins]]\ndate = 2026-10-12\nby = \"mentee\"\nnote = \"Same\" # kept\n";
    let ours_added = "\n[[checkins]]\ndate = 2026-10-11\nby = \"mentor\"\n";
    let Some((_tmp, dir, out)) = merge_edits("", |t| format!("{t}{ours_added}"), |t| format!("{t}{theirs_added}"))
    else {
        return;
    };
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stderr), read(&dir));
    let text = read(&dir);
    assert_eq!(text.matches("date = 2026-10-12").count(), 2, "both identical check-ins are kept:\n{text}");
    for comment in ["# the mentee reports", "# first of two", "note = \"Same\" # kept"] {
        assert!(text.contains(comment), "{comment:?} lost:\n{text}");
    }
}

#[test]
fn reminders_logged_on_two_branches_merge_without_conflict() {
    let Some((_tmp, dir)) = repo() else { return };
    // Two scheduled runs on two branches (or a run racing a person's push): each appends.
    let line = |to: &str| {
        format!(
            "{{\"when\":\"2026-12-08T07:00:00Z\",\"date\":\"2026-12-08\",\"to\":\"{to}\",\"id\":\"a\",\
             \"kind\":\"review-due\",\"due\":\"2026-12-15\",\"step\":\"before:7\",\"message_id\":\"<{to}>\"}}\n"
        )
    };
    std::fs::write(dir.join("reminders.log"), line("first@example.org")).unwrap();
    ok(&dir, &["add", "reminders.log"]);
    commit(&dir, "log");
    ok(&dir, &["checkout", "-q", "-b", "theirs"]);
    let first = std::fs::read_to_string(dir.join("reminders.log")).unwrap();
    std::fs::write(dir.join("reminders.log"), format!("{first}{}", line("theirs@example.org"))).unwrap();
    commit(&dir, "theirs");
    ok(&dir, &["checkout", "-q", "main"]);
    std::fs::write(dir.join("reminders.log"), format!("{first}{}", line("ours@example.org"))).unwrap();
    commit(&dir, "ours");
    let out = merge(&dir, "theirs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let log = std::fs::read_to_string(dir.join("reminders.log")).unwrap();
    for to in ["first@", "ours@", "theirs@"] {
        assert_eq!(log.matches(&format!("\"to\":\"{to}")).count(), 1, "{log}");
    }
    assert!(!log.contains("<<<<<<<"), "{log}");
}

/// The host's view: no merge driver registered (a server-side merge runs none).
/// A draft that `new` wrote, three parties signing on three branches, then
/// mentor and mentee checking in on two: every merge is clean with plain git,
/// and the result checks with `--require-signed`.
/// The binary in `dir` with `day` as today.
fn on(dir: &Path, day: &str) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("mentor-agree").unwrap();
    c.current_dir(dir).env("MENTOR_AGREE_TODAY", day).env("NO_COLOR", "1");
    c
}

/// A program made by `init` (no `git-setup`: no merge driver, as on the host)
/// holding one draft that `new` wrote on 2026-11-20, committed on `main`.
fn host_program() -> Option<(tempfile::TempDir, PathBuf)> {
    if !common::have_tool("git", "--version") {
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("program");
    std::fs::write(tmp.path().join("gitconfig"), "").unwrap();
    cmd().arg("init").arg(&dir).assert().success();
    ok(&dir, &["init", "-q", "-b", "main"]);
    on(&dir, "2026-11-20")
        .args(["new", "--mentor", "Maya Okafor", "--mentee", "Tomás Rivera", "--lead", "Priya Natarajan"])
        .args(["--topic", "leadership", "--frequency", "fortnightly", "--minutes", "45", "--mode", "video call"])
        .args(["--start", "2026-12-07", "--months", "6", "--review-every-months", "2"])
        .args(["--goal", "Run team retrospectives | 3 retrospectives run | 2027-03-15", "--yes"])
        .args(["--out", FILE])
        .assert()
        .success();
    ok(&dir, &["add", "-A"]);
    ok(&dir, &["commit", "-qm", "draft"]);
    assert!(git(&dir, &["config", "merge.mentor-agree.driver"]).stdout.is_empty(), "no driver registered");
    Some((tmp, dir))
}

/// Each of `branches` (name, arguments, day) made from `main` with one command
/// and committed, then merged into `main` with plain git: every merge must be clean.
fn merge_branches(dir: &Path, branches: &[(&str, &[&str], &str)]) {
    for (name, args, day) in branches {
        ok(dir, &["switch", "-q", "-c", name, "main"]);
        on(dir, day).args(*args).assert().success();
        commit(dir, name);
    }
    ok(dir, &["switch", "-q", "main"]);
    for (name, _, _) in branches {
        let out = merge(dir, name);
        assert!(out.status.success(), "{name}: {}{}", String::from_utf8_lossy(&out.stdout), read(dir));
    }
    assert!(!read(dir).contains("<<<<<<<"), "{}", read(dir));
}

/// Mentor, mentee and lead each sign on a branch of their own (`mentor-SUFFIX`…)
/// on the given days, merged into `main` with plain git.
fn sign_on_three_branches(dir: &Path, suffix: &str, days: [&str; 3]) {
    let names: Vec<String> = ["mentor", "mentee", "lead"].iter().map(|r| format!("{r}-{suffix}")).collect();
    let args: Vec<[&str; 4]> = ["mentor", "mentee", "lead"].iter().map(|r| ["sign", FILE, "--role", r]).collect();
    let branches: Vec<(&str, &[&str], &str)> = (0..3).map(|i| (names[i].as_str(), &args[i][..], days[i])).collect();
    merge_branches(dir, &branches);
}

#[test]
fn parallel_signing_and_checkins_merge_with_plain_git() {
    let Some((_tmp, dir)) = host_program() else { return };
    sign_on_three_branches(&dir, "signs", ["2026-11-21", "2026-11-22", "2026-11-23"]);
    on(&dir, "2026-11-25").args(["check", "--require-signed", FILE]).assert().success();
    merge_branches(
        &dir,
        &[
            ("mentor-checks-in", &["checkin", FILE, "--by", "mentor", "--note", "Kick-off held"], "2026-12-10"),
            ("mentee-checks-in", &["checkin", FILE, "--by", "mentee", "--note", "First retro planned"], "2026-12-11"),
        ],
    );
    assert_eq!(read(&dir).matches("[[checkins]]").count(), 2, "{}", read(&dir));
    on(&dir, "2026-12-12").args(["check", "--require-signed", FILE]).assert().success();
}

/// An agreement written before the sections, its records at the end: `sections`
/// brings it into them without changing its meaning, and then parallel signing
/// branches merge with plain git as they do for a draft `new` wrote.
#[test]
fn sections_bring_an_older_file_into_the_layout_plain_git_merges() {
    let Some((_tmp, dir)) = host_program() else { return };
    let example = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    let older = format!("{}\n", &example[..example.find("\n[[signatures]]").unwrap()]);
    assert!(!older.contains("# -- signatures by"), "written before the sections");
    std::fs::write(dir.join(FILE), &older).unwrap();
    on(&dir, "2026-08-20").args(["sign", FILE, "--role", "mentor"]).assert().success();
    let signed = read(&dir).replace("\n[[signatures]]", "\n# signed at the kick-off\n[[signatures]]");
    std::fs::write(dir.join(FILE), signed).unwrap();
    commit(&dir, "an older draft, signed by the mentor");
    let digest = |dir: &Path| on(dir, "2026-08-21").args(["terms", "--digest", FILE]).output().unwrap().stdout;
    let before = digest(&dir);
    let out = on(&dir, "2026-08-21").args(["sections", FILE]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = read(&dir);
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}: {text}"));
    assert!(at("# -- signatures by the mentor --") < at("# signed at the kick-off"), "{text}");
    assert!(at("role = \"mentor\"") < at("# -- signatures by the mentee --"), "{text}");
    assert_eq!(digest(&dir), before, "the terms are the same");
    let out = on(&dir, "2026-08-21").args(["sections", FILE]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("already in sections"));
    commit(&dir, "sections");
    merge_branches(
        &dir,
        &[
            ("mentee-signs", &["sign", FILE, "--role", "mentee"], "2026-08-25"),
            ("lead-signs", &["sign", FILE, "--role", "lead"], "2026-08-27"),
        ],
    );
    on(&dir, "2026-08-28").args(["check", "--require-signed", FILE]).assert().success();
}

/// The amendment walk-through, on the host (no merge driver): a pair in force
/// since 2026-11-23 changes its schedule in January; until all three sign the
/// new terms the agreement stays active under the terms signed, and `status`,
/// `agenda` (dated from the commit that changed the terms), the page and `diff`
/// say so. The three sign on three branches, merged with plain git; the
/// amendment is then in force from the last signature, the effective date never
/// moved, and `check` has nothing to say.
#[test]
fn an_amendment_signed_on_three_branches_keeps_the_effective_date() {
    let Some((_tmp, dir)) = host_program() else { return };
    sign_on_three_branches(&dir, "signs", ["2026-11-21", "2026-11-22", "2026-11-23"]);
    on(&dir, "2026-12-10").args(["checkin", FILE, "--by", "mentee", "--note", "Kick-off held"]).assert().success();
    commit(&dir, "check-in");
    // The pull request that changes the terms.
    std::fs::write(dir.join(FILE), read(&dir).replace("session_minutes = 45", "session_minutes = 60")).unwrap();
    commit(&dir, "longer sessions");
    let changed_at = ok(&dir, &["rev-parse", "--short", "HEAD"]).trim().to_string();
    let changed_on = ok(&dir, &["log", "-1", "--format=%cs"]).trim().to_string();

    let day = "2027-01-10";
    let status = |day: &str| -> serde_json::Value {
        let out = on(&dir, day).args(["status", "--format", "json", FILE]).output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone()
    };
    let row = status(day);
    assert_eq!((row["state"].as_str(), row["effective"].as_str()), (Some("active"), Some("2026-11-23")), "{row:#}");
    assert_eq!(row["amendment"], serde_json::json!(["mentor", "mentee", "lead"]), "{row:#}");
    // Nothing is wrong with the file; only --require-signed asks for the signatures.
    let out = on(&dir, day).args(["check", "--format", "json", FILE]).output().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report:#}");
    let out = on(&dir, day).args(["check", "--require-signed", FILE]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8(on(&dir, day).args(["status", FILE]).output().unwrap().stdout).unwrap();
    assert!(table.contains("amendment awaiting signatures: mentor, mentee, lead"), "{table}");
    let out = on(&dir, day).args(["agenda", "--format", "json", FILE]).output().unwrap();
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = items.as_array().unwrap().iter().find(|i| i["kind"] == "amendment").expect("an amendment item");
    assert_eq!(
        item["message"],
        format!(
            "amendment awaiting signatures: mentor, mentee, lead (terms changed on {changed_on}, commit {changed_at}; the terms of 2026-11-23 stay in force until then)"
        )
    );
    let md = String::from_utf8(on(&dir, day).args(["render", FILE]).output().unwrap().stdout).unwrap();
    assert!(md.contains("**Effective date: 23 November 2026**"), "{md}");
    assert!(md.contains("**Amendment awaiting signatures: mentor, mentee, lead.**"), "{md}");
    assert!(md.contains("What changed:\n\n- schedule.session\\_minutes 45 → 60"), "{md}");
    let (_, out, _) = diff(&dir, &[FILE, "--rev", "HEAD~1"]);
    assert!(out.contains("an amendment: the mentor, the mentee, the lead must sign the new terms"), "{out}");

    sign_on_three_branches(&dir, "amends", ["2027-01-12", "2027-01-13", "2027-01-14"]);
    // The signatures of the terms first signed stay as their record.
    assert_eq!(read(&dir).matches("[[signatures]]").count(), 6, "{}", read(&dir));
    let row = status("2027-01-15");
    assert_eq!((row["effective"].as_str(), row["amended"].as_str()), (Some("2026-11-23"), Some("2027-01-14")));
    assert_eq!(row["amendment"], serde_json::json!([]), "{row:#}");
    let out = on(&dir, "2027-01-15").args(["check", "--require-signed", "--format", "json", FILE]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["diagnostics"], serde_json::json!([]), "no start-before-effective, nothing: {report:#}");
    let md = String::from_utf8(on(&dir, "2027-01-15").args(["render", FILE]).output().unwrap().stdout).unwrap();
    assert!(md.contains("the amendment is in force from 14 January 2027"), "{md}");
}

#[test]
fn diff_of_two_files_blames_the_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = common::fixture("lifecycle/commented.toml");
    std::fs::write(dir.path().join("broken.toml"), "format = 1\n[mentor\n").unwrap();
    std::fs::copy(&good, dir.path().join("good.toml")).unwrap();
    let (code, _, stderr) = diff(dir.path(), &["broken.toml", "good.toml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("broken.toml: the old version is not valid TOML"), "{stderr}");
    assert!(!stderr.contains("good.toml"), "{stderr}");
    let (code, _, stderr) = diff(dir.path(), &["good.toml", "broken.toml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("broken.toml: the new version is not valid TOML"), "{stderr}");
}

#[test]
fn diff_says_renewed_for_a_signature_replaced_and_writes_markdown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.toml");
    std::fs::copy(common::fixture("lifecycle/commented.toml"), &old).unwrap();
    crate::support::sign_all(
        &old,
        "2026-10-20",
        &[("mentor", "Ada Lovelace"), ("mentee", "Grace Hopper"), ("lead", "Alan Turing")],
    );
    let text = std::fs::read_to_string(&old).unwrap();
    let renewed = text.replacen("date = 2026-10-20\nterms", "date = 2026-11-01\nterms", 1);
    let renewed = renewed.replace("session_minutes = 45", "session_minutes = 50");
    std::fs::write(dir.path().join("new.toml"), renewed).unwrap();
    let (code, human, stderr) = diff(dir.path(), &["old.toml", "new.toml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(human.contains("signature renewed: mentor (Ada Lovelace) on 2026-11-01 (was 2026-10-20)"), "{human}");
    assert!(!human.contains("signature added") && !human.contains("signature removed"), "{human}");
    let (_, md, _) = diff(dir.path(), &["old.toml", "new.toml", "--format", "md"]);
    assert!(md.contains("- `schedule.session_minutes`: `45` → `50`\n"), "{md}");
    assert!(md.contains("- signature renewed: mentor (Ada Lovelace) on 2026-11-01 (was 2026-10-20)\n"), "{md}");
}
