//! Documentation that is generated from the code must not drift from it.
//!
//! One command blesses every expected output: it regenerates these files (the
//! README's code table, docs/codes.md and agreement.schema.json) and rewrites
//! insta's snapshots, which honour the same variable:
//! `INSTA_UPDATE=always cargo test --test it`.

use std::fs;
use std::path::Path;

use mentor_agree::diagnostic::Code;

fn code_table() -> String {
    let mut s = String::from("| code | default | raised when |\n| --- | --- | --- |\n");
    for code in Code::ALL {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.default_severity(),
            code.summary().replace('|', "\\|")
        ));
    }
    s
}

/// The one command that regenerates every generated file (and every insta snapshot).
const REGENERATE: &str = "INSTA_UPDATE=always cargo test --test it";

/// True when the run is blessing outputs: insta's own variable, so one command
/// updates snapshots and generated files alike.
fn blessing() -> bool {
    std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `rel` must hold exactly `expected`; when [`blessing`] it is rewritten instead.
fn generated(rel: &str, expected: &str) {
    let path = root().join(rel);
    if blessing() {
        fs::write(&path, expected).unwrap();
        return;
    }
    let actual = fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "{rel} is out of date with the code; regenerate it with\n  {REGENERATE}");
}

#[test]
fn docs_codes_md_matches_the_registry() {
    generated("docs/codes.md", &mentor_agree::output::explain::markdown());
}

#[test]
fn the_schema_file_is_what_mentor_agree_schema_prints() {
    generated(mentor_agree::output::schema::SCHEMA_FILE, &mentor_agree::output::schema::schema_json());
}

#[test]
fn every_generated_file_names_the_one_command_that_regenerates_it() {
    let mut files = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    for dir in ["docs", "src", "tests"] {
        for e in walkdir::WalkDir::new(root().join(dir)).into_iter().filter_map(Result::ok) {
            if e.path().extension().is_some_and(|x| x == "md" || x == "rs") {
                files.push(e.into_path());
            }
        }
    }
    let mut mentions = 0;
    // (This file defines the command, in REGENERATE.)
    for f in files.iter().filter(|f| f.is_file() && !f.ends_with("tests/it/docs.rs")) {
        let text = fs::read_to_string(f).unwrap();
        for (i, _) in text.match_indices("INSTA_UPDATE=always") {
            mentions += 1;
            let start = text[..i].rfind(|c: char| c.is_whitespace() || c == '`' || c == '"').map_or(0, |s| s + 1);
            assert!(
                text[start..].starts_with(REGENERATE),
                "{}: {}",
                f.display(),
                &text[start..(i + 40).min(text.len())]
            );
        }
    }
    assert!(mentions >= 3, "README, docs/codes.md and these tests name the command");
}

#[test]
fn readme_code_table_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start = readme.find("<!-- codes:start").expect("codes:start marker");
    let start = start + readme[start..].find("-->\n").unwrap() + 4;
    let end = readme.find("<!-- codes:end -->").expect("codes:end marker");
    let table = code_table();
    if readme[start..end] != table {
        if blessing() {
            fs::write(&path, format!("{}{}{}", &readme[..start], table, &readme[end..])).unwrap();
        } else {
            panic!("README's code table is out of date: run `{REGENERATE}`");
        }
    }
}

#[test]
fn readme_names_the_two_commands() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- check examples/"));
    assert!(readme.contains("cargo test"));
}

/// docs/safety.md names the tests that show each guarantee: every `tests/FILE.rs`
/// it cites exists, and every test it names in the same cell is a test function in
/// a file that cell cites.
#[test]
fn safety_md_cites_tests_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = fs::read_to_string(root.join("docs/safety.md")).unwrap();
    let mut named = 0;
    for row in doc.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| guarantee") && !l.starts_with("| ---")) {
        let cell = row.trim_end_matches('|').rsplit(" | ").next().unwrap();
        let quoted: Vec<&str> = cell.split('`').skip(1).step_by(2).collect();
        let files: Vec<&str> = quoted.iter().copied().filter(|q| q.ends_with(".rs")).collect();
        assert!(!files.is_empty(), "a row cites no test file: {row}");
        let sources: Vec<String> = files
            .iter()
            .map(|f| {
                fs::read_to_string(root.join(f))
                    .unwrap_or_else(|_| panic!("docs/safety.md cites {f}, which does not exist"))
            })
            .collect();
        for name in quoted
            .iter()
            .filter(|q| q.chars().all(|c| c.is_ascii_lowercase() || c == '_') && q.matches('_').count() >= 2)
        {
            assert!(
                sources.iter().any(|s| s.contains(&format!("fn {name}("))),
                "docs/safety.md names `{name}`, which is not a test in {files:?}"
            );
            named += 1;
        }
    }
    assert!(named >= 20, "only {named} tests named");
}

#[test]
fn readme_installs_with_the_lock_file_and_says_how_long_a_first_build_takes() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("`cargo install --locked --path .`"), "installs what the tests ran with");
    assert!(!readme.contains("`cargo install --path .`"));
    assert!(readme.contains("the release build") && readme.contains("building the tests"), "first-build times");
}
