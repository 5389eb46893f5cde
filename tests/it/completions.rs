//! `completions SHELL` (clap_complete) and `man` (clap_mangen).

use crate::common;

use common::cmd;

/// The subcommands as the binary's `--help` lists them (each at two spaces under
/// `Commands:`; a wrapped description is indented further), without clap's `help`.
fn subcommands() -> Vec<String> {
    let out = cmd().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    let section = help.split_once("\nCommands:\n").expect("a Commands section").1;
    section
        .lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.strip_prefix("  ").filter(|rest| !rest.starts_with(' ')))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|name| name != "help")
        .collect()
}

#[test]
fn bash_completion_mentions_every_subcommand_and_check_flag() {
    let out = cmd().args(["completions", "bash"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("complete -F _mentor__agree"), "a bash completion script");
    let subs = subcommands();
    assert!(subs.len() >= 6);
    for sub in subs {
        assert!(script.contains(&format!("mentor__agree,{sub})")), "bash completion lacks `{sub}`");
    }
    for flag in ["--format", "--explain", "--list-codes", "--require-signed"] {
        assert!(script.contains(flag), "bash completion lacks {flag}");
    }
    assert!(script.contains("sarif"), "value completion for --format");
}

#[test]
fn every_shell_gets_a_script() {
    // Each shell's own way of offering a subcommand as a candidate.
    type Offer = fn(&str) -> String;
    let offers: [(&str, &str, Offer); 4] = [
        ("zsh", "#compdef mentor-agree", |sub| format!("'{sub}:")),
        ("fish", "complete -c mentor-agree", |sub| format!("__fish_mentor_agree_needs_command\" -f -a \"{sub}\"")),
        ("powershell", "Register-ArgumentCompleter", |sub| format!("[CompletionResult]::new('{sub}', '{sub}',")),
        ("elvish", "edit:completion:arg-completer[mentor-agree]", |sub| format!("cand {sub} '")),
    ];
    for (shell, marker, offer) in offers {
        let out = cmd().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no {marker}");
        for sub in subcommands() {
            assert!(script.contains(&offer(&sub)), "{shell}: `{sub}` is not offered");
        }
    }
    let out = cmd().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_is_roff_and_lists_the_commands() {
    let out = cmd().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{}", &page[..80.min(page.len())]);
    assert!(page.lines().any(|l| l.starts_with(".TH mentor-agree 1")), "has a .TH title line");
    assert!(page.lines().any(|l| l == ".SH SUBCOMMANDS" || l == ".SH COMMANDS"), "a section listing the commands");
    // Every subcommand is listed by its page's name, as a roff item: `mentor\-agree\-check(1)`.
    for sub in subcommands() {
        let item = format!("mentor\\-agree\\-{}(1)", sub.replace('-', "\\-"));
        assert!(page.lines().any(|l| l == item), "{item} missing from the page");
    }
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn man_out_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    cmd().args(["man", "--out-dir"]).arg(dir.path()).assert().success();
    assert!(dir.path().join("mentor-agree.1").is_file());
    for sub in subcommands() {
        let page = std::fs::read_to_string(dir.path().join(format!("mentor-agree-{sub}.1"))).unwrap();
        // The page is that command's own, not another's under its name.
        assert!(page.lines().any(|l| l.starts_with(&format!(".TH mentor-agree-{sub} 1 "))), "{sub}");
    }
}

#[test]
fn version_names_the_format() {
    let out = cmd().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.trim(), format!("mentor-agree {} (agreement format 1)", env!("CARGO_PKG_VERSION")));
    let changelog = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## [Unreleased]"), "CHANGELOG.md keeps an Unreleased section");
}
