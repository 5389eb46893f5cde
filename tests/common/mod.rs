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

/// True in CI: `.ci/run` sets MENTOR_AGREE_REQUIRE_TOOLS=1, and then a test that
/// cannot do what it is for fails instead of skipping.
pub fn tools_required() -> bool {
    std::env::var_os("MENTOR_AGREE_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Declares that the calling test cannot run here, for `reason`; the test then
/// returns without asserting anything. In CI ([`tools_required`]) this fails the
/// test instead. Otherwise a `SKIPPED <test>: <reason>` line goes straight to the
/// process's standard error, which the test harness does not capture (it captures
/// only `print!`/`eprint!`), so the skip shows in the output of a plain `cargo test`
/// rather than passing silently as `ok`.
pub fn skip(reason: &str) {
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    if tools_required() {
        panic!("{test} cannot run here and MENTOR_AGREE_REQUIRE_TOOLS is set: {reason}");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {reason}");
}

/// True when `tool` runs; otherwise [`skip`]s the calling test (which fails it in CI).
pub fn have_tool(tool: &str, version_arg: &str) -> bool {
    let ok = std::process::Command::new(tool)
        .arg(version_arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !ok {
        skip(&format!("{tool} is not installed"));
    }
    ok
}
