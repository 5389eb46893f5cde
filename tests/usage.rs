//! Wrong usage gets one clear message and the documented exit code (SPEC §4, §5):
//! 2 when the command cannot run, never a panic or a repeated OS error.

mod common;

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
        assert!(stderr.contains("program.toml: invalid program file"), "{args:?}: {stderr}");
        assert!(stderr.contains("line 2, column 1") && stderr.contains("unknown field `nmae`"), "{args:?}: {stderr}");
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
