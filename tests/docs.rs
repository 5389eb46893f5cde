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
