//! Durability of edits: a crash between writing the new text and renaming it over
//! the file, a full disk, and a read-only folder all leave the original file
//! byte-identical, give a clear error with exit 2, and (except for the crash,
//! whose lock the next edit reports) leave nothing behind.
//!
//! The crash and the injected full disk use the test-only `MENTOR_AGREE_FAULT`
//! hook in `src/edit.rs`, which only debug builds read. The real full disk and
//! the read-only folder use a private mount namespace (`unshare`), because tests
//! run as root in CI, where `chmod 555` does not stop anything.

mod common;
mod support;

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
