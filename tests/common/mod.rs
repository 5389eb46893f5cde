//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The day every test treats as today.
pub const TODAY: &str = "2026-11-25";

/// The binary, with a fixed today, no colour, and no inherited MENTOR_AGREE_TODAY.
pub fn cmd() -> Command {
    cmd_on(TODAY)
}

/// The binary as [`cmd`] makes it, with another day as today.
pub fn cmd_on(today: &str) -> Command {
    let mut c = Command::cargo_bin("mentor-agree").expect("binary builds");
    c.env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").arg("--today").arg(today);
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
        eprintln!("skipping: {tool} is not installed");
    }
    ok
}
