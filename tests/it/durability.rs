//! Durability of edits: a crash between writing the new text and renaming it over
//! the file, a full disk, and a read-only folder all leave the original file
//! byte-identical, give a clear error with exit 2, and (except for the crash,
//! whose lock the next edit reports) leave nothing behind.
//!
//! The crash and the injected full disk use the test-only `MENTOR_AGREE_FAULT`
//! hook in `src/edit/mod.rs`, which only debug builds read. The real full disk and
//! the read-only folder use a private mount namespace (`unshare`), because tests
//! run as root in CI, where `chmod 555` does not stop anything.

use crate::common;
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::cmd;
use support::{copy_fixture, listing, passes_check};

const FIXTURE: &str = "lifecycle/commented.toml";

/// Every editing command, as arguments after the binary's name (FILE appended).
const EDITS: [&[&str]; 4] = [
    &["checkin", "--by", "mentee", "--note", "on track"],
    &["extend", "--months", "2"],
    &["terminate", "--by", "mentee", "--reason", "moving abroad"],
    &["sign", "--role", "mentor"],
];

// The fault hook is compiled into debug builds only, so `cargo test --release`
// reports these two as ignored, with the reason (CI runs them in a debug build).

#[test]
#[cfg_attr(not(debug_assertions), ignore = "MENTOR_AGREE_FAULT is read only by debug builds")]
fn a_crash_before_the_rename_leaves_the_original_and_the_next_edit_names_the_stale_lock() {
    for edit in EDITS {
        let dir = tempfile::tempdir().unwrap();
        let file = copy_fixture(FIXTURE, dir.path());
        let before = std::fs::read(&file).unwrap();
        let out = cmd().args(edit).arg(&file).env("MENTOR_AGREE_FAULT", "crash-before-rename").output().unwrap();
        assert!(!out.status.success(), "{edit:?}: the injected crash did not happen");
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(out.status.signal(), Some(6), "{edit:?}: not killed by SIGABRT: {:?}", out.status);
        }
        assert_eq!(std::fs::read(&file).unwrap(), before, "{edit:?}: the original changed");
        assert!(passes_check(&file), "{edit:?}: the original no longer checks");
        let lock = dir.path().join("commented.toml.lock");
        assert_eq!(listing(dir.path()), ["commented.toml", "commented.toml.lock"], "{edit:?}");
        // The crash came after the new text was fully written and synced: only the rename was missing.
        let pending = std::fs::read(&lock).unwrap();
        assert!(pending.starts_with(&before) && pending.len() > before.len(), "{edit:?}");

        // The next edit waits for the lock, then names it and says what to do.
        let out = cmd()
            .args(["checkin", "--by", "mentor"])
            .arg(&file)
            .env("MENTOR_AGREE_LOCK_TIMEOUT", "0.2")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{edit:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("remove {}", lock.display())), "{edit:?}: {stderr}");
        assert!(stderr.contains("a crashed one left the lock behind"), "{edit:?}: {stderr}");
        assert_eq!(std::fs::read(&file).unwrap(), before);

        // Removing the lock, as the message says, lets edits go on.
        std::fs::remove_file(&lock).unwrap();
        cmd().args(edit).arg(&file).assert().success();
        assert!(std::fs::read(&file).unwrap().starts_with(&before), "{edit:?}");
        assert_eq!(listing(dir.path()), ["commented.toml"]);
    }
}

#[test]
#[cfg_attr(not(debug_assertions), ignore = "MENTOR_AGREE_FAULT is read only by debug builds")]
fn a_write_that_fails_halfway_leaves_the_original_and_nothing_else() {
    for edit in EDITS {
        let dir = tempfile::tempdir().unwrap();
        let file = copy_fixture(FIXTURE, dir.path());
        let before = std::fs::read(&file).unwrap();
        let out = cmd().args(edit).arg(&file).env("MENTOR_AGREE_FAULT", "disk-full").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{edit:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("error: cannot write {} (file unchanged): no space left", file.display())),
            "{edit:?}: {stderr}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), before, "{edit:?}");
        assert_eq!(listing(dir.path()), ["commented.toml"], "{edit:?}: the half-written lock file was left");
    }
}

/// Runs `script` (sh, with the binary as `$BIN` and `args` as `"$@"`) in a private
/// mount namespace as root of a user namespace. `None` when this machine does not
/// allow that: the test is then skipped visibly, or fails in CI (see `common::skip`).
fn in_mount_namespace(script: &str, args: &[&std::ffi::OsStr]) -> Option<std::process::Output> {
    let probe = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", "mount -t tmpfs none /mnt 2>/dev/null || exit 1"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        common::skip("cannot mount in a private namespace here (`unshare --user --map-root-user --mount` refused)");
        return None;
    }
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .args(args)
        .env("BIN", env!("CARGO_BIN_EXE_mentor-agree"))
        .env("NO_COLOR", "1")
        .env_remove("MENTOR_AGREE_TODAY")
        .output()
        .unwrap();
    Some(out)
}

#[test]
fn a_full_disk_gives_a_clear_error_and_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("disk");
    let outside = dir.path().join("seen");
    std::fs::create_dir_all(&mnt).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let original = common::fixture(FIXTURE);
    // A 64 KiB filesystem holding the agreement, then filled to the last block.
    let script = r#"
        set -u
        mnt=$1 original=$2 seen=$3
        mount -t tmpfs -o size=64k none "$mnt" || exit 90
        cp "$original" "$mnt/a.toml" || exit 91
        dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
        "$BIN" --today 2026-11-25 checkin "$mnt/a.toml" --by mentee --note "a note long enough to need a block"
        echo "exit=$?" > "$seen/status"
        cp "$mnt/a.toml" "$seen/after.toml"
        ls -A "$mnt" > "$seen/listing"
    "#;
    let Some(out) = in_mount_namespace(script, &[mnt.as_os_str(), original.as_os_str(), outside.as_os_str()]) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "setup failed: {stderr}");
    let seen = |name: &str| std::fs::read_to_string(outside.join(name)).unwrap();
    assert_eq!(seen("status").trim(), "exit=2", "{stderr}");
    assert!(stderr.contains("a.toml (file unchanged): No space left on device"), "{stderr}");
    assert_eq!(seen("after.toml"), std::fs::read_to_string(&original).unwrap());
    assert_eq!(seen("listing").lines().collect::<Vec<_>>(), ["a.toml", "filler"], "a lock file was left behind");
}

#[test]
fn a_read_only_folder_gives_a_clear_error_and_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("agreements");
    std::fs::create_dir(&folder).unwrap();
    let file = copy_fixture(FIXTURE, &folder);
    let before = std::fs::read(&file).unwrap();
    let (code, stderr) = if is_root() {
        // Root ignores permission bits: make the folder a read-only mount instead.
        let script = r#"
            mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 90
            shift
            exec "$BIN" --today 2026-11-25 "$@"
        "#;
        let args: Vec<&std::ffi::OsStr> =
            [folder.as_os_str(), "checkin".as_ref(), file.as_os_str(), "--by".as_ref(), "mentee".as_ref()].to_vec();
        let Some(out) = in_mount_namespace(script, &args) else {
            return;
        };
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    } else {
        let out = with_mode(&folder, 0o555, || cmd().args(["checkin", "--by", "mentee"]).arg(&file).output().unwrap());
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    assert_eq!(code, Some(2), "{stderr}");
    let lock = lock_of(&file);
    assert!(
        stderr.contains(&format!("error: cannot create the lock file {} (file unchanged): ", lock.display())),
        "{stderr}"
    );
    assert!(stderr.contains("Read-only file system") || stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(listing(&folder), ["commented.toml"]);
}

fn lock_of(file: &Path) -> PathBuf {
    file.with_file_name("commented.toml.lock")
}

#[cfg(unix)]
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

/// Runs `f` with `dir`'s permission bits set to `mode`, restoring them afterwards.
#[cfg(unix)]
fn with_mode<T>(dir: &Path, mode: u32, f: impl FnOnce() -> T) -> T {
    use std::os::unix::fs::PermissionsExt;
    let old = std::fs::metadata(dir).unwrap().permissions();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    let out = f();
    std::fs::set_permissions(dir, old).unwrap();
    out
}

#[cfg(not(unix))]
fn with_mode<T>(dir: &Path, _mode: u32, f: impl FnOnce() -> T) -> T {
    let mut perms = std::fs::metadata(dir).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(dir, perms.clone()).unwrap();
    let out = f();
    perms.set_readonly(false);
    std::fs::set_permissions(dir, perms).unwrap();
    out
}

// ----- leftovers of a SIGKILL ------------------------------------------------

/// Waits up to 20 s for `ready`.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !ready() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Kills `child` with SIGKILL (what `Child::kill` sends on Unix) and checks that it died of it.
#[cfg(unix)]
fn sigkill(mut child: std::process::Child) {
    use std::os::unix::process::ExitStatusExt;
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "not killed by SIGKILL: {status:?}");
}

/// The process id of a process that has ended.
fn a_gone_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// A `render --site OUT a.toml blocked.toml` that blocks reading `blocked.toml` (a
/// FIFO nobody writes), after its staging folder exists with `a.html` in it.
#[cfg(unix)]
fn blocked_render(dir: &Path, out: &str, stalled: &str) -> (std::process::Child, PathBuf) {
    // A FIFO no longer blocks a render (it is refused before it is opened): reading
    // this file stalls instead, as on a hung network disk (a debug-build fault hook).
    std::fs::copy(common::fixture(FIXTURE), dir.join(stalled)).unwrap();
    let child = support::raw_cmd()
        .current_dir(dir)
        .env("MENTOR_AGREE_FAULT", format!("hang-reading:{stalled}"))
        .args(["render", "--site", out, "a.toml", stalled])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (parent, prefix) =
        if dir.join(out).is_dir() { (dir.join(out), ".".to_string()) } else { (dir.to_path_buf(), format!(".{out}.")) };
    let staging = parent.join(format!("{prefix}mentor-agree-{}.tmp", child.id()));
    wait_for("the staging folder", || staging.join("a.html").exists());
    (child, staging)
}

#[cfg(unix)]
#[test]
#[cfg_attr(not(debug_assertions), ignore = "MENTOR_AGREE_FAULT is read only by debug builds")]
fn staging_folders_of_a_render_killed_with_sigkill_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::fixture(FIXTURE), dir.path().join("a.toml")).unwrap();
    let names = |d: &Path| {
        listing(d)
            .into_iter()
            .filter(|n| n.starts_with('.') && n != mentor_agree::output::site::SITE_MARKER)
            .collect::<Vec<_>>()
    };

    // A new site: a run still going (blocked reading a FIFO), then one killed with
    // SIGKILL, whose staging folder stays beside where the site would be.
    let (alive, alive_staging) = blocked_render(dir.path(), "site", "blocked-1.toml");
    let (killed, left) = blocked_render(dir.path(), "site", "blocked-2.toml");
    sigkill(killed);
    assert!(left.join(mentor_agree::edit::leftovers::STAGING_MARKER).exists(), "the killed run's staging folder stays");
    // And a folder named like staging, of a process that is gone, but without the marker: not ours.
    let stranger = dir.path().join(format!(".site.mentor-agree-{}.tmp", a_gone_pid()));
    std::fs::create_dir(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), "someone's").unwrap();

    let out = support::raw_cmd().current_dir(dir.path()).args(["render", "--site", "site", "a.toml"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let note = format!("note: removed {}, the staging folder of a render --site that was killed", left.display());
    assert!(stderr.contains(&note), "{stderr}");
    assert!(!left.exists(), "the killed run's staging folder is removed");
    assert!(alive_staging.exists(), "a running render's staging folder is kept");
    assert!(stranger.join("notes.txt").exists(), "a folder without the marker is kept");
    assert_eq!(
        listing(&dir.path().join("site")),
        [mentor_agree::output::site::SITE_MARKER, "a.html", "index.html", "report.html", "style.css"]
    );

    // An existing site: a killed run's staging folder hides inside the published site.
    sigkill(alive);
    let (killed, inside) = blocked_render(dir.path(), "site", "blocked-3.toml");
    assert!(inside.starts_with(dir.path().join("site")));
    sigkill(killed);
    assert_eq!(names(&dir.path().join("site")).len(), 1, "the leftover is inside the site");
    let rendered = support::raw_cmd().current_dir(dir.path()).args(["render", "--site", "site", "a.toml"]).output();
    assert!(rendered.unwrap().status.success());
    assert!(names(&dir.path().join("site")).is_empty(), "removed from the site");
    assert!(!alive_staging.exists(), "the first run's, killed since, is removed beside the site too");
    assert_eq!(names(dir.path()), [stranger.file_name().unwrap().to_string_lossy().into_owned()]);
}

/// A fake `ssh-keygen` that records its process id and then hangs, so that
/// `sign --key KEY.pub` (which runs it under the file's lock) holds the lock.
#[cfg(unix)]
fn hanging_ssh_keygen(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir(&bin).unwrap();
    let script = bin.join("ssh-keygen");
    std::fs::write(&script, "#!/bin/sh\necho $$ > \"$HANG_PID\"\nexec sleep 60\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// `sign --role mentor --key ada.pub` in an SSH program, hanging inside the lock.
#[cfg(unix)]
fn hanging_sign(dir: &Path, bin: &Path, tag: &str) -> (std::process::Child, u32) {
    let pid_file = dir.join(format!("hang-{tag}.pid"));
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let child = support::raw_cmd()
        .current_dir(dir)
        .env("PATH", path)
        .env("HANG_PID", &pid_file)
        .args(["sign", "draft.toml", "--role", "mentor", "--key", "ada.pub"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the signing to start under the lock", || {
        std::fs::read_to_string(&pid_file).is_ok_and(|s| s.ends_with('\n'))
    });
    let helper = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    (child, helper)
}

#[cfg(unix)]
#[test]
fn a_lock_left_by_an_edit_killed_with_sigkill_is_named_and_unlock_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["program.toml", "draft.toml"] {
        std::fs::copy(common::fixture(&format!("signing/ssh/{name}")), dir.path().join(name)).unwrap();
    }
    let signers = std::fs::read_to_string(common::fixture("signing/signed-ssh/allowed_signers")).unwrap();
    std::fs::write(dir.path().join("allowed_signers"), &signers).unwrap();
    let ada = signers.lines().find(|l| l.starts_with("ada@")).unwrap().split_once(' ').unwrap().1;
    std::fs::write(dir.path().join("ada.pub"), format!("{ada}\n")).unwrap();
    let bin = hanging_ssh_keygen(dir.path());
    let file = dir.path().join("draft.toml");
    let lock = dir.path().join("draft.toml.lock");
    let before = std::fs::read(&file).unwrap();
    let kill_helper = |pid: u32| {
        Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    };

    // While an edit runs, `unlock` refuses: the lock is in use.
    let (running, helper) = hanging_sign(dir.path(), &bin, "1");
    std::thread::sleep(std::time::Duration::from_millis(1100)); // past the lock's grace period
    let out = support::raw_cmd().current_dir(dir.path()).args(["unlock", "draft.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is being edited right now"));
    assert!(lock.exists());

    // Killed with SIGKILL: no destructor runs, the lock stays, the file is untouched.
    sigkill(running);
    kill_helper(helper);
    assert!(lock.exists(), "SIGKILL leaves the lock");
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // The next edit says at once what happened and what to run (it does not wait out the timeout).
    let started = std::time::Instant::now();
    let out = support::raw_cmd()
        .current_dir(dir.path())
        .args(["extend", "draft.toml", "--months", "1"])
        .env("MENTOR_AGREE_LOCK_TIMEOUT", "30")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("draft.toml.lock"), "names the lock file: {stderr}");
    assert!(stderr.contains("killed") && stderr.contains("run `mentor-agree unlock draft.toml`"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "named the stale lock without waiting 30 s");
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // `unlock` removes it; then edits go on.
    let out = support::raw_cmd().current_dir(dir.path()).args(["unlock", "draft.toml"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Removed"));
    assert!(!lock.exists());
    let out = support::raw_cmd().current_dir(dir.path()).args(["unlock", "draft.toml"]).output().unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("is not locked"));
    // (In this SSH program an unsigned extension would be refused: a check-in is an edit anyone can make.)
    let checked_in = common::cmd_on("2026-12-08")
        .current_dir(dir.path())
        .args(["checkin", "draft.toml", "--by", "mentee"])
        .output()
        .unwrap();
    assert!(checked_in.status.success(), "{}", String::from_utf8_lossy(&checked_in.stderr));
    assert!(std::fs::read(&file).unwrap().starts_with(&before));
    assert_eq!(listing(dir.path()), ["ada.pub", "allowed_signers", "bin", "draft.toml", "hang-1.pid", "program.toml"]);
}
