//! Issue 24, writes: edits touch only agreements, only where they are; no symlink
//! is written through; special files are never read without bound.

use crate::common;
use crate::support;

use std::fs;
use std::path::Path;

use common::cmd;
use support::{copy_fixture, listing};

const FIXTURE: &str = "lifecycle/commented.toml";

/// Every editing command, with arguments that would change an agreement.
fn edits() -> Vec<Vec<&'static str>> {
    vec![
        vec!["checkin", "--by", "mentee"],
        vec!["sign", "--role", "mentor", "--name", "Ada Lovelace"],
        vec!["evaluate", "--by", "mentor", "--working", "yes"],
        vec!["extend", "--months", "2"],
        vec!["terminate", "--by", "mentee", "--reason", "moved on"],
        vec!["check", "--fix"],
    ]
}

fn run_edit(args: &[&str], file: &Path) -> std::process::Output {
    let mut c = cmd();
    c.arg(args[0]).arg(file).args(&args[1..]).timeout(std::time::Duration::from_secs(60));
    c.output().unwrap()
}

#[cfg(unix)]
#[test]
fn edits_refuse_to_write_through_a_symlinked_agreement() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The target outside: an agreement (so nothing but the link stops an edit) and a Cargo.toml.
    let agreement = copy_fixture(FIXTURE, outside.path());
    let cargo = outside.path().join("Cargo.toml");
    fs::write(&cargo, "[package]\nname = \"victim\"\nversion = \"0.1.0\"\n").unwrap();
    for target in [&agreement, &cargo] {
        let before = fs::read(target).unwrap();
        let link = dir.path().join("x.toml");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        for args in edits() {
            let out = run_edit(&args, &link);
            let stderr = String::from_utf8_lossy(&out.stderr);
            // `check --fix` edits only a file with something to fix: the valid agreement is just checked.
            if args[0] == "check" && target == &agreement {
                assert_eq!(fs::read(target).unwrap(), before);
                continue;
            }
            assert_eq!(out.status.code(), Some(2), "{args:?} on a link to {}: {stderr}", target.display());
            assert!(stderr.contains("symbolic link"), "{args:?}: {stderr}");
            assert_eq!(fs::read(target).unwrap(), before, "{args:?} wrote through the link");
            assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "{args:?}");
            assert_eq!(listing(dir.path()), ["x.toml"], "{args:?} left something behind");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_folder_walk_names_the_symlinks_it_skipped() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = copy_fixture(FIXTURE, outside.path());
    std::os::unix::fs::symlink(&target, dir.path().join("x.toml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("more")).unwrap();
    let out = cmd().arg("check").arg(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("skipped symlink {}", dir.path().join("x.toml").display())), "{stderr}");
    assert!(stderr.contains(&format!("skipped symlink {}", dir.path().join("more").display())), "{stderr}");
}

#[test]
fn edits_refuse_files_that_are_not_agreements() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("program.toml"), "[program]\nname = \"Test program\"\n").unwrap();
    fs::create_dir(dir.path().join("agreements")).unwrap();
    let agreements = dir.path().join("agreements");
    let cargo = agreements.join("Cargo.toml");
    fs::write(&cargo, "[package]\nname = \"victim\"\nversion = \"0.1.0\"\n").unwrap();
    for file in [dir.path().join("program.toml"), cargo] {
        let before = fs::read(&file).unwrap();
        for args in edits() {
            let out = run_edit(&args, &file);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("not an agreement"), "{args:?} on {}: {stderr}", file.display());
            if args[0] != "check" {
                assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            }
            assert_eq!(fs::read(&file).unwrap(), before, "{args:?} changed {}", file.display());
        }
    }
    // A file with errors is still an agreement: the edit goes through.
    let draft = agreements.join("draft.toml");
    fs::write(&draft, "format = 1\n[mentor]\nname = \"Ada\"\n").unwrap();
    cmd().arg("checkin").arg(&draft).args(["--by", "mentor"]).assert().success();
}

#[test]
fn an_edit_that_adds_an_error_is_refused_when_the_file_already_had_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    // An existing error: a goal without a measure.
    let text =
        fs::read_to_string(&file).unwrap().replace("measure = \"Run 3 retrospectives rated 4/5 or better\"\n", "");
    fs::write(&file, &text).unwrap();
    let out = cmd().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    // A check-in before the term starts adds an error of another code: refused.
    let out = cmd().arg("checkin").arg(&file).args(["--by", "mentee", "--date", "2026-01-01"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
}

#[cfg(unix)]
#[test]
fn a_symlinked_lock_is_refused_at_once_and_unlock_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let lock = dir.path().join("commented.toml.lock");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &lock).unwrap();
    let before = fs::read(&file).unwrap();
    let started = std::time::Instant::now();
    let out = cmd()
        .arg("checkin")
        .arg(&file)
        .args(["--by", "mentee"])
        .env_remove("MENTOR_AGREE_LOCK_TIMEOUT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "waited for a lock nobody holds: {stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a symbolic link, not a lock"), "{stderr}");
    assert!(stderr.contains("mentor-agree unlock"), "{stderr}");
    assert_eq!(fs::read(&file).unwrap(), before);
    assert!(!dir.path().join("nowhere").exists());

    let out = cmd().arg("unlock").arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Removed") && stderr.contains("symbolic link"), "{stderr}");
    assert!(fs::symlink_metadata(&lock).is_err());
    cmd().arg("checkin").arg(&file).args(["--by", "mentee"]).assert().success();
}

/// A FIFO (which a reader would wait on forever), with nothing ever writing to it.
#[cfg(unix)]
fn fifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo");
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.toml");
    fifo(&pipe);
    let file = copy_fixture(FIXTURE, dir.path());
    let big = dir.path().join("big.toml");
    fs::File::create(&big).unwrap().set_len(mentor_agree::input::MAX_FILE_SIZE + 1).unwrap();
    let f = |p: &Path| p.to_str().unwrap().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec!["check".into(), "/dev/zero".into()],
        vec!["check".into(), f(&pipe)],
        vec!["check".into(), f(&big)],
        vec!["terms".into(), f(&pipe)],
        vec!["checkin".into(), f(&pipe), "--by".into(), "mentee".into()],
        vec!["merge-file".into(), f(&file), f(&file), "/dev/zero".into()],
        vec!["merge-file".into(), f(&file), f(&file), f(&pipe)],
    ];
    for args in runs {
        let out = cmd().args(&args).timeout(std::time::Duration::from_secs(20)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} (killed by the timeout if None): {stderr}");
        assert!(
            stderr.contains("only regular files are read") || stderr.contains("MiB, the most any file may hold"),
            "{args:?}: {stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn man_out_dir_replaces_a_symlink_instead_of_writing_through_it() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    fs::write(&victim, "keep me").unwrap();
    let page = dir.path().join("mentor-agree-check.1");
    std::os::unix::fs::symlink(&victim, &page).unwrap();
    cmd().args(["man", "--out-dir"]).arg(dir.path()).assert().success();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(!fs::symlink_metadata(&page).unwrap().file_type().is_symlink());
    assert!(fs::read_to_string(&page).unwrap().starts_with(".ie"), "a man page replaced the link");
}

#[test]
fn render_site_refuses_a_folder_it_did_not_make_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let file = copy_fixture(FIXTURE, dir.path());
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(docs.join("index.html"), "<h1>The project's own page</h1>").unwrap();
    let out = cmd().arg("render").arg("--site").arg(&docs).arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not made by `render --site`") && stderr.contains("--force"), "{stderr}");
    assert_eq!(fs::read_to_string(docs.join("index.html")).unwrap(), "<h1>The project's own page</h1>");
    assert_eq!(listing(&docs), ["index.html"]);

    // A new folder, or one a render made (it carries the marker), is written as before.
    let site = dir.path().join("site");
    cmd().arg("render").arg("--site").arg(&site).arg(&file).assert().success();
    assert!(site.join(mentor_agree::output::site::SITE_MARKER).is_file());
    cmd().arg("render").arg("--site").arg(&site).arg(&file).assert().success();
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    cmd().arg("render").arg("--site").arg(&empty).arg(&file).assert().success();

    // --force writes into the user's folder anyway, and marks it.
    cmd().arg("render").arg("--site").arg(&docs).arg(&file).arg("--force").assert().success();
    assert!(docs.join(mentor_agree::output::site::SITE_MARKER).is_file());
    assert_ne!(fs::read_to_string(docs.join("index.html")).unwrap(), "<h1>The project's own page</h1>");
}
