//! Helpers shared by the lifecycle, edit and status tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use crate::common;

/// Copies `tests/fixtures/<rel>` into `dir`, returning the copy's path.
pub fn copy_fixture(rel: &str, dir: &Path) -> PathBuf {
    let src = common::fixture(rel);
    let dest = dir.join(src.file_name().expect("fixture has a name"));
    std::fs::copy(&src, &dest).expect("copy fixture");
    dest
}

/// `mentor-agree terms FILE --digest`.
pub fn digest(file: &Path) -> String {
    let out = common::cmd().arg("terms").arg(file).arg("--digest").output().expect("run terms");
    assert!(out.status.success(), "terms failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
}

/// Signs for every party by appending `[[signatures]]` entries with the current
/// terms digest, as `sign` would (it is built elsewhere).
pub fn sign_all(file: &Path, date: &str, parties: &[(&str, &str)]) {
    let digest = digest(file);
    let mut text = std::fs::read_to_string(file).expect("read");
    for (role, name) in parties {
        text.push_str(&format!(
            "\n[[signatures]]\nrole = \"{role}\"\nname = \"{name}\"\ndate = {date}\nterms = \"{digest}\"\n"
        ));
    }
    std::fs::write(file, text).expect("write");
}

/// `status --format json` for some paths, parsed.
pub fn status_json(paths: &[&Path]) -> Vec<serde_json::Value> {
    let out = common::cmd().arg("status").arg("--format").arg("json").args(paths).output().expect("run status");
    assert!(out.status.success(), "status failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("status prints JSON")
}

/// Runs `check FILE` and returns whether it passed.
pub fn passes_check(file: &Path) -> bool {
    common::cmd().arg("check").arg(file).output().expect("run check").status.success()
}

/// Names of the files in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The binary as a plain `std::process::Command` (for spawning several at once),
/// with the tests' fixed today and no colour.
pub fn raw_cmd() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-agree"));
    c.env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").args(["--today", common::TODAY]);
    c
}
