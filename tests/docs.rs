//! Documentation that is generated from the code must not drift from it.

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

#[test]
fn readme_code_table_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start = readme.find("<!-- codes:start").expect("codes:start marker");
    let start = start + readme[start..].find("-->\n").unwrap() + 4;
    let end = readme.find("<!-- codes:end -->").expect("codes:end marker");
    let table = code_table();
    if readme[start..end] != table {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            fs::write(&path, format!("{}{}{}", &readme[..start], table, &readme[end..])).unwrap();
        } else {
            panic!("README's code table is out of date: run `UPDATE_DOCS=1 cargo test --test docs`");
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
