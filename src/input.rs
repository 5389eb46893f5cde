//! Reading the files a command is given: only regular files, and only up to
//! [`MAX_FILE_SIZE`] bytes.
//!
//! `check /dev/zero` would otherwise read forever, and a FIFO would block the
//! command until something writes to it. The file's type is looked at before it
//! is opened (looking never blocks), and again on the opened handle; the read
//! stops one byte past the limit.

use std::io::{self, Read};
use std::path::Path;

/// The largest file any command reads: 16 MiB, far beyond any agreement
/// (the longest example is a few KiB).
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads the regular file at `path` (following a symlink, as `cat` does).
///
/// Fails with [`io::ErrorKind::InvalidInput`] when `path` is not a regular file
/// (a FIFO, a device, a socket, a folder), and with
/// [`io::ErrorKind::FileTooLarge`] when it holds more than [`MAX_FILE_SIZE`]
/// bytes; the messages say so in words.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    hang_if_asked(path);
    let kind = |m: &std::fs::Metadata| m.file_type();
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&kind(&meta)));
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&kind(&meta)));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large());
    }
    Ok(bytes)
}

/// [`read()`], as UTF-8 text ([`io::ErrorKind::InvalidData`] when it is not).
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Tests that need a command caught mid-run (a `render --site` to kill while it
/// stages its pages) set `MENTOR_AGREE_FAULT=hang-reading:NAME`: reading a file
/// named NAME then never finishes, as on a stalled network disk. Only debug builds
/// (`cargo test`) read it; release builds compile the check away.
#[cfg(debug_assertions)]
fn hang_if_asked(path: &Path) {
    let asked = std::env::var("MENTOR_AGREE_FAULT").ok();
    let name = asked.as_deref().and_then(|v| v.strip_prefix("hang-reading:"));
    if name.is_some_and(|n| path.file_name().is_some_and(|f| f == n)) {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

#[cfg(not(debug_assertions))]
fn hang_if_asked(_: &Path) {}

fn not_regular(kind: &std::fs::FileType) -> io::Error {
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_dir() {
            "a folder"
        } else {
            "not a regular file"
        }
    };
    #[cfg(not(unix))]
    let what = if kind.is_dir() { "a folder" } else { "not a regular file" };
    io::Error::new(io::ErrorKind::InvalidInput, format!("it is {what}; only regular files are read"))
}

fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("it is larger than {} MiB, the most any file may hold", MAX_FILE_SIZE / (1024 * 1024)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "format = 1\n").unwrap();
        assert_eq!(read(&path).unwrap(), b"format = 1\n");
    }

    #[test]
    fn refuses_a_folder_and_a_file_too_large() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap_err().kind(), io::ErrorKind::InvalidInput);
        let big = dir.path().join("big.toml");
        std::fs::File::create(&big).unwrap().set_len(MAX_FILE_SIZE + 1).unwrap();
        assert_eq!(read(&big).unwrap_err().kind(), io::ErrorKind::FileTooLarge);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_device_without_reading_it() {
        let err = read(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("a device"), "{err}");
    }
}
