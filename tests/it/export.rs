//! CSV exports (`status --format csv`): RFC 4180 that Python's csv module reads back,
//! and that a real spreadsheet (LibreOffice, headless) opens without running any
//! cell as a formula.

use crate::common;
use crate::support;

use std::path::Path;
use std::process::Command;

use common::{cmd, have_tool};
use support::status_json;

/// Names a spreadsheet would run as formulas, one agreement per pair.
const HOSTILE: &[(&str, &str)] =
    &[(r#"=HYPERLINK("http://x","y")"#, "+1+2"), ("-3+4", "@SUM(1,2)"), ("\t=1+1", "\r=2+2")];

/// A folder named like a formula, holding one agreement per pair of [`HOSTILE`] names.
fn hostile_agreements(dir: &Path) -> std::path::PathBuf {
    let folder = dir.join("=cmd");
    std::fs::create_dir(&folder).unwrap();
    let base = std::fs::read_to_string(common::fixture("lifecycle/commented.toml")).unwrap();
    for (i, (mentor, mentee)) in HOSTILE.iter().enumerate() {
        let toml_str = |s: &str| toml::Value::String(s.to_string()).to_string();
        let text =
            base.replacen("\"Ada Lovelace\"", &toml_str(mentor), 1).replacen("\"Grace Hopper\"", &toml_str(mentee), 1);
        std::fs::write(folder.join(format!("pair-{i}.toml")), text).unwrap();
    }
    folder
}

fn status_csv(dir: &Path, args: &[&str]) -> String {
    let out = cmd().current_dir(dir).args(["status", "--format", "csv"]).args(args).output().unwrap();
    assert!(out.status.success(), "status --format csv: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Python's csv module, reading `file`: the rows as JSON.
fn python_rows(file: &Path) -> Vec<Vec<String>> {
    const READER: &str = "import csv, json, sys\n\
        with open(sys.argv[1], newline='', encoding='utf-8') as f:\n    print(json.dumps(list(csv.reader(f, strict=True))))";
    let out = Command::new("python3").args(["-c", READER]).arg(file).output().unwrap();
    assert!(out.status.success(), "python csv: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[test]
fn status_csv_has_the_json_fields_and_python_reads_it_back() {
    if !have_tool("python3", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = hostile_agreements(dir.path());
    let text = status_csv(dir.path(), &["=cmd"]);
    assert!(text.ends_with("\r\n") && text.matches("\r\n").count() >= 4, "CRLF records: {text:?}");
    let file = dir.path().join("status.csv");
    std::fs::write(&file, &text).unwrap();
    let rows = python_rows(&file);

    let out = cmd().current_dir(dir.path()).args(["status", "--format", "json", "=cmd"]).output().unwrap();
    let json: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.len(), status_json(&[&folder]).len());
    let header = &rows[0];
    let fields: Vec<String> = json[0].as_object().unwrap().keys().cloned().collect();
    let mut sorted_header = header.clone();
    sorted_header.sort();
    assert_eq!(sorted_header, fields, "one column per JSON field");
    assert_eq!(rows.len(), json.len() + 1, "a header row, then one row per agreement");

    let mut names = Vec::new();
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len());
        for cell in row {
            assert!(!looks_like_formula(cell), "a cell a spreadsheet would run: {cell:?}");
        }
        let col = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
        // The text is all there, after the quote that keeps it text.
        let original = |cell: &str| cell.strip_prefix('\'').unwrap_or(cell).to_string();
        names.push((original(col("mentor")), original(col("mentee"))));
        assert!(col("file").starts_with("'=cmd"), "{}", col("file"));
        let same = json.iter().find(|j| j["file"].as_str() == Some(&original(col("file")))).expect("the JSON row");
        assert_eq!(col("state"), same["state"].as_str().unwrap());
        assert_eq!(col("start"), same["start"].as_str().unwrap());
        assert_eq!(col("effective"), "", "null is an empty cell");
        assert_eq!(col("missing"), "mentor mentee lead");
        assert_eq!(col("errors"), &same["errors"].to_string());
    }
    names.sort();
    let mut want: Vec<(String, String)> = HOSTILE.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    want.sort();
    assert_eq!(names, want);
}

/// Converts `csv` to an OpenDocument spreadsheet with LibreOffice and returns its content.xml.
fn libreoffice_content(dir: &Path, csv: &Path) -> String {
    let profile = dir.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "ods", "--outdir"])
        .arg(dir)
        .arg(csv)
        .output()
        .unwrap();
    let ods = dir.join(csv.with_extension("ods").file_name().unwrap());
    assert!(
        ods.exists(),
        "soffice --convert-to ods: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    const UNZIP: &str = "import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).read('content.xml').decode())";
    let out = Command::new("python3").args(["-c", UNZIP]).arg(&ods).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn libreoffice_opens_every_cell_as_text() {
    if !have_tool("soffice", "--version") || !have_tool("python3", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    hostile_agreements(dir.path());
    let exported = dir.path().join("status.csv");
    std::fs::write(&exported, status_csv(dir.path(), &["=cmd"])).unwrap();
    // The same kind of cell written plainly: LibreOffice does run it, so the check below can fail.
    let plain = dir.path().join("plain.csv");
    std::fs::write(&plain, "mentor\r\n\"=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"\r\n").unwrap();
    assert!(libreoffice_content(dir.path(), &plain).contains("table:formula="), "control: a plain formula is run");

    let content = libreoffice_content(dir.path(), &exported);
    assert!(!content.contains("table:formula="), "no cell of the export became a formula:\n{content}");
    assert!(content.contains("&apos;=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)"), "the name is there as text");
    assert!(content.contains("&apos;@SUM(1,2)"), "{content}");
}
