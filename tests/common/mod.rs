//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The day every test treats as today.
pub const TODAY: &str = "2026-11-25";

/// The binary, with a fixed today, no colour, and no inherited MENTOR_AGREE_TODAY.
pub fn cmd() -> Command {
    let mut c = Command::cargo_bin("mentor-agree").expect("binary builds");
    c.env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").arg("--today").arg(TODAY);
    c
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// `examples/<rel>`.
pub fn example(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(rel)
}

/// True when `tool` runs; otherwise prints why the calling test is skipped.
/// With MENTOR_AGREE_REQUIRE_TOOLS=1 (set by .ci/run) a missing tool fails the test instead.
pub fn have_tool(tool: &str, version_arg: &str) -> bool {
    let ok = std::process::Command::new(tool)
        .arg(version_arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !ok {
        if std::env::var_os("MENTOR_AGREE_REQUIRE_TOOLS").is_some() {
            panic!("{tool} is required in CI (MENTOR_AGREE_REQUIRE_TOOLS is set) but was not found");
        }
        skip(&format!("{tool} is not installed"));
    }
    ok
}

/// Says on the terminal that the calling test is skipped, and why: a line
/// `skipped: TEST: WHY` that `cargo test` shows even for a passing test (it is
/// written to the process's stderr directly, past the test harness's capture
/// of `eprintln!`), so a skip never passes for a pass unnoticed.
pub fn skip(why: &str) {
    use std::io::Write as _;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr().lock(), "skipped: {test}: {why}");
}
