//! Wrong usage gets one clear message and the documented exit code (docs/integrations.md, "Exit status"):
//! 2 when the command cannot run, never a panic or a repeated OS error. Colour
//! is detected per stream on a real pseudo-terminal.

use crate::common;

use std::path::Path;

use common::{cmd, example};
use predicates::prelude::*;

const AGREEMENT: &str = "2026-09-maya-okafor-tomas-rivera.toml";

/// Each single-file command, with the arguments it needs besides the file.
const SINGLE_FILE: [(&str, &[&str]); 7] = [
    ("sign", &["--role", "mentor"]),
    ("extend", &["--months", "1"]),
    ("checkin", &["--by", "mentee"]),
    ("terminate", &["--by", "mentee", "--reason", "Moved away"]),
    ("terms", &[]),
    ("calendar", &[]),
    ("render", &[]),
];

#[test]
fn a_missing_file_is_named_once_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (command, extra) in SINGLE_FILE {
        let out = cmd().current_dir(dir.path()).arg(command).arg("gone.toml").args(extra).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.starts_with("error: cannot read gone.toml: "), "{command}: {stderr}");
        assert_eq!(stderr.matches("os error").count(), 1, "{command} repeats the OS error: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{command}: {stderr}");
        // An edit leaves no lock file behind for a file that is not there.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{command} left files behind");
    }
}

#[test]
fn a_missing_program_file_is_named_with_the_reason_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["check"][..], &["status"], &["new", "--yes", "--mentor", "Maya Okafor"]] {
        let out = cmd().current_dir(dir.path()).args(["--program", "gone.toml"]).args(args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.starts_with("error: cannot read gone.toml: "), "{args:?}: {stderr}");
        assert!(stderr.contains("os error"), "{args:?} gives the OS reason: {stderr}");
    }
}

#[test]
fn a_mistyped_command_suggests_the_closest_first() {
    let out = cmd().arg("chek").assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("some similar subcommands exist: 'check', 'checkin'"), "{stderr}");
}

#[test]
fn a_folder_where_a_file_is_expected_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("agreements")).unwrap();
    // `calendar` takes a folder too: it then writes the program's feed.
    for (command, extra) in SINGLE_FILE.into_iter().filter(|(c, _)| *c != "calendar") {
        cmd().current_dir(dir.path()).arg(command).arg("agreements").args(extra).assert().code(2).stderr(
            predicate::str::starts_with(format!("error: agreements is a folder: `{command}` takes one agreement file")),
        );
    }
}

#[test]
fn dates_need_four_digit_years() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(AGREEMENT);
    std::fs::copy(example(AGREEMENT), &file).unwrap();
    let before = std::fs::read(&file).unwrap();
    cmd()
        .arg("checkin")
        .arg(&file)
        .args(["--by", "mentee", "--date", "27-1-10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`27-1-10` is not a date of the form YYYY-MM-DD"));
    assert_eq!(std::fs::read(&file).unwrap(), before, "file untouched");
}

#[test]
fn help_lists_commands_in_workflow_order_with_global_options_apart() {
    let out = cmd().arg("--help").assert().code(0);
    let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let at = |name: &str| help.find(&format!("\n  {name} ")).unwrap_or_else(|| panic!("{name} missing:\n{help}"));
    let order = ["init", "new", "check", "status", "sign", "render", "extend", "checkin", "terminate", "calendar"];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{help}");
    assert!(help.contains("A program's year, start to finish:"), "{help}");

    // In a command's help, its own options come first, the global ones under their heading.
    let out = cmd().args(["checkin", "--help"]).assert().code(0);
    let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let global = help.find("Global options:").expect("a Global options heading");
    assert!(help.find("--note").unwrap() < global && global < help.find("--today").unwrap(), "{help}");
    assert!(help.contains("--by <ROLE>"), "{help}");
}

/// Reports on stderr (a refused edit, a refused export) follow --color like `check` does.
#[test]
fn refusals_are_coloured_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(AGREEMENT);
    std::fs::copy(example(AGREEMENT), &file).unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        std::fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 5"),
    )
    .unwrap();
    let runs: [(&[&str], &Path); 3] = [
        (&["sign", "--role", "mentor", "--name", "Somebody Else"], &file),
        (&["calendar"], &broken),
        (&["render", "--strict"], &broken),
    ];
    for (args, path) in runs {
        for (color, coloured) in [(None, false), (Some("never"), false), (Some("always"), true)] {
            let mut c = cmd();
            if let Some(color) = color {
                c.args(["--color", color]);
            }
            let out = c.args(args).arg(path).assert().code(1);
            let stderr = &out.get_output().stderr;
            assert_eq!(stderr.contains(&0x1b), coloured, "{args:?} --color {color:?}");
            assert!(out.get_output().stdout.is_empty(), "{args:?}: nothing on stdout");
        }
    }
}

#[test]
fn files_written_with_out_are_reported_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let file = example(AGREEMENT);
    let runs: [(&[&str], &str); 3] = [
        (&["render", "-o", "a.html"], "Wrote a.html (HTML)"),
        (&["calendar", "-o", "a.ics"], "Wrote a.ics: "),
        (&["schema", "-o", "s.json"], "Wrote s.json "),
    ];
    for (args, said) in runs {
        let mut c = cmd();
        c.current_dir(dir.path()).args(&args[..1]);
        if args[0] != "schema" {
            c.arg(&file);
        }
        c.args(&args[1..]).assert().code(0).stdout("").stderr(predicate::str::starts_with(said));
    }
    cmd()
        .current_dir(dir.path())
        .args(["man", "--out-dir", "man1"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::starts_with("Wrote mentor-agree.1 "));
    for f in ["a.html", "a.ics", "s.json", "man1/mentor-agree.1", "man1/mentor-agree-check.1"] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
}

#[test]
fn a_broken_program_toml_stops_every_command_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("program.toml"), "[program]\nnmae = \"Riverside\"\n").unwrap();
    std::fs::create_dir(dir.path().join("agreements")).unwrap();
    let file = dir.path().join("agreements").join(AGREEMENT);
    std::fs::copy(example(AGREEMENT), &file).unwrap();
    let runs: [&[&str]; 6] = [
        &["check"],
        &["status"],
        &["render", "--site", "site"],
        &["sign", AGREEMENT, "--role", "mentor"],
        &["calendar", AGREEMENT],
        &["new", "--yes", "--mentor", "Maya Okafor"],
    ];
    for args in runs {
        let folder =
            if args.len() > 1 && args[1] == AGREEMENT { dir.path().join("agreements") } else { dir.path().into() };
        let out = cmd().current_dir(folder).args(args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        // A located, rustc-style report with a did-you-mean, as for agreements.
        assert!(stderr.starts_with("error: unknown key `nmae`\n"), "{args:?}: {stderr}");
        assert!(stderr.contains("program.toml:2:1\n"), "{args:?}: {stderr}");
        assert!(stderr.contains("= help: did you mean `name`?"), "{args:?}: {stderr}");
        assert!(!stderr.ends_with("\n\n"), "{args:?} ends with a blank line: {stderr:?}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(example(AGREEMENT)).unwrap(), "nothing signed");
}

#[test]
fn no_agreements_folder_says_what_to_do() {
    // No program at all: point at init.
    let empty = tempfile::tempdir().unwrap();
    for command in ["check", "status"] {
        cmd()
            .current_dir(empty.path())
            .arg(command)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no program.toml here or in any folder above"))
            .stderr(predicate::str::contains("mentor-agree init"));
    }
    // A program whose folder is missing: name the folder.
    std::fs::write(empty.path().join("program.toml"), "[program]\nagreements = \"pairs\"\n").unwrap();
    cmd()
        .current_dir(empty.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no agreements folder at ").and(predicate::str::contains("pairs")));
}

/// Colour is detected per stream, on a real terminal: every output that colours
/// does so on a pseudo-terminal, and not with NO_COLOR set or with its stream piped.
#[cfg(unix)]
mod colour_on_a_terminal {
    use super::*;

    #[derive(Clone, Copy, PartialEq)]
    enum Stream {
        Stdout,
        Stderr,
    }

    /// Runs `sh -c SCRIPT` on a pseudo-terminal, the binary as `$BIN` and `args` as
    /// `"$@"`; returns everything the terminal showed.
    fn on_a_terminal(script: &str, args: &[String], no_color: Option<&str>) -> String {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", script, "sh"])
            .args(args)
            .env("BIN", env!("CARGO_BIN_EXE_mentor-agree"))
            .env("TERM", "xterm")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("MENTOR_AGREE_TODAY");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let mut p = rexpect::session::spawn_command(c, Some(30_000)).expect("spawn on a pseudo-terminal");
        p.exp_eof().expect("the command ends")
    }

    /// Each output that colours: the stream it writes and the arguments that make it.
    fn outputs(dir: &Path) -> Vec<(&'static str, Stream, Vec<String>)> {
        let copy = dir.join("a.toml");
        std::fs::copy(example(AGREEMENT), &copy).unwrap();
        let fixture = |rel: &str| common::fixture(rel).display().to_string();
        let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        vec![
            ("check", Stream::Stdout, s(&["check", &example("common-mistakes.toml.example").display().to_string()])),
            ("status", Stream::Stdout, s(&["status", &example("").display().to_string()])),
            ("render --strict", Stream::Stderr, s(&["render", "--strict", &fixture("render/with-errors.toml")])),
            ("calendar", Stream::Stderr, s(&["calendar", &fixture("render/with-errors.toml")])),
            (
                "a refused edit",
                Stream::Stderr,
                s(&["checkin", &copy.display().to_string(), "--by", "mentee", "--date", "2030-01-01", "--dry-run"]),
            ),
        ]
    }

    #[test]
    fn each_output_is_coloured_on_a_terminal_only() {
        let dir = tempfile::tempdir().unwrap();
        let run = |stream: Stream, piped: bool| -> &'static str {
            match (stream, piped) {
                (Stream::Stdout, false) => r#""$BIN" --today 2026-11-25 "$@" 2>/dev/null"#,
                (Stream::Stdout, true) => r#""$BIN" --today 2026-11-25 "$@" 2>/dev/null | cat"#,
                (Stream::Stderr, false) => r#""$BIN" --today 2026-11-25 "$@" >/dev/null"#,
                (Stream::Stderr, true) => r#""$BIN" --today 2026-11-25 "$@" 2>&1 >/dev/null | cat"#,
            }
        };
        for (name, stream, args) in outputs(dir.path()) {
            let shown = on_a_terminal(run(stream, false), &args, None);
            assert!(shown.contains("\u{1b}["), "{name}: no colour on a terminal:\n{shown}");
            // NO_COLOR set to anything but "" turns it off; an empty one does not.
            let plain = on_a_terminal(run(stream, false), &args, Some("1"));
            assert!(!plain.contains('\u{1b}') && plain.len() > 20, "{name}: colour with NO_COLOR:\n{plain:?}");
            assert!(on_a_terminal(run(stream, false), &args, Some("")).contains("\u{1b}["), "{name}: NO_COLOR=\"\"");
            // The same text through a pipe, with the terminal still on the other stream: no colour.
            let piped = on_a_terminal(run(stream, true), &args, None);
            assert!(!piped.contains('\u{1b}') && piped.len() > 20, "{name}: colour in a pipe:\n{piped:?}");
        }
    }
}

/// A reader that stops early (`mentor-agree status | head -1`) is not an error:
/// every command that writes to stdout exits 0 without a word on stderr, as
/// ripgrep does, instead of "error: Broken pipe" or a panic.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let examples = example("");
    let runs: [&[&str]; 11] = [
        &["status", "."],
        &["status", "--format", "json", "."],
        &["check", "."],
        &["check", "--format", "json", "."],
        &["check", "--list-codes"],
        &["check", "--explain", "bad-email"],
        &["render", AGREEMENT],
        &["calendar", AGREEMENT],
        &["terms", AGREEMENT],
        &["completions", "bash"],
        &["man"],
    ];
    for args in runs {
        // The reading end is closed before the command starts, so its first write
        // to stdout fails with EPIPE: no race with a reader that might finish first.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-agree"))
            .current_dir(&examples)
            .env_remove("MENTOR_AGREE_TODAY")
            .args(["--today", common::TODAY, "--color", "never"])
            .args(args)
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}
