//! Files the commands write are ordinary files: a new file gets 0666 less the
//! umask (not a temporary file's private 0600, nor a fixed 0644), and a file
//! that is replaced keeps its mode.
#![cfg(unix)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::example;

const AGREEMENT: &str = "2026-09-maya-okafor-tomas-rivera.toml";

/// Runs the binary under `umask 027`, so a new file must come out 0640.
fn run_with_umask_027(dir: &Path, args: &[&str]) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"umask 027 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_mentor-agree"))
        .args(["--today", common::TODAY])
        .args(args)
        .current_dir(dir)
        .env_remove("MENTOR_AGREE_TODAY")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "mentor-agree {args:?}: {status}");
}

/// The permission bits, in octal as `ls` shows them.
fn mode(path: &Path) -> String {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:o}", meta.permissions().mode() & 0o777)
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn folder_with_agreement() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example(AGREEMENT), dir.path().join(AGREEMENT)).unwrap();
    dir
}

#[test]
fn new_outputs_follow_the_umask() {
    let dir = folder_with_agreement();
    run_with_umask_027(dir.path(), &["render", AGREEMENT, "-o", "a.md"]);
    run_with_umask_027(dir.path(), &["render", AGREEMENT, "-o", "a.html"]);
    run_with_umask_027(dir.path(), &["calendar", AGREEMENT, "-o", "a.ics"]);
    run_with_umask_027(dir.path(), &["schema", "-o", "schema.json"]);
    run_with_umask_027(dir.path(), &["render", "--site", "site", AGREEMENT]);
    run_with_umask_027(dir.path(), &["init", "repo"]);
    for f in ["a.md", "a.html", "a.ics", "schema.json", "site/index.html", "repo/program.toml", "repo/.taplo.toml"] {
        assert_eq!(mode(&dir.path().join(f)), "640", "{f}");
    }
    let page = std::fs::read_dir(dir.path().join("site"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap() != "index.html")
        .expect("a page per agreement");
    assert_eq!(mode(&page), "640", "{}", page.display());
}

#[test]
fn replaced_outputs_keep_their_mode() {
    let dir = folder_with_agreement();
    for (args, file) in [
        (&["render", AGREEMENT, "-o", "a.md"][..], "a.md"),
        (&["calendar", AGREEMENT, "-o", "a.ics"][..], "a.ics"),
        (&["schema", "-o", "schema.json"][..], "schema.json"),
    ] {
        std::fs::write(dir.path().join(file), "old").unwrap();
        set_mode(&dir.path().join(file), 0o600);
        run_with_umask_027(dir.path(), args);
        assert_ne!(std::fs::read_to_string(dir.path().join(file)).unwrap(), "old", "{file} replaced");
        assert_eq!(mode(&dir.path().join(file)), "600", "{file}");
    }
}

#[test]
fn edited_agreements_keep_their_mode() {
    let dir = folder_with_agreement();
    let file = dir.path().join(AGREEMENT);
    set_mode(&file, 0o664);
    run_with_umask_027(dir.path(), &["checkin", AGREEMENT, "--by", "mentee", "--date", "2026-11-20"]);
    assert!(std::fs::read_to_string(&file).unwrap().contains("date = 2026-11-20"));
    assert_eq!(mode(&file), "664");
}
