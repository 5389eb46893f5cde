//! What a killed run leaves behind, and how a later run tells it from work in progress.
//!
//! - **Staging folders** of `render --site` (`.NAME.mentor-agree-PID.tmp` beside a
//!   new site, `.mentor-agree-PID.tmp` inside an existing one) hold a marker file
//!   naming the process that made them. A later run removes a staging folder only
//!   when its name has that form, its marker names the same process, and that
//!   process is gone; anything else is left alone.
//! - **Lock files** (`FILE.lock`) are held with an advisory `flock` by the process
//!   editing, which the system releases when that process ends, however it ends.
//!   A lock file nobody holds was left by a process that is gone.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The marker file inside a staging folder.
pub const STAGING_MARKER: &str = ".mentor-agree-staging";

/// The name part every staging folder has after its prefix: `mentor-agree-PID.tmp`.
pub fn staging_tag(pid: u32) -> String {
    format!("mentor-agree-{pid}.tmp")
}

/// Writes the marker that makes `dir` a staging folder of this process.
pub fn mark_staging(dir: &Path) -> io::Result<()> {
    std::fs::write(dir.join(STAGING_MARKER), marker_text(std::process::id()))
}

/// Removes the marker before the folder is published or emptied.
pub fn unmark_staging(dir: &Path) -> io::Result<()> {
    match std::fs::remove_file(dir.join(STAGING_MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn marker_text(pid: u32) -> String {
    format!("staging folder of mentor-agree render --site, process {pid}\n")
}

/// Removes the staging folders in `parent` named `{prefix}mentor-agree-PID.tmp`
/// whose marker names process PID and whose process is gone. Returns the folders
/// removed; folders it cannot read or remove are left as they are.
pub fn sweep_staging(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| staging_pid(n, prefix)) else { continue };
        let path = entry.path();
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let marked = std::fs::read_to_string(path.join(STAGING_MARKER)).is_ok_and(|t| t == marker_text(pid));
        if is_dir
            && marked
            && pid != std::process::id()
            && !process_alive(pid)
            && std::fs::remove_dir_all(&path).is_ok()
        {
            removed.push(path);
        }
    }
    removed
}

/// The PID in `{prefix}mentor-agree-PID.tmp`, the name of a staging folder.
pub fn staging_pid(name: &str, prefix: &str) -> Option<u32> {
    let digits = name.strip_prefix(prefix)?.strip_prefix("mentor-agree-")?.strip_suffix(".tmp")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether process `pid` exists (it may belong to another user). Where this cannot
/// be told, every process counts as alive, so nothing is removed.
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
        if pid <= 0 {
            return true;
        }
        // SAFETY: kill with signal 0 sends nothing; it only reports whether the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Takes the advisory lock on an open lock file, held until the file is closed
/// (or the process ends). Returns false when another process holds it.
pub fn hold(file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd as _;
        // SAFETY: flock on a valid open descriptor; LOCK_NB never blocks.
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        true
    }
}

/// How old a lock file nobody holds must be before it counts as left behind: the
/// editing process creates the file a moment before it takes the advisory lock.
pub const LOCK_GRACE: Duration = Duration::from_secs(1);

/// Whether the lock file at `path` was left by a process that is gone: it exists,
/// nobody holds its advisory lock, and it is older than [`LOCK_GRACE`]. `false`
/// where advisory locks are not available.
pub fn lock_abandoned(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let Ok(file) = File::open(path) else { return false };
    // Taking the lock to test it releases it again when `file` closes.
    settled(&file) && hold(&file)
}

/// Whether the file was last written at least [`LOCK_GRACE`] ago.
fn settled(file: &File) -> bool {
    file.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age >= LOCK_GRACE)
}

/// What [`unlock`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlocked {
    /// There was no lock file.
    NotLocked,
    /// The lock file was left by a process that is gone, and is removed.
    Removed,
    /// The lock path was a symbolic link (no edit makes one, and every edit refuses
    /// it), and the link is removed; what it pointed to is untouched.
    RemovedSymlink,
}

/// Why [`unlock`] removed nothing.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    /// A running process holds the lock.
    #[error("{} is being edited right now: a running process holds {}; wait for it to finish", file.display(), lock.display())]
    Held {
        /// The agreement file.
        file: PathBuf,
        /// Its lock file.
        lock: PathBuf,
    },
    /// The lock file could not be removed.
    #[error("cannot remove {}: {source}", lock.display())]
    Io {
        /// The lock file.
        lock: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Removes `lock` (the lock file of `file`) when no running process holds it.
pub fn unlock(file: &Path, lock: &Path) -> Result<Unlocked, UnlockError> {
    if std::fs::symlink_metadata(lock).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(lock).map_err(|source| UnlockError::Io { lock: lock.to_path_buf(), source })?;
        return Ok(Unlocked::RemovedSymlink);
    }
    let handle = match File::open(lock) {
        Ok(handle) => handle,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Unlocked::NotLocked),
        Err(source) => return Err(UnlockError::Io { lock: lock.to_path_buf(), source }),
    };
    // A lock file younger than LOCK_GRACE may be one whose process has not taken
    // the lock yet: it is not touched (not even to test it, which could keep that
    // process from taking it). An older one is held while it is removed.
    if (cfg!(unix) && !settled(&handle)) || !hold(&handle) {
        return Err(UnlockError::Held { file: file.to_path_buf(), lock: lock.to_path_buf() });
    }
    std::fs::remove_file(lock).map_err(|source| UnlockError::Io { lock: lock.to_path_buf(), source })?;
    Ok(Unlocked::Removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_carry_the_pid() {
        assert_eq!(staging_pid(".site.mentor-agree-123.tmp", ".site."), Some(123));
        assert_eq!(staging_pid(".mentor-agree-9.tmp", "."), Some(9));
        for other in [".site.mentor-agree-.tmp", ".site.mentor-agree-12x.tmp", ".other.mentor-agree-1.tmp", "site"] {
            assert_eq!(staging_pid(other, ".site."), None, "{other}");
        }
    }

    #[test]
    fn this_process_is_alive_and_a_finished_one_is_not() {
        assert!(process_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!process_alive(pid), "a reaped child is gone");
    }

    #[test]
    fn only_marked_folders_of_gone_processes_are_swept() {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let make = |name: &str, marker: Option<u32>| {
            let dir = tmp.path().join(name);
            std::fs::create_dir(&dir).unwrap();
            std::fs::write(dir.join("page.html"), "x").unwrap();
            if let Some(pid) = marker {
                std::fs::write(dir.join(STAGING_MARKER), marker_text(pid)).unwrap();
            }
        };
        make(&format!(".site.{}", staging_tag(gone)), Some(gone));
        make(&format!(".site.{}", staging_tag(gone + 1_000_000)), None); // no marker: not ours
        make(&format!(".site.{}", staging_tag(std::process::id())), Some(std::process::id())); // alive
        make(&format!(".other.{}", staging_tag(gone)), Some(gone)); // another site's
        let removed = sweep_staging(tmp.path(), ".site.");
        assert_eq!(removed, [tmp.path().join(format!(".site.{}", staging_tag(gone)))]);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 3);
    }

    #[test]
    fn a_held_lock_is_not_abandoned_and_cannot_be_unlocked() {
        let tmp = tempfile::tempdir().unwrap();
        let (file, lock) = (tmp.path().join("a.toml"), tmp.path().join("a.toml.lock"));
        assert_eq!(unlock(&file, &lock).unwrap(), Unlocked::NotLocked);
        let held = File::create(&lock).unwrap();
        assert!(hold(&held));
        assert!(matches!(unlock(&file, &lock), Err(UnlockError::Held { .. })), "a fresh lock is in use");
        std::thread::sleep(LOCK_GRACE);
        assert!(!lock_abandoned(&lock));
        assert!(matches!(unlock(&file, &lock), Err(UnlockError::Held { .. })));
        drop(held);
        assert!(lock_abandoned(&lock), "nobody holds it any more");
        assert_eq!(unlock(&file, &lock).unwrap(), Unlocked::Removed);
        assert!(!lock.exists());
    }
}
