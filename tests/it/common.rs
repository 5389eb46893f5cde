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

/// Driving the real binary on a pseudo-terminal, as a person at a terminal would.
#[cfg(unix)]
pub mod pty {
    use rexpect::process::WaitStatus;
    use rexpect::session::PtySession;

    /// The binary on a pseudo-terminal with `args` after `--today TODAY`, no colour, in `dir`.
    pub fn spawn(dir: &std::path::Path, args: &[&std::ffi::OsStr]) -> PtySession {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-agree"));
        c.current_dir(dir).env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").env("TERM", "xterm");
        c.args(["--today", super::TODAY]).args(args);
        rexpect::session::spawn_command(c, Some(30_000)).expect("spawn on a pseudo-terminal")
    }

    /// Waits for `prompt`, then types `text` and Enter.
    pub fn answer(p: &mut PtySession, prompt: &str, text: &str) {
        p.exp_string(prompt).unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        p.send(text).unwrap();
        p.send("\r").unwrap();
        p.flush().unwrap();
    }

    /// Waits for the end and returns the exit code.
    pub fn exit_code(p: &mut PtySession) -> i32 {
        p.exp_eof().unwrap();
        match p.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("did not exit normally: {other:?}"),
        }
    }
}
