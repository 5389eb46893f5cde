//! Atomic file writes: a temporary file in the target's folder, synced, then renamed.
//!
//! Readers never see half a file, and an interrupted write leaves the old file (or
//! nothing) behind. Permissions are those of an ordinary file, not the private
//! 0600 of a temporary file: a new file gets 0666 less the umask (0644 under the
//! usual 022), and a replaced file keeps the mode it had.

use std::fs::{File, Permissions};
use std::io::{self, Write};
use std::path::Path;

/// The folder a file at `path` lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path`, creating it or replacing what is there.
///
/// A symlink at `path` is replaced by the new file, not followed.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, true)
}

/// Like [`write()`] (readers still see the old file or the new one, never half), but
/// without waiting for the disk: for output that can be generated again, such as
/// the thousands of pages of `render --site`, where a sync per file would cost
/// far more than the rendering. Call [`sync_dir`] once when done.
pub fn write_regenerable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, false)
}

/// Writes `bytes` to a new file at `path`, in place (no temporary file, no sync),
/// failing with [`io::ErrorKind::AlreadyExists`] when `path` exists: for generated
/// output in a folder nothing reads yet, such as a site's staging folder. A failed
/// write leaves no partial file behind.
pub fn write_new_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create_new(path)?;
    if let Err(e) = file.write_all(bytes) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let tmp = temp_with(path, bytes, durable)?;
    if let Some(mode) = existing_permissions(path) {
        tmp.as_file().set_permissions(mode)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(parent_dir(path));
    }
    Ok(())
}

/// Writes `bytes` to a new file at `path`, never replacing one: when `path`
/// exists the error is [`io::ErrorKind::AlreadyExists`] and nothing is written.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_with(path, bytes, true)?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    sync_dir(parent_dir(path));
    Ok(())
}

/// Gives `file` (about to be renamed over `target`) the permissions `target`
/// has, when it exists. For writers that manage their own temporary file.
pub fn keep_permissions(file: &File, target: &Path) -> io::Result<()> {
    match existing_permissions(target) {
        Some(mode) => file.set_permissions(mode),
        None => Ok(()),
    }
}

/// Flushes a folder's entries (a rename into it) to disk, where the platform allows.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The permissions of the regular file at `path` (not following a symlink).
fn existing_permissions(path: &Path) -> Option<Permissions> {
    std::fs::symlink_metadata(path).ok().filter(|m| m.is_file()).map(|m| m.permissions())
}

/// A temporary file holding `bytes` (synced to disk when `durable`), beside `path`,
/// with an ordinary file's mode.
fn temp_with(path: &Path, bytes: &[u8], durable: bool) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mentor-agree-").suffix(".tmp");
    // 0666 less the umask, as any new file; tempfile's default is a private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(parent_dir(path))?;
    tmp.write_all(bytes)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn write_creates_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        write_regenerable(&path, b"three").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn write_new_in_place_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        write_new_in_place(&path, b"one").unwrap();
        let err = write_new_in_place(&path, b"two").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert!(leftovers(dir.path()).is_empty());
        assert!(write_new_in_place(&dir.path().join("missing/page.html"), b"x").is_err());
    }

    #[test]
    fn write_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_new(&path, b"one").unwrap();
        let err = write_new(&path, b"two").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_bare_file_name_lives_in_the_current_folder() {
        assert_eq!(parent_dir(Path::new("a.txt")), Path::new("."));
        assert_eq!(parent_dir(Path::new("d/a.txt")), Path::new("d"));
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_an_ordinary_mode_and_replaced_files_keep_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // The umask is process-wide: read it from a file created the ordinary way.
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        File::create(&probe).unwrap();
        let ordinary = mode(&probe);

        let fresh = dir.path().join("fresh.txt");
        write(&fresh, b"x").unwrap();
        assert_eq!(mode(&fresh), ordinary);
        let fresh_new = dir.path().join("fresh-new.txt");
        write_new(&fresh_new, b"x").unwrap();
        assert_eq!(mode(&fresh_new), ordinary);

        let kept = dir.path().join("kept.txt");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, Permissions::from_mode(0o640)).unwrap();
        write(&kept, b"new").unwrap();
        assert_eq!(mode(&kept), 0o640);
        assert_eq!(std::fs::read(&kept).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        std::fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write(&link, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }
}
